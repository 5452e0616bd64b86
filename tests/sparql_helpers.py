"""Helpers for running presets on independent engines in tests."""

from __future__ import annotations

from rdflib import Literal, URIRef

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
}


def comparable(results: Results) -> list[tuple]:
    """Rows as plain tuples: (kind, value, language-or-datatype) per cell."""
    out = []
    for row in results.rows:
        cells = []
        for term in row:
            if term is None:
                cells.append(None)
            elif isinstance(term, URIRef):
                cells.append(("iri", str(term)))
            else:
                assert isinstance(term, Literal)
                cells.append(("lit", str(term), term.language or (str(term.datatype) if term.datatype else None)))
        out.append(tuple(cells))
    return out


def oxigraph_select(store, query: str) -> Results:
    """Run a SELECT on a pyoxigraph Store and convert to kg Results."""
    import pyoxigraph as ox

    solutions = store.query(query)
    variables = tuple(v.value for v in solutions.variables)
    rows = []
    for solution in solutions:
        row = []
        for name in variables:
            term = solution[name]
            if term is None:
                row.append(None)
            elif isinstance(term, ox.NamedNode):
                row.append(URIRef(term.value))
            else:
                datatype = term.datatype.value
                if term.language:
                    row.append(Literal(term.value, lang=term.language))
                elif datatype == "http://www.w3.org/2001/XMLSchema#string":
                    row.append(Literal(term.value))
                else:
                    row.append(Literal(term.value, datatype=URIRef(datatype)))
        rows.append(tuple(row))
    return Results(variables, tuple(rows))


def bound_query(preset: Preset, backend: Backend) -> str:
    return bind(preset, EXAMPLES.get(preset.name, {}), backend)
