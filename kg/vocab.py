"""Vocabulary terms as strict namespaces: a misspelt term raises instead of minting a wrong IRI.

``KG`` mirrors the classes and properties declared in ``kg/ontology.ttl`` (a test
checks that the two agree). Concept IRIs are built with :func:`concept`, which
only accepts notations declared for the scheme.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

ONTOLOGY_IRI = URIRef("https://w3id.org/ai-legislation-kg/ontology")
CONCEPT_BASE = "https://w3id.org/ai-legislation-kg/concept/"


class ELI(DefinedNamespace):
    """The subset of the European Legislation Identifier ontology this project uses."""

    _NS = Namespace("http://data.europa.eu/eli/ontology#")
    _fail = True

    Work: URIRef
    WorkSubdivision: URIRef
    LegalResource: URIRef
    LegalResourceSubdivision: URIRef
    date_document: URIRef
    date_publication: URIRef
    first_date_entry_in_force: URIRef
    date_applicability: URIRef
    date_no_longer_in_force: URIRef
    in_force: URIRef
    based_on: URIRef
    cites: URIRef
    amends: URIRef
    repeals: URIRef
    applies: URIRef  # replaces eli:implements, deprecated since ELI 1.1 (not declared here, so it cannot be used)
    has_part: URIRef
    is_part_of: URIRef
    passed_by: URIRef
    type_document: URIRef
    work_type: URIRef
    type_subdivision: URIRef
    id_local: URIRef
    number: URIRef
    is_about: URIRef
    jurisdiction: URIRef

    _extras = ("InForce-inForce", "InForce-notInForce", "InForce-partiallyInForce")


class KG(DefinedNamespace):
    """Classes and properties of the project ontology (kg/ontology.ttl)."""

    _NS = Namespace("https://w3id.org/ai-legislation-kg/ontology#")
    _fail = True

    # classes
    Instrument: URIRef
    Jurisdiction: URIRef
    Body: URIRef
    LifecycleEvent: URIRef
    Article: URIRef
    ClassificationClaim: URIRef
    Finding: URIRef
    RiskTier: URIRef
    Source: URIRef
    RelationStatement: URIRef
    StatusClaim: URIRef
    # properties
    jurisdictionKind: URIRef
    parentJurisdiction: URIRef
    bindingForce: URIRef
    englishTitleIsTranslation: URIRef
    unnamed: URIRef
    hasEvent: URIRef
    eventOf: URIRef
    eventType: URIRef
    votesFor: URIRef
    votesAgainst: URIRef
    votesAbstain: URIRef
    complements: URIRef
    precursorOf: URIRef
    locator: URIRef
    quote: URIRef
    aboutJurisdiction: URIRef
    aboutConcept: URIRef
    aboutInstrument: URIRef
    claimRole: URIRef
    findingKind: URIRef
    value: URIRef
    unit: URIRef
    framework: URIRef
    tierRank: URIRef
    setBy: URIRef
    examples: URIRef
    obligations: URIRef
    liabilityPrinciple: URIRef
    sourceKind: URIRef
    seedFile: URIRef
    party: URIRef
    claimedStatus: URIRef
    verification: URIRef
    refines: URIRef
    # evidence model, links and ELI conformance
    jurisdiction: URIRef
    issuedBy: URIRef
    originalTitle: URIRef
    chineseTitleIsTranslation: URIRef
    corroboratedBy: URIRef
    consulted: URIRef
    part: URIRef
    supersededBy: URIRef
    partyRole: URIRef
    basedOn: URIRef
    amends: URIRef
    repeals: URIRef
    implements: URIRef
    cites: URIRef
    succeeds: URIRef
    celexNumber: URIRef
    iso3166Code: URIRef
    legalForceAsOf: URIRef
    correspondingProperty: URIRef
    # provisions compared across jurisdictions
    originalText: URIRef
    englishTextKind: URIRef
    chineseTextKind: URIRef
    comparisonConcept: URIRef
    bindsActor: URIRef
    concernsSystem: URIRef
    modality: URIRef
    appliesFrom: URIRef


def scheme_iri(scheme: str) -> URIRef:
    """IRI of a SKOS concept scheme, e.g. ``instrument-type``."""
    return URIRef(CONCEPT_BASE + scheme)


def concept(scheme: str, notation: str, vocabularies: dict[str, tuple[str, ...]]) -> URIRef:
    """IRI of the concept ``notation`` in ``scheme``; raises if it is not declared there."""
    if notation not in vocabularies.get(scheme, ()):
        raise KeyError(f"{notation!r} is not a notation of concept scheme {scheme!r}")
    return URIRef(f"{CONCEPT_BASE}{scheme}/{notation}")
