"""kg serve's /sparql measured by the W3C's own SPARQL 1.1 test suites, read as they are from
``../shared/standards/w3c-sparql11/``: the Protocol tests (each an HTTP request and the
response class, format and boolean it must give), the Service Description tests and the
query syntax tests (positive ones answered, negative ones refused with 400).

The protocol's dataset tests run on a store holding the suite's own graphs
(``data1.nt``..``data3.nt`` under the names the manifest gives them). The ``update_*`` tests
concern an update endpoint: kg serve is read-only, so every request of theirs must be
refused with a 4xx instead.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from kg.store import LocalStore
from kg.web.app import create_app
from kg.web.state import SparqlSettings

from .conftest import SHARED, need_shared

SUITE = SHARED / "standards" / "w3c-sparql11"
MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = rdflib.Namespace("http://www.w3.org/2011/http#")
CNT = rdflib.Namespace("http://www.w3.org/2011/content#")
UT = rdflib.Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
QT = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-query#")
SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
STATUS = "http://www.w3.org/2011/http-statusCodes#StatusCode"
RESULT_TYPES = {
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
}
RDF_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}


def _manifest(folder: str) -> tuple[rdflib.Graph, list[rdflib.URIRef]]:
    path = SUITE / folder / "manifest.ttl"
    if not path.is_file():
        need_shared("the W3C SPARQL 1.1 test suites (../shared/standards/w3c-sparql11/)")
    graph = rdflib.Graph().parse(path)
    entries = next(graph.objects(None, MF.entries))
    return graph, list(rdflib.collection.Collection(graph, entries))


def _names(folder: str) -> list[str]:
    if not (SUITE / folder / "manifest.ttl").is_file():
        return ["(suite missing)"]
    _, entries = _manifest(folder)
    return [str(e).rsplit("#", 1)[1] for e in entries]


@pytest.fixture(scope="module")
def suite_client(tmp_path_factory):
    """kg serve over a store with the protocol suite's graphs, each under its manifest name."""
    _manifest("protocol")
    folder = tmp_path_factory.mktemp("w3c") / "store"
    store = ox.Store(str(folder))
    for number in (1, 2, 3):
        name = ox.NamedNode(f"http://kasei.us/2009/09/sparql/data/data{number}.rdf")
        data = (SUITE / "protocol" / f"data{number}.nt").read_bytes()
        store.load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=name)
    store.flush()
    del store
    local = LocalStore.open(folder)
    app = create_app(local, {}, sparql=SparqlSettings(without_isolation=True, workers=4))
    return app.test_client()


def _requests(graph: rdflib.Graph, test: rdflib.URIRef) -> list[rdflib.term.Node]:
    action = next(graph.objects(test, MF.action))
    listed = next(graph.objects(action, HT.requests))
    return list(rdflib.collection.Collection(graph, listed))


def _send(client, graph: rdflib.Graph, request: rdflib.term.Node):
    method = str(next(graph.objects(request, HT.methodName)))
    path = str(next(graph.objects(request, HT.absolutePath)))
    assert path.startswith("/sparql/")
    path = "/sparql" + path[len("/sparql/") :]
    headers = {}
    for listed in graph.objects(request, HT.headers):
        for header in rdflib.collection.Collection(graph, listed):
            name = str(next(graph.objects(header, HT.fieldName)))
            headers[name] = str(next(graph.objects(header, HT.fieldValue)))
    body = None
    for content in graph.objects(request, HT.body):
        body = str(next(graph.objects(content, CNT.chars)))
    content_type = headers.pop("content-type", None)
    data = body.encode("utf-8") if body is not None else None
    if content_type and "UTF-16" in content_type and body is not None:
        data = body.encode("utf-16")
    # the test client would add a form type of its own to a body without one: send it bare
    environ = {} if content_type else {"CONTENT_TYPE": ""}
    return client.open(
        path,
        method=method,
        data=data,
        headers=headers,
        content_type=content_type,
        environ_overrides=environ,
    )


def _boolean(answer) -> bool:
    media = answer.mimetype
    if media == "application/sparql-results+json":
        return bool(json.loads(answer.get_data(as_text=True))["boolean"])
    assert media == "application/sparql-results+xml", media
    text = answer.get_data(as_text=True)
    return "<boolean>true</boolean>" in text


def _check(answer, graph: rdflib.Graph, expected: rdflib.term.Node, test: str) -> None:
    statuses = {str(s)[len(STATUS) :] for s in graph.objects(expected, MF.expectedStatus)}
    klass = f"{answer.status_code // 100}xx"
    assert klass in statuses, f"{test}: {answer.status_code} {answer.get_data(as_text=True)}"
    assert answer.status_code < 500, test
    fmt = next(graph.objects(expected, MF.expectedFormat), None)
    if fmt is not None and str(fmt) == "boolean":
        assert answer.mimetype in RESULT_TYPES, test
        wanted = next(graph.objects(expected, MF.expectedBoolean), None)
        if wanted is not None:
            assert _boolean(answer) is bool(wanted.toPython()), test
    elif fmt is not None and str(fmt) == "tabular":
        assert answer.mimetype in RESULT_TYPES, test
    elif fmt is not None and str(fmt) == "RDF":
        assert answer.mimetype in RDF_TYPES, test
        rdflib.Graph().parse(data=answer.get_data(), format=RDF_TYPES[answer.mimetype])


@pytest.mark.parametrize("name", _names("protocol"))
def test_w3c_protocol(suite_client, name: str) -> None:
    graph, entries = _manifest("protocol")
    test = next(e for e in entries if str(e).endswith("#" + name))
    for number, request in enumerate(_requests(graph, test)):
        answer = _send(suite_client, graph, request)
        if name.startswith("update_"):
            # an update endpoint's test: kg serve refuses the update; the queries after it
            # would check the update's effect, and there is none
            if number == 0:
                assert 400 <= answer.status_code < 500, f"{name}: {answer.status_code}"
            continue
        _check(answer, graph, next(graph.objects(request, HT.resp)), name)


@pytest.mark.parametrize("name", _names("service-description"))
@pytest.mark.parametrize("accept", [None, *RDF_TYPES])
def test_w3c_service_description(suite_client, name: str, accept: str | None) -> None:
    _manifest("service-description")
    answer = suite_client.get("/sparql", headers={"Accept": accept} if accept else {})
    # returns-rdf: a GET on the endpoint without a query answers RDF
    assert answer.status_code == 200 and answer.mimetype in RDF_TYPES
    assert accept is None or answer.mimetype == accept
    described = rdflib.Graph().parse(data=answer.get_data(), format=RDF_TYPES[answer.mimetype])
    services = set(described.subjects(rdflib.RDF.type, SD.Service))
    assert len(services) == 1
    (service,) = services
    # has-endpoint-triple: sd:endpoint is the URL that was asked
    assert set(described.objects(service, SD.endpoint)) == {
        rdflib.URIRef("http://localhost/sparql")
    }
    # conforms-to-schema: the properties the Service Description vocabulary defines, used on
    # the classes it gives them
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in described
    formats = {str(f).rsplit("/", 1)[1] for f in described.objects(service, SD.resultFormat)}
    assert {"SPARQL_Results_JSON", "SPARQL_Results_XML", "Turtle", "RDF_XML"} <= formats
    (dataset,) = described.objects(service, SD.defaultDataset)
    assert (dataset, rdflib.RDF.type, SD.Dataset) in described
    names = {str(described.value(g, SD.name)) for g in described.objects(dataset, SD.namedGraph)}
    assert names == {f"http://kasei.us/2009/09/sparql/data/data{n}.rdf" for n in (1, 2, 3)}
    for used in set(described.predicates()) - {rdflib.RDF.type}:
        assert str(used).startswith(str(SD)), used
    assert answer.headers["Vary"] == "Accept"


def _syntax_tests() -> list[tuple[str, str, bool]]:
    if not (SUITE / "syntax-query" / "manifest.ttl").is_file():
        return [("(suite missing)", "", True)]
    graph, entries = _manifest("syntax-query")
    tests = []
    for entry in entries:
        kind = str(next(graph.objects(entry, rdflib.RDF.type))).rsplit("#", 1)[1]
        action = str(next(graph.objects(entry, MF.action)))
        tests.append((str(entry).rsplit("#", 1)[1], Path(action).name, kind.startswith("Pos")))
    return tests


#: Positive syntax tests that call a function no engine defines (``<http://example/function>``):
#: kg serve reads them and answers 400 for the unknown function, as it does for any query.
CALLS_UNKNOWN_FUNCTIONS = {"syntax-select-expr-04.rq"}


@pytest.mark.parametrize(("name", "file", "positive"), _syntax_tests())
def test_w3c_query_syntax(suite_client, name: str, file: str, positive: bool) -> None:
    """Each positive test is answered, each negative one refused as not SPARQL (400)."""
    _manifest("syntax-query")
    text = (SUITE / "syntax-query" / file).read_bytes()
    answer = suite_client.post(
        "/sparql", data=text, content_type="application/sparql-query; charset=utf-8"
    )
    said = answer.get_data(as_text=True)
    if positive and file in CALLS_UNKNOWN_FUNCTIONS:
        # its syntax is read; evaluating it is refused as a bad request, not a syntax error
        assert answer.status_code == 400 and "cannot be evaluated" in said, said
    elif positive:
        assert answer.status_code == 200, f"{file}: {said}"
    else:
        assert answer.status_code == 400 and "not a SPARQL query" in said, f"{file}: {said}"


def test_the_protocol_suite_is_all_here() -> None:
    """Every test the manifest lists is run above (none silently dropped)."""
    _, entries = _manifest("protocol")
    assert len(entries) == 34
    assert len([e for e in entries if "#update_" in str(e)]) == 7
