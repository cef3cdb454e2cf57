"""Documentation stays true: every command is in the README, docs/ is current."""

from __future__ import annotations

import re

import click

from kg.cli import CLI_DOC, cli, reference_markdown
from kg.publish.docs import check_docs

from .conftest import ROOT

README = (ROOT / "README.md").read_text("utf-8")


def _commands() -> list[str]:
    names = []
    for name, command in sorted(cli.commands.items()):
        names.append(name)
        if isinstance(command, click.Group):
            names += [f"{name} {sub}" for sub in sorted(command.commands)]
    return names


def test_every_command_is_in_the_readme_and_has_a_page() -> None:
    pages = "\n".join(p.read_text("utf-8") for p in sorted((ROOT / "docs").glob("*.md")))
    for name in cli.commands:
        assert f"| `kg {name}` |" in README, f"README's command table lacks `kg {name}`"
        assert re.search(rf"^#+ .*`kg {name}\b", pages, re.MULTILINE), (
            f"no page in docs/ has a section for `kg {name}`"
        )


def test_the_command_reference_is_every_commands_help() -> None:
    """docs/cli.md shows, for each command, exactly what `kg ... --help` prints."""
    from click.testing import CliRunner

    reference = (ROOT / "docs" / CLI_DOC).read_text("utf-8")
    for name in _commands():
        result = CliRunner().invoke(
            cli, [*name.split(), "--help"], prog_name="kg", terminal_width=100
        )
        assert result.exit_code == 0, result.output
        assert f"## `kg {name}`\n\n```text\n{result.output}" in reference, name


def test_the_readme_is_a_short_front_door() -> None:
    assert README.count("\n") <= 250


_LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)\s]*)?\)")


def test_relative_links_in_the_documentation_lead_to_files() -> None:
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for target in _LINK.findall(page.read_text("utf-8")):
            if re.match(r"[a-z]+:", target):
                continue  # http(s), mailto
            assert (page.parent / target).exists(), f"{page.name}: {target}"


def test_readme_quick_start_has_the_two_commands() -> None:
    quick = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```(?:sh|bash|console)?\n(.*?)```", quick, re.DOTALL)
    assert len(blocks) >= 2
    assert "pip install" in blocks[0] and "kg build" in blocks[0]
    assert "pytest" in blocks[1]


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    assert 'pip install -e ".[test]"' in ci and 'pip install -e ".[test]"' in README
    assert "python -m pytest" in ci and "python -m pytest" in README


def test_generated_docs_are_current(real_build) -> None:
    stale = check_docs(real_build, ROOT / "docs", {CLI_DOC: reference_markdown()})
    assert not stale, f"run 'kg docs' to regenerate: {stale}"


def test_changelog_mentions_this_version() -> None:
    from kg import __version__

    assert f"## [{__version__}]" in (ROOT / "CHANGELOG.md").read_text("utf-8")


def test_docs_without_an_ontology_is_a_one_line_error(runner, tmp_path) -> None:
    from kg.cli import cli

    result = runner.invoke(cli, ["--root", str(tmp_path), "docs", "--check"])
    assert result.exit_code == 2, result.output
    assert "ontology folder not found" in result.output
    assert isinstance(result.exception, SystemExit)


def test_each_language_has_its_own_reference() -> None:
    english = (ROOT / "docs" / "ontology.html").read_text("utf-8")
    dutch = (ROOT / "docs" / "ontology-nl.html").read_text("utf-8")
    assert "knowledge graph of the Dutch social domain" in english
    assert "kennisgraaf van het sociaal domein" not in english
    assert "kennisgraaf van het sociaal domein" in dutch
    for html in (english, dutch):
        assert '<img src="core-model.svg"' in html


def test_the_python_api_example_runs() -> None:
    """docs/python-api.md's example, run as it stands on a copy of the project."""
    from kg.publish.examples import Sandbox

    text = (ROOT / "docs" / "python-api.md").read_text("utf-8")
    (code,) = re.findall(r"```python\n(.*?)```", text, re.DOTALL)
    sandbox = Sandbox(ROOT)
    try:
        out = sandbox.run(f"python - <<'EOF'\n{code}\nprint('ran')\nEOF")
    finally:
        sandbox.close()
    assert out[-1] == "ran", "\n".join(out)
    assert out[0].startswith("programme,")  # the CSV the example prints
