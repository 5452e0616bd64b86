"""A cache of the built graph, keyed by the data and the code, for quick repeated work.

The key hashes every file of the data folder, the package's own code and
vocabulary files, and the base IRI, so a stale graph is never served: any change
gives a new key and a rebuild. A cached build is a folder holding the graph as
N-Triples (which rdflib and the exports read) and as an on-disk Oxigraph store
(which ``kg query`` opens in milliseconds, whatever the graph's size).

A build streams rows straight into the N-Triples file and bulk-loads it into the
store, so no in-memory graph is ever made; it is written in a temporary folder
and renamed into place, so a reader sees a whole build or none.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from kg import DEFAULT_BASE_IRI, __version__
from kg.progress import Step, no_progress

CODE_SUFFIXES = (".py", ".ttl", ".html")
NTRIPLES_FILE = "graph.nt"
STORE_FOLDER = "oxigraph"
COMPLETE_FILE = "build.json"  # written last: how many rows and distinct triples


def cache_dir(data_dir: Path | str) -> Path:
    """Where cached graphs live: $KG_CACHE_DIR, else ``build/.cache`` beside the data folder.

    Beside the data, not in the working directory, so a notebook run from
    ``notebooks/`` shares the cache of the command line and leaves nothing in git's way.
    """
    if os.environ.get("KG_CACHE_DIR"):
        return Path(os.environ["KG_CACHE_DIR"])
    return Path(data_dir).resolve().parent / "build" / ".cache"


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


@dataclass(frozen=True)
class CachedBuild:
    """A complete build in the cache."""

    folder: Path
    base_iri: str

    @property
    def ntriples(self) -> Path:
        """The graph as N-Triples (the ontology included; a triple may appear twice)."""
        return self.folder / NTRIPLES_FILE

    @property
    def store(self) -> Path:
        """The on-disk Oxigraph store of the same triples."""
        return self.folder / STORE_FOLDER

    @property
    def triples(self) -> int:
        """How many distinct triples the graph has."""
        return self._counts()["triples"]

    @property
    def rows(self) -> int:
        """How many table rows it was built from."""
        return self._counts()["rows"]

    def _counts(self) -> dict[str, int]:
        return json.loads((self.folder / COMPLETE_FILE).read_text(encoding="utf-8"))


def cached_build(
    data_dir: Path | str,
    *,
    base_iri: str = DEFAULT_BASE_IRI,
    folder: Path | None = None,
    on_step: Step = no_progress,
) -> CachedBuild:
    """The cached build of ``data_dir``, built (and its tables validated) only when not cached yet.

    Raises :class:`~kg.errors.DataError` when the tables are invalid.
    """
    root = folder or cache_dir(data_dir)
    target = root / f"graph-{fingerprint(Path(data_dir), base_iri)}"
    if (target / COMPLETE_FILE).exists():
        return CachedBuild(target, base_iri)
    import pyoxigraph as ox

    from kg.build import write_ntriples
    from kg.graph import legal_force_ntriples
    from kg.sparql import OxigraphBackend
    from kg.tables import load_dataset

    dataset = load_dataset(data_dir, on_step=on_step)
    rows = dataset.row_count()
    as_of = dataset.schema.legal_force_as_of
    root.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".graph-", dir=root))
    try:
        with (work / NTRIPLES_FILE).open("w", encoding="utf-8", newline="\n", buffering=1 << 20) as handle:
            write_ntriples(dataset, handle, base_iri=base_iri, on_step=on_step)
        del dataset  # the rows are written: free them before the bulk load needs memory
        on_step("loading the fast store")
        store = ox.Store(str(work / STORE_FOLDER))
        store.bulk_load(path=str(work / NTRIPLES_FILE), format=ox.RdfFormat.N_TRIPLES)
        if as_of:
            on_step("deriving the legal force")
            derived = legal_force_ntriples(OxigraphBackend(store), as_of, base_iri)
            with (work / NTRIPLES_FILE).open("a", encoding="utf-8", newline="\n") as handle:
                handle.write(derived)
            store.load(input=derived.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
        store.flush()
        triples = len(store)
        del store  # closes the database before the folder moves
        (work / COMPLETE_FILE).write_text(json.dumps({"rows": rows, "triples": triples}) + "\n", encoding="utf-8")
        try:
            work.rename(target)
        except OSError:  # another process finished the same build first; keep theirs
            if not (target / COMPLETE_FILE).exists():
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for old in root.glob("graph-*"):  # earlier builds of other data or code
        if old == target:
            continue
        if old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
        else:  # a cache file of an older version of the package
            old.unlink(missing_ok=True)
    return CachedBuild(target, base_iri)
