"""Library entry points behind the CLI: load, build, export."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kg import DEFAULT_BASE_IRI
from kg.cache import CachedBuild, cached_build
from kg.ontology import graph_prefixes
from kg.output import NETWORK_FORMATS, RdfFormat, serialize, serialize_ntriples, write_all_atomic, write_atomic
from kg.progress import Step, no_progress

if TYPE_CHECKING:
    from rdflib import Graph

GRAPH_FILE = "graph.ttl"
HTML_FILE = "graph.html"


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote."""

    graph: Graph
    turtle_path: Path
    html_path: Path
    triples: int
    rows: int


@dataclass(frozen=True)
class ValidationResult:
    """What a successful validation checked."""

    rows: int
    tables: int
    triples: int


def validate(
    data_dir: Path | str, *, base_iri: str = DEFAULT_BASE_IRI, on_step: Step = no_progress
) -> ValidationResult:
    """Table checks, then the SHACL contract on the built graph; raises DataError with every problem.

    The graph is the cached build's (built first if need be), checked in its on-disk store, so
    validation takes bounded memory whatever the data's size.
    """
    from kg.errors import DataError
    from kg.shacl import shacl_problems
    from kg.sparql import OxigraphBackend

    cached = cached_build(data_dir, base_iri=base_iri, on_step=on_step)
    problems = shacl_problems(
        OxigraphBackend.open(cached.store).store,
        locate=lambda nodes: cached.locate(nodes, data_dir),
        prefixes=graph_prefixes(base_iri),
        on_step=on_step,
    )
    if problems:
        raise DataError(problems)
    return ValidationResult(rows=cached.rows, tables=cached.tables, triples=cached.triples)


def load_graph(data_dir: Path | str, *, base_iri: str = DEFAULT_BASE_IRI, on_step: Step = no_progress) -> Graph:
    """Validate the tables in ``data_dir`` and return their rdflib graph (raises DataError).

    The graph comes from the cached build, so a second call on unchanged data skips the build.
    """
    return graph_of(cached_build(data_dir, base_iri=base_iri, on_step=on_step))


def graph_of(cached: CachedBuild) -> Graph:
    """The rdflib graph of a cached build, with the ontology's prefixes bound."""
    return cached.graph()


def rdf_bytes(cached: CachedBuild, fmt: RdfFormat) -> bytes:
    """The cached graph in an RDF format (Turtle, N-Triples and JSON-LD without rdflib, quickly at any size)."""
    if fmt in (RdfFormat.turtle, RdfFormat.ntriples, RdfFormat.jsonld):
        return serialize_ntriples(cached.ntriples.read_bytes(), fmt, graph_prefixes(cached.base_iri))
    return serialize(graph_of(cached), fmt)


def build_steps(data_dir: Path | str) -> int:
    """How many progress steps a build of ``data_dir`` reports (for a progress bar's length)."""
    from kg.schema import load_schema

    return 2 * len(load_schema(Path(data_dir)).tables) + 6


def validate_steps(data_dir: Path | str) -> int:
    """How many progress steps a validation of ``data_dir`` reports when it builds (one more per checked shape)."""
    from kg.shacl import target_shapes

    return build_steps(data_dir) - 3 + len(target_shapes())  # a build's last three steps write outputs


def build(
    data_dir: Path | str,
    out_dir: Path | str,
    *,
    base_iri: str = DEFAULT_BASE_IRI,
    lang: str = "en",
    on_step: Step = no_progress,
) -> BuildResult:
    """Validate, build (into the cache, for later queries) and write ``out_dir/graph.ttl`` and ``graph.html``.

    Unchanged data is not built again: its cached build was validated when it was made.

    Every output is produced in memory first and then written atomically, so a
    failure at any stage leaves the previous outputs as they were.
    """
    from kg.viz import render_html

    cached = cached_build(data_dir, base_iri=base_iri, on_step=on_step)
    on_step("writing Turtle")
    turtle = rdf_bytes(cached, RdfFormat.turtle)
    on_step("rendering the graph browser")
    graph = graph_of(cached)
    html = render_html(graph, lang=lang).encode("utf-8")
    on_step("writing files")
    out = Path(out_dir)
    write_all_atomic({out / GRAPH_FILE: turtle, out / HTML_FILE: html})  # both, or neither
    return BuildResult(
        graph=graph,
        turtle_path=out / GRAPH_FILE,
        html_path=out / HTML_FILE,
        triples=len(graph),
        rows=cached.rows,
    )


def export_csv(graph: Graph, data_dir: Path | str, folder: Path | str) -> list[Path]:
    """The graph back to CSV tables (with the schema of ``data_dir``) in ``folder``."""
    import json

    from kg.schema import SCHEMA_FILE, load_schema
    from kg.tabulate import export_tables

    schema = load_schema(Path(data_dir))
    raw = json.loads((Path(data_dir) / SCHEMA_FILE).read_text(encoding="utf-8"))
    return export_tables(graph, schema, raw, Path(folder))


def network_bytes(graph: Graph, fmt: str) -> bytes:
    """The typed network as GraphML or GEXF (for Gephi or Cytoscape)."""
    from io import BytesIO

    import networkx as nx

    from kg.network import to_networkx

    net = to_networkx(graph)
    buffer = BytesIO()
    if fmt == "graphml":
        nx.write_graphml(net, buffer, encoding="utf-8", prettyprint=True)
    elif fmt == "gexf":
        nx.write_gexf(net, buffer, encoding="utf-8", prettyprint=True)
    else:
        raise ValueError(f"unknown network format {fmt!r}")
    return buffer.getvalue()


def export(cached: CachedBuild, fmt: str, output: Path | None) -> bytes:
    """The cached graph as RDF or as a network; written atomically to ``output`` when given."""
    data = network_bytes(graph_of(cached), fmt) if fmt in NETWORK_FORMATS else rdf_bytes(cached, RdfFormat(fmt))
    if output is not None:
        write_atomic(output, data)
    return data
