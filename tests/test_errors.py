"""kg.errors: every error is one line naming where the problem is."""

from __future__ import annotations

import pytest

from kg.errors import DataSyntaxError, KgError, ValidationFailed
from kg.validate import ValidationReport, Violation


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
    label = "Kampen\x1b[31m\u202e"
    message = str(KgError(f"no municipality named {label}", file="data/x\x1b.ttl"))
    assert message == "data/x\\u001b.ttl: no municipality named Kampen\\u001b[31m\\u202e"
    finding = Violation(label, "urn:x", None, "needs a name\x07")
    assert "\x1b" not in str(finding) and "\x07" not in str(finding)
