"""``kg suggest`` measured on the five source documents (K16).

For each seed document in ``../shared/seeds/`` (the checklist ``tests/checklists/NNN.toml``
names it): copy the project's ``data/`` without that document's graph
(``data/documents/NNN-*.trig``), build it into a temporary folder with kg's build API, run
:func:`kg.curate.suggest.suggest` on the seed's text against that reduced graph, and compare
the draft with what the curated graph holds for the document:

- the **truth** is the checklist's things and every resource the document's graph states
  something about (its subjects), each of a kind ``kg suggest`` finds (municipality,
  organisation, programme, project, pilot, intervention, law, accord, scheme, statutory
  service, target group, theme). A municipal area (``area:gm0166``) stands for its
  municipality (``tooi:gm0166``): the document names the place, the mention is the
  municipality of that code. Provinces, places, people, publications, events, findings
  and phases are no kind ``kg suggest`` finds and are left out.
- **known** things are those the reduced graph still has; **recall of known** is the share
  of them with a mention of that IRI.
- **new** things are the programmes (projects, pilots) and organisations (networks among
  them: the ontology makes a learning network an organisation) that the reduced graph lacks;
  **recall of new** is the share of them that some candidate matches. A candidate matches a
  thing when, in kg's normal form (:func:`kg.text.normalise`), its words equal those of one of
  the thing's names (the checklist's ``name`` and ``also``, and the thing's Dutch labels in
  the document's graph), or one holds the other as consecutive words and the shorter has at
  least half as many words as the longer ("Samen in Beweging" matches "Samen in Beweging met
  kwetsbare bewoners"; "Beweging" does not).
- **precision** is the share of all suggestions, mentions and candidates, that are right: a
  mention when its IRI is in the document's graph (as subject or object: the target groups and
  themes the curator linked count) or in the checklist; a candidate when it matches a new
  programme or organisation, or a new intervention (the sheet Programma's takes interventions
  too; they are not in the recall of new, which the goal sets for programmes and organisations).

Also shown, not part of the goals: the recall of the target groups and themes that the
document's graph links to (a curator chooses these by reading; the text need not name them).

Goals: recall of known at least 0.9, recall of new at least 0.6, precision at least 0.7
(overall, counting every thing and suggestion of the five documents together). The script
prints a Markdown table per document and overall, writes it to ``bench/results/suggest.md``
and exits 1 when an overall figure misses its goal.

Usage:  python -m bench.suggest [--document 001 ...] [--results DIR] [--show]
"""

from __future__ import annotations

import argparse
import platform
import shutil
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
CHECKLISTS = ROOT / "tests" / "checklists"
DOCUMENTS = ("000", "001", "002", "003", "004")
GOALS = {"known": 0.9, "new": 0.6, "precision": 0.7}
TOPICS = ("target group", "theme")


@dataclass
class Truth:
    """What the curated graph holds for one document, against a reduced graph."""

    known: dict[str, str] = field(default_factory=dict)  # IRI -> kind (the reduced graph has it)
    new: dict[str, list[str]] = field(default_factory=dict)  # programme/organisation -> names
    new_interventions: dict[str, list[str]] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)  # new thing -> programme/organisation
    topics: set[str] = field(default_factory=set)  # target groups and themes linked
    right: set[str] = field(default_factory=set)  # every IRI of the document's graph


@dataclass
class Score:
    document: str
    known: int = 0
    known_found: int = 0
    new: int = 0
    new_found: int = 0
    topics: int = 0
    topics_found: int = 0
    suggestions: int = 0
    right: int = 0
    right_candidates: int = 0
    right_kind: int = 0  # right candidates proposed as the kind the thing is
    mentions: int = 0
    candidates: int = 0
    seconds: float = 0.0
    missed_known: list[str] = field(default_factory=list)
    missed_new: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)


def ratio(found: int, total: int) -> float:
    return found / total if total else 1.0


def words(name: str) -> list[str]:
    from kg.text import normalise

    return normalise(name).split()


def matches(candidate: str, names: list[str]) -> bool:
    """Whether a candidate's name matches one of a thing's names (see the module docstring)."""
    a = words(candidate)
    for name in names:
        b = words(name)
        if not a or not b:
            continue
        short, long_ = sorted((a, b), key=len)
        if 2 * len(short) < len(long_):
            continue
        if any(long_[i : i + len(short)] == short for i in range(len(long_) - len(short) + 1)):
            return True
    return False


def seed_of(number: str) -> tuple[Path, dict[str, object]]:
    checklist = tomllib.loads((CHECKLISTS / f"{number}.toml").read_text("utf-8"))
    return SEEDS / str(checklist["seed"]), checklist


def reduced_build(number: str, folder: Path) -> Path:
    """The project's data without document ``number``, built into ``folder``; the build."""
    from kg.build import build
    from kg.paths import Paths

    shutil.copytree(ROOT / "ontology", folder / "ontology")
    shutil.copytree(
        ROOT / "data",
        folder / "data",
        ignore=lambda where, names: [
            n for n in names if Path(where).name == "documents" and n.startswith(f"{number}-")
        ],
    )
    paths = Paths.from_root(folder, use_cpsv=False)
    build(paths)
    return paths.build_dir


def _document_graph(number: str, source: str) -> tuple[set[str], set[str], dict[str, list[str]]]:
    """The document's graph in data/: its subjects, every IRI in it, and Dutch names."""
    import rdflib

    (path,) = sorted((ROOT / "data" / "documents").glob(f"{number}-*.trig"))
    data = rdflib.Dataset()
    data.parse(path, format="trig")
    graph = data.graph(rdflib.URIRef(source))
    subjects = {str(s) for s in graph.subjects() if isinstance(s, rdflib.URIRef)}
    every = subjects | {str(o) for o in graph.objects() if isinstance(o, rdflib.URIRef)}
    names: dict[str, list[str]] = {}
    skos = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")
    for prop in (skos.prefLabel, skos.altLabel):
        for s, o in graph.subject_objects(prop):
            if isinstance(o, rdflib.Literal) and o.language in ("nl", None):
                names.setdefault(str(s), []).append(str(o))
    types: dict[str, set[str]] = {}
    for s, o in graph.subject_objects(rdflib.RDF.type):
        types.setdefault(str(s), set()).add(str(o))
    names["__types__"] = [f"{s} {t}" for s, ts in types.items() for t in ts]
    return subjects, every, names


def _municipality(iri: str) -> str:
    """A municipal area's municipality (same CBS code); any other IRI as it is."""
    from kg.namespaces import ID, TOOI_GEMEENTE

    area = ID + "area/gm"
    return TOOI_GEMEENTE + iri[len(ID + "area/") :] if iri.startswith(area) else iri


def truth(number: str, store: object) -> Truth:
    """What document ``number``'s curated graph holds, against the reduced ``store``."""
    from kg.ask.resolve import as_iri
    from kg.curate.gazetteer import known_resources

    _, checklist = seed_of(number)
    source = as_iri(str(checklist["source"])) or ""
    subjects, every, names = _document_graph(number, source)
    known_kinds = {iri: k.kind for iri, k in known_resources(store).items()}  # type: ignore[arg-type]
    classes = _classes(store, names.pop("__types__"), checklist)
    things: dict[str, list[str]] = {}
    for thing in checklist["thing"]:  # type: ignore[attr-defined]
        iri = _municipality(as_iri(thing["iri"]) or thing["iri"])
        things.setdefault(iri, []).extend([thing["name"], *thing.get("also", [])])
    for iri in subjects:
        things.setdefault(_municipality(iri), [])
    result = Truth(right={_municipality(i) for i in every} | set(things))
    for iri, thing_names in sorted(things.items()):
        kind = known_kinds.get(iri)
        if kind is not None:
            result.known[iri] = kind
            continue
        new_kind = classes.get(iri)
        all_names = thing_names + names.get(iri, [])
        if new_kind in ("programme", "organisation"):
            result.new[iri] = all_names
        elif new_kind == "intervention":
            result.new_interventions[iri] = all_names
        if new_kind in ("programme", "organisation", "intervention"):
            result.kinds[iri] = "organisation" if new_kind == "organisation" else "programme"
    result.topics = {i for i in (_municipality(i) for i in every) if known_kinds.get(i) in TOPICS}
    return result


def _classes(store: object, typed: list[str], checklist: dict[str, object]) -> dict[str, str]:
    """The kind (programme, organisation, intervention) of the document's new resources, by
    their classes in the document's graph and the checklist, through the ontology."""
    from kg.ask.resolve import as_iri
    from kg.curate.gazetteer import CLASS_KINDS, class_closure

    above = class_closure(store)  # type: ignore[arg-type]

    types: dict[str, set[str]] = {}
    for line in typed:
        iri, cls = line.split(" ", 1)
        types.setdefault(iri, set()).add(cls)
    for thing in checklist["thing"]:  # type: ignore[attr-defined]
        iri = as_iri(thing["iri"]) or thing["iri"]
        types.setdefault(iri, set()).add(as_iri(thing["class"]) or thing["class"])
    kinds = {}
    for iri, classes in types.items():
        reach = set().union(*(above(c) for c in classes))
        for cls, kind, _ in CLASS_KINDS:
            if cls in reach:
                kinds[iri] = kind
                break
    return kinds


def measure(number: str, folder: Path | None = None) -> Score:
    """Score ``kg suggest`` on document ``number`` (see the module's docstring)."""
    from kg.curate.document import read
    from kg.curate.suggest import suggest
    from kg.namespaces import curie
    from kg.store import open_store

    seed, _ = seed_of(number)
    with tempfile.TemporaryDirectory(prefix=f"kg-suggest-{number}-", dir=folder) as tmp:
        build_dir = reduced_build(number, Path(tmp))
        with open_store(build_dir) as store:
            facts = truth(number, store)
            began = time.perf_counter()
            draft = suggest(store, read(seed))
            seconds = time.perf_counter() - began
    score = Score(number, seconds=seconds)
    mentioned = {m.iri for m in draft.mentions}
    known = {i: k for i, k in facts.known.items() if k not in TOPICS}
    score.known, score.known_found = len(known), len(known.keys() & mentioned)
    score.missed_known = sorted(curie(i) for i in known.keys() - mentioned)
    score.topics, score.topics_found = len(facts.topics), len(facts.topics & mentioned)
    names = [c.name for c in draft.candidates]
    score.new = len(facts.new)
    for iri, thing in sorted(facts.new.items()):
        if any(matches(n, thing) for n in names):
            score.new_found += 1
        else:
            score.missed_new.append(curie(iri))
    good = {**facts.new, **facts.new_interventions}
    score.mentions, score.candidates = len(draft.mentions), len(draft.candidates)
    score.suggestions = score.mentions + score.candidates
    for m in draft.mentions:
        if m.iri in facts.right:
            score.right += 1
        else:
            score.wrong.append(f"{m.kind} {curie(m.iri)} ({m.confidence})")
    for c in draft.candidates:
        matched = [iri for iri, thing in good.items() if matches(c.name, thing)]
        if matched:
            score.right += 1
            score.right_candidates += 1
            score.right_kind += any(facts.kinds.get(iri) == c.kind for iri in matched)
        else:
            score.wrong.append(f"{c.kind} {c.name!r} ({c.confidence})")
    return score


#: The counts of a Score that add up over documents.
COUNTS = ("known", "known_found", "new", "new_found", "topics", "topics_found", "suggestions")
COUNTS += ("right", "mentions", "candidates", "right_candidates", "right_kind")


def table(scores: list[Score]) -> str:
    total = Score(
        "overall",
        **{f: sum(getattr(s, f) for s in scores) for f in COUNTS},
        seconds=sum(s.seconds for s in scores),
    )
    lines = [
        "| document | recall of known | recall of new | precision | mentions | proposals "
        "| proposals of the right kind | target groups and themes linked (not a goal) | time |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in [*scores, total]:
        name = f"**{s.document}**" if s.document == "overall" else s.document
        lines.append(
            f"| {name} | {ratio(s.known_found, s.known):.2f} ({s.known_found}/{s.known}) "
            f"| {ratio(s.new_found, s.new):.2f} ({s.new_found}/{s.new}) "
            f"| {ratio(s.right, s.suggestions):.2f} ({s.right}/{s.suggestions}) "
            f"| {s.mentions} | {s.candidates} "
            f"| {s.right_kind}/{s.right_candidates} "
            f"| {ratio(s.topics_found, s.topics):.2f} ({s.topics_found}/{s.topics}) "
            f"| {s.seconds:.2f} s |"
        )
    return "\n".join(lines)


def overall(scores: list[Score]) -> dict[str, float]:
    def add(field_: str) -> int:
        return sum(getattr(s, field_) for s in scores)

    return {
        "known": ratio(add("known_found"), add("known")),
        "new": ratio(add("new_found"), add("new")),
        "precision": ratio(add("right"), add("suggestions")),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--document", action="append", choices=DOCUMENTS)
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument("--show", action="store_true", help="list what was missed and wrong")
    args = parser.parse_args(argv)
    if not SEEDS.is_dir():
        print(f"needs the source documents in {SEEDS} (the project's shared folder)")
        return 2
    numbers = args.document or list(DOCUMENTS)
    scores = [measure(n) for n in numbers]
    figures = overall(scores)
    met = all(figures[k] >= goal for k, goal in GOALS.items())
    text = (
        "# kg suggest\n\n"
        f"kg suggest on the five source documents ({platform.machine()}, Python "
        f"{platform.python_version()}; `python -m bench.suggest`; each document against the "
        "graph built without it). Goals: recall of known >= 0.9, recall of new >= 0.6, "
        f"precision >= 0.7 (overall). Met: {'yes' if met else '**no**'}.\n\n{table(scores)}\n"
    )
    print(text)
    if args.show:
        for s in scores:
            print(f"{s.document}: missed known {s.missed_known}\n  missed new {s.missed_new}")
            print(f"  wrong {s.wrong}")
    if not args.document:
        args.results.mkdir(parents=True, exist_ok=True)
        (args.results / "suggest.md").write_text(text, "utf-8")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
