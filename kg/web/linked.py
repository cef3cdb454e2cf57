"""Linked Data: every resource at ``/id/...`` (the project's own IRIs) or
``/resource?iri=...`` (any other, such as a TOOI municipality), negotiated by the ``Accept``
header (RFC 9110: ``q=0`` excludes, 406 when nothing offered is acceptable) or
``?format=``: a page for people, Turtle, JSON-LD, N-Triples (also as ``text/plain``) or
RDF/XML."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, Response, request

from kg.media import RDF_ALIASES, RDF_TYPES, key_of, negotiate
from kg.store.describe import Statement, Term, plain, serialise_description, statements
from kg.web.common import ID_BASE, IRI, MAX_SHOWN, RDF_TYPE, HttpError, link
from kg.web.views import page, page_lang, site

linked = Blueprint("linked", __name__)


@linked.get("/resource")
def resource() -> Response:
    iri = request.args.get("iri", "")
    if not IRI.fullmatch(iri):
        raise HttpError(400, "iri must be an absolute IRI")
    return resource_response(iri)


@linked.get("/id/<path:rest>")
def own_resource(rest: str) -> Response:
    if not IRI.fullmatch(ID_BASE + rest):
        raise HttpError(404, "not found")
    return resource_response(ID_BASE + rest)


def resource_response(iri: str) -> Response:
    found = statements(site().store, iri)
    triples = list(found)
    if not triples:
        raise HttpError(404, f"nothing is known about <{iri}>")
    fmt = request.args.get("format")
    mimetype = None
    if fmt is None:
        offers = ["text/html", *RDF_TYPES.values(), *RDF_ALIASES]
        chosen = negotiate(request.headers.get("Accept") or "", offers, "text/turtle")
        if chosen is None:
            raise HttpError(
                406, "none of the accepted media types is offered; offered: " + ", ".join(offers)
            )
        if chosen in RDF_ALIASES:
            fmt, mimetype = RDF_ALIASES[chosen], chosen
        else:
            fmt = "html" if chosen == "text/html" else key_of(RDF_TYPES, chosen)
    if fmt == "html":
        page_response = Response(resource_page(iri, plain(found)), mimetype="text/html")
        page_response.headers["Vary"] = "Accept"
        return page_response
    if fmt not in RDF_TYPES:
        raise HttpError(400, f"format must be one of html, {', '.join(RDF_TYPES)}")
    body = serialise_description(triples, fmt)
    response = Response(body, mimetype=mimetype or RDF_TYPES[fmt])
    response.headers["Vary"] = "Accept"
    return response


def resource_page(iri: str, found: list[Statement]) -> str:
    state = site()
    store = state.store
    chosen = page_lang()
    # Its own statements first, then those pointing at it; at most MAX_SHOWN (a concept or a
    # class can have tens of thousands; the data formats give them all).
    subject = Term("iri", iri)
    ordered = sorted(found, key=lambda t: t.subject != subject)  # stable: keeps the order
    shown = ordered[:MAX_SHOWN]
    names = {t.subject.value for t in shown if t.subject.kind == "iri"}
    names |= {t.object.value for t in shown if t.object.kind == "iri"}
    names |= {t.predicate for t in shown}
    names |= {g for t in shown for g in t.graphs}
    names.add(iri)
    labels = store.labels(names, chosen)

    def cell(term: Term) -> dict[str, str | None]:
        if term.kind == "iri":
            return {"text": labels.get(term.value, term.value), "href": link(term.value, chosen)}
        return {"text": str(term), "href": None}

    label = labels.get(iri, iri)
    own = [(t.predicate, t.object) for t in shown if t.subject == subject]
    description = next(
        (
            o.value
            for p, o in own
            if p == "http://purl.org/dc/terms/description"
            and o.kind == "literal"
            and o.language == chosen
        ),
        "",
    )
    kinds = [o.value for p, o in own if p == RDF_TYPE and o.kind == "iri"]
    kind_labels = store.labels(kinds, chosen)
    rows = [
        {
            "cells": [cell(t.subject), cell(Term("iri", t.predicate)), cell(t.object)],
            "sources": [cell(Term("iri", g)) for g in t.graphs],
        }
        for t in shown
    ]

    def data_url(fmt: str) -> str:
        return f"/resource?{urlencode({'iri': iri, 'format': fmt})}"

    return page(
        "resource.html",
        label,
        iri=iri,
        label=label,
        kind=", ".join(sorted(kind_labels.get(k, k) for k in kinds)),
        description=description,
        statements=rows,
        hidden=len(found) - len(shown),
        formats=[("ttl", "Turtle"), ("jsonld", "JSON-LD"), ("nt", "N-Triples"), ("rdf", "RDF/XML")],
        data_url=data_url,
        network_url=(
            f"/network?{urlencode({'iri': iri, 'lang': chosen})}"
            if state.picture_node(iri, chosen) is not None
            else None
        ),
    )
