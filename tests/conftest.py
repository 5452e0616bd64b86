"""Shared fixtures: the real data folder, its graph, and a tiny dataset to corrupt."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"
TINY = Path(__file__).resolve().parent / "fixtures" / "tiny"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "long: takes many seconds; scheduled early so that the workers end together")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Long tests (and notebooks) first, the many short ones after.

    xdist hands tests out in collection order (after the groups that must stay on one
    worker), so a long test collected last keeps one worker busy while the other waits.
    """
    items.sort(key=lambda item: 0 if item.get_closest_marker("long") or item.path.suffix == ".ipynb" else 1)


@pytest.fixture(scope="session")
def session_cache(tmp_path_factory) -> Path:
    """The build cache of the whole session (of each xdist worker: every worker has its own base temp)."""
    return tmp_path_factory.getbasetemp() / "kg-cache"


@pytest.fixture(autouse=True)
def private_cache(session_cache, monkeypatch):
    """Cached builds go to a temporary folder, never into the repository's build/."""
    monkeypatch.setenv("KG_CACHE_DIR", str(session_cache))


@pytest.fixture(scope="session")
def real_build(session_cache):
    """The cached build of the real data, built once a session and shared (the one `kg query --data data` uses)."""
    from kg.cache import cached_build

    return cached_build(DATA, folder=session_cache)


@pytest.fixture(scope="session")
def real_dataset():
    from kg.tables import load_dataset

    return load_dataset(DATA)


@pytest.fixture(scope="session")
def real_graph(real_dataset):
    from kg.graph import build_graph

    return build_graph(real_dataset)


@pytest.fixture
def tiny_dir(tmp_path: Path) -> Path:
    """A writable copy of the tiny fixture with the real schema beside it."""
    target = tmp_path / "data"
    shutil.copytree(TINY, target, ignore=shutil.ignore_patterns("expected.ttl"))
    shutil.copy(DATA / "datapackage.json", target / "datapackage.json")
    return target


def edit_csv(path: Path, old: str, new: str) -> None:
    """Replace one exact occurrence of ``old`` in a CSV file."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def same_graph(a, b) -> bool:
    """Whether two rdflib graphs are isomorphic: with no blank node, that is the same set of triples.

    rdflib's ``isomorphic`` canonicalises both graphs first, which takes seconds on the real data;
    a graph without blank nodes needs no canonical form, so its triples are compared directly.
    """
    from rdflib import BNode
    from rdflib.compare import isomorphic

    if any(isinstance(term, BNode) for graph in (a, b) for triple in graph for term in triple):
        return isomorphic(a, b)
    return len(a) == len(b) and set(a) == set(b)
