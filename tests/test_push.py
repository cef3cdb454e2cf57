"""kg push and every reading command against a real Oxigraph server (the `oxigraph` PyPI
package, `oxigraph serve` on a loopback port), compared with the local build."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.ask.case import find
from kg.ask.queries import load_queries, run_query
from kg.cli import cli
from kg.errors import KgError
from kg.network import view
from kg.network.render import render_html
from kg.publish.push import STAGING, push, stale_graphs, update_text
from kg.store import LocalStore, open_store
from kg.store.remote import RemoteStore

from .conftest import ROOT

CASES = [
    ("Kampen", ("ouderen",), ("bewegen",)),
    ("Zwolle", (), ()),
    ("Gouda", ("kwetsbare inwoners",), ()),
]


class Oxigraph:
    """`oxigraph serve` on a free loopback port over a folder; can be killed and restarted."""

    def __init__(self, location: Path) -> None:
        binary = shutil.which("oxigraph")
        if binary is None:
            pytest.fail("the oxigraph server is missing: pip install -e '.[test]'")
        self.binary = binary
        self.location = location
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.process: subprocess.Popen[bytes] | None = None
        self.start()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}/query"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.binary,
                "serve",
                "--location",
                str(self.location),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--union-default-graph",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.endpoint}?query=ASK%7B%7D", timeout=1).read()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("oxigraph serve did not start")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait()


SERVERS = [
    "oxigraph",
    "oxigraph-staged",  # staging graphs uploaded through the Graph Store Protocol
    "oxigraph-staged-updates",  # ... or, with no graph store, through SPARQL updates
    pytest.param("virtuoso", marks=pytest.mark.virtuoso),
]


@pytest.fixture(scope="module", params=SERVERS)
def pushed(request, real_build, tmp_path_factory) -> Iterator[tuple[LocalStore, RemoteStore]]:
    """The real build pushed to Oxigraph (in one request, or staged) or, when
    KG_VIRTUOSO_ENDPOINT names one, to Virtuoso (staged through its graph store, kg's default
    graph in the named graph KG_VIRTUOSO_DEFAULT_GRAPH)."""
    local = open_store(real_build.build_dir)
    if request.param == "virtuoso":
        endpoint = os.environ.get("KG_VIRTUOSO_ENDPOINT")
        if not endpoint:
            pytest.skip("set KG_VIRTUOSO_ENDPOINT to run against Virtuoso (see README)")
        remote = RemoteStore(
            endpoint,
            timeout=300,
            default_graph=os.environ.get(
                "KG_VIRTUOSO_DEFAULT_GRAPH", "https://w3id.org/kg-sociaal/id/graph/kg"
            ),
            graph_store=endpoint.rstrip("/") + "-graph-crud",
        )
        push(local, remote, replace=True, staged=True)
        yield local, remote
        return
    server = Oxigraph(tmp_path_factory.mktemp("oxigraph"))
    remote = RemoteStore(server.endpoint)
    assert remote.graph_store is not None  # .../store beside .../query
    if request.param == "oxigraph-staged-updates":
        remote.graph_store = None
    push(local, remote, staged=request.param != "oxigraph")
    yield local, remote
    server.stop()


def _rows(table) -> list[str]:
    return sorted(repr(row) for row in table.rows)


QUERIES = sorted(load_queries(ROOT / "queries").values(), key=lambda q: q.name)


@pytest.mark.parametrize("query", QUERIES, ids=[q.name for q in QUERIES])
def test_every_canned_query_answers_alike_remotely(pushed, query) -> None:
    local, remote = pushed
    values = {n: p.example for n, p in query.params.items() if p.example}
    here = run_query(local, query, values)
    there = run_query(remote, query, values)
    assert here.columns == there.columns
    assert _rows(there) == _rows(here)
    assert here.rows or not values  # the examples do find something


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_cases_answer_alike_remotely(pushed, case) -> None:
    local, remote = pushed
    assert find(remote, *case).as_dict() == find(local, *case).as_dict()


def test_pictures_and_analysis_alike_remotely(pushed) -> None:
    from kg.network.analysis import analyse

    local, remote = pushed
    assert render_html(view(remote, focus=["Kampen"])) == render_html(view(local, focus=["Kampen"]))
    assert analyse(view(remote), by="domain").rows == analyse(view(local), by="domain").rows


def test_push_is_idempotent_and_replace_removes_the_rest(real_build, tmp_path) -> None:
    server = Oxigraph(tmp_path / "db")
    try:
        remote = RemoteStore(server.endpoint)
        local = open_store(real_build.build_dir)
        count = len(list(local.quads()))

        def total() -> int:
            return int(remote.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0][0])

        push(local, remote)
        push(local, remote)
        assert total() == count
        other = "https://example.org/someone-elses-graph"
        remote.load(b'<https://example.org/a> <https://example.org/b> "1" .', "nt", graph=other)
        push(local, remote)  # other graphs stay
        assert total() == count + 1
        push(local, remote, replace=True)  # kg's graphs are exactly the build's; others stay
        assert total() == count + 1
        stale = "https://w3id.org/kg-sociaal/id/source/withdrawn"
        remote.load(b'<https://example.org/a> <https://example.org/b> "2" .', "nt", graph=stale)
        push(local, remote, staged=True)  # without --replace a withdrawn kg graph stays
        assert total() == count + 2
        push(local, remote, replace=True, staged=True)
        assert total() == count + 1
        assert stale_graphs(remote, STAGING) == []  # no staging graph left behind
    finally:
        server.stop()


def _big_store(graphs: int = 20, per_graph: int = 15000) -> LocalStore:
    store = LocalStore.in_memory()
    quads = [
        ox.Quad(
            ox.NamedNode(f"https://example.org/s/{g}/{i}"),
            ox.NamedNode("https://example.org/p"),
            ox.Literal(f"value {i}"),
            ox.NamedNode(f"https://w3id.org/kg-sociaal/id/source/big-{g}"),
        )
        for g in range(graphs)
        for i in range(per_graph)
    ]
    store.extend(quads)
    return store


@pytest.mark.slow
def test_a_server_killed_mid_push_keeps_the_old_graph(real_build, tmp_path) -> None:
    server = Oxigraph(tmp_path / "db")
    try:
        remote = RemoteStore(server.endpoint)
        old = open_store(real_build.build_dir)
        push(old, remote)
        before = remote.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows

        big = _big_store()
        text, _, quads = update_text(big)
        assert quads == 300_000 and len(text) > 20_000_000
        failure: list[BaseException] = []

        def send() -> None:
            try:
                push(big, RemoteStore(server.endpoint, timeout=60), replace=True)
            except KgError as exc:
                failure.append(exc)

        sender = threading.Thread(target=send)
        sender.start()
        time.sleep(1.0)  # the request is on its way (it takes several seconds)
        assert sender.is_alive(), "the push finished before the server could be killed"
        server.kill()
        sender.join(60)
        assert failure and "\n" not in str(failure[0])
        assert str(failure[0]).startswith(f"{server.endpoint.replace('/query', '/update')} ")

        server.start()
        after = RemoteStore(server.endpoint).select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        assert after.rows == before  # the old graph, whole
    finally:
        server.stop()


def test_cli_push_then_query_through_the_environment(runner, real_build, tmp_path) -> None:
    server = Oxigraph(tmp_path / "db")
    try:
        build = ["--build-dir", str(real_build.build_dir)]
        env = {"KG_ENDPOINT": server.endpoint}
        result = runner.invoke(cli, ["--root", str(ROOT), "push", *build], env=env)
        assert result.exit_code == 0, result.output
        line = (  # the line docs/sparql-servers.md promises
            rf"pushed to {re.escape(server.endpoint)}: \d+ statements in \d+ named graph\(s\) "
            r"and the default graph, in one transaction \(\d+\.\d s\)\."
        )
        assert re.search(line, result.output), result.output
        result = runner.invoke(
            cli,
            [
                "--root",
                str(ROOT),
                "query",
                "run",
                "programmes-in-municipality",
                "-p",
                "municipality",
                "Kampen",
                "-f",
                "csv",
            ],
            env=env,
        )
        assert result.exit_code == 0, result.output
        assert "Samen in Beweging" in result.output
    finally:
        server.stop()


def test_a_server_without_the_union_default_graph_is_explained(real_build, tmp_path) -> None:
    binary = shutil.which("oxigraph")
    assert binary is not None
    server = Oxigraph(tmp_path / "db")
    server.stop()
    process = subprocess.Popen(
        [binary, "serve", "--location", str(tmp_path / "db"), "--bind", f"127.0.0.1:{server.port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(1.0)
        remote = RemoteStore(server.endpoint)
        push(open_store(real_build.build_dir), remote)
        with pytest.raises(KgError, match="start it with --union-default-graph"):
            remote.check()
    finally:
        process.terminate()
        process.wait()


def test_a_staged_upload_that_fails_leaves_the_old_graphs_and_no_staging(
    runner, real_build, tmp_path
) -> None:
    server = Oxigraph(tmp_path / "db")
    try:
        remote = RemoteStore(server.endpoint)
        local = open_store(real_build.build_dir)
        push(local, remote)
        count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
        before = remote.select(count).rows
        # A graph store URL that answers 404: the first upload fails.
        broken = RemoteStore(server.endpoint, graph_store=server.endpoint + "-missing")
        with pytest.raises(KgError, match=r"-missing\?graph=.* \(HTTP 404\)|HTTP 404"):
            push(_big_store(graphs=2, per_graph=100), broken, replace=True, staged=True)
        assert remote.select(count).rows == before
        assert stale_graphs(remote, STAGING) == []

        build = ["--build-dir", str(real_build.build_dir)]
        store_url = server.endpoint.replace("/query", "/store")
        result = runner.invoke(
            cli,
            [
                "--root",
                str(ROOT),
                "push",
                "--staged",
                "--replace",
                "--graph-store",
                store_url,
                *build,
            ],
            env={"KG_ENDPOINT": server.endpoint},
        )
        assert result.exit_code == 0, result.output
        assert "staged, then switched in one request" in result.output
        assert remote.select(count).rows == before
    finally:
        server.stop()


def test_graph_store_without_staged_is_a_usage_error(runner, real_build) -> None:
    result = runner.invoke(
        cli,
        [
            *("--root", str(ROOT), "push", "--build-dir", str(real_build.build_dir)),
            *(
                "--endpoint",
                "http://127.0.0.1:9/query",
                "--graph-store",
                "http://127.0.0.1:9/store",
            ),
        ],
    )
    assert result.exit_code == 2
    assert "--graph-store is used only with --staged" in result.output
    assert "Traceback" not in result.output
