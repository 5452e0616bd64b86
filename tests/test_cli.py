"""The kg command line through click's CliRunner."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph

from kg.cli import main

from .conftest import DATA, edit_csv, same_graph

COMMANDS = sorted(main.commands)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_the_command_set():
    assert COMMANDS == [
        "build",
        "compare",
        "export",
        "push",
        "query",
        "serve",
        "stats",
        "status",
        "timeline",
        "validate",
        "viz",
    ]


@pytest.mark.parametrize("command", [[], *[[c] for c in COMMANDS]])
def test_every_command_has_help(runner, command):
    result = runner.invoke(main, [*command, "--help"])
    assert result.exit_code == 0
    assert result.output.startswith("Usage: main")


def kg_modules_imported_by(path: Path) -> set[str]:
    """Every ``kg`` module a source file imports, at any depth in it (``from kg import api`` is kg.api)."""
    import ast

    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.split(".")[0] == "kg"}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "kg":
                found |= {f"kg.{alias.name}" for alias in node.names}
            elif node.module.startswith("kg."):
                found.add(node.module)
        elif isinstance(node, ast.ImportFrom) and node.level > 0:
            found.add("relative import")
    return found


def test_the_cli_imports_only_the_facade_the_formatters_and_the_errors():
    import kg.cli

    allowed = {"kg.api", "kg.errors", "kg.output", "kg.formats", "kg.progress"}
    assert kg_modules_imported_by(Path(kg.cli.__file__)) == allowed


def test_the_import_rule_sees_every_form_of_import(tmp_path):
    source = tmp_path / "x.py"
    source.write_text(
        "import kg.presets\nfrom kg import sparql\nfrom kg.cache import cached_build\nimport os\n"
        "def f():\n    from kg.viz import render_html\n    import kg.graph as g\n"
    )
    assert kg_modules_imported_by(source) == {"kg.presets", "kg.sparql", "kg.cache", "kg.viz", "kg.graph"}


def test_version(runner):
    result = runner.invoke(main, ["--version"])
    assert result.output == "kg, version 0.1.0\n"


def test_build_writes_turtle_and_prints_the_summary(runner, tmp_path, real_graph):
    result = runner.invoke(main, ["build", "--data", str(DATA), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    turtle = tmp_path / "out" / "graph.ttl"
    assert result.output.splitlines()[0] == (f"Wrote {turtle}: {len(real_graph)} triples from 4099 rows in {DATA}.")
    assert ["kg:Instrument", "393"] in [line.split() for line in result.output.splitlines()]
    assert same_graph(Graph().parse(turtle), real_graph)


def corrupted_copy(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    edit_csv(data / "events.csv", "eu-ai-act,2023-06,voted", "eu-ai-act,2023-13,voted")
    edit_csv(data / "instruments.csv", "cn-pipl,cn,law,", "cn-pipl,cn,lawz,")
    return data


def test_corrupted_data_gives_located_errors_exit_2_and_writes_nothing(runner, tmp_path):
    data = corrupted_copy(tmp_path)
    out = tmp_path / "out"
    result = runner.invoke(main, ["build", "--data", str(data), "--out", str(out)])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"{data}/events.csv:")
    assert ":3: '2023-13' in column 'date' has no month 13" in lines[0]
    assert lines[1].startswith(f"{data}/instruments.csv:")
    assert ":3: unknown value 'lawz' in column 'type' (did you mean 'law'?); allowed: law," in lines[1]
    assert lines[2] == "2 problems found; nothing was written."
    assert "Traceback" not in result.output
    assert not out.exists()


def test_failed_build_keeps_the_previous_output(runner, tmp_path):
    out = tmp_path / "out"
    assert runner.invoke(main, ["build", "--data", str(DATA), "--out", str(out), "-q"]).exit_code == 0
    before = (out / "graph.ttl").read_bytes()
    result = runner.invoke(main, ["build", "--data", str(corrupted_copy(tmp_path)), "--out", str(out)])
    assert result.exit_code == 2
    assert (out / "graph.ttl").read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == ["graph.html", "graph.ttl"]


def test_missing_data_folder_is_a_usage_error(runner, tmp_path):
    result = runner.invoke(main, ["validate", "--data", str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert f"Error: no data folder at {tmp_path / 'nowhere'}; pass --data DIR" in result.stderr


@pytest.mark.parametrize(
    ("fmt", "plugin"), [("turtle", "turtle"), ("ntriples", "nt"), ("jsonld", "json-ld"), ("rdfxml", "xml")]
)
def test_export_to_file(runner, tmp_path, real_graph, fmt, plugin):
    target = tmp_path / f"graph.{fmt}"
    result = runner.invoke(main, ["export", "--data", str(DATA), "--format", fmt, "--output", str(target)])
    assert result.exit_code == 0
    assert result.stderr == f"Wrote {target} ({len(real_graph)} triples, {fmt}).\n"
    assert same_graph(Graph().parse(target, format=plugin), real_graph)


def test_export_to_stdout(runner, real_graph):
    result = runner.invoke(main, ["export", "--data", str(DATA), "--format", "ntriples"])
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == len(real_graph)


def test_export_rejects_unknown_format(runner):
    result = runner.invoke(main, ["export", "--format", "xml"])
    assert result.exit_code == 2
    assert (
        "Invalid value for '--format': 'xml' is not one of 'turtle', 'ntriples', 'jsonld', 'rdfxml', 'graphml',"
        " 'gexf', 'csv'." in result.stderr
    )


def test_stats(runner):
    result = runner.invoke(main, ["stats", "--data", str(DATA)])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "Instances per class"
    cn = next(line for line in lines if line.startswith("cn "))
    assert cn.split() == ["cn", "China", "中国", "55", "32", "23", "145", "119"]


def _in_a_terminal(args: list[str], columns: int) -> str:
    """What ``kg ARGS`` prints on a pseudo-terminal of ``columns`` columns."""
    import os
    import pty
    import subprocess
    import sys

    leader, follower = pty.openpty()
    env = {**os.environ, "COLUMNS": str(columns), "LINES": "50"}
    process = subprocess.Popen(
        [sys.executable, "-m", "kg.cli", *args], stdin=follower, stdout=follower, stderr=follower, env=env
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed: the process is done
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=120)
    os.close(leader)
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


def test_tables_fit_the_terminal_and_stay_stable_in_a_pipe():
    from kg.output import display_width

    args = ["query", "compare-provisions", "-p", "concept=chatbot-disclosure", "--lang", "zh", "--data", str(DATA)]
    shown = _in_a_terminal(args, 120)
    lines = shown.splitlines()
    assert max(display_width(line) for line in lines) <= 120
    assert lines[0].split()[:3] == ["jurisdi…", "instrum…", "number"]
    assert any(line.startswith("eu ") and "…" in line for line in lines)
    assert lines[-2:] == [
        "(not shown: verification, source, locator; cells cut to fit; --format csv, json or markdown shows everything)",
        "(15 rows)",
    ]
    piped = CliRunner().invoke(main, args)
    assert piped.exit_code == 0
    assert max(display_width(line) for line in piped.output.splitlines()) > 1000  # whole cells, one per line
    assert "…" not in piped.output
