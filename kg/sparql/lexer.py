"""One tokenizer for SPARQL 1.1 query text.

Every part of kg that reads query text as text (the canned-query loader's checks, the
binding of parameters as terms, kg serve's SERVICE guard) reads it through :func:`tokens`, so
they agree on what is a comment, a string, an IRI, a prefixed name, a variable or a keyword.
Following the SPARQL 1.1 grammar (section 19):

* a comment runs from ``#`` to the end of the line, which ``\\n`` or ``\\r`` ends;
* a string that is not closed runs to the end of its line (a long string, to the end of the
  text); the text is then not SPARQL, but whatever follows is read again, so nothing can
  hide after it;
* a prefixed name's local part may hold escapes such as ``\\#`` and ``\\'``
  (``PN_LOCAL_ESC``): they start neither a comment nor a string;
* a prefix is read without dots (``PN_PREFIX`` allows inner dots; none of kg's do, and
  reading them would make the scan quadratic on a text like ``a.a.a...``);
* a number ends where its digits end, so a keyword right after it (``1SERVICE``) is a
  keyword;
* codepoint escapes (``\\u0053``) apply to the whole text before it is read:
  :func:`unescape_codepoints` applies them where that matters (the SERVICE guard).

The scan is one regular expression without nested repetition, so it takes linear time
whatever the input.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

#: Characters of a variable's name after ``?`` or ``$`` (VARNAME).
_NAME_CHARS = r"[\w\u00b7\u0300-\u036f\u203f\u2040]"
#: A prefixed name's local part: name characters, ``:``, ``-``, ``.``, ``%hh`` and the
#: backslash escapes of PN_LOCAL_ESC.
_LOCAL = r"(?:[\w\u00b7\u0300-\u036f\u203f\u2040:.\-]|%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])*"
_PATTERN = re.compile(
    r"""
      (?P<space>\s+)
    | (?P<comment>\#[^\n\r]*)
    | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*(?:\"\"\"|\Z)
               |'''(?:[^'\\]|\\.|'(?!''))*(?:'''|\Z)
               |"(?:[^"\\\n\r]|\\.)*"?
               |'(?:[^'\\\n\r]|\\.)*'?)
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<variable>[?$]"""
    + _NAME_CHARS
    + r"""+)
    | (?P<bnode>_:"""
    + _LOCAL
    + r""")
    | (?P<pname>(?:[^\W\d_][\w\-]*)?:"""
    + _LOCAL
    + r""")
    | (?P<number>(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)
    | (?P<word>[^\W\d]\w*)
    | (?P<punct>\^\^|&&|\|\||!=|<=|>=|.)
    """,
    re.VERBOSE | re.DOTALL,
)
#: Kinds of token that hide words: what looks like a keyword inside them is not one.
OPAQUE = frozenset({"comment", "string", "iri"})
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


@dataclass(frozen=True, slots=True)
class Token:
    """One token: its kind (comment, string, iri, variable, bnode, pname, number, word,
    punct), its text and where it starts and ends in the query text."""

    kind: str
    text: str
    start: int
    end: int

    def is_keyword(self, *words: str) -> bool:
        """Whether this is one of ``words`` as a keyword (case does not matter)."""
        return self.kind == "word" and self.text.upper() in words


def tokens(text: str, *, spaces: bool = False) -> Iterator[Token]:
    """The tokens of ``text`` in order (white space left out unless ``spaces``)."""
    for match in _PATTERN.finditer(text):
        kind = match.lastgroup
        assert kind is not None
        if kind == "space" and not spaces:
            continue
        value = match.group()
        if kind == "pname" and value.endswith("."):  # a name does not end in "." (a triple does)
            stripped = value.rstrip(".")
            yield Token(kind, stripped, match.start(), match.start() + len(stripped))
            for i in range(match.start() + len(stripped), match.end()):
                yield Token("punct", ".", i, i + 1)
            continue
        yield Token(kind, value, match.start(), match.end())


def unescape_codepoints(text: str) -> str:
    """``text`` with SPARQL's ``\\uXXXX`` and ``\\UXXXXXXXX`` escapes applied, as a parser
    applies them to the whole query before reading it (an impossible code point becomes
    U+FFFD)."""

    def one(m: re.Match[str]) -> str:
        code = int(m.group(1) or m.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"

    return _CODEPOINT.sub(one, text)


def blank_opaque(text: str) -> str:
    """``text`` with comments, strings and IRIs blanked out (same length, same lines), so a
    pattern over the rest sees only the query's own words."""
    out = []
    done = 0
    for token in tokens(text):
        if token.kind in OPAQUE:
            out.append(text[done : token.start])
            out.append(re.sub(r"[^\n]", " ", token.text))
            done = token.end
    out.append(text[done:])
    return "".join(out)


def has_keyword(text: str, word: str) -> bool:
    """Whether ``word`` stands in ``text`` as a keyword (not inside a comment, string, IRI
    or name), after codepoint escapes are applied."""
    return any(t.is_keyword(word) for t in tokens(unescape_codepoints(text)))
