"""kg suggest (K16): documents read as text (plain, Markdown, HTML, PDF), sentences, what a
document names that the graph knows, the programmes and organisations it introduces, the
draft workbook, and (slow) the benchmark on a source document."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kg.cli import cli
from kg.curate import document
from kg.curate.document import read, sentences
from kg.curate.suggest import mention_confidence, near_names, suggest, workbook_rows
from kg.curate.workbook import template
from kg.errors import KgError
from kg.namespaces import PREFIXES
from kg.store import open_store

from .conftest import SHARED, need_shared

TOOI = PREFIXES["tooi"]
LAW = PREFIXES["law"]

# --- reading documents ------------------------------------------------------------------------


def _pdf(lines: list[str]) -> bytes:
    """A one-page PDF with ``lines`` of text in Helvetica, written by hand (no library here
    writes PDFs with text)."""
    escape = str.maketrans({"(": r"\(", ")": r"\)", "\\": r"\\"})
    shown = " ".join(f"({line.translate(escape)}) Tj T*" for line in lines)
    stream = f"BT /F1 11 Tf 72 720 Td 14 TL {shown} ET".encode("cp1252")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _blank_pdf(password: str | None = None) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if password is not None:
        writer.encrypt(user_password=password, owner_password=password, algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_plain_text_is_read_line_by_line_with_its_title(tmp_path: Path) -> None:
    path = tmp_path / "verslag.txt"
    path.write_text("Samen Sterk\n\nHet project loopt in Zwolle.  Het eindigt in 2026.\n", "utf-8")
    doc = read(path)
    assert doc.blocks == ("Samen Sterk", "Het project loopt in Zwolle. Het eindigt in 2026.")
    assert doc.title == "Samen Sterk" and doc.name == "verslag.txt"


def test_markdown_loses_its_marks(tmp_path: Path) -> None:
    path = tmp_path / "notitie.md"
    path.write_text("# Een kop\n\n- een **vet** punt met [een link](https://example.org)\n")
    assert read(path).blocks == ("Een kop", "een vet punt met een link")


def test_text_that_is_not_utf8_is_one_plain_error(tmp_path: Path) -> None:
    path = tmp_path / "oud.txt"
    path.write_bytes("Gemeente Súdwest-Fryslân".encode("cp1252"))
    with pytest.raises(KgError) as caught:
        read(path)
    assert str(caught.value).startswith(f"{path}: is not UTF-8 text")
    assert "\n" not in str(caught.value)


def test_html_keeps_blocks_apart_and_skips_scripts_and_styles(tmp_path: Path) -> None:
    path = tmp_path / "pagina.html"
    path.write_text(
        "<html><head><title>Paginatitel</title><style>p { color: red }</style></head>"
        "<body><script>var x = 'Gemeente Zwolle';</script><h1>Welzijn op Recept</h1>"
        "<p>Het begint in <b>Kampen</b>&nbsp;en loopt door</p><ul><li>een punt</li>"
        "<li>nog een</li></ul>tekst<br>na een regel</body></html>",
        "utf-8",
    )
    doc = read(path)
    assert doc.blocks == (
        "Welzijn op Recept",
        "Het begint in Kampen en loopt door",
        "een punt",
        "nog een",
        "tekst",
        "na een regel",
    )
    assert doc.title == "Welzijn op Recept"
    assert "Zwolle" not in doc.text and "color" not in doc.text


def test_html_in_its_declared_charset(tmp_path: Path) -> None:
    path = tmp_path / "oud.htm"
    html = '<html><head><meta charset="windows-1252"></head><body><p>Fryslân</p></body></html>'
    path.write_bytes(html.encode("cp1252"))
    assert read(path).blocks == ("Fryslân",)


def test_a_pdf_is_read_with_its_paragraphs(tmp_path: Path) -> None:
    path = tmp_path / "verslag.pdf"
    path.write_bytes(
        _pdf(
            [
                "Gezond in de Wijk",
                "",
                "De gemeente Zwolle werkt samen met de GGD aan een",
                "aanpak voor ouderen.",
            ]
        )
    )
    doc = read(path)
    assert doc.blocks[0] == "Gezond in de Wijk" and doc.title == "Gezond in de Wijk"
    assert "De gemeente Zwolle werkt samen met de GGD aan een aanpak voor ouderen." in doc.blocks


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        # a word document is not read
        ("brief.docx", b"PK\x03\x04", "cannot read a .docx document"),
        # a file named .pdf that is text
        ("nep.pdf", b"Dit is geen PDF", "is not a PDF file"),
        # a PDF cut short
        ("kapot.pdf", b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog", "cannot read this PDF"),
        # an empty text file
        ("leeg.txt", b"\n \n", "holds no text"),
    ],
)
def test_bad_documents_are_one_plain_error(
    tmp_path: Path, name: str, data: bytes, says: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(KgError) as caught:
        read(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and says in message and "\n" not in message


def test_an_encrypted_or_textless_pdf_is_an_error(tmp_path: Path) -> None:
    locked = tmp_path / "op-slot.pdf"
    locked.write_bytes(_blank_pdf(password="geheim"))
    with pytest.raises(KgError, match="encrypted PDF"):
        read(locked)
    blank = tmp_path / "scan.pdf"
    blank.write_bytes(_blank_pdf())
    with pytest.raises(KgError, match="holds no text"):
        read(blank)


def test_a_document_over_the_limit_is_refused(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "groot.txt"
    path.write_text("x" * 200, "utf-8")
    monkeypatch.setattr(document, "MAX_BYTES", 100)
    with pytest.raises(KgError, match="up to 100 bytes"):
        read(path)


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        # a full stop and a capital end a sentence
        ("Het begon in 2020. Daarna groeide het.", ["Het begon in 2020.", "Daarna groeide het."]),
        # not after an abbreviation or an initial
        (
            "Partners zijn o.a. Movisie en bijv. Divosa. Ook J. Jansen doet mee.",
            ["Partners zijn o.a. Movisie en bijv. Divosa.", "Ook J. Jansen doet mee."],
        ),
        # bullets are items of their own
        ("Drie punten: • Eén • Twee", ["Drie punten:", "Eén", "Twee"]),
        # a question and a quote
        ("Werkt het? “Ja,” zegt zij.", ["Werkt het?", "“Ja,” zegt zij."]),
        # a number with a dot opens no sentence of its own
        ("1. Een aanpak voor iedereen", ["1. Een aanpak voor iedereen"]),
    ],
)
def test_sentences(block: str, expected: list[str]) -> None:
    assert sentences(block) == expected


# --- suggesting -------------------------------------------------------------------------------

MADE_UP = """Gezond Samen in de Stad

Den Haag start met de Wmo en het project Groen Doen een nieuwe aanpak voor ouderen.
Samen met Stichting Zonnebloemveld en het Kenniscentrum Voorbeeldstad (KVS) werkt de gemeente
aan eenzaamheid onder kwetsbare inwoners. Eenzaamheid is een groot probleem.
Onderzoeker Jan de Vries van de Hogeschool Voorbeeldstad volgt het project.
Jan de Vries: "Het werkt."
"""


@pytest.fixture(scope="module")
def draft(real_build):
    with open_store(real_build.build_dir) as store:
        return suggest(store, MADE_UP)


def test_a_known_municipality_is_found_by_its_alias(draft) -> None:
    found = {m.iri: m for m in draft.mentions}
    haag = found[TOOI + "gm0518"]  # 's-Gravenhage, named by its common name
    assert haag.kind == "municipality" and haag.evidence == "alias"
    assert haag.sentence.startswith("Den Haag start met de Wmo")
    assert 0.5 <= haag.confidence <= 1


def test_a_law_is_found_by_its_abbreviation(draft) -> None:
    wmo = next(m for m in draft.mentions if m.iri == LAW + "wmo-2015")
    assert wmo.kind == "law" and wmo.name == "Wmo 2015"


def test_target_groups_and_themes_are_found(draft, real_build) -> None:
    found = {m.iri.rsplit("/", 1)[-1]: m for m in draft.mentions}
    assert found["doelgroep-kwetsbare-inwoners"].kind == "target group"
    assert found["thema-eenzaamheid"].kind == "theme"  # named twice
    assert "doelgroep-ouderen" not in found  # one plain word named once: too unsure
    with open_store(real_build.build_dir) as store:
        everything = suggest(store, MADE_UP, min_confidence=0)
    ouderen = next(m for m in everything.mentions if m.iri.endswith("doelgroep-ouderen"))
    assert ouderen.confidence < 0.5


def test_new_organisations_and_programmes_are_proposed(draft) -> None:
    proposed = {c.name: c for c in draft.candidates}
    assert proposed["Stichting Zonnebloemveld"].kind == "organisation"
    assert proposed["Kenniscentrum Voorbeeldstad"].other_name == "KVS"
    assert proposed["Groen Doen"].kind == "programme"
    assert proposed["Groen Doen"].soort == "project"
    assert proposed["Hogeschool Voorbeeldstad"].kind == "organisation"
    assert not any("Jan" in name or "Vries" in name for name in proposed)  # a person
    assert "KVS" not in proposed  # the abbreviation of a proposed name


def test_suggestions_are_sorted_and_within_bounds(draft) -> None:
    for found in (draft.mentions, draft.candidates):
        values = [s.confidence for s in found]
        assert values == sorted(values, reverse=True)
        assert all(0.5 <= v <= 1 for v in values)


def test_a_mention_is_not_also_a_candidate(draft) -> None:
    named = {c.name for c in draft.candidates}
    assert "Den Haag" not in named and "Wmo" not in named


@pytest.mark.parametrize(
    ("a", "b", "near"),
    [
        ("sport akkoord ii", "sportakkoord ii", True),  # written apart
        ("gezond actief leven akkoord", "gezond en actief leven akkoord", True),  # a small word
        ("trimbos instituut", "trimbos instituuut", True),  # one letter
        ("kampen", "kampn", False),  # too short to be sure
        ("samen in beweging", "samen in balans", False),
    ],
)
def test_near_names(a: str, b: str, near: bool) -> None:
    assert near_names(a, b) is near


def test_confidence_follows_the_evidence() -> None:
    label = mention_confidence("label", 1)
    assert label > mention_confidence("alias", 1) > mention_confidence("fuzzy", 1)
    assert mention_confidence("label", 3) > label
    assert mention_confidence("label", 1, ambiguous=True) < label
    one_word_once = mention_confidence("label", 1, topic=True, one_word=True)
    assert one_word_once < mention_confidence("label", 3, topic=True, one_word=True)
    assert one_word_once < 0.5  # a plain word named once is left out by default


# --- the workbook and the command -------------------------------------------------------------


def test_the_draft_workbook_is_deterministic_and_holds_the_draft(real_build, draft) -> None:
    rows = workbook_rows(draft, "stad.txt", "Gezond Samen in de Stad")
    with open_store(real_build.build_dir) as store:
        first = template(store, rows)
        again = template(
            store, workbook_rows(suggest(store, MADE_UP), "stad.txt", "Gezond Samen in de Stad")
        )
    assert first == again  # byte for byte, the moment of saving included
    book = load_workbook(io.BytesIO(first))
    mentioned = book["Genoemd"]
    headings = [c.value for c in mentioned[1]]
    assert headings == ["soort", "naam", "id", "zekerheid", "gevonden in"]
    values = [
        dict(zip(headings, (c.value for c in row), strict=True))
        for row in mentioned.iter_rows(min_row=3)
    ]
    haag = next(v for v in values if v["id"] == "tooi:gm0518")
    assert haag["soort"] == "gemeente" and 0 < haag["zekerheid"] <= 1
    source = [c.value for c in book["Bron"][3]]
    assert "stad.txt" in source and "Gezond Samen in de Stad" in source
    organisations = book["Organisaties"]
    names = [row[1].value for row in organisations.iter_rows(min_row=3)]
    assert "Stichting Zonnebloemveld" in names


def _run(runner, real_build, *args: str):
    return runner.invoke(cli, ["suggest", "--build-dir", str(real_build.build_dir), *args])


def test_kg_suggest_writes_a_workbook(runner, real_build, tmp_path: Path) -> None:
    doc = tmp_path / "stad.md"
    doc.write_text(MADE_UP, "utf-8")
    out = tmp_path / "concept.xlsx"
    result = _run(runner, real_build, str(doc), "--output", str(out))
    assert result.exit_code == 0, result.output
    assert out.is_file() and "known things named" in result.stderr
    assert "Genoemd" in load_workbook(out).sheetnames


@pytest.mark.parametrize(
    ("name", "data", "output", "says"),
    [
        ("stad.docx", b"PK", "concept.xlsx", "cannot read a .docx document"),
        ("stad.txt", "Fryslân".encode("cp1252"), "concept.xlsx", "is not UTF-8 text"),
        ("stad.txt", b"Den Haag", "concept.csv", "a workbook is an .xlsx file"),
        ("leeg.pdf", b"niets", "concept.xlsx", "is not a PDF file"),
    ],
)
def test_kg_suggest_refuses_bad_input_in_one_line(
    runner, real_build, tmp_path: Path, name: str, data: bytes, output: str, says: str
) -> None:
    doc = tmp_path / name
    doc.write_bytes(data)
    result = _run(runner, real_build, str(doc), "--output", str(tmp_path / output))
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1 and says in result.stderr
    assert not (tmp_path / output).exists()


def test_kg_suggest_needs_the_document(runner, real_build, tmp_path: Path) -> None:
    result = _run(
        runner, real_build, str(tmp_path / "weg.txt"), "--output", str(tmp_path / "c.xlsx")
    )
    assert result.exit_code == 2 and "no such file" in result.stderr


# --- the benchmark (slow) ---------------------------------------------------------------------


@pytest.mark.slow
def test_the_benchmark_meets_its_goals_on_a_source_document(tmp_path: Path) -> None:
    if not (SHARED / "seeds").is_dir():
        need_shared("the source documents (../shared/seeds/)")
    from bench.suggest import GOALS, measure, overall

    score = measure("001", tmp_path)
    figures = overall([score])
    assert {k: v >= GOALS[k] for k, v in figures.items()} == dict.fromkeys(GOALS, True), (
        figures,
        score.missed_known,
        score.missed_new,
        score.wrong,
    )


def test_a_sites_navigation_and_footer_are_not_the_document(tmp_path) -> None:
    page = tmp_path / "nieuws.html"
    page.write_text(
        "<html><body><nav><a href='/'>Kennis</a> <a>Utrecht</a></nav>"
        "<main><h1>Nieuw project</h1><p>Het project start in Kampen.</p></main>"
        "<aside>Lees ook: Zwolle</aside><footer>Postbus 1, Utrecht</footer></body></html>",
        encoding="utf-8",
    )
    text = "\n".join(read(page).blocks)
    assert "Kampen" in text
    assert "Utrecht" not in text and "Kennis" not in text and "Zwolle" not in text
