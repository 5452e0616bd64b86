"""The ``kg`` command line: a thin layer over :mod:`kg.pipeline`.

Heavy libraries (rdflib, pandas) are imported inside the commands so that
``kg --help`` starts instantly. Domain errors become clean messages in one place.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click

from kg import DEFAULT_BASE_IRI, __version__
from kg.errors import KgError
from kg.output import RdfFormat

DEFAULT_DATA = Path("data")
DEFAULT_OUT = Path("build")


class KgClickError(click.ClickException):
    """A domain error shown without a traceback, with the error's own exit code."""

    def __init__(self, error: KgError) -> None:
        super().__init__(str(error))
        self.exit_code = error.exit_code

    def show(self, file: Any = None) -> None:
        click.echo(self.format_message(), err=True)


def reports_errors(command: Callable[..., None]) -> Callable[..., None]:
    """Turn :class:`KgError` into a clean message and exit status."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        try:
            command(*args, **kwargs)
        except KgError as error:
            raise KgClickError(error) from None

    return wrapper


def data_option(command: Callable[..., None]) -> Callable[..., None]:
    return click.option(
        "--data",
        "data_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=DEFAULT_DATA,
        show_default=True,
        help="Folder with the CSV tables and datapackage.json.",
    )(command)


def base_iri_option(command: Callable[..., None]) -> Callable[..., None]:
    return click.option(
        "--base-iri",
        default=DEFAULT_BASE_IRI,
        show_default=True,
        help="Base under which resource IRIs are minted ({base}instrument/{id}, ...).",
    )(command)


def check_data_dir(data_dir: Path) -> None:
    if not data_dir.is_dir():
        raise click.UsageError(f"no data folder at {data_dir}; pass --data DIR", ctx=click.get_current_context())


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kg")
def main() -> None:
    """Knowledge graph of AI legislation: build, validate, export and summarise it."""


@main.command()
@data_option
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_OUT,
    show_default=True,
    help="Folder for build outputs (graph.ttl).",
)
@base_iri_option
@click.option("--quiet", "-q", is_flag=True, help="Print only the path written.")
@reports_errors
def build(data_dir: Path, out_dir: Path, base_iri: str, quiet: bool) -> None:
    """Validate the tables, build the graph and write OUT/graph.ttl, then show a summary."""
    from kg.pipeline import build as run_build

    check_data_dir(data_dir)
    result = run_build(data_dir, out_dir, base_iri=base_iri)
    if quiet:
        click.echo(result.turtle_path)
        return
    click.echo(f"Wrote {result.turtle_path}: {result.triples} triples from {result.rows} rows in {data_dir}.")
    click.echo()
    _echo_summary(result.graph)


@main.command()
@data_option
@reports_errors
def validate(data_dir: Path) -> None:
    """Check every table against data/datapackage.json; report all problems as path:line:column."""
    from kg.tables import load_dataset

    check_data_dir(data_dir)
    dataset = load_dataset(data_dir)
    click.echo(f"OK: {dataset.row_count()} rows in {len(dataset.tables)} tables are valid.")


@main.command()
@data_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice([f.value for f in RdfFormat]),
    default=RdfFormat.turtle.value,
    show_default=True,
    help="Serialisation format.",
)
@click.option(
    "--output",
    "-o",
    default="-",
    show_default=True,
    help="File to write (atomically), or - for standard output.",
)
@base_iri_option
@reports_errors
def export(data_dir: Path, fmt: str, output: str, base_iri: str) -> None:
    """Build the graph from the tables and export it as Turtle, N-Triples, JSON-LD or RDF/XML."""
    from kg.pipeline import export as run_export
    from kg.pipeline import load_graph

    check_data_dir(data_dir)
    graph = load_graph(data_dir, base_iri=base_iri)
    target = None if output == "-" else Path(output)
    data = run_export(graph, RdfFormat(fmt), target)
    if target is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        click.echo(f"Wrote {target} ({len(graph)} triples, {fmt}).", err=True)


@main.command()
@data_option
@reports_errors
def stats(data_dir: Path) -> None:
    """Show counts per class and per jurisdiction."""
    from kg.pipeline import load_graph

    check_data_dir(data_dir)
    _echo_summary(load_graph(data_dir))


def _echo_summary(graph: Any) -> None:
    from kg.output import format_table
    from kg.stats import class_counts, jurisdiction_counts

    click.echo("Instances per class")
    click.echo(format_table(["class", "count"], class_counts(graph)))
    click.echo()
    click.echo("Per jurisdiction")
    rows = [
        (j.jurisdiction, j.name_en, j.name_zh, j.instruments, j.hard_law, j.soft_law, j.articles, j.events)
        for j in jurisdiction_counts(graph)
    ]
    headers = ["id", "jurisdiction", "名称", "instruments", "hard law", "soft law", "articles", "events"]
    click.echo(format_table(headers, rows))


if __name__ == "__main__":  # pragma: no cover
    main()
