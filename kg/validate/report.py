"""The validation report: each finding in words a curator understands, and the error a build
raises when the graph does not conform."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from kg.errors import KgError, printable
from kg.store import term_key as term_key

CPSV = "CPSV-AP 3.2.0"


@dataclass(frozen=True)
class Violation:
    """One finding, in words a curator understands."""

    focus_label: str
    focus: str
    property: str | None
    message: str
    value: str | None = None
    severity: str = "violation"
    shapes: str = "kg"  # which shapes found it: "kg", "CPSV-AP 3.2.0" or "kg + CPSV-AP 3.2.0"
    constraint: str = ""  # the SHACL constraint (MinCount, Datatype, ...) or "structure"
    files: tuple[str, ...] = ()  # the input files that state it (see locate)
    path: str | None = None  # the property's IRI, where the finding is about one
    value_term: str | None = None  # the value in N-Triples, where the finding names one

    def sort_key(self) -> tuple[str, ...]:
        return (self.focus_label, self.focus, self.property or "", self.message, self.value or "")

    def __str__(self) -> str:
        where = f"{self.focus_label} <{self.focus}>"
        if self.files:
            where = f"{', '.join(self.files)}: {where}"
        prop = f", {self.property}" if self.property else ""
        value = f" (value: {self.value})" if self.value is not None else ""
        tag = f" [{self.shapes}]" if self.shapes != "kg" else ""
        return printable(f"{where}{prop}: {self.message}{value}{tag}", layout=False)


@dataclass
class ValidationReport:
    violations: list[Violation] = field(default_factory=list)
    warnings: list[Violation] = field(default_factory=list)
    shapes: str = ""  # the shape sets used, in words (see shape_sets); "" when not known

    @property
    def conforms(self) -> bool:
        return not self.violations

    def to_json(self) -> str:
        return json.dumps(
            {
                "conforms": self.conforms,
                "shapes": self.shapes,
                "violations": [asdict(v) for v in self.violations],
                "warnings": [asdict(v) for v in self.warnings],
            },
            indent=2,
            ensure_ascii=False,
        )


class ValidationFailed(KgError):
    """The graph does not conform to the shapes (exit code 1).

    Carries the full :class:`ValidationReport` so callers can list every finding.
    """

    exit_code = 1

    def __init__(self, report: ValidationReport) -> None:
        n = len(report.violations)
        super().__init__(f"the graph does not conform: {n} violation{'s' if n != 1 else ''}")
        self.report = report
