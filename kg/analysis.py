"""Comparative analysis on the graph; every result is a pandas DataFrame.

Matrices count a jurisdiction's own instruments together with those of its
sub-jurisdictions (a US state counts towards the US), and list top-level
jurisdictions only, so rows are comparable.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import combinations
from typing import TYPE_CHECKING

from kg.network import to_networkx
from kg.terms import local_id

if TYPE_CHECKING:
    from collections.abc import Iterator

    import networkx as nx
    import pandas as pd
    from rdflib import Graph, URIRef

COMPARE_BY = ("model", "type", "force", "topic")
CONCEPT_SCHEME = "https://w3id.org/ai-legislation-kg/concept/comparison-concept"
INFLUENCE_LINKS = ("based_on", "cites", "precursor_of")
ROLE_SCORE = {"classified_as_primary": 2, "classified_as_secondary": 1}


def _top(net: nx.MultiDiGraph, jurisdiction: str) -> str:
    """The top-level jurisdiction a jurisdiction belongs to."""
    while True:
        parents = [t for _, t, d in net.out_edges(jurisdiction, data=True) if d["relation"] == "part_of"]
        if not parents:
            return jurisdiction
        jurisdiction = parents[0]


def _short(node: str) -> str:
    """The row id of a network node key (``kind:IRI``)."""
    return local_id(node.split(":", 1)[1])


def comparison_matrix(graph: Graph, by: str) -> pd.DataFrame:
    """Jurisdictions (rows) by legislative model, instrument type, binding force or topic (columns).

    ``model``: 2 where a source classifies the jurisdiction's model as primary, 1 as
    secondary, 0 otherwise. The others: number of instruments of that type, binding
    force, or tagged with that topic.
    """
    import pandas as pd

    if by not in COMPARE_BY:
        raise ValueError(f"unknown comparison {by!r}; choose one of {', '.join(COMPARE_BY)}")
    net = to_networkx(graph)
    cells: dict[str, Counter[str]] = defaultdict(Counter)
    tops = sorted({_top(net, n) for n, d in net.nodes(data=True) if d["kind"] == "jurisdiction"})
    if by == "model":
        for source, target, data in net.edges(data=True):
            if data["relation"] in ROLE_SCORE and net.nodes[target]["kind"] == "model":
                key = _short(target)
                cells[source][key] = max(cells[source][key], ROLE_SCORE[data["relation"]])
        columns = sorted(_short(n) for n, d in net.nodes(data=True) if d["kind"] == "model")
    else:
        for node, data in net.nodes(data=True):
            if data["kind"] != "instrument" or not data["jurisdiction"]:
                continue
            top = _top(net, data["jurisdiction"])
            if by == "type":
                cells[top][data["instrument_type"]] += 1
            elif by == "force":
                cells[top][data["binding_force"]] += 1
            else:
                topics = {_short(t) for _, t, d in net.out_edges(node, data=True) if d["relation"] == "about"}
                for topic in topics:
                    cells[top][topic] += 1
        columns = sorted({c for row in cells.values() for c in row})
    rows = [j for j in tops if cells.get(j)]
    frame = pd.DataFrame(
        [[cells[j].get(c, 0) for c in columns] for j in rows],
        index=pd.Index([_short(j) for j in rows], name="jurisdiction"),
        columns=pd.Index(columns, name=by),
    )
    return frame.astype("int64")


def dated_events(graph: Graph, jurisdictions: list[str] | None = None) -> Iterator[tuple[URIRef, str, str]]:
    """(instrument, date as written, top-level jurisdiction id) for every dated event, in a stable order."""
    from rdflib import RDF
    from rdflib.namespace import DCTERMS

    from kg.network import node_id
    from kg.vocab import KG

    net = to_networkx(graph)
    for event in sorted(graph.subjects(RDF.type, KG.LifecycleEvent), key=str):
        instrument = graph.value(event, KG.eventOf)
        date = graph.value(event, DCTERMS.date)
        jurisdiction = graph.value(instrument, KG.jurisdiction) if instrument is not None else None
        if date is None or jurisdiction is None:
            continue
        top = _short(_top(net, node_id(jurisdiction)))
        if not jurisdictions or top in jurisdictions:
            yield instrument, str(date), top


def events_per_year(graph: Graph, jurisdictions: list[str] | None = None) -> pd.DataFrame:
    """Dated events per year (rows) and jurisdiction (columns), sub-jurisdictions folded into their country."""
    import pandas as pd

    counts: Counter[tuple[int, str]] = Counter(
        (int(date[:4]), top) for _, date, top in dated_events(graph, jurisdictions)
    )
    years = sorted({y for y, _ in counts})
    columns = sorted({j for _, j in counts})
    frame = pd.DataFrame(
        [[counts.get((y, j), 0) for j in columns] for y in years],
        index=pd.Index(years, name="year"),
        columns=pd.Index(columns, name="jurisdiction"),
    )
    return frame.astype("int64")


def influence(graph: Graph) -> pd.DataFrame:
    """Instruments relied on most: in-degree and PageRank over based-on, cites and precursor-of links."""
    import networkx as nx
    import pandas as pd

    net = to_networkx(graph)
    links = nx.DiGraph()
    for source, target, data in net.edges(data=True):
        if data["relation"] in INFLUENCE_LINKS:
            links.add_edge(source, target)
    if not links:
        return pd.DataFrame(columns=["instrument", "title", "jurisdiction", "in_degree", "pagerank"])
    ranks = nx.pagerank(links, alpha=0.85)
    rows = [
        {
            "instrument": _short(node),
            "title": net.nodes[node]["label_en"],
            "jurisdiction": _short(net.nodes[node]["jurisdiction"]) if net.nodes[node].get("jurisdiction") else "",
            "in_degree": links.in_degree(node),
            "pagerank": round(ranks[node], 4),
        }
        for node in links.nodes
    ]
    frame = pd.DataFrame(rows).sort_values(["in_degree", "pagerank", "instrument"], ascending=[False, False, True])
    return frame.reset_index(drop=True)


def similarity(graph: Graph, *, by: tuple[str, ...] = ("topic", "type")) -> pd.DataFrame:
    """Jaccard similarity of top-level jurisdictions over the topics and types they legislate on.

    Each row is a pair, with the shared items shown as the reason.
    """
    import pandas as pd

    features: dict[str, set[str]] = defaultdict(set)
    for aspect in by:
        matrix = comparison_matrix(graph, aspect)
        for jurisdiction, row in matrix.iterrows():
            features[str(jurisdiction)] |= {f"{aspect}:{c}" for c, v in row.items() if v > 0}
    rows = []
    for a, b in combinations(sorted(features), 2):
        union = features[a] | features[b]
        shared = sorted(features[a] & features[b])
        rows.append(
            {
                "a": a,
                "b": b,
                "jaccard": round(len(shared) / len(union), 3) if union else 0.0,
                "shared": len(shared),
                "shared_items": ", ".join(shared),
            }
        )
    frame = pd.DataFrame(rows, columns=["a", "b", "jaccard", "shared", "shared_items"])
    return frame.sort_values(["jaccard", "a", "b"], ascending=[False, True, True]).reset_index(drop=True)


def provision_references(graph: Graph) -> pd.DataFrame:
    """Jurisdictions (rows) by comparison concepts (columns): the provisions on each, as article references.

    A cell lists ``<instrument> <article>`` for every provision mapped to the concept (an editorial
    classification), separated by "; ", in instrument and article order; rows are the instruments'
    own jurisdictions, so US states and Chinese provinces stay apart. Concepts no provision
    addresses are left out.
    """
    import pandas as pd
    from rdflib import URIRef
    from rdflib.namespace import SKOS

    from kg.shape import mapped_provisions
    from kg.vocab import ELI

    cells: dict[str, dict[str, list[tuple[str, str, str]]]] = defaultdict(lambda: defaultdict(list))
    scheme = URIRef(CONCEPT_SCHEME)
    concepts = sorted(local_id(c) for c in graph.subjects(SKOS.inScheme, scheme))
    for provision in mapped_provisions(graph):
        j, i = local_id(provision.jurisdiction), local_id(provision.instrument)
        short = i[len(j) + 1 :] if i.startswith(j + "-") else i
        number = str(graph.value(provision.article, ELI.number) or local_id(provision.article).rsplit(".", 1)[-1])
        for concept in provision.concepts:
            cells[j][local_id(concept)].append((short, _article_key(number), f"{short} {number}"))
    columns = [c for c in concepts if any(c in row for row in cells.values())]
    rows = sorted(cells)
    frame = pd.DataFrame(
        [["; ".join(ref for *_, ref in sorted(set(cells[j].get(c, [])))) for c in columns] for j in rows],
        index=pd.Index(rows, name="jurisdiction"),
        columns=pd.Index(columns, name="concept"),
    )
    return frame


def _article_key(number: str) -> str:
    """A sort key that puts Article 9 before Article 10 (numbers padded to six digits)."""
    return re.sub(r"\d+", lambda m: m.group(0).zfill(6), number)


def provision_counts(references: pd.DataFrame) -> pd.DataFrame:
    """The number of provisions in each cell of :func:`provision_references`."""
    return references.map(lambda cell: len(cell.split("; ")) if cell else 0).astype("int64")


LEGENDS = {
    "model": "2 = a source classifies it as the primary model, 1 = as a secondary model",
    "type": "number of instruments of the type",
    "force": "number of instruments",
    "topic": "number of instruments on the topic",
    "concept": "number of provisions on the concept (editorial mapping)",
}


@dataclass(frozen=True)
class Comparison:
    """A comparison matrix, the counts a heatmap shows, and what they mean."""

    matrix: pd.DataFrame
    counts: pd.DataFrame
    title: str
    legend: str
    labels: dict[str, str] = field(default_factory=dict)  # row (jurisdiction) and column id -> readable label


def comparison(graph: Graph, by: str) -> Comparison:
    """The ``kg compare`` result for one aspect, with readable column labels for charts."""
    from rdflib import URIRef
    from rdflib.namespace import SKOS

    from kg.shape import jurisdiction_labels, label_in

    places = jurisdiction_labels(graph, "en")
    if by == "concept":
        matrix = provision_references(graph)
        scheme = URIRef(CONCEPT_SCHEME)
        labels = {local_id(c): label_in(graph, c, "en", SKOS.prefLabel) for c in graph.subjects(SKOS.inScheme, scheme)}
        return Comparison(
            matrix, provision_counts(matrix), "Provisions by jurisdiction and concept", LEGENDS[by], places | labels
        )
    matrix = comparison_matrix(graph, by)
    labels = {c: str(c).replace("_", " ") for c in matrix.columns}
    return Comparison(matrix, matrix, f"Jurisdictions by {by}", LEGENDS[by], places | labels)
