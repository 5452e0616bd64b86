"""Library entry points behind the CLI: load, build, export."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kg import DEFAULT_BASE_IRI
from kg.output import RdfFormat, serialize, write_atomic
from kg.tables import load_dataset

if TYPE_CHECKING:
    from rdflib import Graph

GRAPH_FILE = "graph.ttl"


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote."""

    graph: Graph
    turtle_path: Path
    triples: int
    rows: int


def load_graph(data_dir: Path | str, *, base_iri: str = DEFAULT_BASE_IRI) -> Graph:
    """Validate the tables in ``data_dir`` and return their graph (raises DataError)."""
    from kg.build import build_graph

    return build_graph(load_dataset(data_dir), base_iri=base_iri)


def build(data_dir: Path | str, out_dir: Path | str, *, base_iri: str = DEFAULT_BASE_IRI) -> BuildResult:
    """Validate, build and write ``out_dir/graph.ttl``; nothing is written if validation fails."""
    from kg.build import build_graph

    dataset = load_dataset(data_dir)
    graph = build_graph(dataset, base_iri=base_iri)
    turtle = serialize(graph, RdfFormat.turtle)
    path = Path(out_dir) / GRAPH_FILE
    write_atomic(path, turtle)
    return BuildResult(graph=graph, turtle_path=path, triples=len(graph), rows=dataset.row_count())


def export(graph: Graph, fmt: RdfFormat, output: Path | None) -> bytes:
    """Serialise ``graph``; write it atomically to ``output`` when given, and return the bytes."""
    data = serialize(graph, fmt)
    if output is not None:
        write_atomic(output, data)
    return data
