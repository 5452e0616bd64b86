"""Every preset gives the same rows on rdflib and on an independent engine (pyoxigraph)."""

from __future__ import annotations

import pytest
from rdflib import XSD, Graph, Literal
from rdflib.compare import isomorphic

from kg.output import RdfFormat, serialize
from kg.presets import load_presets
from kg.sparql import LocalBackend
from kg.terms import rdflib_graph

from .sparql_helpers import bound_query, comparable, oxigraph_select

PRESETS = load_presets()


def canonical_numbers(graph: Graph) -> Graph:
    """Engines write the same xsd:decimal differently ("3.0" vs "3"); compare by value."""
    out = Graph()
    for s, p, o in graph:
        if isinstance(o, Literal) and o.datatype == XSD.decimal:
            o = Literal(format(o.toPython().normalize(), "f"), datatype=XSD.decimal)
        out.add((s, p, o))
    return out


@pytest.fixture(scope="module")
def oxigraph_store(real_graph):
    import pyoxigraph as ox

    store = ox.Store()
    store.load(serialize(real_graph, RdfFormat.ntriples), format=ox.RdfFormat.N_TRIPLES)
    return store


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_preset_agrees_with_pyoxigraph(name, real_graph, oxigraph_store):
    import pyoxigraph as ox

    preset = PRESETS[name]
    local = LocalBackend(real_graph)
    query = bound_query(preset, local)
    if preset.is_construct:
        ours = rdflib_graph(local.construct(query))
        theirs = Graph().parse(
            data=ox.serialize(oxigraph_store.query(query), format=ox.RdfFormat.N_TRIPLES).decode(), format="nt"
        )
        assert len(ours) > 0
        assert isomorphic(canonical_numbers(ours), canonical_numbers(theirs))
        return
    ours = local.select(query)
    theirs = oxigraph_select(oxigraph_store, query)
    assert ours.variables == theirs.variables
    assert comparable(ours) == comparable(theirs)
