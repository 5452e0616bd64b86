"""The complete graph: the triples built from the tables plus the statements derived from them.

Derived statements: schema.org's legal force as of the curation date. The status of
an instrument is derived from its dated events by one SPARQL preset
(``kg/queries/status-on-date.rq``), locally and on any server. To give consumers that
read only schema.org the essentials, the graph also states each instrument's
``schema:legislationLegalForce`` as of the date the data declares
(``legalForceAsOf`` in ``datapackage.json``), labelled as such on a dataset node.
A declared date, not the clock, keeps the same data giving the same bytes.

The cached build (:mod:`kg.cache`) and the in-memory graph of :func:`build_graph`
add the same derived statements, so both are the same graph.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rdflib import RDF, RDFS, XSD
from rdflib.namespace import SDO

from kg import DEFAULT_BASE_IRI
from kg.build import GraphBuilder, nt_iri, nt_literal
from kg.ontology import graph_prefixes
from kg.progress import Step, no_progress
from kg.shape import LEGAL_FORCE, NOT_IN_FORCE, base_of, row_iri
from kg.vocab import KG

if TYPE_CHECKING:
    from rdflib import Graph

    from kg.sparql import Backend
    from kg.tables import Dataset


def dataset_iri(base_iri: str) -> str:
    """The node that describes the dataset as a whole."""
    return base_of(base_iri) + "dataset"


def legal_force_ntriples(backend: Backend, as_of: str, base_iri: str) -> str:
    """N-Triples stating every instrument's schema.org legal force on ``as_of``, and that date."""
    from kg.presets import load_presets, run

    results = run(load_presets()["status-on-date"], {"date": as_of}, backend)
    column = {name: position for position, name in enumerate(results.variables)}
    dataset = nt_iri(dataset_iri(base_iri))
    english = (
        f"schema:legislationLegalForce is derived from the dated lifecycle events as of {as_of} (kg:legalForceAsOf),"
        " the date the data was curated; the status-on-date preset gives the status on any date."
    )
    chinese = f"schema:legislationLegalForce 依据有日期的生命周期事件推导，推导日期为 {as_of}（kg:legalForceAsOf）。"
    lines = [
        f"{dataset} <{RDF.type}> <{SDO.Dataset}> .",
        f"{dataset} <{KG.legalForceAsOf}> {nt_literal(as_of, datatype=XSD.date)} .",
        f"{dataset} <{RDFS.comment}> {nt_literal(english, lang='en')} .",
        f"{dataset} <{RDFS.comment}> {nt_literal(chinese, lang='zh')} .",
    ]
    for row in results.rows:
        instrument, status = row[column["instrument"]], row[column["status"]]
        force = LEGAL_FORCE.get(str(status), NOT_IN_FORCE)
        lines.append(
            f"{nt_iri(row_iri(base_iri, 'instruments', str(instrument)))} <{SDO.legislationLegalForce}> <{force}> ."
        )
    return "\n".join(lines) + "\n"


def derived_ntriples(ntriples: str, dataset: Dataset, base_iri: str) -> str:
    """The derived statements of a graph given as N-Triples (queried in an in-memory store)."""
    as_of = dataset.schema.legal_force_as_of
    if not as_of:
        return ""
    import pyoxigraph as ox

    from kg.sparql import OxigraphBackend

    store = ox.Store()
    store.bulk_load(input=ntriples.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return legal_force_ntriples(OxigraphBackend(store), as_of, base_iri)


def build_graph(dataset: Dataset, *, base_iri: str = DEFAULT_BASE_IRI, on_step: Step = no_progress) -> Graph:
    """The rdflib graph of a validated dataset: the ontology, the tables and the derived statements."""
    from io import StringIO

    from kg.terms import rdflib_graph

    buffer = StringIO()
    GraphBuilder(dataset, base_iri, buffer.write).build(on_step)
    on_step("deriving the legal force")
    buffer.write(derived_ntriples(buffer.getvalue(), dataset, base_iri))
    on_step("loading the graph")
    return rdflib_graph(buffer.getvalue().encode("utf-8"), prefixes=graph_prefixes(base_iri))
