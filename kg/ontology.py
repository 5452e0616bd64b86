"""The ontology shipped with the package (``kg/ontology.ttl``): its path, triples and prefixes.

Read with pyoxigraph, which imports in milliseconds, so the quick query path can
use the prefixes without loading rdflib.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files


def ontology_path() -> str:
    """Location of the ontology file shipped inside the package."""
    return str(files("kg").joinpath("ontology.ttl"))


@cache
def _parsed() -> tuple[str, dict[str, str]]:
    import pyoxigraph as ox

    parser = ox.parse(path=ontology_path(), format=ox.RdfFormat.TURTLE)
    text = ox.serialize(list(parser), format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
    return text, dict(parser.prefixes)


def ontology_ntriples() -> str:
    """The ontology's triples as N-Triples text."""
    return _parsed()[0]


def graph_prefixes(base_iri: str) -> dict[str, str]:
    """Prefixes for writing the graph: the ontology's, plus ``kgid`` for the base IRI of row ids."""
    return {**_parsed()[1], "kgid": base_iri if base_iri.endswith(("/", "#")) else base_iri + "/"}
