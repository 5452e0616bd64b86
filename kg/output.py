"""Serialise graphs and write files atomically; format plain-text tables."""

from __future__ import annotations

import io
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from kg.errors import OutputError

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
    if fmt in (RdfFormat.ntriples, RdfFormat.turtle):
        return serialize_ntriples(graph.serialize(format="nt", encoding="utf-8"), fmt, _bound_prefixes(graph))
    if fmt is RdfFormat.jsonld:
        return serialize_ntriples(graph.serialize(format="nt", encoding="utf-8"), fmt, _bound_prefixes(graph))
    return graph.serialize(format=fmt.plugin, encoding="utf-8")


def _bound_prefixes(graph: Graph) -> dict[str, str]:
    return {prefix: str(namespace) for prefix, namespace in graph.namespace_manager.namespaces()}


NETWORK_FORMATS = ("graphml", "gexf")  # exports of the graph as a network (kg.network), beside the RDF formats


def serialize_ntriples(ntriples: bytes, fmt: RdfFormat, prefixes: Mapping[str, str]) -> bytes:
    """N-Triples (one engine's output, or the build's) as sorted N-Triples or as Turtle, without rdflib.

    This is the path for large graphs: sorting lines and writing Turtle from them
    takes seconds where rdflib's serialisers take minutes.
    """
    lines = sorted({line for line in ntriples.splitlines() if line.strip() and not line.startswith(b"#")})
    if fmt is RdfFormat.ntriples:
        return b"".join(line + b"\n" for line in lines)
    if fmt is RdfFormat.turtle:
        return "".join(turtle_lines((line.decode("utf-8") for line in lines), prefixes)).encode("utf-8")
    if fmt is RdfFormat.jsonld:
        return jsonld_bytes(b"\n".join(lines), prefixes)
    raise ValueError(f"{fmt} is written from an rdflib graph, not from N-Triples")


RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
# A local name that needs no escaping in Turtle (a conservative subset of PN_LOCAL).
_LOCAL_NAME = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?")
_PREFIX_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")


def turtle_lines(sorted_lines: Iterable[str], prefixes: Mapping[str, str]) -> Iterable[str]:
    """Turtle from sorted, unique N-Triples lines: one block per subject, ``a`` first.

    Each IRI is shortened with the prefix of its namespace (the part up to the last
    ``/`` or ``#``) when its local name is safe; literals keep their N-Triples form,
    which is valid Turtle. Only prefixes in use are declared, sorted, so the output
    depends on the triples alone.
    """
    names = {ns: prefix for prefix, ns in sorted(prefixes.items(), reverse=True) if _PREFIX_NAME.fullmatch(prefix)}
    used: set[str] = set()

    def short(term: str) -> str:
        if term[0] != "<":  # a literal; a typed one ends with its datatype IRI
            cut = term.rfind('"^^<')
            return term[: cut + 3] + short(term[cut + 3 :]) if term.endswith(">") and cut > 0 else term
        iri = term[1:-1]
        cut = max(iri.rfind("/"), iri.rfind("#")) + 1
        prefix = names.get(iri[:cut])
        if prefix is None or not _LOCAL_NAME.fullmatch(iri[cut:]):
            return term
        used.add(prefix)
        return f"{prefix}:{iri[cut:]}"

    blocks: list[str] = []
    subject: str | None = None
    types: list[str] = []
    others: list[tuple[str, list[str]]] = []

    def flush() -> None:
        if subject is None:
            return
        groups = ([("a", types)] if types else []) + others
        body = " ;\n    ".join(f"{p} {', '.join(objects)}" for p, objects in groups)
        blocks.append(f"{short(subject)}\n    {body} .\n\n")

    for line in sorted_lines:
        s, p, rest = line.split(" ", 2)
        o = rest.removesuffix(" .")
        if s != subject:
            flush()
            subject, types, others = s, [], []
        if p == RDF_TYPE:
            types.append(short(o))
            continue
        predicate = short(p)
        if others and others[-1][0] == predicate:
            others[-1][1].append(short(o))
        else:
            others.append((predicate, [short(o)]))
    flush()
    yield from (f"@prefix {prefix}: <{prefixes[prefix]}> .\n" for prefix in sorted(used))
    if used:
        yield "\n"
    yield from blocks


def jsonld_context(prefixes: Mapping[str, str]) -> dict[str, str]:
    """A JSON-LD ``@context`` that makes every prefix a compact-IRI prefix (``dcterms:title``)."""
    return {prefix: namespace for prefix, namespace in sorted(prefixes.items()) if _PREFIX_NAME.fullmatch(prefix)}


def jsonld_bytes(ntriples: bytes, prefixes: Mapping[str, str]) -> bytes:
    """Compact JSON-LD with an inline ``@context``: one node object per subject, in a stable order.

    Keys, types and IRIs are written as compact IRIs of the context's prefixes; a
    JSON-LD processor expands the document back to exactly the same triples.
    """
    import json

    import pyoxigraph as ox

    from kg.terms import compact_iri

    context = jsonld_context(prefixes)
    used: set[str] = set()

    def compact(iri: str) -> str:
        short = compact_iri(iri, context)
        if short is None:
            return iri
        used.add(short.split(":", 1)[0])
        return short

    def value(term: object) -> object:
        if isinstance(term, ox.NamedNode):
            return {"@id": compact(term.value)}
        if isinstance(term, ox.BlankNode):
            return {"@id": f"_:{term.value}"}
        assert isinstance(term, ox.Literal)
        if term.language:
            return {"@value": term.value, "@language": term.language}
        if term.datatype.value == "http://www.w3.org/2001/XMLSchema#string":
            return term.value
        return {"@value": term.value, "@type": compact(term.datatype.value)}

    nodes: dict[str, dict[str, list[object]]] = {}
    for triple in ox.parse(input=ntriples, format=ox.RdfFormat.N_TRIPLES):
        subject = triple.subject
        key = f"_:{subject.value}" if isinstance(subject, ox.BlankNode) else compact(subject.value)
        node = nodes.setdefault(key, {})
        if triple.predicate.value == "http://www.w3.org/1999/02/22-rdf-syntax-ns#type" and isinstance(
            triple.object, ox.NamedNode
        ):
            node.setdefault("@type", []).append(compact(triple.object.value))
        else:
            node.setdefault(compact(triple.predicate.value), []).append(value(triple.object))

    def order(item: object) -> str:
        return json.dumps(item, sort_keys=True, ensure_ascii=False)

    graph = []
    for key in sorted(nodes):
        node: dict[str, object] = {"@id": key}
        for name in sorted(nodes[key]):
            values = sorted(nodes[key][name], key=order)
            node[name] = values[0] if len(values) == 1 else values
        graph.append(node)
    document = {"@context": {p: context[p] for p in sorted(used)}, "@graph": graph}
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def current_umask() -> int:
    """The process's file-creation mask (read by setting it and putting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so readers see either the old file or the whole new one."""
    write_all_atomic({path: data})


def write_all_atomic(files: Mapping[Path, bytes]) -> None:
    """Write several files all or nothing: every one is written beside its target first, then all are renamed.

    A failure while writing (a full disk) leaves every previous file as it was and raises
    :class:`OutputError`. Each file gets the mode a plain ``open()`` would give it (0644 under
    umask 022), not the private 0600 of a temporary file. A temporary file stays locked while
    it is written, so that the leftovers of a killed write, which nobody holds, are removed by
    the next write to the same place.
    """
    import fcntl

    pending: list[tuple[int, Path, Path]] = []  # (locked descriptor, temporary file, target)
    current = Path()
    try:
        for current, data in files.items():
            path = current
            path.parent.mkdir(parents=True, exist_ok=True)
            _remove_abandoned(path)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            pending.append((fd, Path(tmp), path))
            fcntl.flock(fd, fcntl.LOCK_EX)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fchmod(fd, 0o666 & ~current_umask())
            os.fsync(fd)
        for _, tmp, path in pending:
            current = path
            os.replace(tmp, path)
    except OSError as exc:
        raise OutputError(f"cannot write {current}: {exc.strerror or exc}; no file was changed") from None
    finally:
        for fd, tmp, _ in pending:
            tmp.unlink(missing_ok=True)  # gone already when renamed
            os.close(fd)


def _remove_abandoned(path: Path) -> None:
    """Temporary files of earlier writes to ``path`` that nobody writes any more (their writer was killed)."""
    import fcntl

    for stale in path.parent.glob(f".{path.name}.*.tmp"):
        try:
            fd = os.open(stale, os.O_RDONLY)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # being written right now
            continue
        else:
            stale.unlink(missing_ok=True)
        finally:
            os.close(fd)


def display_width(text: str) -> int:
    """Terminal columns taken by ``text`` (Chinese characters take two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def terminal_width() -> int | None:
    """The width of the terminal standard output is, or None when it is a pipe or a file."""
    import shutil
    import sys

    if not sys.stdout.isatty():
        return None
    return shutil.get_terminal_size((120, 24)).columns


MIN_COLUMN = 8  # terminal columns a table column keeps before columns are left out


def format_table(headers: Sequence[str], rows: Sequence[Sequence[object]], *, width: int | None = -1) -> str:
    """A plain-text table aligned for CJK text; numbers are right-aligned.

    On a terminal (``width`` -1, the default, means: ask :func:`terminal_width`) the table
    fits the terminal: each cell stays on one line and a cell too long is cut with an
    ellipsis. Written to a pipe or a file (``width`` None) it is stable and never cut.
    """
    if width == -1:
        width = terminal_width()
    if width is not None:
        return _fitted_table(headers, rows, width)
    cells = [[("" if v is None else str(v)) for v in row] for row in rows]
    widths = [display_width(h) for h in headers]
    for row in cells:
        for i, value in enumerate(row):
            widths[i] = max(widths[i], display_width(value))
    numeric = _numeric_columns(headers, rows)

    def line(values: Sequence[str]) -> str:
        parts = []
        for i, value in enumerate(values):
            pad = " " * (widths[i] - display_width(value))
            parts.append(pad + value if numeric[i] else value + pad)
        return "  ".join(parts).rstrip()

    out = [line(headers), "  ".join("-" * w for w in widths)]
    out.extend(line(row) for row in cells)
    return "\n".join(out)


def _fitted_table(headers: Sequence[str], rows: Sequence[Sequence[object]], width: int) -> str:
    """The table cut to ``width`` terminal columns with rich (which measures CJK as two columns).

    Each column keeps at least ``MIN_COLUMN`` columns (or its whole width if narrower); the
    long ones share the rest, cut with an ellipsis. Columns that still do not fit are left
    out from the right, and the last line names them.
    """
    from rich import box
    from rich.console import Console
    from rich.table import Table

    body = [[" ".join(("" if v is None else str(v)).split()) for v in row] for row in rows]
    longest = [max([display_width(h), *(display_width(r[i]) for r in body)]) for i, h in enumerate(headers)]
    shown = len(headers)
    while shown > 1 and sum(min(w, MIN_COLUMN) for w in longest[:shown]) + 3 * (shown - 1) > width:
        shown -= 1
    # share the width out fairly: narrow columns keep their width, the long ones split the rest
    remaining = max(width - 3 * (shown - 1), shown)
    widths = [0] * shown
    for k, i in enumerate(sorted(range(shown), key=lambda i: longest[i])):
        widths[i] = max(1, min(longest[i], remaining // (shown - k)))
        remaining -= widths[i]
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=False)
    numeric = _numeric_columns(headers, rows)
    for i in range(shown):
        table.add_column(
            headers[i], justify="right" if numeric[i] else "left", no_wrap=True, overflow="ellipsis", width=widths[i]
        )
    for cells in body:
        table.add_row(*cells[:shown])
    console = Console(width=width, file=io.StringIO(), color_system=None, force_terminal=False, highlight=False)
    with console.capture() as capture:
        console.print(table)
    text = "\n".join(line.rstrip() for line in capture.get().splitlines())
    notes = []
    if shown < len(headers):
        notes.append(f"not shown: {', '.join(headers[shown:])}")
    if any(w < longest[i] for i, w in enumerate(widths)):
        notes.append("cells cut to fit")
    if notes:
        text += f"\n({'; '.join(notes)}; --format csv, json or markdown shows everything)"
    return text


def _numeric_columns(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> list[bool]:
    """Which columns hold only whole numbers (right-aligned in both table forms)."""
    return [bool(rows) and all(isinstance(r[i], int) for r in rows) for i in range(len(headers))]
