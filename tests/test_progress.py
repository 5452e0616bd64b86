"""Progress is reported step by step, and drawn only on a terminal."""

from __future__ import annotations

import io

from kg.pipeline import build, build_steps, validate, validate_steps
from kg.progress import TerminalProgress

from .conftest import DATA


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_build_reports_every_step(tmp_path, monkeypatch):
    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path / "cache"))
    steps: list[str] = []
    build(DATA, tmp_path, on_step=steps.append)
    assert len(steps) == build_steps(DATA) == 36
    assert steps[0] == "reading sources.csv"
    assert steps[15:17] == ["building the ontology", "building sources"]
    assert steps[-5:] == [
        "loading the fast store",
        "deriving the legal force",
        "writing Turtle",
        "rendering the graph browser",
        "writing files",
    ]
    steps.clear()
    build(DATA, tmp_path, on_step=steps.append)  # cached: nothing is read or built again
    assert steps == ["writing Turtle", "rendering the graph browser", "writing files"]


def test_validation_reports_every_step(tiny_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path / "cache"))
    steps: list[str] = []
    validate(tiny_dir, on_step=steps.append)
    assert len(steps) == validate_steps(tiny_dir) == validate_steps(DATA) == 33 + 11
    shapes = "checking the SHACL shapes: kgsh:"
    assert steps[31:34] == ["loading the fast store", "deriving the legal force", shapes + "Article"]
    assert steps[-1] == shapes + "StatusClaim"
    steps.clear()
    validate(tiny_dir, on_step=steps.append)  # built already: only the shapes are checked
    assert len(steps) == 11


def test_bar_on_a_terminal_and_silence_in_a_pipe():
    terminal = FakeTerminal()
    bar = TerminalProgress(4, stream=terminal, width=8)
    bar("reading sources.csv")
    bar("building")
    assert terminal.getvalue().split("\r")[-1].rstrip() == "[####....] 2/4 building"
    bar.close()
    pipe = io.StringIO()
    silent = TerminalProgress(4, stream=pipe)
    silent("reading sources.csv")
    silent.close()
    assert pipe.getvalue() == ""
