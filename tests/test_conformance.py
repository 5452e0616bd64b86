"""The graph uses ELI, PROV-O, SKOS, DCTERMS and schema.org as their specifications define them.

An OWL RL reasoner (owlrl) runs over the built graph plus the published vocabularies
(copies in tests/vocab/) and must find no inconsistency; ELI's single-valued properties,
deprecated terms and LegalResource-only properties are checked directly, since OWL RL
does not act on union domains.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import PROV, SDO, SKOS

from kg.vocab import ELI, KG

VOCAB = Path(__file__).resolve().parent / "vocab"
ELI_NS = "http://data.europa.eu/eli/ontology#"


@pytest.fixture(scope="module")
def graph(real_build):
    from kg.pipeline import graph_of

    return graph_of(real_build)


@pytest.fixture(scope="module")
def eli() -> Graph:
    return Graph().parse(VOCAB / "eli-1.5.rdf", format="xml")


class _PlainNamespace:
    """A namespace whose terms, once looked up, are plain attributes (the same URIRefs).

    owlrl's rules look up OWL.x, RDF.x and RDFS.x some forty million times on this graph; through rdflib's
    DefinedNamespace each lookup builds a new URIRef, which took about half the reasoner's time.
    """

    def __init__(self, namespace: object) -> None:
        self._namespace = namespace

    def __getattr__(self, name: str) -> object:
        term = getattr(self._namespace, name)
        setattr(self, name, term)
        return term

    def __getitem__(self, name: str) -> object:
        return self._namespace[name]


def _owl_rl_semantics() -> type:
    """owlrl's OWL RL rules, skipping only work that cannot add a triple.

    For a triple ``x owl:sameAs x`` (eq-ref gives one for every term), eq-sym, eq-trans and eq-rep-s/p/o
    can only produce triples already in the graph (each replaces x by x); they are skipped. eq-ref and the
    eq-diff1 check (``x owl:differentFrom x`` is an inconsistency) still run, and every other triple goes
    through owlrl's own rules. The closure is the same as owlrl's (checked: isomorphic, 207,633 triples).
    """
    import owlrl

    class Semantics(owlrl.OWLRL_Semantics):
        def _equality(self, triple, cycle_num):  # owlrl's name for its eq-* rules
            s, p, o = triple
            if p != OWL.sameAs or s != o:
                return super()._equality(triple, cycle_num)
            self.store_triple((s, OWL.sameAs, s))
            self.store_triple((p, OWL.sameAs, p))
            if (s, OWL.differentFrom, s) in self.graph:
                self.add_error(
                    f"'sameAs' and 'differentFrom' cannot be used on the same subject-object pair: ({s}, {o})"
                )
            return None

    return Semantics


def _owl_rl_errors(closure: Graph, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Expand ``closure`` in place by the OWL RL rules; the inconsistencies owlrl found."""
    import owlrl
    import owlrl.Closure
    import owlrl.OWLRL
    from owlrl.Namespaces import ERRNS
    from rdflib.term import _toPythonMapping

    for module in (owlrl.OWLRL, owlrl.Closure):
        for name in ("OWL", "RDF", "RDFS"):
            if hasattr(module, name):
                monkeypatch.setattr(module, name, _PlainNamespace(getattr(module, name)))
    saved = dict(_toPythonMapping)  # owlrl swaps rdflib's literal converters globally and leaves some behind
    try:
        owlrl.DeductiveClosure(_owl_rl_semantics()).expand(closure)
    finally:
        _toPythonMapping.clear()
        _toPythonMapping.update(saved)
    return sorted(
        str(m) for e in closure.subjects(RDF.type, ERRNS.ErrorMessage) for m in closure.objects(e, ERRNS.error)
    )


def test_owl_rl_as_run_here_finds_inconsistencies(monkeypatch):
    """The reasoner, configured as below, still reports what OWL RL calls inconsistent."""
    ex = "https://example.org/"
    closure = Graph(store="SimpleMemory").parse(
        data=f"""
        @prefix owl: <http://www.w3.org/2002/07/owl#> .
        <{ex}A> owl:disjointWith <{ex}B> .
        <{ex}x> a <{ex}A>, <{ex}B> .
        <{ex}y> owl:differentFrom <{ex}y> .
        """,
        format="turtle",
    )
    errors = _owl_rl_errors(closure, monkeypatch)
    assert len(errors) == 2
    assert errors[0].startswith("'sameAs' and 'differentFrom' cannot be used on the same subject-object pair: ")
    assert f"{ex}y" in errors[0]
    assert "Disjoint classes" in errors[1] and f"{ex}x" in errors[1], errors


@pytest.mark.long
def test_owl_rl_finds_no_inconsistency(graph, monkeypatch):
    # rdflib's SimpleMemory store: the same triples and the same rules, about twice as quick for owlrl's
    # millions of lookups as the default Memory store, whose named-graph bookkeeping this closure never uses
    closure = Graph(store="SimpleMemory")
    for triple in graph:
        closure.add(triple)
    for name, fmt in (("eli-1.5.rdf", "xml"), ("prov-o.ttl", "turtle"), ("skos.rdf", "xml"), ("dcterms.ttl", "turtle")):
        closure.parse(VOCAB / name, format=fmt)
    assert _owl_rl_errors(closure, monkeypatch) == []
    # the graph really is read the way the specifications define it
    instrument = URIRef("https://w3id.org/ai-legislation-kg/id/instrument/eu-ai-act")
    assert (instrument, RDF.type, ELI.Work) in closure
    assert (
        URIRef("https://w3id.org/ai-legislation-kg/id/event/eu-ai-act.2024-06-13.signed"),
        RDF.type,
        PROV.Activity,
    ) in closure


def test_eli_single_valued_properties_have_at_most_one_value(graph, eli):
    functional = set(eli.subjects(RDF.type, OWL.FunctionalProperty))
    assert ELI.date_document in functional and ELI.type_subdivision in functional
    counts = Counter((s, p) for s, p, _ in graph if p in functional)
    assert [(str(s), str(p)) for (s, p), n in counts.items() if n > 1] == []


def test_no_deprecated_eli_term_is_used(graph, eli):
    deprecated = {s for s in eli.subjects(OWL.deprecated, None) if str(eli.value(s, OWL.deprecated)).lower() == "true"}
    assert URIRef(ELI_NS + "implements") in deprecated
    used = {p for _, p, _ in graph} | {o for _, _, o in graph if isinstance(o, URIRef)}
    assert sorted(map(str, used & deprecated)) == []


def _domain_classes(eli: Graph, prop: URIRef) -> set[URIRef]:
    classes: set[URIRef] = set()
    for domain in eli.objects(prop, RDFS.domain):
        if isinstance(domain, BNode) and eli.value(domain, OWL.unionOf) is not None:
            classes |= set(Collection(eli, eli.value(domain, OWL.unionOf)))
        else:
            classes.add(domain)
    return classes


def test_eli_properties_are_used_within_their_domain(graph, eli):
    """A property whose domain is (a union of) ELI classes is used only on nodes typed as one of them or a subclass."""
    subclasses = {ELI.LegalResourceSubdivision: {ELI.LegalResource, ELI.WorkSubdivision, ELI.Work},
                  ELI.LegalResource: {ELI.Work}, ELI.WorkSubdivision: {ELI.Work}}  # fmt: skip
    misused = []
    for prop in {p for _, p, _ in graph if str(p).startswith(ELI_NS)}:
        domain = _domain_classes(eli, prop)
        if not domain:
            continue
        for subject in set(graph.subjects(prop, None)):
            types = set(graph.objects(subject, RDF.type))
            types |= {sup for t in types for sup in subclasses.get(t, ())}
            if not types & domain:
                misused.append((str(prop), str(subject)))
    assert sorted(misused) == []


def test_every_concept_belongs_to_a_scheme_that_lists_its_top_concepts(graph):
    schemes = set(graph.subjects(RDF.type, SKOS.ConceptScheme))
    concepts = set(graph.subjects(RDF.type, SKOS.Concept)) | set(graph.subjects(RDF.type, KG.RiskTier))
    assert sorted(str(c) for c in concepts if not set(graph.objects(c, SKOS.inScheme)) & schemes) == []
    assert sorted(str(s) for s in schemes if not list(graph.objects(s, SKOS.hasTopConcept))) == []
    mapped = {o for p in (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch) for o in graph.objects(None, p)}
    properties = set(graph.subjects(RDF.type, OWL.ObjectProperty)) | set(graph.subjects(RDF.type, OWL.DatatypeProperty))
    assert sorted(map(str, mapped & properties)) == []


def test_party_statements_use_their_own_role_property(graph):
    assert not list(graph.triples((None, KG.claimRole, None))) or all(
        (s, RDF.type, KG.ClassificationClaim) in graph for s in graph.subjects(KG.claimRole, None)
    )
    assert len(set(graph.subjects(KG.partyRole, None))) == len({s for s in graph.subjects(RDF.predicate, KG.party)})


def test_schema_org_consumers_see_the_essentials(graph):
    act = URIRef("https://w3id.org/ai-legislation-kg/id/instrument/eu-ai-act")
    assert set(map(str, graph.objects(act, SDO.legislationIdentifier))) >= {"Regulation (EU) 2024/1689"}
    assert graph.value(act, SDO.legislationJurisdiction) == URIRef(
        "https://w3id.org/ai-legislation-kg/id/jurisdiction/eu"
    )
    assert graph.value(act, SDO.legislationType) == URIRef(
        "https://w3id.org/ai-legislation-kg/concept/instrument-type/law"
    )
    assert graph.value(act, SDO.legislationLegalForce) == SDO.InForce
    dataset = URIRef("https://w3id.org/ai-legislation-kg/id/dataset")
    assert str(graph.value(dataset, KG.legalForceAsOf)) == "2026-11-29"
    for instrument in graph.subjects(KG.hasEvent, None):  # every instrument with a dated event: exactly one
        assert len(list(graph.objects(instrument, SDO.legislationLegalForce))) == 1, instrument
