"""A cache of the built graph, keyed by the data and the code, for quick repeated work.

The key hashes every file of the data folder, the package's own code and
vocabulary files, and the base IRI, so a stale graph is never served: any change
gives a new key and a rebuild. A cached build is a folder holding the graph as
N-Triples (which rdflib and the exports read) and as an on-disk Oxigraph store
(which ``kg query`` opens in milliseconds, whatever the graph's size), and the table
row each node came from (so ``kg validate`` reports a SHACL problem at its row).

A build streams rows straight into the N-Triples file and bulk-loads it into the
store, so no in-memory graph is ever made; it is written in a temporary folder
and renamed into place, so a reader sees a whole build or none. A build first copies
the data folder into its work folder (a snapshot on disk, whatever its size), and
its key hashes exactly those bytes, which are the ones validated and built.

Several data folders may share one cache ($KG_CACHE_DIR). A process marks the
builds it uses with a shared file lock and a building process its work folder with
an exclusive one; beyond the KEEP most recently used builds the others are removed,
never one a process holds, and the work folders of killed builds go with the next build.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kg import DEFAULT_BASE_IRI, __version__
from kg.progress import Step, no_progress

if TYPE_CHECKING:
    from rdflib import Graph

CODE_SUFFIXES = (".py", ".ttl", ".html")
KEEP = 4  # cached builds kept; beyond these the least recently used ones go, never one in use
LOCK_FILE = "in-use.lock"  # shared lock: a process uses the build; exclusive: it is being built or removed
_HELD: dict[Path, int] = {}  # builds this process uses, with their lock's file descriptor
NTRIPLES_FILE = "graph.nt"
ORIGINS_FILE = "origins.tsv"  # each node built from a row: <node> TAB table file TAB line
SNAPSHOT_FOLDER = "data"  # in a work folder: the copy of the data folder a build reads
STORE_FOLDER = "oxigraph"
COMPLETE_FILE = "build.json"  # written last: how many tables, rows and distinct triples


def cache_dir(data_dir: Path | str) -> Path:
    """Where cached graphs live: $KG_CACHE_DIR, else ``build/.cache`` beside the data folder.

    Beside the data, not in the working directory, so a notebook run from
    ``notebooks/`` shares the cache of the command line and leaves nothing in git's way.
    """
    if os.environ.get("KG_CACHE_DIR"):
        return Path(os.environ["KG_CACHE_DIR"])
    return Path(data_dir).resolve().parent / "build" / ".cache"


def fingerprint(
    data_dir: Path, base_iri: str = DEFAULT_BASE_IRI, *, files: Mapping[str, bytes | Path] | None = None
) -> str:
    """A hash of the data folder's files (``files``: as already read or copied), the package's code and the base IRI.

    Files are hashed in chunks, so a big folder is never held in memory.
    """
    from kg.scan import content_chunks

    digest = hashlib.sha256(f"{__version__}\n{base_iri}\n".encode())
    package = Path(__file__).resolve().parent
    code = {p.name: p for p in sorted(package.iterdir()) if p.is_file() and p.suffix in CODE_SUFFIXES}
    folder = Path(data_dir)
    data = files if files is not None else {p.name: p for p in sorted(folder.iterdir()) if p.is_file()}
    for is_code, snapshot in ((True, code), (False, data)):
        for name, content in sorted(snapshot.items()):
            try:
                chunks = list(content_chunks(content)) if isinstance(content, bytes) else content_chunks(content)
                part = hashlib.sha256()
                for chunk in chunks:
                    part.update(chunk)
            except OSError:  # unreadable: the table loader reports it with its location
                continue
            digest.update(f"{is_code}:{name}\n".encode())
            digest.update(part.digest())
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

    @property
    def tables(self) -> int:
        """How many tables it was built from."""
        return self._counts()["tables"]

    def locate(self, nodes: Collection[str], data_dir: Path | str) -> dict[str, tuple[str, int]]:
        """Where each of ``nodes`` (IRIs) was built from: its table file in ``data_dir`` and line.

        The origins file is read as a stream, so a build of any size is searched in little memory.
        """
        wanted = {f"<{node}>" for node in nodes}
        found: dict[str, tuple[str, int]] = {}
        with (self.folder / ORIGINS_FILE).open(encoding="utf-8") as origins:
            for line in origins:
                node, table, number = line.rstrip("\n").split("\t")
                if node in wanted:
                    found[node[1:-1]] = (str(Path(data_dir) / table), int(number))
        return found

    def graph(self) -> Graph:
        """Its rdflib graph, with the ontology's prefixes bound (parsed from the N-Triples)."""
        from kg.ontology import graph_prefixes
        from kg.terms import rdflib_graph

        return rdflib_graph(self.ntriples.read_bytes(), prefixes=graph_prefixes(self.base_iri))

    def _counts(self) -> dict[str, int]:
        return json.loads((self.folder / COMPLETE_FILE).read_text(encoding="utf-8"))


def cached_build(
    data_dir: Path | str,
    *,
    base_iri: str = DEFAULT_BASE_IRI,
    folder: Path | str | None = None,
    on_step: Step = no_progress,
) -> CachedBuild:
    """The cached build of ``data_dir``, built (and its tables validated) only when not cached yet.

    Raises :class:`~kg.errors.DataError` when the tables are invalid.
    """
    root = Path(folder) if folder else cache_dir(data_dir)
    target = root / f"graph-{fingerprint(Path(data_dir), base_iri)}"
    if (target / COMPLETE_FILE).exists() and _use(target):
        return CachedBuild(target, base_iri)
    import pyoxigraph as ox

    from kg.build import write_ntriples
    from kg.graph import legal_force_ntriples
    from kg.scan import snapshot_folder
    from kg.sparql import OxigraphBackend
    from kg.tables import load_dataset

    created = not root.exists()
    root.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".graph-", dir=root))
    built = False
    building = _lock(work, exclusive=True)  # held while building: a later build knows this one is alive
    try:
        # The data as it is now, copied: the key hashes exactly the bytes that are validated and built.
        files = snapshot_folder(data_dir, work / SNAPSHOT_FOLDER)
        target = root / f"graph-{fingerprint(Path(data_dir), base_iri, files=files)}"
        dataset = load_dataset(data_dir, on_step=on_step, files=files)
        rows = dataset.row_count()
        as_of = dataset.schema.legal_force_as_of
        tables = len(dataset.tables)
        with (
            (work / NTRIPLES_FILE).open("w", encoding="utf-8", newline="\n", buffering=1 << 20) as handle,
            (work / ORIGINS_FILE).open("w", encoding="utf-8", newline="\n", buffering=1 << 20) as origins,
        ):
            write_ntriples(dataset, handle, base_iri=base_iri, on_step=on_step, origins=origins)
        del dataset  # the rows are written: free them before the bulk load needs memory
        shutil.rmtree(work / SNAPSHOT_FOLDER)
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
        counts = {"tables": tables, "rows": rows, "triples": triples}
        (work / COMPLETE_FILE).write_text(json.dumps(counts) + "\n", encoding="utf-8")
        try:
            work.rename(target)
        except OSError:  # another process finished the same build first; keep theirs
            if not (target / COMPLETE_FILE).exists():
                raise
        built = True
    finally:
        shutil.rmtree(work, ignore_errors=True)
        os.close(building)
        if created and not built:  # a failed first build leaves no cache folder behind (unless another filled it)
            with contextlib.suppress(OSError):
                root.rmdir()
    if not _use(target):  # removed in the instant between the rename and the lock: build again
        return cached_build(data_dir, base_iri=base_iri, folder=folder, on_step=on_step)
    _tidy(root)
    return CachedBuild(target, base_iri)


def _lock(folder: Path, *, exclusive: bool, wait: bool = True) -> int:
    """An flock on the folder's lock file; its file descriptor (-1 when not waiting and not free)."""
    import fcntl

    fd = os.open(folder / LOCK_FILE, os.O_RDONLY | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | (0 if wait else fcntl.LOCK_NB))
    except BlockingIOError:
        os.close(fd)
        return -1
    return fd


def _use(build: Path) -> bool:
    """Mark a complete build as used by this process (a shared lock held until exit) and as recently used."""
    if build in _HELD:
        return True
    try:
        fd = _lock(build, exclusive=False)
    except FileNotFoundError:  # removed meanwhile
        return False
    if not (build / COMPLETE_FILE).exists():
        os.close(fd)
        return False
    _HELD[build] = fd
    os.utime(build / COMPLETE_FILE)  # least recently used goes first
    return True


def _tidy(root: Path) -> None:
    """Remove what no process needs: builds beyond the KEEP most recently used, killed builds' leftovers."""
    builds = [p for p in root.glob("graph-*") if p.is_dir() and (p / COMPLETE_FILE).exists()]
    builds.sort(key=lambda p: (p / COMPLETE_FILE).stat().st_mtime, reverse=True)
    stale = [p for p in builds[KEEP:] if p not in _HELD]
    stale += [p for p in root.glob(".graph-*") if p.is_dir()]  # a build whose process is gone holds no lock
    stale += [p for p in root.glob("graph-*") if p.is_dir() and not (p / COMPLETE_FILE).exists()]
    for old in stale:
        try:
            fd = _lock(old, exclusive=True, wait=False)
        except FileNotFoundError:
            continue
        if fd == -1:  # in use, or being built
            continue
        try:
            shutil.rmtree(old, ignore_errors=True)
        finally:
            os.close(fd)
    for old in root.glob("graph-*"):  # a cache file of an older version of the package
        if old.is_file():
            old.unlink(missing_ok=True)
