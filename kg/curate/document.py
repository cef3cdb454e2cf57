"""A document's text, for ``kg suggest``: plain text and Markdown, HTML, and PDF.

:func:`read` turns a file into a :class:`Document`: its text as blocks (paragraphs, headings,
list items: what the format separates), each block one line, and an obvious title when there
is one. Plain text and Markdown must be UTF-8. HTML is read with the standard library's
``html.parser`` (script, style, template, navigation, footer and asides left out; block
elements end a line). PDF is read with pypdf, page by page; a line break inside a paragraph
is a space there, as the PDF only broke the line to fit the page. Anything else, a file that
cannot be read, an encrypted PDF, a PDF without text (a scan: kg does no OCR) or a file over
:data:`MAX_BYTES` is a :class:`~kg.errors.KgError` of one line naming the file.

:func:`sentences` splits a block into sentences with a careful regular expression (no
sentence-splitting library is installed here): after ``.``, ``!`` or ``?`` and a space, when a
capital, a digit or an opening quote follows and the word before is no abbreviation; and at
bullets. It only splits sentences; it parses no format.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

from kg.errors import KgError

if TYPE_CHECKING:
    from pypdf import PdfReader


def _words(text: str) -> frozenset[str]:
    """The words of ``text``, for the word lists below."""
    return frozenset(text.split())


#: The largest document read (bytes): a report is a few MB; more is not a document to draft.
MAX_BYTES = 50 * 1024 * 1024
#: The most characters of text kept (a PDF of 50 MB may hold pictures mostly; its text is less).
MAX_CHARS = 2_000_000
TEXT_SUFFIXES = (".txt", ".md", ".text", ".markdown")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
PDF_SUFFIXES = (".pdf",)
SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + PDF_SUFFIXES
#: A title is a first block at most this long, without a full stop at its end.
TITLE_CHARS = 150


@dataclass(frozen=True)
class Document:
    """A document as text: ``blocks`` are its paragraphs, headings and list items, in order,
    each one line; ``title`` its obvious title ("" when it has none)."""

    name: str  # the file's name
    blocks: tuple[str, ...]
    title: str = ""

    @property
    def text(self) -> str:
        return "\n".join(self.blocks)


def read(path: Path) -> Document:
    """The text of the document at ``path`` (see the module's docstring for what is read)."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise KgError(
            f"cannot read a {suffix or 'file without extension'} document; kg suggest reads "
            "plain text (.txt, .md), HTML (.html, .htm) and PDF (.pdf)",
            file=path,
        )
    try:
        if not path.is_file():
            raise KgError("no such file" if not path.exists() else "is not a file", file=path)
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise KgError(
                f"is {size:,} bytes; kg suggest reads documents up to {MAX_BYTES:,} bytes",
                file=path,
            )
        data = path.read_bytes()
    except OSError as exc:
        raise KgError(f"cannot read: {exc.strerror or exc}", file=path) from exc
    if suffix in PDF_SUFFIXES:
        blocks, title = _pdf(data, path)
    elif suffix in HTML_SUFFIXES:
        blocks, title = _html(data, path)
    else:
        blocks, title = _plain(data, path, markdown=suffix in (".md", ".markdown"))
    if not blocks:
        raise KgError("holds no text", file=path)
    return Document(path.name, tuple(blocks), title)


def _clean(text: str) -> str:
    """One line: no control characters, spaces collapsed."""
    text = re.sub(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u200b\ufeff]", " ", text)
    return " ".join(text.replace("\u00a0", " ").split())


def _limit(blocks: list[str]) -> list[str]:
    """``blocks`` cut to :data:`MAX_CHARS` characters in all."""
    kept, total = [], 0
    for block in blocks:
        if total + len(block) > MAX_CHARS:
            break
        kept.append(block)
        total += len(block) + 1
    return kept


def _first_title(blocks: list[str]) -> str:
    """The first block when it looks like a title: short, and no sentence."""
    if blocks and len(blocks[0]) <= TITLE_CHARS and not blocks[0].endswith((".", ":", ";")):
        return blocks[0]
    return ""


# --- plain text and Markdown ------------------------------------------------------------------

_MARKDOWN_LINE = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+|\d+[.)]\s+)")
_MARKDOWN_INLINE = re.compile(r"(\*\*|__|`+)")
_MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")


def _plain(data: bytes, path: Path, markdown: bool) -> tuple[list[str], str]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise KgError(
            f"is not UTF-8 text (byte {exc.start:,}); save it as UTF-8 and try again", file=path
        ) from None
    blocks = []
    for line in text.splitlines():
        if markdown:
            line = _MARKDOWN_LINK.sub(r"\1", _MARKDOWN_LINE.sub("", line))
            line = _MARKDOWN_INLINE.sub("", line)
        line = _clean(line)
        if line:
            blocks.append(line)
    blocks = _limit(blocks)
    return blocks, _first_title(blocks)


# --- HTML -------------------------------------------------------------------------------------

#: Elements whose text is no content.
#: Elements whose text is not the document's: code, and a site's navigation and footer (the
#: menu and the address block of every page of a site).
_SKIPPED = frozenset(
    {"script", "style", "template", "noscript", "head", "svg", "math", "nav", "footer", "aside"}
)
#: Elements that end a line (a block boundary is a sentence boundary).
_BLOCKS = _words(
    """
    address article aside blockquote br caption dd div dl dt fieldset figcaption figure
    footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table td th tr ul
    summary details option
    """
)
_VOID = _words(
    """
    area base br col embed hr img input link meta param source track wbr
    """
)
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


class _Text(HTMLParser):
    """The text of an HTML page, block by block, and its <title> and first <h1>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.title = ""
        self.heading = ""
        self._line: list[str] = []
        self._skip: list[str] = []  # open elements whose text is skipped
        self._in_title = False
        self._in_h1 = False
        self._h1: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED and tag not in _VOID:
            self._skip.append(tag)
        if tag == "title":
            self._in_title = True
        if tag in _BLOCKS:
            self._end_line()
        if tag == "h1" and not self.heading:
            self._in_h1 = True

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self._end_line()

    def handle_endtag(self, tag: str) -> None:
        if self._skip and tag == self._skip[-1]:
            self._skip.pop()
        if tag == "title":
            self._in_title = False
        if tag in _BLOCKS:
            self._end_line()
        if tag == "h1" and self._in_h1:
            self._in_h1 = False
            self.heading = _clean("".join(self._h1))

    def handle_data(self, data: str) -> None:
        if self._in_title and not self.title:
            self.title = _clean(data)
        if self._skip:
            return
        self._line.append(data)
        if self._in_h1:
            self._h1.append(data)

    def _end_line(self) -> None:
        line = _clean("".join(self._line))
        if line:
            self.blocks.append(line)
        self._line = []

    def close(self) -> None:
        super().close()
        self._end_line()


def _decode_html(data: bytes, path: Path) -> str:
    """The page as text: UTF-8, else the charset its <meta> declares."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    declared = _CHARSET.search(data[:4096])
    if declared:
        try:
            return data.decode(declared.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            pass
    raise KgError(
        "is neither UTF-8 nor in the character set its <meta charset> declares", file=path
    )


def _html(data: bytes, path: Path) -> tuple[list[str], str]:
    parser = _Text()
    parser.feed(_decode_html(data, path))
    parser.close()
    blocks = _limit(parser.blocks)
    return blocks, parser.heading or parser.title or _first_title(blocks)


# --- PDF --------------------------------------------------------------------------------------


def _pdf(data: bytes, path: Path) -> tuple[list[str], str]:
    import io

    from pypdf import PdfReader

    if not data.startswith(b"%PDF-") and b"%PDF-" not in data[:1024]:
        raise KgError("is not a PDF file (it does not start with %PDF-)", file=path)
    try:
        with _quiet("pypdf"):  # what pypdf repairs is not the user's concern
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted and not _opened(reader):
                raise KgError("is an encrypted PDF; save a copy without a password", file=path)
            pages = [page.extract_text() or "" for page in reader.pages]
            meta = reader.metadata
            title = _clean(str(meta.title)) if meta is not None and meta.title else ""
    except KgError:
        raise
    except Exception as exc:  # a damaged PDF breaks pypdf in many ways: each is one line
        message = " ".join(str(exc).split())[:120] or type(exc).__name__
        raise KgError(f"cannot read this PDF ({message})", file=path) from None
    blocks = _limit([b for page in pages for b in _pdf_blocks(page)])
    if not blocks:
        raise KgError(
            "this PDF holds no text (a scan? kg does not read text from pictures)", file=path
        )
    return blocks, title or _first_title(blocks)


@contextlib.contextmanager
def _quiet(name: str) -> Iterator[None]:
    """No log messages from the logger ``name`` (and those under it) while inside."""
    logger = logging.getLogger(name)
    level = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        logger.setLevel(level)


def _opened(reader: PdfReader) -> bool:
    """Whether an encrypted PDF opens without a password (many are only locked for editing)."""
    try:
        return bool(reader.decrypt(""))
    except Exception:  # pypdf raises several kinds here (a missing AES library, ...)
        return False


_END = re.compile(r"[.!?:;]['’”\")]*$")
_HYPHENATED = re.compile(r"[a-zà-ÿ]-$")


def _pdf_blocks(page: str) -> list[str]:
    """A page's text as blocks. A line goes on in the next when it fills most of the page's
    width or the next opens in lower case (the PDF only broke it to fit), unless it ends a
    sentence; a short line that ends no sentence is a heading of its own; a word broken at
    the end of a line is joined."""
    lines = [_clean(raw) for raw in page.splitlines()]
    width = max((len(line) for line in lines), default=0)
    blocks: list[str] = []
    current, last = "", ""
    for line in lines:
        if not line:
            if current:
                blocks.append(current)
            current, last = "", ""
            continue
        goes_on = current and not _END.search(last) and line[0] not in "•▪●◦–"
        goes_on = goes_on and (len(last) >= 0.6 * width or line[:1].islower())
        if goes_on and _HYPHENATED.search(current) and line[:1].islower():
            current = current[:-1] + line
        elif goes_on:
            current = f"{current} {line}"
        else:
            if current:
                blocks.append(current)
            current = line
        last = line
    if current:
        blocks.append(current)
    return blocks


# --- sentences --------------------------------------------------------------------------------

#: Abbreviations after which a full stop ends no sentence (Dutch and English, lower case).
ABBREVIATIONS = _words(
    """
    a.s aanv afd alg art bijv bv blz ca cf d.d d.i d.m.v d.w.z dhr dr drs e.a e.d e.g e.v
    enz etc evt excl fig geb i.e i.o.m i.p.v i.s.m i.v.m ibid incl ing ir jl jr m.a.w m.b.t
    m.i.v m.n mevr mr mw nl no nr o.a o.b.v o.i.d p pag plm prof resp sr st t.a.v t.b.v
    t.o.v vgl vs w.o z.g z.s.m zgn
    """
)
_BULLET = re.compile(r"\s*[•▪●◦]\s*")
_BOUNDARY = re.compile(r"([.!?]+['’”\")]*)\s+(?=[\"'‘“(\[]?[A-ZÀ-Þ0-9•])")


def sentences(block: str) -> list[str]:
    """The sentences of one block of text, in order (see the module's docstring)."""
    found: list[str] = []
    for part in _BULLET.split(block):
        start = 0
        for match in _BOUNDARY.finditer(part):
            before = part[start : match.start()].rsplit(None, 1)
            word = before[-1].casefold().strip("('\"‘“") if before else ""
            if match.group(1) == "." and (word in ABBREVIATIONS or _initial(word)):
                continue
            found.append(part[start : match.end(1)].strip())
            start = match.end()
        found.append(part[start:].strip())
    return [s for s in found if s]


def _initial(word: str) -> bool:
    """A single letter ("J." in "J. Jansen") or a dotted abbreviation ("o.a", "i.s.m")."""
    return len(word) == 1 or bool(re.fullmatch(r"(?:\w\.)+\w", word))
