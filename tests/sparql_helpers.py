"""Helpers for running presets on independent engines in tests."""

from __future__ import annotations

from kg.presets import Preset, bind
from kg.sparql import Backend, Results

# Example parameters for every preset that needs some.
EXAMPLES: dict[str, dict[str, str]] = {
    "timeline": {"instrument": "eu-ai-act"},
    "status-on-date": {"jurisdiction": "us", "date": "2024-06-01"},
    "legal-basis": {"instrument": "cn-genai-measures"},
    "by-topic": {"topic": "elections"},
    "provenance": {"instrument": "coe-ai-convention"},
    "search": {"text": "深度合成"},
    "subgraph": {"jurisdiction": "sg"},
    "compare-provisions": {"concept": "content-labelling", "jurisdictions": "eu,cn,kr", "lang": "zh"},
    "obligations": {"jurisdictions": "kr", "date": "2026-06-01", "system": "high_risk", "actor": "operator"},
}


def comparable(results: Results) -> list[tuple]:
    """Rows as plain tuples of (kind, value, language, datatype) per cell."""
    return [tuple(None if t is None else (t.kind, t.value, t.lang, t.datatype) for t in row) for row in results.rows]


def oxigraph_select(store, query: str) -> Results:
    """Run a SELECT on a pyoxigraph Store through the project's fast-store backend."""
    from kg.sparql import OxigraphBackend

    return OxigraphBackend(store).select(query)


def bound_query(preset: Preset, backend: Backend) -> str:
    return bind(preset, EXAMPLES.get(preset.name, {}), backend)
