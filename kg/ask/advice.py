"""A case answer for people: an advice note in Markdown, a table for the terminal, or JSON.

The note and the table have the same five parts in the same order (the law, the money,
programmes and approaches, schemes and laws, partners), every heading and column in the
language asked for; each item with its reasons and its sources (title and link). What does not
reach the municipality, or has ended, is marked and explained below the list; a part with
nothing that fits says so in words.
"""

from __future__ import annotations

import json
from typing import Any

from kg.i18n import words

PARTS = ("law", "money", "programmes", "instruments", "partners")
_TITLE_KEYS = {
    "law": "law",
    "money": "money",
    "programmes": "programmes_and_approaches",
    "instruments": "instruments_all",
    "partners": "partners",
}


def render(data: dict[str, Any], fmt: str, heading: int = 1, lang: str = "nl") -> str:
    """``data`` (a case answer as kg.ask.case.CaseAnswer.as_dict gives it) in ``fmt``."""
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    w = words("pages", lang)
    case = data["case"]
    asked = [case["municipality"]["label"]]
    asked += [c["label"] for c in case["target_groups"]] + [c["label"] for c in case["themes"]]
    if fmt == "md":
        return _markdown(data, asked, heading, w, lang)
    return _table(data, asked, w, lang)


def _read_as(data: dict[str, Any], w: dict[str, str]) -> list[str]:
    """What the case read a typed name as, where it was not the name itself."""
    return [
        w["read_as"].format(typed=r["typed"], label=r["as"])
        for r in data["case"].get("read_as", [])
    ]


def _sources(item: dict[str, Any], md: bool) -> str:
    out = []
    for s in item["sources"]:
        if md and s.get("url"):
            out.append(f"[{_md(s['title'])}]({s['url']})")
        else:
            out.append(s["title"])
    return "; ".join(out)


def _md(text: str) -> str:
    """Text safe inside Markdown: characters Markdown acts on are escaped."""
    for ch in "\\`*_[]<>|#":
        text = text.replace(ch, "\\" + ch)
    return text


def euros(amount: int, lang: str) -> str:
    """``EUR 1.234.567`` (Dutch) or ``EUR 1,234,567`` (English); negative with a minus."""
    text = f"{abs(amount):,}"
    text = text.replace(",", ".") if lang == "nl" else text
    return f"{'-' if amount < 0 else ''}EUR {text}"


def _facts(item: dict[str, Any], w: dict[str, str], lang: str) -> str:
    """Status and period, or amount and year, as a short parenthesis."""
    bits = []
    if "amount_eur" in item:
        bits.append(f"{w['col_amount']} {euros(item['amount_eur'], lang)}")
    # A status says something when it is known, or when the sources give a period or a year.
    if item.get("status") in ("running", "ended") or item.get("period") or item.get("reported"):
        bits.append(w["status_" + item.get("status", "unknown")])
    if item.get("period"):
        bits.append(item["period"])
    elif item.get("reported"):
        bits.append(w["reported"].format(y=item["reported"]))
    return f" ({', '.join(bits)})" if bits else ""


def _markdown(
    data: dict[str, Any], asked: list[str], heading: int, w: dict[str, str], lang: str
) -> str:
    top, sub = "#" * heading, "#" * (heading + 1)
    parts = [f"{top} {w['advice_title']}: {_md(' · '.join(asked))}\n\n{w['advice_intro']}\n"]
    parts += [f"\n_{_md(text)}_\n" for text in _read_as(data, w)]
    for part in PARTS:
        parts.append(f"\n{sub} {w[_TITLE_KEYS[part]]}\n\n")
        for note in data["notes"].get(part, []):
            parts.append(f"_{_md(note)}_\n\n")
        if not data[part]:
            parts.append(f"{w['nothing']}\n")
            continue
        for n, item in enumerate(data[part], start=1):
            mark = "" if item["available"] else " \\*"
            label = _md(item["label"])
            if item.get("url"):
                label = f"[{label}]({item['url']})"
            parts.append(f"{n}. **{label}**{mark}{_md(_facts(item, w, lang))}: ")
            parts.append(_md("; ".join(item["reasons"])))
            source = _sources(item, md=True)
            parts.append(f" ({w['col_sources']}: {source})\n" if source else "\n")
        if any(not i["available"] for i in data[part]):
            parts.append(f"\n\\* {w['not_available']}\n")
    return "".join(parts)


def _table(data: dict[str, Any], asked: list[str], w: dict[str, str], lang: str) -> str:
    from kg.ask.tables import Table, render

    parts = [f"{' · '.join(asked)}\n"]
    parts += [f"{text}\n" for text in _read_as(data, w)]
    for part in PARTS:
        title = w[_TITLE_KEYS[part]]
        rows: list[tuple[Any, ...]] = [
            (
                n,
                i["label"] + ("" if i["available"] else " *") + _facts(i, w, lang),
                i["score"],
                "; ".join(i["reasons"]),
                _sources(i, md=False),
            )
            for n, i in enumerate(data[part], start=1)
        ]
        columns = ("#", title, w["score"], w["col_reasons"], w["col_sources"])
        parts.append(f"\n{title}\n\n")
        for note in data["notes"].get(part, []):
            parts.append(f"{note}\n\n")
        parts.append(render(Table(columns, rows, frozenset()), "table"))
        if any(not i["available"] for i in data[part]):
            parts.append(f"\n* {w['not_available']}\n")
    return "".join(parts)
