"""kg.store.remote against fake servers: parameter binding as data, and every fault as one line."""

from __future__ import annotations

import http.server
import threading
import time
import urllib.parse
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef

from kg.cli import cli
from kg.errors import UsageError
from kg.store import to_oxigraph, with_terms
from kg.store.remote import RemoteError, RemoteStore

from .conftest import ROOT

HOSTILE = Literal('x" } } ; DROP ALL ; SELECT * { ?s ?p "', lang="nl")


# --- URLs -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://example.org/sparql", "must be an http:// or https:// URL"),
        ("file:///etc/passwd", "must be an http:// or https:// URL"),
        ("http:///query", "must be an http:// or https:// URL"),  # no host
        ("http://bob:s3cret@example.org/query", "must not carry a user name or password"),
    ],
)
def test_endpoint_urls_are_checked(url, message) -> None:
    with pytest.raises(UsageError, match=message) as failed:
        RemoteStore(url)
    assert "s3cret" not in str(failed.value)


def test_update_and_store_urls_sit_beside_a_query_endpoint() -> None:
    store = RemoteStore("http://127.0.0.1:7878/query")
    assert store.update_endpoint == "http://127.0.0.1:7878/update"
    assert store.graph_store == "http://127.0.0.1:7878/store"
    virtuoso = RemoteStore("http://127.0.0.1:8890/sparql")
    assert virtuoso.update_endpoint == "http://127.0.0.1:8890/sparql"
    assert virtuoso.graph_store is None


# --- faults, from a fake server ----------------------------------------------------------


class Fake(http.server.BaseHTTPRequestHandler):
    """Answers every request as ``self.server.behaviour`` says."""

    def do_POST(self) -> None:  # the name http.server calls
        self.server.seen.append(  # type: ignore[attr-defined]
            (
                self.headers.get("Authorization"),
                self.rfile.read(int(self.headers["Content-Length"])),
            )
        )
        status, body, delay = self.server.behaviour  # type: ignore[attr-defined]
        time.sleep(delay)
        self.send_response(status)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def fake() -> Iterator[http.server.HTTPServer]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Fake)
    server.seen = []  # type: ignore[attr-defined]
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()


def _url(server) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}/query"


GOOD = b'{"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "uri", "value": "http://a"}}]}}'

FAULTS = [
    # (what the server does: status, body, delay), the message
    ((401, b"", 0), "refused the credentials (HTTP 401)"),
    ((403, b"forbidden", 0), "refused the request (HTTP 403)"),
    ((500, b"disk full\nmore", 0), "failed with a server error (HTTP 500): disk full"),
    ((503, b"maintenance", 0), "failed with a server error (HTTP 503): maintenance"),
    ((200, b"<html>not json</html>", 0), "not SPARQL JSON results"),
    ((200, b'{"rows": []}', 0), "JSON that is not SPARQL results"),
    (
        (200, b'{"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "?"}}]}}', 0),
        "malformed SPARQL results",
    ),
    ((200, GOOD, 3), "did not answer within 1 seconds"),
]


@pytest.mark.parametrize(("behaviour", "message"), FAULTS, ids=[m for _, m in FAULTS])
def test_each_fault_is_a_one_line_remote_error(fake, behaviour, message) -> None:
    fake.behaviour = behaviour
    store = RemoteStore(_url(fake), user="bob", password="s3cret", timeout=1)
    with pytest.raises(RemoteError) as failed:
        store.select("SELECT ?x WHERE { ?x ?p ?o }")
    text = str(failed.value)
    assert message in text and _url(fake) in text
    assert "\n" not in text and "s3cret" not in text


def test_an_unreachable_server_is_named(fake) -> None:
    url = _url(fake)
    fake.shutdown()
    fake.server_close()
    with pytest.raises(RemoteError, match=r"cannot be reached \(connection refused\)"):
        RemoteStore(url, timeout=2).select("SELECT * WHERE { ?s ?p ?o }")


def test_good_answers_and_credentials(fake) -> None:
    fake.behaviour = (200, GOOD, 0)
    store = RemoteStore(_url(fake), user="bob", password="s3cret")
    assert store.select("SELECT ?x WHERE { ?x ?p ?o }").rows == [(URIRef("http://a"),)]
    authorization, body = fake.seen[-1]
    assert authorization == "Basic Ym9iOnMzY3JldA=="  # bob:s3cret
    assert b"query=" in body  # sent by POST, not in the URL


def test_parameters_reach_the_server_as_terms(fake) -> None:
    """The remote store binds parameters as the local one does (kg.store.with_terms): a
    hostile value arrives as one escaped literal in the query, never as query text."""
    fake.behaviour = (200, GOOD, 0)
    RemoteStore(_url(fake)).select("SELECT ?x WHERE { ?x ?p ?label }", {"label": HOSTILE})
    _, body = fake.seen[-1]
    sent = urllib.parse.parse_qs(body.decode())["query"][0]
    assert sent == with_terms("SELECT ?x WHERE { ?x ?p ?label }", {"label": HOSTILE})
    one = ox.Store()
    one.add(ox.Quad(ox.NamedNode("http://a"), ox.NamedNode("http://p"), to_oxigraph(HOSTILE)))
    assert [row["x"] for row in one.query(sent)] == [ox.NamedNode("http://a")]


def test_update_faults_are_one_line_too(fake) -> None:
    fake.behaviour = (500, b"transaction aborted", 0)
    with pytest.raises(RemoteError, match="HTTP 500\\): transaction aborted"):
        RemoteStore(_url(fake)).update("INSERT DATA { <http://a> <http://b> <http://c> }")


@pytest.mark.parametrize(
    "command",
    [["query", "run", "timeline"], ["case", "-m", "Kampen"], ["network"], ["viz", "-o", "-"]],
)
def test_commands_report_server_faults_with_exit_2(runner, fake, command, monkeypatch) -> None:
    fake.behaviour = (403, b"no", 0)
    monkeypatch.setenv("KG_ENDPOINT_PASSWORD", "s3cret")
    monkeypatch.setenv("KG_ENDPOINT_USER", "bob")
    result = runner.invoke(cli, ["--root", str(ROOT), *command, "--endpoint", _url(fake)])
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"Error: {_url(fake)} refused the request (HTTP 403)")
    assert len(result.output.strip().splitlines()) == 1 and "s3cret" not in result.output


def test_push_needs_an_endpoint(runner, monkeypatch) -> None:
    monkeypatch.delenv("KG_ENDPOINT", raising=False)
    result = runner.invoke(cli, ["--root", str(ROOT), "push"])
    assert result.exit_code == 2
    assert result.output.strip() == "Error: kg push needs --endpoint (or KG_ENDPOINT)"


PUSH_HINTS = [
    # (server reply to the push, --staged, --default-graph, the hint expected or None)
    (
        (500, b"Error SQ199: Maximum size (32767) of a code vector exceeded", 0),
        False,
        None,
        "push with --staged",
    ),
    ((413, b"Request Entity Too Large", 0), False, None, "push with --staged"),
    (
        (400, b"CLEAR DEFAULT operator requires declaration of a plain default graph", 0),
        True,
        None,
        "with --default-graph IRI",
    ),
    ((403, b"no", 0), False, None, None),  # nothing to suggest: the credentials
    ((500, b"disk full", 0), True, "https://example.org/g", None),  # staged already
]


@pytest.mark.parametrize(("reply", "staged", "default_graph", "hint"), PUSH_HINTS)
def test_a_refused_push_suggests_the_option_that_helps(
    fake, tiny_store, reply, staged, default_graph, hint
) -> None:
    from kg.publish.push import push

    fake.behaviour = reply
    remote = RemoteStore(_url(fake), timeout=5, default_graph=default_graph)
    remote.graph_store = None
    with pytest.raises(RemoteError) as failed:
        push(tiny_store, remote, staged=staged)
    text = str(failed.value)
    assert "\n" not in text and text.startswith(_url(fake).removesuffix("query"))
    if hint is None:
        assert "--staged" not in text and "--default-graph" not in text
    else:
        assert text.endswith(hint)


@pytest.fixture
def tiny_store():
    import pyoxigraph as ox

    from kg.store import LocalStore

    store = LocalStore.in_memory()
    store.extend(
        [
            ox.Quad(
                ox.NamedNode("https://example.org/a"),
                ox.NamedNode("https://example.org/b"),
                ox.Literal("c"),
                ox.NamedNode("https://w3id.org/kg-sociaal/id/source/x"),
            )
        ]
    )
    return store
