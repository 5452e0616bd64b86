"""Summary counts of a built graph: instances per class and instruments per jurisdiction."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from rdflib import RDF, RDFS, Graph, URIRef

from kg.shape import literal_in, local_id
from kg.vocab import CONCEPT_BASE, ELI, KG

# Classes reported, in display order, with their short names.
REPORTED_CLASSES: tuple[tuple[str, URIRef], ...] = (
    ("kg:Instrument", KG.Instrument),
    ("eli:LegalResource", ELI.LegalResource),
    ("kg:Article", KG.Article),
    ("kg:LifecycleEvent", KG.LifecycleEvent),
    ("kg:Jurisdiction", KG.Jurisdiction),
    ("kg:Body", KG.Body),
    ("kg:ClassificationClaim", KG.ClassificationClaim),
    ("kg:RiskTier", KG.RiskTier),
    ("kg:Finding", KG.Finding),
    ("kg:StatusClaim", KG.StatusClaim),
    ("kg:RelationStatement", KG.RelationStatement),
    ("kg:Source", KG.Source),
)

HARD_LAW = URIRef(CONCEPT_BASE + "binding-force/hard_law")


@dataclass(frozen=True)
class JurisdictionCounts:
    """Coverage of one jurisdiction."""

    jurisdiction: str
    name_en: str
    name_zh: str
    instruments: int
    hard_law: int
    soft_law: int
    articles: int
    events: int


def class_counts(graph: Graph) -> list[tuple[str, int]]:
    """Number of instances of each reported class."""
    return [(name, len(set(graph.subjects(RDF.type, cls)))) for name, cls in REPORTED_CLASSES]


def jurisdiction_counts(graph: Graph) -> list[JurisdictionCounts]:
    """Instruments (hard/soft), articles and events per jurisdiction, most instruments first."""
    instruments: Counter[URIRef] = Counter()
    hard: Counter[URIRef] = Counter()
    articles: Counter[URIRef] = Counter()
    events: Counter[URIRef] = Counter()
    for instrument in graph.subjects(RDF.type, KG.Instrument):
        jurisdiction = graph.value(instrument, KG.jurisdiction)
        instruments[jurisdiction] += 1
        if graph.value(instrument, KG.bindingForce) == HARD_LAW:
            hard[jurisdiction] += 1
        articles[jurisdiction] += len(list(graph.objects(instrument, ELI.has_part)))
        events[jurisdiction] += len(list(graph.objects(instrument, KG.hasEvent)))
    rows = []
    for jurisdiction in graph.subjects(RDF.type, KG.Jurisdiction):
        rows.append(
            JurisdictionCounts(
                jurisdiction=local_id(jurisdiction),
                name_en=literal_in(graph, jurisdiction, RDFS.label, "en"),
                name_zh=literal_in(graph, jurisdiction, RDFS.label, "zh"),
                instruments=instruments[jurisdiction],
                hard_law=hard[jurisdiction],
                soft_law=instruments[jurisdiction] - hard[jurisdiction],
                articles=articles[jurisdiction],
                events=events[jurisdiction],
            )
        )
    return sorted(rows, key=lambda r: (-r.instruments, r.jurisdiction))
