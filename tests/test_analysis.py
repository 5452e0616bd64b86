"""Comparative analysis: exact matrices on the real data, plots, network exports and notebooks."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from kg.analysis import comparison_matrix, events_per_year, influence, similarity
from kg.cli import main
from kg.network import to_networkx

from .conftest import DATA, REPO


def test_model_matrix(real_graph):
    assert comparison_matrix(real_graph, "model").to_dict() == {
        "integrated": {"cn": 2, "eu": 1, "sg": 0, "us": 2},
        "scenario_based": {"cn": 2, "eu": 1, "sg": 0, "us": 2},
        "soft_law_first": {"cn": 1, "eu": 1, "sg": 2, "us": 1},
        "unified": {"cn": 1, "eu": 2, "sg": 0, "us": 0},
    }


def test_binding_force_matrix(real_graph):
    matrix = comparison_matrix(real_graph, "force")
    assert matrix.loc[["cn", "eu", "sg", "us", "un"]].to_dict("index") == {
        "cn": {"hard_law": 34, "soft_law": 28},
        "eu": {"hard_law": 16, "soft_law": 23},
        "sg": {"hard_law": 2, "soft_law": 16},
        "us": {"hard_law": 99, "soft_law": 9},
        "un": {"hard_law": 0, "soft_law": 5},
    }
    assert len(matrix) == 42
    assert int(matrix.values.sum()) == 393  # every instrument counted once, sub-jurisdictions folded in


def test_type_and_topic_matrices(real_graph):
    types = comparison_matrix(real_graph, "type")
    assert types.loc["cn", ["law", "administrative_regulation", "departmental_rule"]].tolist() == [12, 4, 13]
    assert types.loc["us", ["executive_order", "bill", "law", "local_law"]].tolist() == [13, 13, 66, 1]
    assert types.loc["sg"].sum() == 18
    topics = comparison_matrix(real_graph, "topic")
    assert topics.loc["cn", ["generative-ai", "deep-synthesis"]].tolist() == [14, 1]
    assert topics.loc["us", ["elections", "employment"]].tolist() == [18, 6]


def test_unknown_comparison(real_graph):
    with pytest.raises(ValueError, match="unknown comparison 'year'; choose one of model, type, force, topic"):
        comparison_matrix(real_graph, "year")


def test_events_per_year(real_graph):
    frame = events_per_year(real_graph)
    assert int(frame.values.sum()) == 864
    assert frame.loc[2024, ["cn", "eu", "us", "sg"]].tolist() == [20, 24, 59, 8]
    assert events_per_year(real_graph, ["eu"]).loc[2023, "eu"] == 14


def test_influence(real_graph):
    top = influence(real_graph).head(3).to_dict("records")
    assert top[0] == {
        "instrument": "eu-ai-act",
        "title": "Artificial Intelligence Act",
        "jurisdiction": "eu",
        "in_degree": 9,
        "pagerank": 0.0773,
    }
    assert [r["instrument"] for r in top[1:]] == ["cn-csl", "cn-pipl"]


def test_similarity_shows_the_shared_items(real_graph):
    pairs = similarity(real_graph)
    row = pairs[(pairs["a"] == "cn") & (pairs["b"] == "us")].iloc[0]
    assert (row["jaccard"], row["shared"]) == (0.385, 25)
    assert row["shared_items"].startswith("topic:ai-governance, topic:cybersecurity, topic:data, topic:employment")


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_compare_cli_with_heatmap(tmp_path):
    plot = tmp_path / "models.png"
    result = CliRunner().invoke(main, ["compare", "--by", "model", "--data", str(DATA), "--plot", str(plot)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[2].split() == ["cn", "2", "2", "1", "1"]
    assert png_size(plot) == (600, 380)  # width max(6, 0.45*4+3) in, height 0.45*4+2 in, at 100 dpi
    csv_out = CliRunner().invoke(main, ["compare", "--by", "force", "--format", "csv", "--data", str(DATA)])
    assert csv_out.stdout.splitlines()[0] == "jurisdiction,hard_law,soft_law"
    md = CliRunner().invoke(main, ["compare", "--by", "force", "--format", "markdown", "--data", str(DATA)])
    assert md.stdout.splitlines()[0] == "| jurisdiction | hard_law | soft_law |"


def test_timeline_chart_with_chinese_labels(tmp_path):
    png = tmp_path / "timeline.png"
    result = CliRunner().invoke(
        main,
        [
            "timeline",
            "--data",
            str(DATA),
            "--jurisdiction",
            "cn",
            "--jurisdiction",
            "eu",
            "--lang",
            "zh",
            "-o",
            str(png),
        ],
    )
    assert result.exit_code == 0, result.output
    assert png_size(png) == (1400, 2786)  # 14 inches wide; 0.26 inch for each of the 101 instruments, plus 1.6
    svg = tmp_path / "timeline.svg"
    svg_args = ["timeline", "--data", str(DATA), "--jurisdiction", "cn", "--lang", "zh", "-o", str(svg)]
    assert CliRunner().invoke(main, svg_args).exit_code == 0
    text = svg.read_text(encoding="utf-8")
    assert "人工智能立法时间线：每行一部文件" in text  # the title is real text in a CJK font, not missing-glyph boxes
    assert "Noto Sans CJK" in text
    assert "生效或适用" in text  # the legend says what each marker is
    assert "中国 · 中华人民共和国网络安全法" in text  # one labelled row per instrument


def test_english_charts_need_no_chinese_font_and_leave_matplotlib_as_it_was(tmp_path, monkeypatch):
    import matplotlib

    from kg import plots

    before = dict(matplotlib.rcParams)
    monkeypatch.setattr(plots, "CJK_FONTS", ("No Such Font",))  # as on a machine without any CJK font
    svg = tmp_path / "timeline.svg"
    result = CliRunner().invoke(main, ["timeline", "--data", str(DATA), "--jurisdiction", "jp", "-o", str(svg)])
    assert result.exit_code == 0, result.output
    text = svg.read_text(encoding="utf-8")
    assert "Japan · Act on Promotion of Research and Development, and Utilizati" in text
    assert "CJK" not in text
    chinese = CliRunner().invoke(main, ["timeline", "--data", str(DATA), "--lang", "zh", "-o", str(svg)])
    assert chinese.exit_code == 2
    assert chinese.stderr == (
        "no Chinese font found for the Chinese labels; install one (Debian: apt-get install fonts-noto-cjk; any of"
        " No Such Font ... works)\n"
    )
    assert dict(matplotlib.rcParams) == before


def test_plot_format_is_checked(tmp_path):
    result = CliRunner().invoke(main, ["timeline", "--data", str(DATA), "-o", str(tmp_path / "t.jpg")])
    assert result.exit_code == 2
    assert result.stderr == f"{tmp_path / 't.jpg'}: plots are written as .png or .svg, not .jpg\n"


@pytest.mark.parametrize(("fmt", "reader"), [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
def test_network_exports_round_trip(tmp_path, real_graph, fmt, reader):
    path = tmp_path / f"graph.{fmt}"
    result = CliRunner().invoke(main, ["export", "--data", str(DATA), "--format", fmt, "--output", str(path)])
    assert result.exit_code == 0, result.output
    original = to_networkx(real_graph)
    back = reader(path)
    assert back.number_of_nodes() == original.number_of_nodes()
    assert back.number_of_edges() == original.number_of_edges()
    node = back.nodes["instrument:eu-ai-act"]
    assert node["label_zh"] == "人工智能法案"
    assert node["instrument_type"] == "law"
    assert int(node["first_year"]) == 2021
    relations = sorted(d["relation"] for _, _, d in back.edges(data=True) if d.get("relation") == "precursor_of")
    assert len(relations) == 13


NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))


def test_there_are_analyst_notebooks():
    assert [p.name for p in NOTEBOOKS] == [
        "01_compare_jurisdictions.ipynb",
        "02_deepfakes_elections_and_timelines.ipynb",
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_are_committed_without_outputs(path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None
            assert "from kg" in "".join(cell["source"]) or "import kg" not in "".join(cell["source"])
    assert set(notebook["metadata"]) == {"kernelspec", "language_info"}
