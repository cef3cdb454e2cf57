"""kg.errors: every error is one line naming where the problem is."""

from __future__ import annotations

import pytest

from kg.errors import DataSyntaxError, KgError
from kg.validate import ValidationFailed, ValidationReport, Violation


@pytest.mark.parametrize(
    ("error", "text"),
    [
        (KgError("plain"), "plain"),
        (KgError("missing", file="data"), "data: missing"),
        (DataSyntaxError("bad\n  token", file="a.ttl", line=3), "a.ttl:3: bad token"),
    ],
)
def test_errors_render_as_one_line(error: KgError, text: str) -> None:
    assert str(error) == text and error.exit_code == 2


def test_validation_failure_is_exit_1_and_counts() -> None:
    report = ValidationReport(violations=[Violation("x", "urn:x", None, "m")] * 2)
    error = ValidationFailed(report)
    assert error.exit_code == 1
    assert str(error) == "the graph does not conform: 2 violations"


def test_messages_and_findings_never_hand_a_terminal_control_characters() -> None:
    """Nor a line break: a name from the data cannot start a line of its own."""
    label = "Kampen\x1b[31m\u202e\u200f"
    message = str(KgError(f"no municipality named {label}", file="data/x\n.ttl"))
    assert message == ("data/x\\u000a.ttl: no municipality named Kampen\\u001b[31m\\u202e\\u200f")
    finding = Violation(label + "\n  - fake finding", "urn:x", None, "needs a name\x07")
    assert len(str(finding).splitlines()) == 1
    assert not any(c in str(finding) for c in "\x1b\x07\u202e\u200f")
