"""The ``kg`` command line: a thin layer over the façade :mod:`kg.api`.

Each command parses its options, calls one façade function and prints what it
returns with the formatters (:mod:`kg.output`, :mod:`kg.formats`, :mod:`kg.progress`);
it imports nothing else from ``kg`` (tests/test_cli.py checks). The façade keeps
heavy libraries out of its imports, so ``kg --help`` starts instantly. Domain
errors become clean messages in one place.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import Any

import click

from kg import api
from kg.errors import DataError, KgError
from kg.output import NETWORK_FORMATS, RdfFormat

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


class Seconds(click.ParamType):
    """A positive, finite number of seconds (not -1, 0, nan or inf)."""

    name = "seconds"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> float:
        if isinstance(value, float):
            return value
        try:
            number = float(value)
        except ValueError:
            self.fail(f"{value!r} is not a number of seconds", param, ctx)
        if not math.isfinite(number) or number <= 0:
            self.fail(f"{value!r} is not a positive, finite number of seconds", param, ctx)
        return number


SECONDS = Seconds()


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
        default=api.BASE_IRI,
        show_default=True,
        help="Base under which resource IRIs are minted ({base}instrument/{id}, ...).",
    )(command)


def results_options(format_help: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """--format (table, csv, tsv, json, markdown) and --lang, shared by the commands that print query results."""

    def decorate(command: Callable[..., None]) -> Callable[..., None]:
        command = click.option(
            "--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True, help="Label language."
        )(command)
        return click.option(
            "--format",
            "fmt",
            type=click.Choice(["table", "csv", "tsv", "json", "markdown"]),
            default="table",
            show_default=True,
            help=format_help,
        )(command)

    return decorate


def store_option(command: Callable[..., None]) -> Callable[..., None]:
    return click.option(
        "--store",
        type=click.Choice(api.STORES),
        default="auto",
        show_default=True,
        help="Local engine: oxigraph (fast embedded store) or memory (rdflib); auto picks oxigraph.",
    )(command)


def auth_options(command: Callable[..., None]) -> Callable[..., None]:
    """--user/--password-env and --token-env: credentials for a protected server, read from the environment."""
    command = click.option(
        "--token-env", metavar="VAR", help="Send the bearer token held in environment variable VAR."
    )(command)
    command = click.option(
        "--password-env", metavar="VAR", help="With --user: the password is in environment variable VAR."
    )(command)
    return click.option("--user", help="User name for HTTP Basic authentication to the server.")(command)


def credentials_from(user: str | None, password_env: str | None, token_env: str | None) -> Any:
    """The credentials the options name (secrets from the environment, never from the command line)."""
    import os

    def secret(var: str, option: str) -> str:
        value = os.environ.get(var)
        if value is None:
            raise click.UsageError(f"{option} {var}: the environment variable {var} is not set")
        return value

    if password_env and not user:
        raise click.UsageError("--password-env needs --user")
    if token_env and user:
        raise click.UsageError("give either --user (Basic) or --token-env (bearer), not both")
    if token_env:
        return api.credentials(token=secret(token_env, "--token-env"))
    if user:
        return api.credentials(user=user, password=secret(password_env, "--password-env") if password_env else "")
    return None


@contextmanager
def progress_bar(data_dir: Path, *, validating: bool = False) -> Iterator[Any]:
    """A progress bar on stderr for building from (or validating) ``data_dir`` (drawn only on a terminal)."""
    from kg.progress import TerminalProgress

    progress = TerminalProgress(api.validate_steps(data_dir) if validating else api.build_steps(data_dir))
    try:
        yield progress
    finally:
        progress.close()


def check_data_dir(data_dir: Path) -> None:
    if not data_dir.is_dir():
        raise click.UsageError(f"no data folder at {data_dir}; pass --data DIR", ctx=click.get_current_context())


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(api.VERSION, prog_name="kg")
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
    help="Folder for build outputs (graph.ttl, graph.html).",
)
@base_iri_option
@click.option("--quiet", "-q", is_flag=True, help="Print only the path written.")
@reports_errors
def build(data_dir: Path, out_dir: Path, base_iri: str, quiet: bool) -> None:
    """Validate the tables, build the graph, write OUT/graph.ttl and OUT/graph.html, then show a summary."""
    check_data_dir(data_dir)
    with progress_bar(data_dir) as progress:
        result = api.build(data_dir, out_dir, base_iri=base_iri, on_step=progress)
    if quiet:
        click.echo(result.turtle_path)
        return
    click.echo(f"Wrote {result.turtle_path}: {result.triples} triples from {result.rows} rows in {data_dir}.")
    click.echo(f"Wrote {result.html_path}: the interactive graph browser (open it in a web browser).")
    click.echo()
    _echo_summary(result.summary)


@main.command()
@data_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: one line per problem; json: the problems with their codes, for programs.",
)
@reports_errors
def validate(data_dir: Path, fmt: str) -> None:
    """Check the tables (data/datapackage.json), then the graph's SHACL contract (kg/shapes.ttl).

    Every problem is reported at once as path:line[:column]: message; exit status 2 if any.
    With --format json, the report is one JSON object on stdout: {"valid": ..., "problems":
    [{path, line, column, message, code}]} (line and column 0: the whole file or row).
    """
    import json

    check_data_dir(data_dir)
    try:
        with progress_bar(data_dir, validating=True) as progress:
            result = api.validate(data_dir, on_step=progress)
    except DataError as error:
        if fmt != "json":
            raise
        report = {"valid": False, "problems": [p.to_json() for p in error.problems]}
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
        raise SystemExit(error.exit_code) from None
    if fmt == "json":
        report = {
            "valid": True,
            "rows": result.rows,
            "tables": result.tables,
            "triples": result.triples,
            "problems": [],
        }
        click.echo(json.dumps(report, indent=2))
        return
    click.echo(
        f"OK: {result.rows} rows in {result.tables} tables are valid,"
        f" and the graph ({result.triples} triples) conforms to the SHACL shapes."
    )


@main.command()
@data_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice([*(f.value for f in RdfFormat), *NETWORK_FORMATS, "csv"]),
    default=RdfFormat.turtle.value,
    show_default=True,
    help="RDF serialisation, the typed network as GraphML or GEXF (for Gephi or Cytoscape),"
    " or csv: the tables, rebuilt from the graph, into the folder given by --output.",
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
    """Build the graph and export it as Turtle, N-Triples, JSON-LD, RDF/XML, GraphML, GEXF or CSV tables."""
    check_data_dir(data_dir)
    if fmt == "csv" and output == "-":
        raise click.UsageError("--format csv writes a folder of tables: give it with --output DIR")
    if fmt == "csv":
        with progress_bar(data_dir) as progress:
            tables = api.export_tables(data_dir, Path(output), base_iri=base_iri, on_step=progress)
        click.echo(f"Wrote {len(tables.files)} files to {output} ({tables.triples} triples as tables).", err=True)
        return
    target = None if output == "-" else Path(output)
    with progress_bar(data_dir) as progress:
        exported = api.export(data_dir, fmt, target, base_iri=base_iri, on_step=progress)
    if target is None:
        sys.stdout.buffer.write(exported.data)
        sys.stdout.flush()
    else:
        click.echo(f"Wrote {target} ({exported.triples} triples, {fmt}).", err=True)


@main.command()
@click.option(
    "--by",
    type=click.Choice(api.COMPARE_BY),
    required=True,
    help="Compare jurisdictions by legislative model, instrument type, binding force, topic, or comparison"
    " concept (cells list the provisions on each concept, as article references).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "markdown"]),
    default="table",
    show_default=True,
    help="Output format.",
)
@click.option("--plot", type=click.Path(dir_okay=False, path_type=Path), help="Also write a heatmap (.png or .svg).")
@data_option
@reports_errors
def compare(by: str, fmt: str, plot: Path | None, data_dir: Path) -> None:
    """A jurisdiction-by-concept comparison matrix.

    Cells count instruments (for models: 2 = classified as primary, 1 = secondary); with
    --by concept they list the provisions on each comparison concept as article references
    (the mapping of provisions to concepts is an editorial classification), and the heatmap
    counts them.
    """
    check_data_dir(data_dir)
    result = api.compare(data_dir, by)
    matrix = result.matrix
    if fmt == "csv":
        click.echo(matrix.to_csv(), nl=False)
    elif fmt == "markdown":
        click.echo(_markdown(matrix))
    else:
        from kg.output import format_table

        rows = [[str(j), *map(str, values)] for j, values in zip(matrix.index, matrix.values, strict=True)]
        click.echo(format_table(["jurisdiction", *map(str, matrix.columns)], rows))
    if plot:
        api.heatmap(result, plot)
        click.echo(f"Wrote {plot}.", err=True)


def _markdown(frame: Any) -> str:
    header = "| " + " | ".join([str(frame.index.name or ""), *map(str, frame.columns)]) + " |"
    lines = [header, "|" + "---|" * (len(frame.columns) + 1)]
    for index, values in zip(frame.index, frame.values, strict=True):
        lines.append("| " + " | ".join([str(index), *map(str, values)]) + " |")
    return "\n".join(lines)


@main.command()
@click.option("--jurisdiction", "jurisdictions", multiple=True, help="Only these jurisdictions (ids; repeatable).")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("build/timeline.png"),
    show_default=True,
    help="Chart file (.png or .svg).",
)
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True, help="Label language.")
@data_option
@reports_errors
def timeline(jurisdictions: tuple[str, ...], output: Path, lang: str, data_dir: Path) -> None:
    """Chart the events of each jurisdiction over time, with the instruments labelled."""
    check_data_dir(data_dir)
    api.timeline(data_dir, output, jurisdictions=jurisdictions, lang=lang)
    click.echo(f"Wrote {output}.")


@main.command()
@click.option(
    "--coverage",
    is_flag=True,
    help="Coverage per jurisdiction: instruments by type and binding force, latest event, share of statements at"
    " each evidence level, instruments without an event or an official text.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "markdown"]),
    default="table",
    show_default=True,
    help="With --coverage: a table, or the Markdown report (as in data/COVERAGE.md).",
)
@data_option
@reports_errors
def stats(coverage: bool, fmt: str, data_dir: Path) -> None:
    """Show counts per class and per jurisdiction, or (--coverage) the coverage report."""
    check_data_dir(data_dir)
    if not coverage:
        _echo_summary(api.summary(data_dir))
        return
    click.echo(api.coverage_report(data_dir, fmt), nl=False)


def _parse_params(values: tuple[str, ...]) -> dict[str, str]:
    params: dict[str, str] = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"{item!r} is not name=value", param_hint="'-p'")
        params[name.strip()] = value
    return params


@main.command()
@click.argument("name", required=False)
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE", help="Preset parameter (repeatable).")
@click.option("--list", "list_presets", is_flag=True, help="List the presets and their parameters.")
@click.option("--file", "query_file", type=click.Path(dir_okay=False, path_type=Path), help="Run the query in a file.")
@click.option("--sparql", "query_text", help="Run this query text.")
@results_options("Output format for SELECT results (json is the SPARQL 1.1 results format). CONSTRUCT gives Turtle.")
@click.option("--endpoint", help="SPARQL 1.1 query endpoint to run on instead of the local data.")
@click.option("--graph", "graph_iri", help="With --endpoint: query this named graph as the default graph.")
@click.option("--timeout", type=SECONDS, default=30.0, show_default=True, help="Seconds to wait for --endpoint.")
@click.option(
    "--queries",
    "queries_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder of presets (default: the ones shipped in the package, kg/queries/).",
)
@auth_options
@click.option(
    "--allow-service",
    is_flag=True,
    help="Let a query on the local data run its SERVICE clauses (they contact other servers); refused by default.",
)
@store_option
@data_option
@reports_errors
def query(
    name: str | None,
    params: tuple[str, ...],
    list_presets: bool,
    query_file: Path | None,
    query_text: str | None,
    fmt: str,
    lang: str,
    endpoint: str | None,
    graph_iri: str | None,
    timeout: float,
    queries_dir: Path | None,
    allow_service: bool,
    user: str | None,
    password_env: str | None,
    token_env: str | None,
    store: str,
    data_dir: Path,
) -> None:
    """Run a SPARQL preset (NAME), a query file or a query text, locally or on an endpoint.

    \b
    Examples:
      kg query --list
      kg query timeline -p instrument="EO 14110"
      kg query status-on-date -p jurisdiction=eu -p date=2025-03-01 --format csv
      kg query search -p text=深度合成 --lang zh
    """
    if list_presets:
        rows = [
            (p.name, p.title, ", ".join(f"{q.name}:{q.type}{'' if q.required else '?'}" for q in p.parameters))
            for p in api.presets(queries_dir).values()
        ]
        from kg.output import format_table

        click.echo(format_table(["preset", "title", "parameters"], rows))
        return
    chosen = [x for x in (name, query_file, query_text) if x]
    if len(chosen) != 1:
        raise click.UsageError("give exactly one of NAME, --file or --sparql (or --list)")
    credentials = credentials_from(user, password_env, token_env)
    if not endpoint:
        check_data_dir(data_dir)
    where = api.open_store(
        data_dir, store=store, endpoint=endpoint, graph_iri=graph_iri, timeout=timeout, credentials=credentials
    )
    values = _parse_params(params)
    if values and not name:
        raise click.UsageError("-p parameters apply to presets only")

    def resolved(kind: str, text: str, found: str, title: str) -> None:
        click.echo(f"{kind} {text!r}: {found}" + (f" ({title})" if title else ""), err=True)

    answer = api.query(
        where,
        preset=name,
        text=query_text,
        file=query_file,
        params=values,
        lang=lang,
        queries_dir=queries_dir,
        allow_service=allow_service,
        on_resolve=resolved,
    )
    if answer.turtle is not None:
        sys.stdout.buffer.write(answer.turtle)
        return
    from kg.formats import ResultFormat, render

    click.echo(render(answer.results, ResultFormat(fmt), base=api.BASE_IRI), nl=False)


@main.command()
@click.option("--as-of", "as_of", help="Reference date YYYY-MM-DD (default: today).")
@click.option("--jurisdiction", help="Only this jurisdiction and its sub-jurisdictions (id or name).")
@results_options("Output format.")
@store_option
@data_option
@reports_errors
def status(as_of: str | None, jurisdiction: str | None, fmt: str, lang: str, store: str, data_dir: Path) -> None:
    """Status of every instrument on a date, derived from its dated events, beside what sources reported.

    Without --as-of the reference date is today (UTC). A scheduled stage that a
    later act postponed no longer counts once the postponement has happened; the
    'next' column gives the next scheduled stage after the date.
    """
    from kg.formats import ResultFormat, render

    check_data_dir(data_dir)
    answer = api.status(api.open_store(data_dir, store=store), as_of=as_of, jurisdiction=jurisdiction, lang=lang)
    if fmt == "table":
        click.echo(f"Status as of {answer.date}" + ("" if as_of else " (today; choose another date with --as-of)"))
    click.echo(render(answer.results, ResultFormat(fmt), base=api.BASE_IRI), nl=False)


@main.command()
@click.option(
    "--endpoint", required=True, help="SPARQL 1.1 Graph Store Protocol endpoint (e.g. http://host:7878/store)."
)
@click.option("--graph", "graph_iri", help="Named graph to replace (default: the default graph).")
@click.option("--timeout", type=SECONDS, default=60.0, show_default=True, help="Seconds to wait for the server.")
@click.option(
    "--query-endpoint",
    help="SPARQL query endpoint on which to count the pushed triples (default: for .../store, .../query).",
)
@auth_options
@data_option
@reports_errors
def push(
    endpoint: str,
    graph_iri: str | None,
    timeout: float,
    query_endpoint: str | None,
    user: str | None,
    password_env: str | None,
    token_env: str | None,
    data_dir: Path,
) -> None:
    """Upload the graph to a SPARQL server, replacing the target graph (Graph Store Protocol PUT), then check it.

    The server must answer as a Graph Store does (201 or 204), and the triples are then
    counted through the query endpoint: success is reported only when all arrived.
    """
    check_data_dir(data_dir)
    pushed = api.push(
        data_dir,
        endpoint,
        graph_iri=graph_iri,
        timeout=timeout,
        credentials=credentials_from(user, password_env, token_env),
        query_endpoint=query_endpoint,
    )
    target = "graph " + graph_iri if graph_iri else "default graph"
    counted = pushed.counted
    checked = f"; {counted} counted on the server" if counted is not None else "; not counted: give --query-endpoint"
    click.echo(f"Pushed {pushed.triples} triples to {pushed.endpoint} ({target}{checked}).")


@main.command()
@data_option
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("build/graph.html"),
    show_default=True,
    help="HTML file to write.",
)
@click.option("--jurisdiction", "jurisdictions", multiple=True, help="Only this jurisdiction (id or name; repeatable).")
@click.option("--preset", help="Show the result of a preset: a CONSTRUCT graph, or the instruments a SELECT lists.")
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE", help="Parameter of --preset.")
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True, help="Initial language.")
@reports_errors
def viz(
    data_dir: Path, output: Path, jurisdictions: tuple[str, ...], preset: str | None, params: tuple[str, ...], lang: str
) -> None:
    """Write the interactive, offline HTML graph browser."""
    check_data_dir(data_dir)
    if params and not preset:
        raise click.UsageError("-p parameters need --preset")
    values = _parse_params(params)
    shown = api.viz(data_dir, output, jurisdictions=jurisdictions, preset=preset, params=values, lang=lang)
    click.echo(f"Wrote {output} ({shown} triples shown).")


@main.command()
@data_option
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Address to listen on (127.0.0.1: this machine only)."
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on (0: any free port).",
)
@base_iri_option
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True, help="Language of the pages.")
@click.option("--allow-service", is_flag=True, help="Let queries use SERVICE to reach other servers (off by default).")
@reports_errors
def serve(data_dir: Path, host: str, port: int, base_iri: str, lang: str, allow_service: bool) -> None:
    """Serve the graph read-only: a SPARQL endpoint, a query editor, the browser and its IRIs.

    /query is a SPARQL 1.1 Protocol endpoint, /sparql a query editor with the presets as
    examples, / the graph browser, and every IRI under /id/ (and /concept/, /ontology) answers
    with an HTML page or, by content negotiation, Turtle, N-Triples or JSON-LD. Paths map onto
    --base-iri, so the same paths work behind a w3id redirect. Stop with Ctrl+C.
    """
    check_data_dir(data_dir)
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"Warning: listening on {host} makes the graph readable by other machines (read-only).", err=True)

    def ready(addresses: Any, triples: int) -> None:
        click.echo(f"Serving {triples} triples from {data_dir} (read-only). Press Ctrl+C to stop.")
        width = max(len(a.what) for a in addresses)
        for address in addresses:
            click.echo(f"  {address.what.ljust(width)}  {address.url}")
        sys.stdout.flush()

    with progress_bar(data_dir) as progress:
        api.serve(
            data_dir,
            host=host,
            port=port,
            base_iri=base_iri,
            lang=lang,
            allow_service=allow_service,
            on_step=progress,
            on_ready=ready,
        )
    click.echo("Stopped.")


def _echo_summary(summary: Any) -> None:
    from kg.output import format_table

    click.echo("Instances per class")
    click.echo(format_table(["class", "count"], summary.classes))
    click.echo()
    click.echo("Per jurisdiction")
    rows = [
        (j.jurisdiction, j.name_en, j.name_zh, j.instruments, j.hard_law, j.soft_law, j.articles, j.events)
        for j in summary.jurisdictions
    ]
    headers = ["id", "jurisdiction", "名称", "instruments", "hard law", "soft law", "articles", "events"]
    click.echo(format_table(headers, rows))


if __name__ == "__main__":  # pragma: no cover
    main()
