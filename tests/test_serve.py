"""kg.web (kg serve): Linked Data with content negotiation, a read-only SPARQL endpoint (driven by
SPARQLWrapper against a live server on a free loopback port), the query and case APIs, and
what is refused: updates, SERVICE, slow queries, large requests."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from kg.ask.queries import load_queries
from kg.media import negotiate
from kg.sparql.lexer import has_keyword
from kg.store import open_store
from kg.web.app import create_app
from kg.web.state import SparqlSettings

from .conftest import ROOT, Tab

#: /sparql as kg serve --sparql-without-isolation runs it: the same answers whether or not
#: this machine lets a worker be cut off the network (then only parsed queries run).
ANYWHERE = SparqlSettings(without_isolation=True)

SIB = "https://w3id.org/kg-sociaal/id/programme/samen-in-beweging"
WMO = "https://w3id.org/kg-sociaal/id/law/wmo-2015"
KAMPEN = "https://identifier.overheid.nl/tooi/id/gemeente/gm0166"


@pytest.fixture(scope="module")
def app(real_build):
    store = open_store(real_build.build_dir)
    yield create_app(store, load_queries(ROOT / "queries"), query_seconds=5, sparql=ANYWHERE)
    store.close()


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def live(app) -> Iterator[str]:
    """The app on a free loopback port, served by waitress in a thread."""
    from waitress.server import create_server

    http = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=http.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http.effective_port}"  # type: ignore[union-attr]
    http.close()


# (what, path, the IRI it describes)
RESOURCES = [
    ("a programme, by its own path", "/id/programme/samen-in-beweging", SIB),
    ("a law, by its own path", "/id/law/wmo-2015", WMO),
    ("a municipality's TOOI IRI", f"/resource?iri={KAMPEN}", KAMPEN),
]
RDF = [
    ("text/turtle", "turtle", ox.RdfFormat.TURTLE),
    ("application/ld+json", "json-ld", ox.RdfFormat.JSON_LD),
    ("application/n-triples", "nt", ox.RdfFormat.N_TRIPLES),
]


@pytest.mark.parametrize(("what", "path", "iri"), RESOURCES, ids=[r[0] for r in RESOURCES])
@pytest.mark.parametrize(("media", "_", "fmt"), RDF, ids=[r[0] for r in RDF])
def test_a_resource_answers_machines_in_the_format_they_accept(
    client, what, path, iri, media, _, fmt
):
    answer = client.get(path, headers={"Accept": media})
    assert answer.status_code == 200 and answer.mimetype == media
    assert answer.headers["Vary"] == "Accept"
    triples = list(ox.parse(answer.data, format=fmt))
    assert triples and all(iri in (t.subject.value, t.object.value) for t in triples)
    assert any(t.subject.value == iri for t in triples)


@pytest.mark.parametrize(("what", "path", "iri"), RESOURCES, ids=[r[0] for r in RESOURCES])
def test_a_resource_answers_browsers_with_a_page_and_format_overrides(client, what, path, iri):
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    page = client.get(path, headers={"Accept": browser})
    assert page.status_code == 200 and page.mimetype == "text/html"
    joiner = "&" if "?" in path else "?"
    forced = client.get(f"{path}{joiner}format=nt", headers={"Accept": browser})
    assert forced.mimetype == "application/n-triples"


def test_the_same_description_in_every_format(client) -> None:
    graphs = []
    for media, rdflib_format, _ in RDF:
        data = client.get("/id/programme/samen-in-beweging", headers={"Accept": media}).data
        graphs.append(rdflib.Graph().parse(data=data, format=rdflib_format))
    assert len(graphs[0]) > 10
    assert all(isomorphic(graphs[0], g) for g in graphs[1:])


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/id/programme/bestaat-niet", 404),
        ("/resource?iri=https://example.org/nothing", 404),
        ("/resource?iri=not an iri", 400),
        ("/resource", 400),
        ("/id/programme/samen-in-beweging?format=xml", 400),
        ("/queries/bestaat-niet", 404),
        ("/queries/programmes-in-municipality?municipality=Nergens", 400),
        ("/case", 400),
        ("/id/a%3Eb", 404),
        ("/id/a%20b", 404),
        ("/id/x%00", 404),
        ("/resource?iri=x:%00", 400),
        ("/network?what=everything", 400),
        ("/network?iri=https://example.org/nothing", 404),
        ("/network?municipality=Nergens", 400),
        ("/ask/bestaat-niet", 404),
    ],
)
def test_bad_requests_are_one_line_without_a_traceback(client, path, status) -> None:
    answer = client.get(path)
    assert answer.status_code == status
    text = answer.get_data(as_text=True)
    assert len(text.strip().splitlines()) == 1 and "Traceback" not in text


def test_the_sparql_endpoint_answers_a_real_client(live) -> None:
    from SPARQLWrapper import CSV, JSON, TURTLE, XML, SPARQLWrapper

    endpoint = SPARQLWrapper(f"{live}/sparql")
    endpoint.setMethod("POST")
    endpoint.setOnlyConneg(True)
    endpoint.setQuery(
        f"SELECT ?label WHERE {{ <{SIB}> <http://www.w3.org/2004/02/skos/core#prefLabel> ?label }}"
    )
    endpoint.setReturnFormat(JSON)
    rows = endpoint.query().convert()["results"]["bindings"]
    assert {(r["label"]["value"], r["label"]["xml:lang"]) for r in rows} == {
        ("Samen in Beweging", "nl"),
        ("Moving Together", "en"),
    }
    endpoint.setReturnFormat(XML)
    assert "Samen in Beweging" in endpoint.query().convert().toxml()
    endpoint.setReturnFormat(CSV)
    assert b"Samen in Beweging" in endpoint.query().convert()
    endpoint.setQuery(f"CONSTRUCT {{ <{SIB}> ?p ?o }} WHERE {{ <{SIB}> ?p ?o }}")
    endpoint.setReturnFormat(TURTLE)
    graph = rdflib.Graph().parse(data=endpoint.query().convert(), format="turtle")
    assert (rdflib.URIRef(SIB), None, None) in graph


def test_the_sparql_endpoint_refuses_updates(live) -> None:
    from SPARQLWrapper import POST, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    endpoint = SPARQLWrapper(f"{live}/sparql", updateEndpoint=f"{live}/sparql")
    endpoint.setMethod(POST)
    endpoint.setQuery("DROP ALL")
    with pytest.raises((SPARQLWrapperException, OSError)) as refused:
        endpoint.query()
    assert "403" in str(refused.value)
    endpoint.setQuery("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    endpoint.setReturnFormat("json")
    count = int(endpoint.query().convert()["results"]["bindings"][0]["n"]["value"])
    assert count > 9000  # and the server answers on (the store is read-only: nothing to drop)


@pytest.mark.parametrize(
    ("request_kwargs", "status", "words"),
    [
        ({"method": "POST", "data": {"update": "DROP ALL"}}, 403, "read-only"),
        (
            {"method": "POST", "data": "DROP ALL", "content_type": "application/sparql-update"},
            403,
            "read-only",
        ),
        ({"method": "GET", "query_string": {"update": "DROP ALL"}}, 403, "read-only"),
        (
            {
                "method": "GET",
                "query_string": {
                    "query": "SELECT * { SERVICE <http://example.org/s> { ?s ?p ?o } }"
                },
            },
            403,
            "SERVICE",
        ),
        ({"method": "GET", "query_string": {"query": "SELEKT *"}}, 400, "not a SPARQL query"),
        ({"method": "POST", "data": {"query": ""}}, 400, "query="),
        ({"method": "POST", "data": {"query": "#" * 2_000_000}}, 413, "larger than"),
        ({"method": "PUT", "data": "x"}, 405, "read-only"),
    ],
    ids=[
        "update form",
        "update body",
        "update GET",
        "SERVICE",
        "syntax",
        "no query",
        "too large",
        "PUT",
    ],
)
def test_the_sparql_endpoint_refuses_what_it_must(client, request_kwargs, status, words) -> None:
    answer = client.open("/sparql", **request_kwargs)
    assert answer.status_code == status
    assert words in answer.get_data(as_text=True)


def test_a_slow_query_is_stopped(real_build) -> None:
    store = open_store(real_build.build_dir)
    slow = create_app(store, {}, query_seconds=0.5, sparql=ANYWHERE).test_client()
    cartesian = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    answer = slow.get("/sparql", query_string={"query": cartesian})
    assert answer.status_code == 503 and "stopped" in answer.get_data(as_text=True)
    store.close()


def test_canned_queries_and_the_case_finder_as_an_api(client) -> None:
    listed = client.get("/queries").get_json()
    assert {"name", "title", "parameters"} <= set(listed[0])
    rows = client.get("/queries/programmes-in-municipality?municipality=Kampen").get_json()
    assert any(r["programme"]["iri"] == SIB for r in rows)
    csv = client.get("/queries/programmes-in-municipality?municipality=Kampen&format=csv")
    assert csv.mimetype == "text/csv" and "Samen in Beweging" in csv.get_data(as_text=True)
    case = client.get("/case?municipality=Kampen&target_group=ouderen").get_json()
    assert case["case"]["municipality"]["iri"] == KAMPEN


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("SELECT * { SERVICE <x:y> { ?s ?p ?o } }", True),
        ("select * { service <x:y> {} }", True),
        ('SELECT * { ?s ?p "SERVICE" }', False),
        ("SELECT * { ?s ex:SERVICE ?o }", False),
        ("# SERVICE\nSELECT * {}", False),
        ("SELECT * { <http://x/SERVICE> ?p ?o }", False),
        # A comment ends at a carriage return too; the keyword after it counts.
        ("SELECT * { # x\rSERVICE <x:y> { ?s ?p ?o } }", True),
        # Codepoint escapes apply to the whole text before parsing.
        ("SELECT * { \\u0053ERVICE <x:y> { ?s ?p ?o } }", True),
        ("SELECT * { \\U00000053ERVICE <x:y> { ?s ?p ?o } }", True),
        ('SELECT * { ?s ?p "\\u0053ERVICE" }', False),
        # A string left open ends with its line; what follows is read again.
        ('SELECT * { ?s ?p "open\nSERVICE <x:y> {} }', True),
        ("SELECT * { ?s ?p 'open\rSERVICE <x:y> {} }", True),
        ('SELECT * { ?s ?p """long\nSERVICE""" }', False),
        # Hostile for a backtracking scanner (quadratic before): answered at once.
        ('"' + '\\"' * 200_000, False),
        ("'" + "\\'" * 200_000 + "\nSERVICE <x:y> {}", True),
    ],
    ids=lambda v: repr(v)[:40] if isinstance(v, str) else str(v),
)
def test_service_is_found_only_as_a_keyword(text, found) -> None:
    assert has_keyword(text, "SERVICE") is found


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        ("", "text/turtle"),
        ("text/html", "text/html"),
        ("application/ld+json;q=0.5, text/turtle;q=0.9", "text/turtle"),
        ("text/*", "text/html"),
        ("*/*", "text/html"),
        ("application/n-triples", "application/n-triples"),
        ("image/png", None),  # nothing offered is acceptable: 406
        ("text/turtle;q=0", None),  # q=0 excludes
        ("text/turtle;q=0, */*;q=0.1", "text/html"),
        ("text/turtle;q=0.5, application/ld+json;q=0.5", "text/turtle"),
        ("TEXT/TURTLE", "text/turtle"),
        ("text/html;q=0, */*", "text/turtle"),
    ],
)
def test_negotiation(accept, chosen) -> None:
    offers = ["text/html", "text/turtle", "application/n-triples", "application/ld+json"]
    assert negotiate(accept, offers, "text/turtle") == chosen


def test_a_hostile_label_is_escaped_on_the_page(tmp_path_factory, cpsv) -> None:
    import shutil

    from kg.build import build
    from kg.paths import Paths

    from .conftest import TINY

    root = tmp_path_factory.mktemp("hostile")
    shutil.copytree(ROOT / "ontology", root / "ontology")
    (root / "data").mkdir()
    hostile = "<script>window.pwned=1</script>\"'&"
    text = TINY.read_text("utf-8").replace(
        'skos:prefLabel "Testprogramma"@nl', f"skos:prefLabel {json.dumps(hostile)}@nl", 1
    )
    (root / "data" / "tiny.trig").write_text(text, "utf-8")
    paths = Paths.from_root(root, cpsv_shapes=cpsv)
    build(paths)
    with open_store(paths.build_dir) as store:
        client = create_app(store, {}).test_client()
        page = client.get("/id/programme/tiny-programma", headers={"Accept": "text/html"})
        found = client.get("/search?q=pwned")  # the search page lists it by that name
        suggested = client.get("/suggest?q=pwned").get_json()
    for html in (page.get_data(as_text=True), found.get_data(as_text=True)):
        assert "<script>window.pwned" not in html
        assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in html
    assert suggested[0]["label"] == hostile  # JSON, put on the page with textContent


def test_a_query_worker_has_no_network(real_build) -> None:
    """Defence in depth behind the parser's SERVICE check: the worker that runs a query has a
    network namespace of its own, so even a SERVICE that got through would reach nothing."""
    import socket
    import subprocess
    import sys

    from kg.store.sandbox import Ask, Limits, Refused, run_limited

    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.setblocking(False)
        port = listener.getsockname()[1]
        sparql = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
        with pytest.raises(Refused) as refused:
            run_limited(real_build.build_dir / "store", Ask(sparql), Limits(seconds=20))
        assert refused.value.status == 403
        probe = (
            "import kg.store.sandbox as s, socket, sys\n"
            "if not s._without_network(): sys.exit(3)\n"
            f"socket.create_connection(('127.0.0.1', {port}), 2)\n"
        )
        ran = subprocess.run(
            [sys.executable, "-c", probe], env={"PYTHONPATH": str(ROOT)}, capture_output=True
        )
        if ran.returncode == 3:
            pytest.skip("this system allows no network namespace for a process")
        assert ran.returncode == 1 and b"Error" in ran.stderr, ran.stderr
        with pytest.raises(BlockingIOError):
            listener.accept()  # nobody knocked


def test_names_resolve_in_the_servers_threads(real_build) -> None:
    """A parameter given by name is looked up in the name index from waitress's threads,
    whichever thread opened the index first."""
    import urllib.request
    from urllib.parse import quote

    from waitress.server import create_server

    with open_store(real_build.build_dir) as store:
        assert store.name_index is not None and store.name_index.lookup("kampen")  # this thread
        http = create_server(create_app(store, load_queries(ROOT / "queries")), port=0)
        threading.Thread(target=http.run, daemon=True).start()
        try:
            base = f"http://127.0.0.1:{http.effective_port}"  # type: ignore[union-attr]
            url = f"{base}/queries/describe-resource?resource={quote('Welzijn op Recept')}"
            with urllib.request.urlopen(url, timeout=60) as answer:
                rows = json.loads(answer.read())
        finally:
            http.close()
    assert any(r["subject"]["label"] == "Welzijn op Recept" for r in rows)


@pytest.mark.parametrize(
    ("host", "status"),
    [
        ("127.0.0.1:8000", 200),
        ("localhost:8000", 200),
        ("[::1]:8000", 200),
        ("localhost", 200),
        ("evil.example", 403),
        ("evil.example:8000", 403),
        ("127.0.0.1.evil.example", 403),
    ],
)
def test_a_loopback_server_answers_only_to_loopback_names(real_build, host, status) -> None:
    """A web page elsewhere cannot reach a loopback server through a name of its own that
    points at 127.0.0.1 (DNS rebinding)."""
    from kg.web.common import host_names

    with open_store(real_build.build_dir) as store:
        app = create_app(store, {}, hosts=host_names("127.0.0.1"))
        answer = app.test_client().get("/id/law/wmo-2015?format=ttl", headers={"Host": host})
    assert answer.status_code == status


def test_a_failing_sparql_server_is_a_bad_gateway() -> None:
    from kg.store.remote import RemoteStore

    remote = RemoteStore("http://127.0.0.1:9/query", timeout=2)  # nothing listens there
    answer = create_app(remote, {}).test_client().get("/id/law/wmo-2015?format=ttl")
    assert answer.status_code == 502
    text = answer.get_data(as_text=True)
    assert text.count("\n") == 1 and "127.0.0.1:9" in text


# --- the command -------------------------------------------------------------------------------


def _serve(real_build, *options: str):
    import subprocess
    import sys

    return subprocess.Popen(
        [sys.executable, "-m", "kg", "--root", str(ROOT), "serve", *options],
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**__import__("os").environ, "PYTHONPATH": str(ROOT)},
    )


def test_kg_serve_listens_on_loopback_and_stops_on_ctrl_c(real_build) -> None:
    import signal
    import urllib.request

    process = _serve(real_build, "--build-dir", str(real_build.build_dir), "--port", "0")
    try:
        assert process.stderr is not None
        note = process.stderr.readline()  # how /sparql runs here, then the address
        assert note.startswith(("/sparql: ", "WARNING: /sparql")), note
        line = process.stderr.readline()
        assert line.startswith("Serving http://127.0.0.1:"), line
        base = line.split()[1].rstrip("/")
        with urllib.request.urlopen(base + "/id/law/wmo-2015?format=ttl", timeout=30) as answer:
            assert answer.headers.get_content_type() == "text/turtle"
            assert b"Wmo 2015" in answer.read()
        with urllib.request.urlopen(base + "/", timeout=30) as answer:
            assert "Vaste vragen" in answer.read().decode("utf-8")
        process.send_signal(signal.SIGINT)
        _, rest = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 0 and rest.strip() == "Stopped."


def test_kg_serve_says_in_one_line_when_the_port_is_taken(real_build) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        process = _serve(real_build, "--build-dir", str(real_build.build_dir), "--port", port)
        _, err = process.communicate(timeout=60)
    assert process.returncode == 2
    assert err.count("\n") == 1 and f"--port: cannot listen on 127.0.0.1:{port}" in err


# --- over a SPARQL server (kg serve --endpoint) -----------------------------------------------


@pytest.fixture(scope="module")
def remote_client(real_build, tmp_path_factory):
    """The app over a real Oxigraph server holding the pushed build."""
    from kg.publish.push import push
    from kg.store.remote import RemoteStore

    from .test_push import Oxigraph

    server = Oxigraph(tmp_path_factory.mktemp("serve-oxigraph"))
    try:
        with open_store(real_build.build_dir) as local:
            remote = RemoteStore(server.endpoint, timeout=30)
            push(local, remote)
        yield create_app(remote, load_queries(ROOT / "queries"), query_seconds=5).test_client()
    finally:
        server.stop()


def test_over_a_server_resources_and_apis_answer_as_over_the_build(client, remote_client):
    for path in ("/id/programme/samen-in-beweging", f"/resource?iri={KAMPEN}"):
        here = client.get(path, headers={"Accept": "text/turtle"}).get_data()
        there = remote_client.get(path, headers={"Accept": "text/turtle"}).get_data()
        assert isomorphic(
            rdflib.Graph().parse(data=here, format="turtle"),
            rdflib.Graph().parse(data=there, format="turtle"),
        )
        page = remote_client.get(path, headers={"Accept": "text/html"}).get_data(as_text=True)
        assert "/id/source/" in page  # statements name their sources
    api = "/queries/programmes-in-municipality?municipality=Kampen&format=json"
    assert remote_client.get(api).get_json() == client.get(api).get_json()
    case = "/case?municipality=Kampen&target_group=ouderen"
    assert remote_client.get(case).get_json() == client.get(case).get_json()


def test_over_a_server_sparql_is_forwarded_read_only(remote_client):
    query = f"SELECT ?p ?o WHERE {{ <{SIB}> ?p ?o }}"
    answer = remote_client.get(
        "/sparql", query_string={"query": query}, headers={"Accept": "text/csv"}
    )
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    assert "Samen in Beweging" in answer.get_data(as_text=True)
    refused = remote_client.post("/sparql", data={"update": "CLEAR ALL"})
    assert refused.status_code == 403
    sneaked = remote_client.post("/sparql", data={"query": "CLEAR ALL"})
    assert sneaked.status_code == 403 and "read-only" in sneaked.get_data(as_text=True)
    broken = remote_client.post("/sparql", data={"query": "SELEKT * WHERE {}"})
    assert broken.status_code == 400


def test_over_a_server_service_is_refused_before_forwarding(remote_client) -> None:
    """The same parser decides before a query goes on to the server: none of the ways SERVICE
    was once hidden reaches it (the server would run it, with its own network)."""
    from .test_serve_limits import BYPASSES

    for query in BYPASSES:
        answer = remote_client.post("/sparql", data={"query": query})
        assert answer.status_code in (400, 403), query
    assert (
        remote_client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"}).status_code == 200
    )


# --- in a real browser -------------------------------------------------------------------------


class Session(Tab):
    """A browser tab on the live server. Requests to anything but the server's loopback
    address are refused and recorded; so are console errors and uncaught exceptions."""

    def __init__(self, browser, base: str) -> None:
        from urllib.parse import urlsplit

        self.base = base
        server = urlsplit(base).netloc
        super().__init__(browser, lambda url: urlsplit(url).netloc == server, 1366, 850)

    def open(self, path: str) -> None:
        self.page.goto(self.base + path)

    def network_ready(self, frame) -> int:
        """Wait until the network page in ``frame`` has drawn; its number of nodes."""
        frame.wait_for_function("window.kgReady === true", timeout=30_000)
        return frame.evaluate("kgNetwork.body.data.nodes.length")

    def unlabelled_fields(self) -> list[str]:
        """Form fields without a label a screen reader can announce."""
        return self.page.evaluate(
            """() => [...document.querySelectorAll('input:not([type=hidden]), select')]
                 .filter(f => !f.labels.length && !f.getAttribute('aria-label'))
                 .map(f => f.outerHTML)"""
        )


@pytest.fixture
def tab(browser, live) -> Iterator[Session]:
    session = Session(browser, live)
    yield session
    assert session.errors == [], "console errors"
    assert session.failed == [], "failed requests"
    assert session.refused == [], "requests that left loopback"
    assert session.dialogs == [], "dialogs"
    session.context.close()


def test_search_kampen_and_open_its_page(tab) -> None:
    """Type in the search box, take the suggestion with the keyboard, land on the page."""
    tab.open("/")
    assert tab.unlabelled_fields() == []
    tab.page.locator("#q").press_sequentially("Kampen", delay=30)
    suggestion = tab.page.locator("#suggestions li", has_text="Kampen").first
    suggestion.wait_for()
    assert tab.page.locator("#q").get_attribute("aria-expanded") == "true"
    tab.page.locator("#q").press("ArrowDown")
    tab.page.locator("#q").press("Enter")
    tab.page.wait_for_url("**/resource?iri=*gm0166*")
    assert "Kampen" in tab.page.locator("h1").inner_text()
    assert tab.page.locator("html").get_attribute("lang") == "nl"
    rows = tab.page.locator("table tbody tr")
    assert rows.count() >= 5  # its names, its province, its GGD region, what runs there
    # Every statement from a source names it; the links lead to other resource pages.
    sourced = tab.page.locator("table tbody tr td:nth-child(4) a")
    assert sourced.count() > 0
    assert all(
        h.startswith(("/id/", "/resource?"))
        for h in sourced.evaluate_all("l => l.map(a => a.getAttribute('href'))")
    )
    # The embedded picture of its neighbourhood draws.
    frame = tab.page.frame_locator("iframe.network").locator("body")
    frame.wait_for()
    inner = next(f for f in tab.page.frames if "/network?" in f.url)
    assert tab.network_ready(inner) >= 3
    drawn = inner.evaluate("kgNetwork.body.data.nodes.get().map(n => n.iri)")
    assert KAMPEN in drawn and SIB in drawn  # with the programme that runs there


def test_search_page_lists_matches(tab) -> None:
    tab.open("/search?q=kampen")
    hits = tab.page.locator("ul.hits a")
    assert any("Kampen" in t for t in hits.all_inner_texts())


def test_run_a_canned_query_from_its_form(tab) -> None:
    tab.open("/")
    tab.page.get_by_role("link", name="Programma's en interventies in een gemeente").click()
    field = tab.page.get_by_label("de gemeente")
    assert field.get_attribute("list")  # a picker of every municipality
    field.fill("Kampen")
    tab.page.get_by_role("button", name="Vraag stellen").click()
    tab.page.wait_for_url("**run=1**")
    result = tab.page.locator("section table tbody tr")
    assert result.count() > 0
    texts = " ".join(result.all_inner_texts())
    assert "Samen in Beweging" in texts
    # Results link to resource pages; the downloads answer with CSV and JSON.
    link = tab.page.locator("section table a", has_text="Samen in Beweging").first
    assert link.get_attribute("href").startswith("/id/programme/samen-in-beweging")
    csv_href = tab.page.get_by_role("link", name="CSV").get_attribute("href")
    answer = tab.page.request.get(tab.base + csv_href)
    assert answer.ok and answer.headers["content-type"].startswith("text/csv")
    assert "Samen in Beweging" in answer.text()
    json_href = tab.page.get_by_role("link", name="JSON").get_attribute("href")
    rows = tab.page.request.get(tab.base + json_href).json()
    assert any(r["programme"]["label"] == "Samen in Beweging" for r in rows)
    # The SPARQL is there on request.
    tab.page.get_by_text("De SPARQL van deze vraag").click()
    assert "SELECT" in tab.page.locator("details pre").inner_text()


def test_run_a_case_and_see_it_as_a_network(tab) -> None:
    tab.open("/?lang=en")
    assert tab.page.locator("html").get_attribute("lang") == "en"
    tab.page.get_by_label("Municipality").fill("Kampen")
    tab.page.get_by_label("Target group").select_option(label="older residents")
    tab.page.get_by_role("button", name="Find what fits").click()
    tab.page.wait_for_url("**/ask-case?**")
    programmes = tab.page.locator("section", has=tab.page.locator("h2", has_text="Programmes"))
    assert (
        "Moving Together" in programmes.inner_text()
        or "Samen in Beweging" in programmes.inner_text()
    )
    assert programmes.locator("li ul li").count() > 0  # reasons
    tab.page.get_by_role("link", name="This answer as a network").click()
    tab.page.wait_for_url("**/network?**")
    assert tab.network_ready(tab.page.main_frame) > 3


def test_a_page_says_what_went_wrong_in_the_visitors_words(client) -> None:
    """A misspelt municipality on a form: the page says so, names the closest match and
    leaves out the command-line option the library's message starts with."""
    for path in (
        "/ask-case?municipality=Kampn",
        "/ask/programmes-in-municipality?run=1&municipality=Kampn",
    ):
        html = client.get(path).get_data(as_text=True)
        assert 'role="alert"><strong>Dat lukte niet:</strong> no municipality named' in html
        assert "Gemeente Kampen" in html and "--municipality" not in html


def test_an_answer_viewed_then_downloaded_is_computed_once(real_build, monkeypatch) -> None:
    import kg.ask.case
    import kg.ask.queries

    calls: list[str] = []
    run_query, find = kg.ask.queries.run_query, kg.ask.case.find

    def counted_query(*args, **kwargs):
        calls.append("query")
        return run_query(*args, **kwargs)

    def counted_case(*args, **kwargs):
        calls.append("case")
        return find(*args, **kwargs)

    monkeypatch.setattr(kg.ask.queries, "run_query", counted_query)
    monkeypatch.setattr(kg.ask.case, "find", counted_case)
    with open_store(real_build.build_dir) as store:
        client = create_app(store, load_queries(ROOT / "queries")).test_client()
        page = client.get("/ask/programmes-in-municipality?municipality=Kampen&run=1&lang=nl")
        download = client.get("/queries/programmes-in-municipality?municipality=Kampen&format=csv")
        other = client.get("/queries/programmes-in-municipality?municipality=Zwolle&format=csv")
        case_page = client.get("/ask-case?municipality=Kampen&target_group=ouderen")
        case_network = client.get("/network?municipality=Kampen&target_group=ouderen")
        case_json = client.get("/case?municipality=Kampen&target_group=ouderen")
    assert all(r.status_code == 200 for r in (page, download, other, case_page, case_network))
    assert "Samen in Beweging" in download.get_data(as_text=True)
    assert case_json.get_json()["case"]["municipality"]["iri"] == KAMPEN
    assert calls == ["query", "query", "case"]  # Kampen once, Zwolle once, the case once


@pytest.mark.parametrize(
    ("fmt", "media"),
    [
        ("json", "application/sparql-results+json"),
        ("xml", "application/sparql-results+xml"),
        ("csv", "text/csv"),
        ("tsv", "text/tab-separated-values"),
    ],
)
def test_sparql_results_by_format_parameter(client, fmt, media) -> None:
    query = f"SELECT ?o WHERE {{ <{SIB}> <http://www.w3.org/2004/02/skos/core#prefLabel> ?o }}"
    answer = client.get("/sparql", query_string={"query": query, "format": fmt})
    assert answer.status_code == 200 and answer.mimetype == media
    assert "Samen in Beweging" in answer.get_data(as_text=True)


def test_api_errors_speak_of_parameters_not_command_line_options(client) -> None:
    assert client.get("/sparql?query=ASK{}&format=html").status_code == 400
    unknown = client.get("/case?municipality=Nergens").get_data(as_text=True)
    assert unknown.startswith("no municipality named 'Nergens'") and "--" not in unknown
    missing = client.get("/queries/programmes-in-municipality").get_data(as_text=True)
    assert "needs parameter 'municipality'" in missing and "-p municipality" not in missing


def test_a_query_form_offers_grlc_enumerated_values(app) -> None:
    """A parameter with grlc's enumerate gets its values as the form's pick list."""
    from kg.ask.queries import load_query

    query = load_query(ROOT / "tests" / "data" / "grlc" / "literals.sparql")
    store = app.extensions["kg"].store
    client = create_app(store, {"literals": query}, sparql=ANYWHERE).test_client()
    page = client.get("/ask/literals").get_data(as_text=True)
    for value in ("1", "2.5", "10"):
        assert f'<option value="{value}">' in page
