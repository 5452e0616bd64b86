"""The coverage report: exact rows on the tiny fixture and the real data, the CLI, and data/COVERAGE.md."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.coverage import coverage, headline, markdown, report, table_rows

from .conftest import DATA


def test_rows_on_the_tiny_fixture(tiny_dir):
    from kg.graph import build_graph
    from kg.tables import load_dataset

    graph = build_graph(load_dataset(tiny_dir))
    rows = coverage(graph)
    assert table_rows(rows) == [
        ["xa", "Xanadu", 1, 1, 0, "law 1", "2024-06-28", "0%", "0%", "100%", 0, 0],
        ["xa-north", "North Xanadu", 1, 1, 0, "bill 1", "2023", "0%", "0%", "100%", 0, 1],
    ]
    assert rows[1].without_official_text == ["xa-bill"]
    head = headline(graph, rows)
    assert (head.instruments, head.events, head.jurisdictions, head.outside_seed_with_three) == (2, 4, 2, 0)
    assert head.levels == {"official": 0, "secondary-corroborated": 0, "secondary-single": 10}


def test_headline_and_rows_on_the_real_data(real_graph):
    rows = coverage(real_graph)
    head = headline(real_graph, rows)
    assert (head.instruments, head.events, head.jurisdictions, head.outside_seed_with_three) == (393, 864, 70, 35)
    assert head.levels == {"official": 257, "secondary-corroborated": 919, "secondary-single": 951}
    assert head.sources == {"seed": 5, "official": 159, "secondary": 1217}
    by_id = {row[0]: row for row in table_rows(rows)}
    assert by_id["kr"] == [
        "kr",
        "South Korea",
        8,
        5,
        3,
        "law 4, guideline 1, principles 1, regulation 1, strategy 1",
        "2026-01-22",
        "2%",
        "67%",
        "31%",
        0,
        8,
    ]
    assert [row[0] for row in table_rows(rows)[:5]] == ["cn", "us", "eu", "us-ca", "sg"]


def test_committed_report_is_the_datas_own(real_graph):
    """data/COVERAGE.md is generated (make coverage); this fails when the data changed and it was not rerun."""
    assert (DATA / "COVERAGE.md").read_text(encoding="utf-8") == markdown(real_graph)


def test_cli_prints_the_table_and_the_markdown():
    result = CliRunner().invoke(main, ["stats", "--coverage", "--data", str(DATA)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == (
        "393 instruments, 864 events, 70 jurisdictions; 35 outside the seed's four with 3 or more;"
        " evidence: official 257, secondary-corroborated 919, secondary-single 951"
    )
    assert lines[1].split()[:3] == ["jurisdiction", "name", "instruments"]
    assert lines[3].split()[:5] == ["cn", "China", "55", "32", "23"]
    md = CliRunner().invoke(main, ["stats", "--coverage", "--format", "markdown", "--data", str(DATA)])
    assert md.output == (DATA / "COVERAGE.md").read_text(encoding="utf-8")


def test_unknown_format_is_refused(real_graph):
    with pytest.raises(ValueError, match="unknown coverage format 'html'; choose table or markdown"):
        report(real_graph, fmt="html")
    result = CliRunner().invoke(main, ["stats", "--coverage", "--format", "html", "--data", str(DATA)])
    assert result.exit_code == 2
    assert "Invalid value for '--format': 'html' is not one of 'table', 'markdown'." in result.stderr
