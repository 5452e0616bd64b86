"""The ontology, the Python namespaces and the declared vocabularies agree."""

from __future__ import annotations

import json

import pytest
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import SKOS

from kg.ontology import ontology_path
from kg.vocab import CONCEPT_BASE, ELI, KG, concept, scheme_iri

from .conftest import DATA


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ontology_path(), format="turtle")


def declared_kg_terms(ontology: Graph, *, deprecated: bool = False) -> set[str]:
    """The project's terms; deprecated ones (owl:deprecated true) only when asked for."""
    terms = set()
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty):
        for s in ontology.subjects(RDF.type, kind):
            if str(s).startswith(str(KG._NS)) and ((s, OWL.deprecated, Literal(True)) in ontology) == deprecated:
                terms.add(str(s)[len(str(KG._NS)) :])
    return terms


def test_python_namespace_mirrors_ontology(ontology):
    python_terms = set(KG.__annotations__)
    assert python_terms == declared_kg_terms(ontology)
    assert len(python_terms) == 72


def test_deprecated_terms_are_kept_but_cannot_be_used(ontology):
    # kg:verbatim gave way to kg:chineseTextKind / kg:englishTextKind; its IRI stays defined, marked deprecated
    assert declared_kg_terms(ontology, deprecated=True) == {"verbatim"}
    with pytest.raises(AttributeError):
        KG.verbatim  # noqa: B018
    assert ontology.value(KG._NS["verbatim"], RDFS.label, any=True) is not None


def test_every_term_has_bilingual_label_and_definition(ontology):
    for term in sorted(declared_kg_terms(ontology)):
        iri = KG[term]
        for prop in (RDFS.label, SKOS.definition):
            langs = sorted(o.language for o in ontology.objects(iri, prop) if isinstance(o, Literal))
            assert langs == ["en", "zh"], (term, prop)


def test_concept_schemes_equal_declared_vocabularies(ontology):
    vocabularies = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))["vocabularies"]
    for scheme, notations in vocabularies.items():
        members = {str(ontology.value(c, SKOS.notation)) for c in ontology.subjects(SKOS.inScheme, scheme_iri(scheme))}
        assert members == set(notations), scheme
        for notation in notations:
            iri = concept(scheme, notation, {scheme: tuple(notations)})
            labels = sorted(o.language for o in ontology.objects(iri, SKOS.prefLabel))
            assert labels == ["en", "zh"], iri


def test_model_and_orientation_labels_are_the_reports_terms(ontology):
    def zh(scheme: str, notation: str) -> str:
        iri = URIRef(f"{CONCEPT_BASE}{scheme}/{notation}")
        return next(str(o) for o in ontology.objects(iri, SKOS.prefLabel) if o.language == "zh")

    assert [zh("legislative-model", n) for n in ("unified", "scenario_based", "integrated", "soft_law_first")] == [
        "统一立法模式",
        "场景立法模式",
        "融合立法模式",
        "软法先行模式",
    ]
    assert zh("orientation", "balancing_development_security") == "统筹发展和安全"


def test_statuses_map_to_eli_and_schema_org_as_schema_org_does(ontology):
    def status(notation: str) -> URIRef:
        return URIRef(CONCEPT_BASE + "status/" + notation)

    sdo = "https://schema.org/"
    # schema.org itself declares sdo:InForce exactMatch eli:InForce-inForce, so ours matches both exactly
    for notation, eli, schema in (
        ("in_force", "InForce-inForce", "InForce"),
        ("partially_in_force", "InForce-partiallyInForce", "PartiallyInForce"),
        ("not_in_force", "InForce-notInForce", "NotInForce"),
    ):
        assert set(ontology.objects(status(notation), SKOS.exactMatch)) == {ELI[eli], URIRef(sdo + schema)}
    # the narrower end states are narrower than "not in force"
    for notation in ("repealed", "expired", "enjoined", "invalidated"):
        assert set(ontology.objects(status(notation), SKOS.broadMatch)) == {
            ELI["InForce-notInForce"],
            URIRef(sdo + "NotInForce"),
        }
    assert not list(ontology.triples((None, SKOS.closeMatch, None)))


def test_concepts_are_never_matched_to_properties(ontology):
    properties = set(ontology.subjects(RDF.type, OWL.ObjectProperty)) | set(
        ontology.subjects(RDF.type, OWL.DatatypeProperty)
    )
    eli_properties = {ELI[n] for n in ("based_on", "amends", "repeals", "applies", "cites", "date_publication")}
    for prop in (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch):
        targets = set(ontology.objects(None, prop))
        assert not targets & (properties | eli_properties), prop
    mapped = {str(o) for o in ontology.objects(None, KG.correspondingProperty)}
    assert str(ELI.applies) in mapped and "http://data.europa.eu/eli/ontology#implements" not in mapped


def test_every_scheme_lists_its_top_concepts(ontology):
    for scheme in ontology.subjects(RDF.type, SKOS.ConceptScheme):
        tops = set(ontology.objects(scheme, SKOS.hasTopConcept))
        declared = set(ontology.subjects(SKOS.topConceptOf, scheme))
        assert tops == declared, scheme
        if scheme not in (scheme_iri("topic"), scheme_iri("comparison-concept")):  # their concepts come from the data
            assert tops, scheme


def test_misspelt_terms_raise():
    with pytest.raises(AttributeError):
        _ = KG.Instrumnet
    with pytest.raises(AttributeError):
        _ = ELI.based_onn
    with pytest.raises(KeyError, match="'lawz' is not a notation of concept scheme 'instrument-type'"):
        concept("instrument-type", "lawz", {"instrument-type": ("law",)})
