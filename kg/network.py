"""The RDF graph as a networkx MultiDiGraph with typed nodes and edges.

Nodes are jurisdictions, instruments, articles, bodies and concepts (topics,
legislative models, orientations); edges are the typed links between them. Each
node carries its labels and the attributes analysts filter on, so the same
network feeds the HTML browser, the metrics and the GraphML/GEXF exports.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rdflib import RDF, RDFS, Literal, URIRef
from rdflib.namespace import DCTERMS, SDO, SKOS

from kg.shape import RELATION_PROPERTIES, local_id
from kg.vocab import CONCEPT_BASE, ELI, KG

if TYPE_CHECKING:
    import networkx as nx
    from rdflib import Graph

# Instrument-to-instrument links, by edge type: the properties the relations table maps to.
INSTRUMENT_LINKS = RELATION_PROPERTIES


def node_id(iri: URIRef) -> str:
    """A compact, stable node key: ``kind/id`` for our resources, ``scheme/notation`` for concepts."""
    text = str(iri)
    if text.startswith(CONCEPT_BASE):
        return "concept:" + text[len(CONCEPT_BASE) :]
    parts = text.rstrip("/").rsplit("/", 2)
    return f"{parts[-2]}:{parts[-1]}"


def _labels(graph: Graph, node: URIRef, *predicates: URIRef) -> dict[str, str]:
    out: dict[str, str] = {}
    for predicate in predicates:
        for value in sorted(graph.objects(node, predicate), key=str):
            if isinstance(value, Literal) and value.language in ("en", "zh") and value.language not in out:
                out[value.language] = str(value)
    return out


def _notation(graph: Graph, concept: URIRef | None) -> str:
    if concept is None:
        return ""
    value = graph.value(concept, SKOS.notation)
    return str(value) if value is not None else local_id(concept)


def to_networkx(graph: Graph) -> nx.MultiDiGraph:
    """Typed network of the graph (deterministic node and edge order)."""
    import networkx as nx

    net = nx.MultiDiGraph()

    def add_node(iri: URIRef, kind: str, **attrs: Any) -> str:
        key = node_id(iri)
        labels = attrs.pop("labels", {})
        net.add_node(
            key,
            kind=kind,
            iri=str(iri),
            label_en=labels.get("en", labels.get("zh", key)),
            label_zh=labels.get("zh", labels.get("en", key)),
            **attrs,
        )
        return key

    def add_edge(source: URIRef, target: URIRef, relation: str) -> None:
        a, b = node_id(source), node_id(target)
        if a in net and b in net:
            net.add_edge(a, b, key=relation, relation=relation)

    for j in sorted(graph.subjects(RDF.type, KG.Jurisdiction), key=str):
        add_node(
            j,
            "jurisdiction",
            labels=_labels(graph, j, RDFS.label),
            jurisdiction_kind=_notation(graph, graph.value(j, KG.jurisdictionKind)),
        )
    for b in sorted(graph.subjects(RDF.type, KG.Body), key=str):
        add_node(b, "body", labels=_labels(graph, b, RDFS.label))
    for t in sorted(graph.subjects(SKOS.inScheme, URIRef(CONCEPT_BASE + "topic")), key=str):
        add_node(t, "topic", labels=_labels(graph, t, SKOS.prefLabel))
    for scheme, kind in (("legislative-model", "model"), ("orientation", "orientation")):
        for c in sorted(graph.subjects(SKOS.inScheme, URIRef(CONCEPT_BASE + scheme)), key=str):
            add_node(c, kind, labels=_labels(graph, c, SKOS.prefLabel))
    for i in sorted(graph.subjects(RDF.type, KG.Instrument), key=str):
        years = sorted(str(d)[:4] for e in graph.objects(i, KG.hasEvent) for d in graph.objects(e, DCTERMS.date))
        url = graph.value(i, SDO.url)
        add_node(
            i,
            "instrument",
            labels=_labels(graph, i, DCTERMS.title),
            instrument_type=_notation(graph, graph.value(i, ELI.work_type)),
            binding_force=_notation(graph, graph.value(i, KG.bindingForce)),
            jurisdiction=node_id(graph.value(i, KG.jurisdiction)) if graph.value(i, KG.jurisdiction) else "",
            identifier="; ".join(sorted(str(v) for v in graph.objects(i, DCTERMS.identifier))),
            first_year=int(years[0]) if years else 0,
            url=str(url) if url is not None and str(url).startswith(("http://", "https://")) else "",
            source=node_id(graph.value(i, DCTERMS.source)) if graph.value(i, DCTERMS.source) else "",
        )
    for a in sorted(graph.subjects(RDF.type, KG.Article), key=str):
        labels = _labels(graph, a, DCTERMS.title) or {"en": str(graph.value(a, ELI.number) or node_id(a))}
        add_node(a, "article", labels=labels, number=str(graph.value(a, ELI.number) or ""))

    for j in sorted(graph.subjects(RDF.type, KG.Jurisdiction), key=str):
        parent = graph.value(j, KG.parentJurisdiction)
        if parent is not None:
            add_edge(j, parent, "part_of")
    for i in sorted(graph.subjects(RDF.type, KG.Instrument), key=str):
        for j in graph.objects(i, KG.jurisdiction):
            add_edge(i, j, "jurisdiction")
        for body in sorted(graph.objects(i, KG.issuedBy), key=str):
            add_edge(i, body, "passed_by")
        for topic in sorted(graph.objects(i, ELI.is_about), key=str):
            add_edge(i, topic, "about")
        for party in sorted(graph.objects(i, KG.party), key=str):
            add_edge(party, i, "party_to")
        for relation, predicate in INSTRUMENT_LINKS.items():
            for other in sorted(graph.objects(i, predicate), key=str):
                add_edge(i, other, relation)
    for a in sorted(graph.subjects(RDF.type, KG.Article), key=str):
        for i in graph.objects(a, ELI.is_part_of):
            add_edge(a, i, "part_of")
    for claim in sorted(graph.subjects(RDF.type, KG.ClassificationClaim), key=str):
        j = graph.value(claim, KG.aboutJurisdiction)
        concept = graph.value(claim, KG.aboutConcept)
        role = _notation(graph, graph.value(claim, KG.claimRole))
        if j is not None and concept is not None:
            add_edge(j, concept, f"classified_as_{role}" if role else "classified_as")
    # Vocabulary concepts nothing points to (unused topics, unclaimed models) are noise in a network.
    isolated = [
        k for k, d in net.nodes(data=True) if d["kind"] in ("topic", "model", "orientation") and net.degree(k) == 0
    ]
    net.remove_nodes_from(isolated)
    return net
