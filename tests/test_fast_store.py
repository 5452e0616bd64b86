"""The fast embedded store and the build cache behind kg query."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cache import cached_build, fingerprint
from kg.cli import main
from kg.errors import DataError
from kg.presets import bind, load_presets
from kg.sparql import OxigraphBackend

from .conftest import DATA, edit_csv
from .sparql_helpers import EXAMPLES

PRESETS = load_presets()


def test_presets_never_use_rdflib_on_the_fast_store(real_build, monkeypatch):
    import rdflib

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("rdflib's SPARQL engine was used on the fast store")

    monkeypatch.setattr(rdflib.Graph, "query", forbidden)
    backend = OxigraphBackend.open(real_build.store)
    for name, preset in PRESETS.items():
        query = bind(preset, EXAMPLES.get(name, {}), backend)
        if preset.is_construct:
            assert len(backend.construct(query)) > 0
        else:
            assert backend.select(query).rows, name


def test_a_query_process_does_not_import_rdflib(real_build):
    env = {**os.environ, "KG_CACHE_DIR": str(real_build.folder.parent)}  # the session's cache: the graph is built
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from kg.cli import main\n"
        f"result = CliRunner().invoke(main, ['query', 'table2', '--format', 'csv', '--data', {str(DATA)!r}])\n"
        "assert result.exit_code == 0, result.output\n"
        "print(len(result.output.splitlines()), 'rdflib' in sys.modules)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, env=env, capture_output=True)  # keeps the query's reading
    warm = subprocess.run([sys.executable, "-c", code], check=True, env=env, capture_output=True, text=True)
    assert warm.stdout.split() == ["16", "False"]


@pytest.mark.parametrize("name", ["compare-provisions", "status-on-date", "subgraph"])
def test_both_local_stores_print_the_same(name):
    """``--store memory`` and the fast store print the same: a SELECT with a list, one with dates, a CONSTRUCT.

    Every preset's rows on both engines are compared in test_presets_engines; this checks the command around them.
    """
    args = ["query", name, "--format", "json", "--data", str(DATA)]
    for key, value in EXAMPLES.get(name, {}).items():
        args += ["-p", f"{key}={value}"]
    fast = CliRunner().invoke(main, [*args, "--store", "oxigraph"])
    memory = CliRunner().invoke(main, [*args, "--store", "memory"])
    assert fast.exit_code == memory.exit_code == 0, fast.output + memory.output
    if PRESETS[name].is_construct:
        from rdflib import Graph
        from rdflib.compare import isomorphic

        from .test_presets_engines import canonical_numbers

        a = Graph().parse(data=fast.stdout, format="turtle")
        b = Graph().parse(data=memory.stdout, format="turtle")
        assert isomorphic(canonical_numbers(a), canonical_numbers(b))
    else:
        assert fast.stdout == memory.stdout


def test_the_cache_is_reused_and_never_stale(tiny_dir, tmp_path):
    cache = tmp_path / "cache"
    first = cached_build(tiny_dir, folder=cache)
    assert first.folder.name == f"graph-{fingerprint(tiny_dir)}"
    assert first.triples == 2049 + 247  # the ontology, and the 247 triples of expected.ttl
    stamp = first.ntriples.stat().st_mtime_ns
    time.sleep(0.01)
    assert cached_build(tiny_dir, folder=cache) == first
    assert first.ntriples.stat().st_mtime_ns == stamp  # not rebuilt
    edit_csv(tiny_dir / "bodies.csv", "Parliament of Xanadu", "Great Parliament of Xanadu")
    second = cached_build(tiny_dir, folder=cache)
    assert second != first and first.folder.exists()  # kept: in use here, and among the most recently used
    # no temporary folders left
    assert sorted(p.name for p in cache.iterdir()) == sorted([first.folder.name, second.folder.name])
    assert "Great Parliament of Xanadu" in second.ntriples.read_text(encoding="utf-8")
    assert fingerprint(tiny_dir) != fingerprint(tiny_dir, "http://example.org/other/")


def test_the_cached_store_holds_the_same_triples_as_rdflib(tiny_dir, tmp_path):
    import pyoxigraph as ox
    from rdflib.compare import isomorphic

    from kg.graph import build_graph
    from kg.tables import load_dataset
    from kg.terms import rdflib_graph

    from .test_presets_engines import canonical_numbers

    cached = cached_build(tiny_dir, folder=tmp_path)
    store = ox.Store.read_only(str(cached.store))
    from_store = rdflib_graph(ox.serialize(store, format=ox.RdfFormat.N_QUADS))  # the default graph only
    expected = build_graph(load_dataset(tiny_dir))
    assert len(from_store) == len(expected) == 2296
    assert isomorphic(canonical_numbers(from_store), canonical_numbers(expected))  # Oxigraph writes 634.0 as 634


def test_a_failed_build_leaves_no_cache(tiny_dir, tmp_path):
    edit_csv(tiny_dir / "events.csv", "2024-06-28,published", "2024-02-30,published")
    with pytest.raises(DataError):
        cached_build(tiny_dir, folder=tmp_path / "cache")
    assert not (tmp_path / "cache").exists()


def test_query_sees_a_data_change_at_once(tiny_dir):
    args = ["query", "--sparql", "SELECT ?n WHERE { ?b a <https://w3id.org/ai-legislation-kg/ontology#Body> ;"
            " <http://www.w3.org/2000/01/rdf-schema#label> ?n FILTER(LANG(?n) = 'en') }", "--format", "csv",
            "--data", str(tiny_dir)]  # fmt: skip
    assert CliRunner().invoke(main, args).stdout == "n\nParliament of Xanadu\n"
    edit_csv(tiny_dir / "bodies.csv", "Parliament of Xanadu", "Diet of Xanadu")
    assert CliRunner().invoke(main, args).stdout == "n\nDiet of Xanadu\n"


def test_bad_data_is_still_reported_through_the_cache(tiny_dir):
    edit_csv(tiny_dir / "events.csv", "2024-06-28,published", "2024-02-30,published")
    result = CliRunner().invoke(main, ["query", "table2", "--data", str(tiny_dir)])
    assert result.exit_code == 2
    assert "'2024-02-30' in column 'date' is not a real date" in result.stderr


def test_syntax_errors_on_the_fast_store():
    result = CliRunner().invoke(main, ["query", "--sparql", "SELECT ?x WHERE {", "--data", str(DATA)])
    assert result.exit_code == 2
    assert result.stderr.startswith("query syntax error")


def test_kg_build_seeds_the_cache_for_queries(tmp_path):
    folder = tmp_path / "cache"
    env_cache = {"KG_CACHE_DIR": str(folder)}
    result = CliRunner().invoke(
        main, ["build", "--data", str(DATA), "--out", str(tmp_path / "out"), "-q"], env=env_cache
    )
    assert result.exit_code == 0, result.output
    cached = sorted(folder.glob("graph-*"))
    assert [p.name for p in cached] == [f"graph-{fingerprint(DATA)}"]
    stamp = (cached[0] / "graph.nt").stat().st_mtime_ns
    query = CliRunner().invoke(main, ["query", "table2", "--format", "csv", "--data", str(DATA)], env=env_cache)
    assert query.exit_code == 0
    assert (cached[0] / "graph.nt").stat().st_mtime_ns == stamp  # the query did not rebuild


def test_the_cache_lives_beside_the_data_unless_told_otherwise(tmp_path, monkeypatch):
    from kg.cache import cache_dir

    monkeypatch.delenv("KG_CACHE_DIR")
    assert cache_dir(tmp_path / "project" / "data") == tmp_path / "project" / "build" / ".cache"
    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path / "elsewhere"))
    assert cache_dir(tmp_path / "project" / "data") == tmp_path / "elsewhere"


def test_a_missing_store_is_a_clear_error(tmp_path):
    from kg.sparql import QueryError

    with pytest.raises(QueryError) as info:
        OxigraphBackend.open(tmp_path / "gone")
    assert str(info.value).startswith(f"cannot open the store at {tmp_path / 'gone'}: ")
    assert str(info.value).endswith("; delete that folder to rebuild it")


def test_a_new_build_removes_older_cached_builds(tiny_dir, tmp_path):
    cache = tmp_path / "cache"
    (cache / "graph-0123456789ab").mkdir(parents=True)  # a build of other data
    (cache / "graph-0123456789ab.nt").write_text("", encoding="utf-8")  # a cache file of an older version
    built = cached_build(tiny_dir, folder=cache)
    assert sorted(p.name for p in cache.iterdir()) == [built.folder.name]


def test_a_build_hashes_exactly_the_bytes_it_validated(tiny_dir, tmp_path):
    """A table edited while a build runs, then restored byte for byte, never leaves edited content in the cache."""
    instruments = tiny_dir / "instruments.csv"
    original = instruments.read_bytes()

    def edit_midway(step: str) -> None:
        if step == "reading instruments.csv":  # the folder has been read: this edit comes too late for this build
            instruments.write_bytes(original.replace(b"AI Law,no,", b"Edited Law,no,"))

    first = cached_build(tiny_dir, folder=tmp_path / "cache", on_step=edit_midway)
    instruments.write_bytes(original)  # restored byte for byte
    again = cached_build(tiny_dir, folder=tmp_path / "cache")
    assert again.folder == first.folder
    text = again.ntriples.read_text(encoding="utf-8")
    assert '"AI Law"@en' in text
    assert "Edited Law" not in text


def _variant(tiny_dir: Path, tmp_path: Path, n: int) -> Path:
    """A copy of the tiny data folder whose law has another title, so its build has another key."""
    folder = tmp_path / f"data-{n}"
    shutil.copytree(tiny_dir, folder)
    table = folder / "instruments.csv"
    table.write_bytes(table.read_bytes().replace(b"AI Law,no,", f"AI Law {n},no,".encode()))
    return folder


def _build_elsewhere(folders: list[Path], cache: Path) -> list[str]:
    """Build each folder in turn in another process, which lets go of each build once built; their folder names."""
    code = (
        "import os, sys\nimport kg.cache as cache\n"
        "for data in sys.argv[2:]:\n"
        "    built = cache.cached_build(data, folder=sys.argv[1])\n"
        "    os.close(cache._HELD.pop(built.folder))  # done with it, as a process that ends\n"
        "    print(built.folder.name, flush=True)\n"
    )
    args = [sys.executable, "-c", code, str(cache), *map(str, folders)]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout.split()


@pytest.mark.long
def test_a_shared_cache_keeps_builds_in_use_and_evicts_the_least_recently_used(tiny_dir, tmp_path):
    from kg.cache import KEEP

    cache = tmp_path / "cache"
    # a build this process reads stays, however many other folders are built after it
    mine = cached_build(_variant(tiny_dir, tmp_path, 0), folder=cache)
    backend = OxigraphBackend.open(mine.store)
    names = _build_elsewhere([_variant(tiny_dir, tmp_path, n) for n in range(1, KEEP + 3)], cache)
    assert len(set(names)) == KEEP + 2
    assert backend.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0][0].value == str(mine.triples)
    left = sorted(p.name for p in cache.glob("graph-*"))
    # the KEEP most recently used, and the one in use here even though it is the oldest
    assert left == sorted([mine.folder.name, *names[-KEEP:]])


def test_a_killed_builds_leftovers_go_with_the_next_build(tiny_dir, tmp_path):
    from kg.cache import LOCK_FILE

    cache = tmp_path / "cache"
    cache.mkdir()
    killed = cache / ".graph-killed"  # what a build leaves when killed: a work folder nobody holds
    (killed / "oxigraph").mkdir(parents=True)
    (killed / "graph.nt").write_text("<a> <b> <c> .\n", encoding="utf-8")
    running = cache / ".graph-running"  # a build still running in another process holds its lock
    running.mkdir()
    (running / LOCK_FILE).touch()
    code = (
        "import sys, pathlib\nfrom kg.cache import _lock\n"
        f"_lock(pathlib.Path({str(running)!r}), exclusive=True)\nprint('locked', flush=True)\nsys.stdin.read()\n"
    )
    held = subprocess.Popen(
        [sys.executable, "-c", code],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert held.stdout.readline().strip() == "locked"
        cached_build(_variant(tiny_dir, tmp_path, 9), folder=cache)
        assert not killed.exists()
        assert running.exists()
    finally:
        held.communicate("")
