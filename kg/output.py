"""Serialise graphs and write files atomically; format plain-text tables."""

from __future__ import annotations

import os
import tempfile
import unicodedata
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rdflib import Graph


class RdfFormat(StrEnum):
    """Export formats: name -> (rdflib plugin, file suffix)."""

    turtle = "turtle"
    ntriples = "ntriples"
    jsonld = "jsonld"
    rdfxml = "rdfxml"

    @property
    def plugin(self) -> str:
        return {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld", "rdfxml": "xml"}[self.value]

    @property
    def suffix(self) -> str:
        return {"turtle": ".ttl", "ntriples": ".nt", "jsonld": ".jsonld", "rdfxml": ".rdf"}[self.value]


def serialize(graph: Graph, fmt: RdfFormat) -> bytes:
    """Deterministic bytes of the graph in ``fmt`` (the same triples give the same bytes)."""
    if fmt is RdfFormat.ntriples:
        lines = graph.serialize(format="nt", encoding="utf-8").splitlines(keepends=True)
        return b"".join(sorted(set(lines)))
    if fmt is RdfFormat.jsonld:
        return _canonical_jsonld(graph)
    return graph.serialize(format=fmt.plugin, encoding="utf-8")


def _canonical_jsonld(graph: Graph) -> bytes:
    """JSON-LD with nodes and keys in a stable order."""
    import json

    data = json.loads(graph.serialize(format="json-ld", encoding="utf-8"))
    nodes = data if isinstance(data, list) else data.get("@graph", [data])
    for node in nodes:
        for key, values in node.items():
            if isinstance(values, list):
                node[key] = sorted(values, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    nodes = sorted(nodes, key=lambda n: n.get("@id", ""))
    return (json.dumps(nodes, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode("utf-8")


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so readers see either the old file or the whole new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def display_width(text: str) -> int:
    """Terminal columns taken by ``text`` (Chinese characters take two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def format_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A plain-text table aligned for CJK text; numbers are right-aligned."""
    cells = [[("" if v is None else str(v)) for v in row] for row in rows]
    widths = [display_width(h) for h in headers]
    for row in cells:
        for i, value in enumerate(row):
            widths[i] = max(widths[i], display_width(value))
    numeric = [all(isinstance(r[i], int) for r in rows) and bool(rows) for i in range(len(headers))]

    def line(values: Sequence[str]) -> str:
        parts = []
        for i, value in enumerate(values):
            pad = " " * (widths[i] - display_width(value))
            parts.append(pad + value if numeric[i] else value + pad)
        return "  ".join(parts).rstrip()

    out = [line(headers), "  ".join("-" * w for w in widths)]
    out.extend(line(row) for row in cells)
    return "\n".join(out)
