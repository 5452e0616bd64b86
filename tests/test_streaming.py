"""Validation streams rows: big tables are read again from their bytes, never all held, with the same results."""

from __future__ import annotations

import inspect
import io

import pytest

import kg.tables
from kg.build import write_ntriples
from kg.errors import DataError, Problem
from kg.rules import _check_acyclic
from kg.scan import Row
from kg.tables import load_dataset

from .conftest import DATA


@pytest.fixture
def streamed(monkeypatch):
    """Every table counts as big: its rows are read again from its bytes on every pass."""
    monkeypatch.setattr(kg.tables, "KEEP_ROWS_BELOW", 0)


def test_streamed_rows_are_the_held_rows(streamed, real_dataset):
    dataset = load_dataset(DATA)
    for name, rows in dataset.tables.items():
        assert rows.streamed
        assert inspect.isgenerator(iter(rows))
        assert len(rows) == len(real_dataset.rows(name))
        assert list(rows) == list(real_dataset.rows(name))
        assert not real_dataset.rows(name).streamed
    assert dataset.ids("instruments") == real_dataset.ids("instruments")


def test_a_streamed_dataset_builds_the_same_triples(streamed, tiny_dir):
    held, streamed_out = io.StringIO(), io.StringIO()
    dataset = load_dataset(tiny_dir)
    write_ntriples(dataset, streamed_out)
    kg.tables.KEEP_ROWS_BELOW = 16 << 20
    write_ntriples(load_dataset(tiny_dir), held)
    assert streamed_out.getvalue() == held.getvalue()
    assert streamed_out.getvalue().count("\n") > 100


def test_problems_of_every_table_are_all_collected_and_located(streamed, tiny_dir):
    events, articles = tiny_dir / "events.csv", tiny_dir / "articles.csv"
    events.write_text(events.read_text(encoding="utf-8").replace("2024-06-28,published", "2024-02-30,published"))
    lines = articles.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = lines[1].replace(",xa-ai-law,", ",xa-ai-lax,", 1)
    articles.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_dataset(tiny_dir)
    assert [str(p) for p in info.value.problems] == [
        f"{articles}:2:2: 'xa-ai-lax' in column 'instrument' is not an id in instruments.csv"
        " (did you mean 'xa-ai-law'?)",
        f"{events}:3:3: '2024-02-30' in column 'date' is not a real date: 2024-02 has no day 30",
    ]


def test_a_table_changed_after_validation_is_reported_not_mixed(streamed, tiny_dir):
    dataset = load_dataset(tiny_dir)
    events = tiny_dir / "events.csv"
    events.write_text(events.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        list(dataset.rows("events"))
    assert [str(p) for p in info.value.problems] == [
        f"{events}: changed while it was being read; run the command again"
    ]


def test_a_parent_chain_into_a_loop_names_where_each_walk_meets_itself():
    def row(line: int, row_id: str, parent: str | None) -> Row:
        return Row("jurisdictions", "j.csv", line, {"id": row_id, "parent": parent})

    rows = [row(2, "a", "b"), row(3, "b", "c"), row(4, "c", "b"), row(5, "d", "a"), row(6, "e", None), row(7, "f", "e")]
    problems: list[Problem] = []
    _check_acyclic(rows, "parent", 4, problems)
    assert [str(p) for p in problems] == [
        "j.csv:2:4: 'parent' chain from 'a' loops back through 'b'",
        "j.csv:3:4: 'parent' chain from 'b' loops back through 'b'",
        "j.csv:4:4: 'parent' chain from 'c' loops back through 'c'",
        "j.csv:5:4: 'parent' chain from 'd' loops back through 'b'",
    ]
