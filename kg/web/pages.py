"""Pages for people: home with search suggestions, search, a canned question's form and
answer, the case finder, and network pictures (Dutch or English by ``?lang=``)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, request

from kg.errors import KgError
from kg.i18n import by_language
from kg.store.search import MAX_CHARS
from kg.text import normalise
from kg.web.common import CASE_SHOWN, WORDS, HttpError, for_page, link
from kg.web.views import network_response, page, page_lang, site

pages = Blueprint("pages", __name__)
#: The search page's own words (also kg search's).
SEARCH_WORDS = by_language("search")


@pages.get("/")
def home() -> str:
    chosen = page_lang()
    state = site()
    return page(
        "home.html",
        WORDS[chosen]["home_title"],
        queries=sorted(state.queries.values(), key=lambda q: q.title),
        known=state.case_concepts(chosen),
        municipalities=state.municipality_names(),
        case_values={"municipality": "", "target_group": [], "theme": []},
    )


@pages.get("/suggest")
def suggest() -> Response:
    """What the search box suggests while one types: label, link and kind of the best hits."""
    text = request.args.get("q", "")[:MAX_CHARS]
    hits: list[dict[str, Any]] = []
    if len(normalise(text)) >= 2:
        hits = [
            {k: hit[k] for k in ("label", "href", "kind")}
            for hit in site().search(text, page_lang(), limit=10)[0]
        ]
    return Response(json.dumps(hits, ensure_ascii=False), mimetype="application/json")


@pages.get("/search")
def search() -> str:
    """The search page: the hits of the build's full-text index, each with its kind and a
    snippet of what matched (by name only where the graph has no index)."""
    chosen = page_lang()
    text = request.args.get("q", "")[:MAX_CHARS]
    hits, match = site().search(text, chosen, limit=50)
    return page(
        "search.html",
        text or WORDS[chosen]["search"],
        hits=hits,
        match=match,
        said=SEARCH_WORDS[chosen],
    )


@pages.get("/ask/<name>")
def query_page(name: str) -> str:
    state = site()
    query = state.queries.get(name)
    if query is None:
        raise HttpError(404, f"no query named {name!r}")
    chosen = page_lang()
    values = {k: v for k, v in request.args.items() if k in query.params and v}
    params = [
        {
            "name": p.name,
            "type": p.type,
            "required": p.required,
            "description": p.description,
            "example": p.example,
            "list": (
                list(p.choices)  # grlc's enumerate: the only values it takes
                if p.choices
                else state.municipality_names()
                if p.type == "municipality"
                else state.concept_names(p.scheme, chosen)
                if p.type == "concept"
                else None
            ),
        }
        for p in query.params.values()
    ]
    table, error = None, None
    if "run" in request.args:
        try:
            table = state.query_answer(query, values, chosen)
        except KgError as exc:
            error = for_page(exc)
    rows = _linked_rows(table, chosen) if table is not None else []

    def download(fmt: str) -> str:
        return f"/queries/{name}?" + urlencode({**values, "format": fmt, "lang": chosen})

    return page(
        "query.html",
        query.title,
        query=query,
        params=params,
        values=values,
        table=table,
        rows=rows,
        error=error,
        download=download,
    )


def _linked_rows(table: object, chosen: str) -> list[list[list[dict[str, str | None]]]]:
    """A table's cells as texts with links to the resources they name."""
    from kg.ask.tables import Resource, Table

    assert isinstance(table, Table)
    rows = []
    for row in table.rows:
        out: list[list[dict[str, str | None]]] = []
        for c in row:
            if isinstance(c, Resource):
                out.append([{"text": c.label, "href": link(c.iri, chosen)}])
            elif isinstance(c, tuple):
                out.append([{"text": r.label, "href": link(r.iri, chosen)} for r in c])
            else:
                out.append([{"text": "" if c is None else str(c), "href": None}])
        rows.append(out)
    return rows


#: The parts of a case answer and the words that title them.
PART_TITLES = {
    "law": "law",
    "money": "money",
    "programmes": "programmes_and_approaches",
    "instruments": "instruments_all",
    "partners": "partners",
}


@pages.get("/ask-case")
def case_page() -> str:
    state = site()
    chosen = page_lang()
    municipality = request.args.get("municipality", "")
    groups = [g for g in request.args.getlist("target_group") if g]
    themes = [t for t in request.args.getlist("theme") if t]
    answer, error = None, None
    if municipality:
        try:
            found = state.case_answer(municipality, groups, themes, chosen).as_dict()
            words = WORDS[chosen]
            answer = {
                "lists": [
                    (
                        words[PART_TITLES[key]],
                        found["notes"].get(key, []),
                        [
                            dict(item, href=link(item["iri"], chosen))
                            for item in found[key][:CASE_SHOWN]
                        ],
                    )
                    for key in PART_TITLES
                ]
            }
        except KgError as exc:
            error = for_page(exc)
    asked = {"municipality": municipality, "target_group": groups, "theme": themes}
    return page(
        "case.html",
        WORDS[chosen]["case"],
        known=state.case_concepts(chosen),
        municipalities=state.municipality_names(),
        case_values=asked,
        answer=answer,
        error=error,
        shown=CASE_SHOWN,
        json_url="/case?" + urlencode(asked, doseq=True),
        network_url=(
            "/network?" + urlencode({**asked, "lang": chosen}, doseq=True)
            if answer is not None
            else None
        ),
    )


@pages.get("/network")
def network() -> Response:
    """A network picture (kg viz's page): around ``iri``, of the answer to a case, or (with
    neither) who works with whom, as ``kg viz`` draws by default."""
    from kg.network.casepicture import case_picture

    state = site()
    chosen = page_lang()
    iri = request.args.get("iri")
    municipality = request.args.get("municipality")
    if iri:
        picked = state.picture_around(iri, chosen)
        if picked is None:
            raise HttpError(404, f"<{iri}> is not in the network picture")
        return network_response(picked)
    if municipality:
        groups = [g for g in request.args.getlist("target_group") if g]
        themes = [t for t in request.args.getlist("theme") if t]
        answer = state.case_answer(municipality, groups, themes, chosen)
        graph = state.whole(chosen, True)
        picked = case_picture(graph, answer)
        for n in picked:
            picked.nodes[n]["links_total"] = graph.degree(n) if n in graph else 0
        return network_response(picked)
    if request.args:
        raise HttpError(400, "give iri=... or municipality=... (with target_group, theme)")
    return network_response(state.collaboration(chosen))


@pages.get("/favicon.ico")
def favicon() -> Response:
    return Response(status=204)  # none: browsers ask, and a 404 would be a console error
