"""The façade the command line (and any other front end) stands on: one function per user action.

Each function takes plain values (paths, names, strings), does the whole action
and returns data, bytes or the paths it wrote; a failure is a domain error from
:mod:`kg.errors`, which carries its exit status. Where a query runs (the cached
build in the fast store or in rdflib, or a SPARQL server) is decided here, by
:func:`open_store`, not by the caller.

Heavy libraries (rdflib, pandas, pyoxigraph, matplotlib) are imported inside the
functions, so importing this module is quick and ``kg --help`` starts at once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg import DEFAULT_BASE_IRI, __version__
from kg.errors import PresetError, QueryError
from kg.progress import Step, no_progress

if TYPE_CHECKING:
    from kg.analysis import Comparison
    from kg.pipeline import ValidationResult
    from kg.presets import Preset, Resolved
    from kg.sparql import Backend, Credentials, Results
    from kg.stats import JurisdictionCounts

VERSION = __version__
BASE_IRI = DEFAULT_BASE_IRI
STORES = ("auto", "memory", "oxigraph")  # local engines: auto picks oxigraph
COMPARE_BY = ("model", "type", "force", "topic", "concept")
READINGS_FOLDER = "queries"  # in the build cache: the stored readings of parsed queries (kg.queryparse)


# --- building and checking ----------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    """Counts of a graph: instances per class, and instruments, articles and events per jurisdiction."""

    classes: list[tuple[str, int]]
    jurisdictions: list[JurisdictionCounts]


@dataclass(frozen=True)
class Built:
    """What ``build`` wrote, and the summary of the graph."""

    turtle_path: Path
    html_path: Path
    triples: int
    rows: int
    summary: Summary


def build_steps(data_dir: Path) -> int:
    """How many progress steps a build of ``data_dir`` reports (for a progress bar's length)."""
    from kg.pipeline import build_steps as steps

    return steps(data_dir)


def validate_steps(data_dir: Path) -> int:
    """How many progress steps a validation of ``data_dir`` reports, at most."""
    from kg.pipeline import validate_steps as steps

    return steps(data_dir)


def build(data_dir: Path, out_dir: Path, *, base_iri: str = BASE_IRI, on_step: Step = no_progress) -> Built:
    """Validate, build and write ``out_dir/graph.ttl`` and ``graph.html`` (both or neither)."""
    from kg.pipeline import build as run_build

    result = run_build(data_dir, out_dir, base_iri=base_iri, on_step=on_step)
    return Built(result.turtle_path, result.html_path, result.triples, result.rows, _summary(result.graph))


def validate(data_dir: Path, *, on_step: Step = no_progress) -> ValidationResult:
    """The table checks, then the SHACL contract; raises DataError with every problem."""
    from kg.pipeline import validate as run_validation

    return run_validation(data_dir, on_step=on_step)


def summary(data_dir: Path) -> Summary:
    """The counts ``kg stats`` shows."""
    from kg.pipeline import load_graph

    return _summary(load_graph(data_dir))


def _summary(graph: Any) -> Summary:
    from kg.stats import class_counts, jurisdiction_counts

    return Summary(class_counts(graph), jurisdiction_counts(graph))


def coverage_report(data_dir: Path, fmt: str = "table") -> str:
    """The coverage report per jurisdiction, as a table or as Markdown (as in data/COVERAGE.md)."""
    from kg.coverage import report
    from kg.pipeline import load_graph

    return report(load_graph(data_dir), fmt=fmt)


# --- exports ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Exported:
    """An export: the bytes (also written to ``output`` when one was given) and the graph's size."""

    data: bytes
    triples: int


def export(
    data_dir: Path,
    fmt: str,
    output: Path | None = None,
    *,
    base_iri: str = BASE_IRI,
    on_step: Step = no_progress,
) -> Exported:
    """The graph as RDF (``fmt``: an RdfFormat value) or a network (graphml, gexf); written atomically to ``output``."""
    from kg.cache import cached_build
    from kg.pipeline import export as run_export

    cached = cached_build(data_dir, base_iri=base_iri, on_step=on_step)
    return Exported(run_export(cached, fmt, output), cached.triples)


@dataclass(frozen=True)
class ExportedTables:
    """The CSV tables written from the graph."""

    files: list[Path]
    triples: int


def export_tables(
    data_dir: Path, folder: Path, *, base_iri: str = BASE_IRI, on_step: Step = no_progress
) -> ExportedTables:
    """The graph back to CSV tables (with the schema of ``data_dir``) in ``folder``."""
    from kg.cache import cached_build
    from kg.pipeline import export_csv, graph_of

    graph = graph_of(cached_build(data_dir, base_iri=base_iri, on_step=on_step))
    return ExportedTables(export_csv(graph, data_dir, folder), len(graph))


# --- analysis, charts and the graph browser -----------------------------------------


def compare(data_dir: Path, by: str) -> Comparison:
    """The jurisdiction-by-``by`` comparison matrix (``matrix``), with what a heatmap of it shows."""
    from kg.analysis import comparison
    from kg.pipeline import load_graph

    return comparison(load_graph(data_dir), by)


def heatmap(result: Comparison, path: Path) -> Path:
    """Draw a comparison as a heatmap (.png or .svg)."""
    from kg.plots import heatmap as draw

    draw(result.counts, path, title=result.title, legend=result.legend, labels=result.labels)
    return path


def timeline(data_dir: Path, output: Path, *, jurisdictions: Sequence[str] = (), lang: str = "en") -> Path:
    """Chart the events of each jurisdiction (or of those given) over time."""
    from kg.pipeline import load_graph
    from kg.plots import plot_format, timeline_chart

    plot_format(output)  # a wrong suffix is said before the graph is loaded
    timeline_chart(load_graph(data_dir), output, jurisdictions=list(jurisdictions) or None, lang=lang)
    return output


def viz(
    data_dir: Path,
    output: Path,
    *,
    jurisdictions: Sequence[str] = (),
    preset: str | None = None,
    params: Mapping[str, str] | None = None,
    lang: str = "en",
) -> int:
    """Write the offline HTML graph browser of the graph, some jurisdictions or a preset's result; triples shown."""
    from kg.output import write_atomic
    from kg.pipeline import load_graph
    from kg.viz import render_html, select_graph

    graph = load_graph(data_dir)
    shown = select_graph(graph, jurisdictions=list(jurisdictions), preset=preset, params=dict(params or {}))
    write_atomic(output, render_html(shown, lang=lang).encode("utf-8"))
    return len(shown)


# --- queries ----------------------------------------------------------------------------


def credentials(user: str | None = None, password: str | None = None, token: str | None = None) -> Credentials | None:
    """Credentials for a protected server: HTTP Basic (user, password) or a bearer token; None for neither."""
    from kg.sparql import Credentials

    if token:
        return Credentials(token=token)
    if user:
        return Credentials(user=user, password=password or "")
    return None


@dataclass(frozen=True)
class Store:
    """Where queries run: ``backend`` (a local engine or a server), and whether it is the local data."""

    backend: Backend
    local: bool


def open_store(
    data_dir: Path,
    *,
    store: str = "auto",
    endpoint: str | None = None,
    graph_iri: str | None = None,
    timeout: float = 30.0,
    credentials: Credentials | None = None,
) -> Store:
    """A SPARQL server when ``endpoint`` is given, else the cached build of ``data_dir`` (built when needed).

    On the local data the engine is Oxigraph's (``auto``, ``oxigraph``: the on-disk store of
    the cached build, opened read-only) or rdflib's (``memory``: the graph loaded in memory).
    """
    from kg.sparql import LocalBackend, OxigraphBackend, RemoteBackend

    if endpoint:
        return Store(RemoteBackend(endpoint, timeout=timeout, default_graph=graph_iri, credentials=credentials), False)
    if store not in STORES:
        raise QueryError(f"unknown store {store!r}; choose {', '.join(STORES)}")
    from kg.cache import cache_dir, cached_build
    from kg.queryparse import keep_readings_in

    keep_readings_in(cache_dir(data_dir) / READINGS_FOLDER)  # a preset run again needs no parse
    cached = cached_build(data_dir)
    if store == "memory":
        from kg.pipeline import graph_of

        return Store(LocalBackend(graph_of(cached)), True)
    return Store(OxigraphBackend.open(cached.store), True)


def presets(queries_dir: Path | None = None) -> dict[str, Preset]:
    """The presets of a folder (default: the ones shipped in the package), by name."""
    from kg.presets import DEFAULT_QUERIES, load_presets

    return load_presets(queries_dir or DEFAULT_QUERIES)


@dataclass(frozen=True)
class Answer:
    """A query's answer: rows (SELECT) or Turtle (CONSTRUCT)."""

    results: Results | None = None
    turtle: bytes | None = None


def query(
    store: Store,
    *,
    preset: str | None = None,
    text: str | None = None,
    file: Path | None = None,
    params: Mapping[str, str] | None = None,
    lang: str = "en",
    queries_dir: Path | None = None,
    allow_service: bool = False,
    on_resolve: Resolved | None = None,
) -> Answer:
    """Run a preset (by name, with its parameters bound), a query file or a query text on ``store``.

    A preset with a ``lang`` parameter gets ``lang`` unless one is given. On the local data a
    query with a SERVICE clause (which would contact another server) is refused unless
    ``allow_service``.
    """
    import dataclasses

    from kg import presets as preset_lib

    values = dict(params or {})
    if preset:
        catalogue = presets(queries_dir)
        if preset not in catalogue:
            import difflib

            close = difflib.get_close_matches(preset, list(catalogue), n=3, cutoff=0.5)
            hint = f" (did you mean {' or '.join(map(repr, close))}?)" if close else ""
            raise PresetError(f"unknown preset {preset!r}{hint}; available: {', '.join(catalogue)}")
        chosen = catalogue[preset]
        if any(p.name == "lang" for p in chosen.parameters):
            values.setdefault("lang", lang)
    else:
        if values:
            raise PresetError("parameters apply to presets only")
        if file is not None:
            try:
                text = file.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise QueryError(
                    f"cannot read the query file {file}: {getattr(exc, 'strerror', None) or exc}"
                ) from None
        # The header only names the query; the text itself is run as given, so error lines match the user's.
        header = preset_lib.parse_preset("ad-hoc", "# title: ad-hoc query\n" + str(text))
        chosen = dataclasses.replace(header, query=str(text))
    bound = preset_lib.bind(chosen, values, store.backend, on_resolve=on_resolve)
    # Binding only puts RDF terms in VALUES blocks, so the query as written says whether it has a SERVICE clause.
    if store.local and not allow_service and preset_lib.uses_service(chosen.query):
        raise QueryError(
            "the query has a SERVICE clause, which would contact another server from a query on the local data;"
            " pass --allow-service to let it"
        )
    if _is_construct(chosen):
        from kg.ontology import graph_prefixes
        from kg.output import RdfFormat, serialize_ntriples

        return Answer(
            turtle=serialize_ntriples(store.backend.construct(bound), RdfFormat.turtle, graph_prefixes(BASE_IRI))
        )
    return Answer(results=store.backend.select(bound))


def _is_construct(chosen: Preset) -> bool:
    """Whether the query is a CONSTRUCT, as rdflib's grammar reads it.

    A query it cannot read runs as a SELECT: the engine then reports the syntax error in its
    own words (the fast store's give the line and column), or runs syntax rdflib lacks.
    """
    try:
        return chosen.is_construct
    except QueryError:
        return False


@dataclass(frozen=True)
class Status:
    """The status of every instrument on ``date``."""

    date: str
    results: Results


def status(store: Store, *, as_of: str | None = None, jurisdiction: str | None = None, lang: str = "en") -> Status:
    """The status-on-date preset on ``as_of`` (default: today, UTC), for one jurisdiction or all."""
    from kg.presets import load_presets, run, today

    date = as_of or today()
    values = {"date": date, "lang": lang}
    if jurisdiction:
        values["jurisdiction"] = jurisdiction
    return Status(date, run(load_presets()["status-on-date"], values, store.backend))


# --- publishing -------------------------------------------------------------------------


@dataclass(frozen=True)
class Pushed:
    """What ``push`` sent, and what the server counted (None when there was no query endpoint to count with)."""

    triples: int
    counted: int | None
    endpoint: str  # as it may be shown: a password in it masked


def push(
    data_dir: Path,
    endpoint: str,
    *,
    graph_iri: str | None = None,
    timeout: float = 60.0,
    credentials: Credentials | None = None,
    query_endpoint: str | None = None,
) -> Pushed:
    """Replace a graph on a SPARQL server with the built graph (Graph Store Protocol PUT), then count it there.

    Without ``query_endpoint``, a Graph Store address ending in ``/store`` is counted through
    the ``/query`` beside it (Oxigraph's and Fuseki's layout).
    """
    from kg.cache import cached_build
    from kg.output import RdfFormat
    from kg.pipeline import rdf_bytes
    from kg.sparql import masked, push_graph

    if query_endpoint is None and endpoint.rstrip("/").endswith("/store"):
        query_endpoint = endpoint.rstrip("/")[: -len("store")] + "query"
    cached = cached_build(data_dir)
    counted = push_graph(
        rdf_bytes(cached, RdfFormat.ntriples),
        endpoint,
        graph_iri=graph_iri,
        timeout=timeout,
        credentials=credentials,
        query_endpoint=query_endpoint,
    )
    return Pushed(cached.triples, counted, masked(endpoint))


def serve(
    data_dir: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    base_iri: str = BASE_IRI,
    lang: str = "en",
    allow_service: bool = False,
    on_step: Step = no_progress,
    on_ready: Callable[[list[Any], int], None] = lambda addresses, triples: None,
) -> None:
    """Serve the built graph read-only until interrupted: endpoint, editor, browser and IRIs (see :mod:`kg.serve`).

    The pages are made before the address is announced (``on_ready``: the addresses and the
    graph's triple count), so the first visitor does not wait. Raises ServeError when the
    address cannot be listened on, DataError when the tables are invalid.
    """
    from kg.cache import cached_build
    from kg.serve import Site, addresses, bind_socket, run

    cached = cached_build(data_dir, base_iri=base_iri, on_step=on_step)
    sock = bind_socket(host, port)  # before the slow part: a port in use is said at once
    site = Site(cached, lang=lang, allow_service=allow_service)
    on_step("rendering the graph browser")
    site.page("browser", site.browser_html)
    on_step("preparing the query editor")
    site.page("editor", site.editor_html)
    on_ready(addresses(host, sock.getsockname()[1]), cached.triples)
    run(site, sock)
