"""What the views of every blueprint share: the site they serve, the language a page is asked
in, a page from its template, a network page, and an error as one line."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from flask import Response, current_app, render_template, request

from kg.i18n import by_language
from kg.web.common import LANGUAGES, WORDS
from kg.web.state import Site


def site() -> Site:
    """The :class:`~kg.web.state.Site` of the application handling this request."""
    found: Site = current_app.extensions["kg"]
    return found


#: The column names of query tables, in each language (kg/i18n: [columns]).
COLUMNS: dict[str, dict[str, str]] = by_language("columns")


def page_lang() -> str:
    """The language the page is asked in (``?lang=``), else the server's."""
    default = site().lang
    chosen = request.args.get("lang", default)
    return chosen if chosen in WORDS else default


def page(template: str, title: str, **context: Any) -> str:
    """``template`` rendered in the page's language, with the words, the language switch and
    the search box's text."""
    chosen = page_lang()

    def switch_url(code: str) -> str:
        args = request.args.to_dict(flat=False)
        args["lang"] = [code]
        return request.path + "?" + urlencode(args, doseq=True)

    return render_template(
        f"serve/{template}",
        title=title,
        lang=chosen,
        words=WORDS[chosen],
        languages=LANGUAGES,
        switch_url=switch_url,
        q=request.args.get("q", ""),
        columns=COLUMNS[chosen],
        **context,
    )


def network_response(picked: Any) -> Response:
    """kg viz's page of ``picked``, with the page's own policy (its inline scripts by hash,
    no requests at all) as the header, in place of the app's script-src 'self', which would
    block them."""
    from kg.network.render import render_page

    html, policy = render_page(picked, title=picked.graph.get("title", ""))
    response = Response(html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = policy + "; frame-ancestors 'self'"
    return response


#: The longest error message a response carries.
MAX_MESSAGE = 500


def fail(status: int, message: str) -> Response:
    """An error as one line: JSON when the client asks for JSON, else plain text. A message
    that quotes a visitor's very long input is cut short (it is not echoed back whole)."""
    if len(message) > MAX_MESSAGE:
        message = message[: MAX_MESSAGE - 1] + "…"
    if "json" in (request.headers.get("Accept") or ""):
        body = json.dumps({"error": message}, ensure_ascii=False)
        return Response(body, status, mimetype="application/json")
    return Response(message + "\n", status, mimetype="text/plain")
