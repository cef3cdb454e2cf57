"""kg.cli: help with examples, exit codes 0/1/2, one-line errors and no tracebacks."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from kg.cli import cli

from .conftest import INVALID, ROOT, TINY, _make

COMMANDS = sorted(cli.commands)
# Every command and subcommand as its words: ["query", "run"], ...
COMMAND_PATHS = sorted(
    [name] if not isinstance(command, click.Group) else [name, *sub]
    for name, command in cli.commands.items()
    for sub in ([[]] + [[s] for s in getattr(command, "commands", {})])
)


def test_there_are_the_k1_and_k3_commands() -> None:
    assert {"build", "validate", "export", "info", "docs", "query"} <= set(COMMANDS)
    assert ["query", "run"] in COMMAND_PATHS and ["query", "list"] in COMMAND_PATHS


@pytest.mark.parametrize("words", COMMAND_PATHS, ids=[" ".join(w) for w in COMMAND_PATHS])
def test_every_command_has_help_with_an_example(runner: CliRunner, words: list[str]) -> None:
    result = runner.invoke(cli, [*words, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example:" in result.output
    assert f"kg {' '.join(words)}" in result.output.split("Example:")[1]


def test_top_level_help_and_version(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0 and "kg build" in result.output
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0 and "kg, version" in result.output


def _root(paths) -> list[str]:
    return ["--root", str(paths.ontology_dir.parent)]


def test_build_then_info_and_export(runner: CliRunner, make_project, tmp_path) -> None:
    paths = make_project(TINY)
    cpsv = ["--cpsv-shapes", str(paths.cpsv_shapes)] if paths.cpsv_shapes else ["--no-cpsv"]
    result = runner.invoke(cli, [*_root(paths), "build", *cpsv])
    assert result.exit_code == 0, result.output
    assert "Resources per class:" in result.output and "Testbron" in result.output
    result = runner.invoke(cli, [*_root(paths), "info", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["triples"] > 0
    out = tmp_path / "out" / "kg.nt"
    out.parent.mkdir()
    result = runner.invoke(cli, [*_root(paths), "export", "-f", "nt", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text("utf-8").count("\n") > 100
    assert not [p for p in out.parent.iterdir() if p.name.endswith(".tmp")]


def test_validation_failure_exits_1_and_lists_violations(runner: CliRunner, make_project) -> None:
    paths = make_project(TINY, INVALID / "law-bad-bwb.trig")
    cpsv = ["--cpsv-shapes", str(paths.cpsv_shapes)] if paths.cpsv_shapes else ["--no-cpsv"]
    result = runner.invoke(cli, [*_root(paths), "validate", *cpsv])
    assert result.exit_code == 1, result.output
    assert "Tweede testwet" in result.output and "Does not conform" in result.output
    result = runner.invoke(cli, [*_root(paths), "build", *cpsv])
    assert result.exit_code == 1, result.output
    assert "BWBR followed by seven digits" in result.output
    assert not paths.build_dir.exists()


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["export"], "run 'kg build' first"),  # no build yet
        (["info"], "run 'kg build' first"),
        (["build", "--cpsv-shapes", "/nonexistent/cpsv.ttl"], "CPSV-AP 3.2.0 shapes not found"),
    ],
    ids=["export-without-build", "info-without-build", "missing-cpsv-shapes"],
)
def test_usage_and_data_errors_exit_2_with_one_line(runner, make_project, args, needle) -> None:
    paths = make_project(TINY)
    result = runner.invoke(cli, [*_root(paths), *args])
    assert result.exit_code == 2, result.output
    assert needle in result.output
    assert isinstance(result.exception, SystemExit)  # handled, not an escaped exception
    assert len([line for line in result.output.splitlines() if line.startswith("Error:")]) == 1


def test_syntax_error_names_file_and_line(runner: CliRunner, make_project) -> None:
    paths = make_project(
        TINY, ("broken.ttl", "@prefix ex: <https://example.org/> .\nex:a ex:b .\n")
    )
    result = runner.invoke(cli, [*_root(paths), "build", "--no-cpsv"])
    assert result.exit_code == 2, result.output
    assert f"{paths.data_dir / 'broken.ttl'}:2:" in result.output
    assert isinstance(result.exception, SystemExit)


def test_bad_option_value_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["export", "--format", "xml"])
    assert result.exit_code == 2
    assert "xml" in result.output


def test_public_api_names_resolve() -> None:
    import kg

    for name in kg.__all__:
        assert getattr(kg, name) is not None, name


def test_help_does_not_import_the_rdf_stack() -> None:
    """`kg --help` stays instant: rdflib, pyoxigraph and pySHACL load only when needed."""
    import subprocess
    import sys

    code = (
        "import sys; from kg.cli import cli\n"
        "try:\n    cli(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = ('rdflib', 'pyoxigraph', 'pyshacl', 'pylode', 'networkx', 'pyvis', 'numpy',"
        " 'scipy', 'jinja2')\n"
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["export", "--format", "xml"], "'xml' is not one of"),
        (["bogus"], "No such command 'bogus'"),
        (["build", "--no-such-option"], "No such option"),
        (["--root", "/nonexistent/kg-project", "build"], "does not exist"),
    ],
    ids=["bad-choice", "unknown-command", "unknown-option", "missing-root"],
)
def test_click_usage_errors_are_one_line_from_the_real_entry_point(args, needle) -> None:
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True, text=True)
    assert out.returncode == 2, out
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and needle in lines[0], lines
    assert "--help" in lines[0]


def test_export_refuses_an_output_folder_that_does_not_exist(runner, tiny_build, tmp_path) -> None:
    target = tmp_path / "no" / "such" / "dir" / "kg.ttl"
    root = ["--root", str(tiny_build.ontology_dir.parent)]
    result = runner.invoke(cli, [*root, "export", "-o", str(target)])
    assert result.exit_code == 2, result.output
    assert "folder for --output does not exist" in result.output
    assert not (tmp_path / "no").exists()


def test_info_summary_has_no_timing(runner, tiny_build) -> None:
    result = runner.invoke(cli, ["--root", str(tiny_build.ontology_dir.parent), "info"])
    assert result.exit_code == 0, result.output
    first = result.output.splitlines()[0]
    assert first.endswith("source graph(s).") and ",." not in first


def test_cli_format_choices_are_the_export_formats() -> None:
    from kg.publish.export import FORMATS

    (option,) = [o for o in cli.commands["export"].params if o.name == "fmt"]
    assert sorted(option.type.choices) == sorted(FORMATS)


def test_unexpected_errors_are_one_line_with_exit_2(monkeypatch, capsys, tiny_build) -> None:
    import sys

    import kg.build
    from kg.cli import main

    def boom(*args, **kwargs):
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setattr(kg.build, "build", boom)
    monkeypatch.setattr(sys, "argv", ["kg", "--root", str(tiny_build.ontology_dir.parent), "build"])
    with pytest.raises(SystemExit) as info:
        main()
    assert info.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "Error: unexpected RuntimeError: boom second line (KG_DEBUG=1 shows the traceback)"
    ]


def test_damaged_manifest_and_store_are_clear_errors(runner, make_project) -> None:
    from kg.build import build

    paths = make_project(TINY)
    build(paths)
    root = ["--root", str(paths.ontology_dir.parent)]
    (paths.build_dir / "manifest.json").write_text("{not json")
    result = runner.invoke(cli, [*root, "info"])
    assert result.exit_code == 2 and "cannot read the build manifest" in result.output
    store = (paths.build_dir / "store").resolve()
    for f in store.iterdir():
        if f.is_file():
            f.write_bytes(b"garbage")
    result = runner.invoke(cli, [*root, "export", "-f", "nt"])
    assert result.exit_code == 2, result.output
    assert "cannot open the store" in result.output
    assert isinstance(result.exception, SystemExit)


def test_export_output_follows_links_and_keeps_permissions(runner, tiny_build, tmp_path) -> None:
    import os

    root = ["--root", str(tiny_build.ontology_dir.parent)]
    target = tmp_path / "real.ttl"
    target.write_text("old")
    os.chmod(target, 0o640)
    link = tmp_path / "link.ttl"
    link.symlink_to(target)
    result = runner.invoke(cli, [*root, "export", "-o", str(link)])
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and target.read_text().startswith("@prefix")
    assert oct(target.stat().st_mode & 0o777) == oct(0o640)
    result = runner.invoke(cli, [*root, "export", "-o", str(tmp_path)])
    assert result.exit_code == 2  # a folder is not a file


@pytest.mark.parametrize(
    "reader",
    [
        "true",  # gone before kg writes
        "head -c 10 >/dev/null",  # gone after the first bytes of a graph larger than a pipe
    ],
)
def test_a_closed_pipe_is_quiet_and_exits_141(real_build, reader: str) -> None:
    """`kg export | head`: kg says nothing and exits like a program ended by SIGPIPE, however
    much it had written before the reader left (a short write is not success)."""
    import subprocess
    import sys

    root = str(ROOT)
    build = str(real_build.build_dir)
    script = (
        f"'{sys.executable}' -m kg --root '{root}' export --build-dir '{build}' 2>err.txt "
        f"| {reader}; echo ${{PIPESTATUS[0]}}"
    )
    cwd = real_build.build_dir.parent
    out = subprocess.run(["bash", "-c", script], capture_output=True, text=True, cwd=cwd)
    assert out.stdout.strip() == "141", out
    assert (cwd / "err.txt").read_text() == ""


def test_plain_kg_shows_the_help() -> None:
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "kg"], capture_output=True, text=True)
    assert out.returncode == 0 and "Commands:" in out.stdout and out.stderr == ""


@pytest.mark.parametrize("where", ["build", "data", "ontology"])
def test_export_will_not_write_into_the_project_folders(runner, tiny_build, where) -> None:
    folder = {
        "build": tiny_build.build_dir,
        "data": tiny_build.data_dir,
        "ontology": tiny_build.ontology_dir,
    }[where]
    target = folder / "kg.ttl"
    before = target.read_bytes() if target.exists() else None
    root = ["--root", str(tiny_build.ontology_dir.parent)]
    result = runner.invoke(cli, [*root, "export", "-f", "nt", "-o", str(target)])
    assert result.exit_code == 2, result.output
    assert "will not write an export into" in result.output
    assert (target.read_bytes() if target.exists() else None) == before


# --- kg query ------------------------------------------------------------------------------


def _query_args(paths) -> list[str]:
    from .conftest import DATA

    return [*_root(paths), "query", "run", "--queries-dir", str(DATA / "queries")]


def test_query_list_and_show(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["query", "list", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert (
        "programmes-in-municipality,Programma's en interventies in een gemeente,municipality*"
        in (result.output)
    )
    result = runner.invoke(cli, ["query", "show", "programmes-in-municipality"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("#+ title:") and "SELECT" in result.output


def test_query_run_formats_and_output_file(runner: CliRunner, tiny_build, tmp_path) -> None:
    args = [*_query_args(tiny_build), "labels", "-p", "text", "Kampen"]
    result = runner.invoke(cli, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.output)
    assert row["thing"]["label"] == "Kampen" and row["echo"] == "Kampen"
    assert row["thing"]["iri"].endswith("/gm0166")
    out = tmp_path / "answer.csv"
    result = runner.invoke(cli, [*args, "--format", "csv", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text("utf-8").splitlines()[0] == "thing,thing_iri,echo"


def test_query_run_own_file(runner: CliRunner, tiny_build) -> None:
    from .conftest import DATA

    own = DATA / "queries" / "labels.rq"
    result = runner.invoke(cli, [*_root(tiny_build), "query", "run", str(own), "-p", "text", "x"])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["labels"], "needs parameter 'text'"),
        (["labels", "-p", "txt", "x"], "did you mean 'text'"),
        (["labels", "-p", "text", "x", "-p", "text", "y"], "given twice"),
        (["lables"], "did you mean 'labels'"),
        (["typed", "-p", "municipality", "Kampen", "-p", "number", "x"], "expected a whole number"),
        (["no/such.rq"], "no such query file"),
    ],
)
def test_query_run_mistakes_exit_2_with_one_line(runner, tiny_build, extra, needle) -> None:
    result = runner.invoke(cli, [*_query_args(tiny_build), *extra])
    assert result.exit_code == 2, result.output
    assert needle in result.output and len(result.output.strip().splitlines()) == 1


def test_query_run_refuses_to_write_into_the_project(runner, tiny_build) -> None:
    out = tiny_build.data_dir / "answer.csv"
    result = runner.invoke(
        cli, [*_query_args(tiny_build), "labels", "-p", "text", "x", "-o", str(out)]
    )
    assert result.exit_code == 2 and "will not write" in result.output
    assert not out.exists()


def test_output_dash_is_standard_output(runner: CliRunner, tiny_build) -> None:
    result = runner.invoke(cli, [*_query_args(tiny_build), "labels", "-p", "text", "x", "-o", "-"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("thing") and "Wrote" not in result.output
    result = runner.invoke(cli, [*_root(tiny_build), "export", "-o", "-"])
    assert result.exit_code == 0 and result.output.startswith("@prefix")


# --- kg viz and kg network ------------------------------------------------------------------


def test_viz_writes_a_page_and_says_what_it_drew(runner, real_build, tmp_path) -> None:
    out = tmp_path / "kampen.html"
    args = ["viz", "--focus", "Kampen", "--build-dir", str(real_build.build_dir), "-o", str(out)]
    result = runner.invoke(cli, ["--root", str(ROOT), *args])
    assert result.exit_code == 0, result.output
    assert "nodes (" in result.output and f"Wrote {out}" in result.output
    html = out.read_text("utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<title>kg: rond Gemeente Kampen</title>" in html


def test_viz_to_standard_output(runner, real_build) -> None:
    args = ["viz", "--focus", "GM0166", "--depth", "0", "--build-dir", str(real_build.build_dir)]
    result = runner.invoke(cli, ["--root", str(ROOT), *args, "-o", "-"])
    assert result.exit_code == 0, result.output
    assert (
        "<!DOCTYPE html>" in result.output and "1 nodes (1 municipality), 0 links" in result.output
    )


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["--focus", "Bergen"], "'Bergen' is ambiguous"),
        (["--focus", "Nergenshuizen"], "--focus: no node named 'Nergenshuizen'"),
        (["--types", "people"], "--types: unknown kind 'people'"),
        (["-m", "Kampen"], "-m, -t and --theme describe a case: add --case"),
        (["--case"], "--case needs --municipality"),
        (["--focus", "Kampen", "--query", "timeline"], "--focus and --query draw different"),
        (["--query", "programmes-in-municipality"], "needs parameter 'municipality'"),
        (["-p", "municipality", "Kampen"], "-p/--param needs --query"),
    ],
)
def test_viz_mistakes_exit_2_with_one_line(runner, real_build, tmp_path, extra, needle) -> None:
    out = tmp_path / "x.html"
    args = ["--root", str(ROOT), "viz", "--build-dir", str(real_build.build_dir), "-o", str(out)]
    result = runner.invoke(cli, [*args, *extra])
    assert result.exit_code == 2, result.output
    assert needle in result.output and len(result.output.strip().splitlines()) == 1, result.output
    assert not out.exists()


def test_network_formats(runner, real_build) -> None:
    base = ["--root", str(ROOT), "network", "--build-dir", str(real_build.build_dir)]
    result = runner.invoke(cli, [*base, "--limit", "3", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [r["rank"] for r in rows] == [1, 2, 3]
    assert rows[0]["name"]["label"] == "Alles is Gezondheid (netwerk)"
    result = runner.invoke(cli, [*base, "--by", "domain", "--format", "csv"])
    assert result.exit_code == 0, result.output
    header = result.output.splitlines()[0]
    assert header == (
        "domain,domain_iri,other_domain,other_domain_iri,broker_count,brokers,brokers_iri,"
        "programmes,programmes_iri"
    )


def test_the_shacl_engine_choices_are_the_engines_kg_validate_knows() -> None:
    """The CLI spells the choices out (importing kg.validate would slow every command's
    start); they must stay the library's."""
    from kg.validate import ENGINES

    for name in ("build", "validate"):
        option = next(p for p in cli.commands[name].params if p.name == "shacl_engine")
        assert isinstance(option.type, click.Choice)
        assert tuple(option.type.choices) == ENGINES


def test_a_bare_project_validates_with_kg_shapes_and_says_so(runner, tmp_path, monkeypatch):
    """Nothing beside the project (no ../shared): kg's own shapes, named in the summary."""
    monkeypatch.delenv("KG_CPSV_SHAPES", raising=False)
    paths = _make(tmp_path / "kg", None, (TINY,))
    result = runner.invoke(cli, [*_root(paths), "build"])
    assert result.exit_code == 0, result.output
    assert "Validated with kg shapes." in result.output
    result = runner.invoke(cli, [*_root(paths), "validate"])
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("Conforms (validated with kg shapes).")
    result = runner.invoke(cli, [*_root(paths), "validate", "--format", "json"])
    assert json.loads(result.output)["shapes"] == "kg shapes"


def test_official_shapes_beside_the_project_are_used_and_named(
    runner, tmp_path, monkeypatch, official_cpsv
):
    monkeypatch.delenv("KG_CPSV_SHAPES", raising=False)
    paths = _make(tmp_path / "kg", None, (TINY,))
    beside = tmp_path / "shared" / "standards" / official_cpsv.name
    beside.parent.mkdir(parents=True)
    shutil.copy(official_cpsv, beside)
    result = runner.invoke(cli, [*_root(paths), "build"])
    assert result.exit_code == 0, result.output
    shown = Path(str(paths.ontology_dir.parent), "..", "shared", "standards", beside.name)
    assert f"Validated with kg shapes + CPSV-AP 3.2.0 ({shown})." in result.output


def test_a_named_shapes_file_that_is_missing_writes_nothing(runner, tmp_path, monkeypatch):
    paths = _make(tmp_path / "kg", None, (TINY,))
    monkeypatch.setenv("KG_CPSV_SHAPES", str(tmp_path / "gone.ttl"))
    result = runner.invoke(cli, [*_root(paths), "build"])
    assert result.exit_code == 2, result.output
    assert result.output.count("\n") == 1 and "gone.ttl" in result.output
    assert "--cpsv-shapes" in result.output and not paths.build_dir.exists()


@pytest.mark.parametrize(
    ("case", "needle"),
    [
        ("no kg shapes", "restore ontology/shapes.ttl"),
        ("named official shapes missing", "--cpsv-shapes PATH or KG_CPSV_SHAPES"),
        ("reference folder missing", "reference folder not found"),
        ("reference file missing", "reference file not found"),
        ("reference file is a folder", "cannot read"),
    ],
)
def test_a_missing_input_is_one_line_naming_it_and_writes_nothing(
    runner, tmp_path, monkeypatch, case, needle
) -> None:
    monkeypatch.delenv("KG_CPSV_SHAPES", raising=False)
    paths = _make(tmp_path / "kg", None, (TINY,))
    inputs = tmp_path / "inputs"
    shutil.copytree(ROOT / "data" / "reference" / "inputs", inputs)
    command = ["build"]
    if case == "no kg shapes":
        missing = paths.shapes_file
        missing.unlink()
    elif case == "named official shapes missing":
        missing = tmp_path / "cpsv.ttl"
        command = ["build", "--cpsv-shapes", str(missing)]
    else:
        missing = inputs if case == "reference folder missing" else inputs / "ggd_regios.csv"
        shutil.rmtree(inputs) if case == "reference folder missing" else missing.unlink()
        if case == "reference file is a folder":
            missing.mkdir()
        command = ["reference", "--reference-dir", str(inputs)]
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    result = runner.invoke(cli, [*_root(paths), *command])
    assert result.exit_code == 2, result.output
    assert result.output.count("\n") == 1 and needle in result.output
    assert str(missing) in result.output
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before
