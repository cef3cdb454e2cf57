"""Commands over the project: build, validate, info, reference, docs."""

from __future__ import annotations

import json
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from kg.cli.base import (
    Context,
    build_dir_option,
    cli,
    handle_errors,
    pass_ctx,
    with_cpsv,
)


@cli.command()
@build_dir_option
@with_cpsv
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    metavar="YYYY-MM-DD",
    help="Reference date for the status of programmes, projects and phases (running, ended "
    "or unknown). Default: today.",
)
@pass_ctx
@handle_errors
def build(
    ctx: Context,
    build_dir: Path | None,
    cpsv_shapes: Path | None,
    no_cpsv: bool,
    shacl_engine: str,
    quiet: bool,
    as_json: bool,
    as_of: datetime | None,
) -> None:
    """Parse, validate and store the graph in build/.

    Reads ontology/*.ttl and data/**/*.ttl|*.trig, validates them against
    ontology/shapes.ttl (and the official CPSV-AP 3.2.0 shapes when they are found; the
    summary says which), and writes build/store
    (an on-disk store), build/kg.trig, build/kg.ttl and build/manifest.json (counts and
    input checksums). The new build replaces the old one in one step (the build/current
    link). If the data does not conform, each violation is printed, the exit code is 1
    and the previous build is left as it was. Each programme, project, pilot and phase gets
    a status (running, ended, unknown) derived from its period on the --as-of date.

    \b
    Example:
      kg build
    """
    from kg.build import build as run_build

    paths = ctx.paths(build_dir, cpsv_shapes, not no_cpsv)
    started = time.perf_counter()
    progress = (lambda _m: None) if quiet or as_json else (lambda m: click.echo(m, err=True))
    day = as_of.date() if as_of else None
    result = run_build(paths, progress=progress, engine=shacl_engine, as_of=day)
    if as_json:
        click.echo(json.dumps(result.as_dict(), indent=2, ensure_ascii=False))
    elif not quiet:
        click.echo(_summary(result, time.perf_counter() - started))


def _summary(result: Any, seconds: float | None) -> str:
    took = "" if seconds is None else f", in {seconds:.1f} s"
    lines = [
        f"Built {result.build_dir}/: {result.triples} triples from {result.files} files, "
        f"{len(result.sources)} source graph(s){took}.",
        f"Validated with {result.shapes}.",
        "Resources per class:",
    ]
    width = max((len(c) for c, _, _ in result.classes), default=0)
    lines += [f"  {label:<{width}}  {n:>6}" for label, _, n in result.classes]
    lines.append("Sources:")
    lines += [f"  {title} ({n} triples)" for title, _, n in result.sources]
    if result.warnings:
        lines.append(f"{result.warnings} warning(s); run 'kg validate' to see them.")
    return "\n".join(lines)


@cli.command()
@with_cpsv
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Report format.",
)
@pass_ctx
@handle_errors
def validate(
    ctx: Context, cpsv_shapes: Path | None, no_cpsv: bool, shacl_engine: str, fmt: str
) -> None:
    """Validate ontology/ and data/ without writing anything.

    Exit code 0 when the graph conforms, 1 when it does not (each violation is printed
    in plain words: the resource, the property, what was expected), 2 when a file cannot
    be read or parsed.

    \b
    Example:
      kg validate --format json
    """
    from kg.validate import validate_sources

    report = validate_sources(ctx.paths(None, cpsv_shapes, not no_cpsv), shacl_engine)
    if fmt == "json":
        click.echo(report.to_json())
    else:
        for v in report.violations:
            click.echo(f"violation: {v}")
        for v in report.warnings:
            click.echo(f"{v.severity}: {v}")
        n = len(report.violations)
        verdict = "Conforms" if report.conforms else f"Does not conform: {n} violation(s)"
        click.echo(f"{verdict} (validated with {report.shapes}).")
    if not report.conforms:
        sys.exit(1)


@cli.command()
@build_dir_option
@click.option("--json", "as_json", is_flag=True, help="Print the manifest as JSON.")
@pass_ctx
@handle_errors
def info(ctx: Context, build_dir: Path | None, as_json: bool) -> None:
    """Show what the current build holds (triples, classes, sources).

    \b
    Example:
      kg info
    """
    from kg.build import BuildResult, read_manifest

    paths = ctx.paths(build_dir)
    manifest = read_manifest(paths.build_dir)
    result = BuildResult.from_dict(paths.build_dir, manifest)  # checks it is whole
    if as_json:
        click.echo(json.dumps(manifest, indent=2, ensure_ascii=False))
    else:
        click.echo(_summary(result, None))


@cli.command()
@click.option(
    "--check",
    is_flag=True,
    help="Do not write; exit 1 if docs/ is not what the ontology, queries and build give.",
)
@click.option(
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where to write (default: ROOT/docs).",
)
@build_dir_option
@pass_ctx
@handle_errors
def docs(ctx: Context, check: bool, output_dir: Path | None, build_dir: Path | None) -> None:
    """Generate the reference documentation in docs/.

    Writes docs/ontology.html and ontology-nl.html (pyLODE), docs/core-model.dot and .svg
    (Graphviz), docs/context.jsonld (the JSON-LD context used by 'kg export --format
    jsonld'), docs/queries.md (every canned query with an example and its real output,
    so it needs a build: run 'kg build' first), docs/case.md (the case finder's scoring and
    worked examples) and docs/cli.md (every command's --help). Needs the 'docs' extra
    (pip install -e '.[docs]') and, for the picture, Graphviz.

    \b
    Example:
      kg docs --check
    """
    from kg.publish.docs import check_docs, write_docs

    paths = ctx.paths(build_dir, use_cpsv=False)
    out = output_dir or ctx.root / "docs"
    from kg.cli.reference import CLI_DOC, reference_markdown

    extra = {CLI_DOC: reference_markdown()}
    if check:
        stale = check_docs(paths, out, extra)
        if stale:
            for name in stale:
                click.echo(f"stale: {out / name}", err=True)
            click.echo("Run 'kg docs' to regenerate.", err=True)
            sys.exit(1)
        click.echo("docs/ is current.")
        return
    for path in write_docs(paths, out, extra):
        click.echo(f"wrote {path}", err=True)


@cli.command()
@click.option(
    "--reference-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder with the reference CSV files (default: ROOT/data/reference/inputs).",
)
@click.option(
    "--check",
    is_flag=True,
    help="Do not write; exit 1 if a generated file in data/reference/ is not what the CSV "
    "files give.",
)
@pass_ctx
@handle_errors
def reference(ctx: Context, reference_dir: Path | None, check: bool) -> None:
    """Generate the national reference layer from the reference CSV files.

    Writes three files in data/reference/, every statement in the named graph of its public
    source:

    \b
      regions.trig      the 12 provinces, the 342 municipalities (TOOI IRI, CBS code,
                        province, GGD region) and the 25 GGD regions with their GGD
      upl.trig          the 59 municipal products of the Uniforme Productnamenlijst as
                        statutory services, with the law articles they rest on
      allocations.trig  the Brede SPUK of every municipality and the SPUK IZA of every IZA
                        region, 2025 and 2026, from the health ministry's letter

    Deterministic; a bad row (file, line and column named) writes nothing. Re-run it when the
    CSV files change, then 'kg build'.

    \b
    Example:
      kg reference --check
    """
    from kg.build.reference import stale_outputs, write_reference

    paths = ctx.paths(use_cpsv=False)
    folder = reference_dir or paths.reference_dir
    assert folder is not None  # Paths.from_root always sets it
    if check:
        stale = stale_outputs(folder, paths.data_dir)
        for path in stale:
            click.echo(f"stale: {path}; run 'kg reference'", err=True)
        if stale:
            sys.exit(1)
        click.echo(f"{paths.data_dir / 'reference'} is current.")
        return
    for path in write_reference(folder, paths.data_dir):
        click.echo(f"wrote {path}", err=True)
