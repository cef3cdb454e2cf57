"""``kg serve``: the graph over HTTP, read-only (Flask, served by waitress).

Pages for people (``kg.web.pages``; templates in ``kg/web/templates/serve/``, Dutch or English
by ``?lang=``): ``/`` (search with suggestions, the canned questions, the case form),
``/search``, ``/ask/NAME`` (a canned query's form and answer), ``/ask-case`` (the case
finder) and ``/network`` (kg viz's picture around a resource or of a case's answer).

For machines: Linked Data at ``/id/...`` and ``/resource?iri=...`` (``kg.web.linked``), a
read-only SPARQL 1.1 Protocol endpoint at ``/sparql`` (``kg.web.sparql``), and the canned
queries and the case finder as an API (``kg.web.api``). The application factory is
:func:`kg.web.app.create_app`; the state the views share is :class:`kg.web.state.Site`.

Every error is one line of text or JSON with a status code; no traceback reaches a client.
"""
