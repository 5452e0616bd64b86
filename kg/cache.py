"""A cache of the built graph, keyed by the data and the code, for quick repeated queries.

The key hashes every file of the data folder, the package's own code and
vocabulary files, and the base IRI, so a stale graph is never served: any change
gives a new key and a rebuild. The cached graph is sorted N-Triples, which both
rdflib and the fast store load directly.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

from kg import DEFAULT_BASE_IRI, __version__

if TYPE_CHECKING:
    from rdflib import Graph

CODE_SUFFIXES = (".py", ".ttl", ".html")


def cache_dir() -> Path:
    """Where cached graphs live: $KG_CACHE_DIR, else build/.cache."""
    return Path(os.environ.get("KG_CACHE_DIR", Path("build") / ".cache"))


def fingerprint(data_dir: Path, base_iri: str = DEFAULT_BASE_IRI) -> str:
    """A hash of the data folder's files, the package's code and the base IRI."""
    digest = hashlib.sha256(f"{__version__}\n{base_iri}\n".encode())
    package = Path(__file__).resolve().parent
    for folder, suffixes in ((package, CODE_SUFFIXES), (Path(data_dir), None)):
        for path in sorted(folder.iterdir()):
            if path.is_file() and (suffixes is None or path.suffix in suffixes):
                digest.update(f"{folder == package}:{path.name}\n".encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:24]


def cached_ntriples(
    data_dir: Path, *, base_iri: str = DEFAULT_BASE_IRI, folder: Path | None = None, graph: Graph | None = None
) -> Path:
    """The N-Triples of the graph of ``data_dir``, built (and validated) only when not cached yet.

    A caller that has just built the graph (``kg build``) passes it, so it is not built twice.
    """
    folder = folder or cache_dir()
    path = folder / f"graph-{fingerprint(data_dir, base_iri)}.nt"
    if path.exists():
        return path
    from kg.output import RdfFormat, serialize, write_atomic
    from kg.pipeline import load_graph

    if graph is None:
        graph = load_graph(data_dir, base_iri=base_iri)
    write_atomic(path, serialize(graph, RdfFormat.ntriples))
    for old in folder.glob("graph-*.nt"):
        if old != path:
            old.unlink(missing_ok=True)
    return path
