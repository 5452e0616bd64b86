"""The graph's shape: which IRIs and properties each table becomes.

One module, read by the builder (tables -> RDF) and by every reader of the graph
(statistics, the network, the page, the tables rebuilt from RDF), so that a reader
never imports the builder and the two directions cannot drift apart. Plain columns
are declared once in :data:`COLUMNS`, which rows each table becomes in
:data:`CLASSES` (entities), :data:`SCHEME_TABLES` (concepts of a data-driven SKOS
scheme) and :data:`STATEMENTS` (reified statements), so the builder and
:mod:`kg.tabulate` walk the same mapping in opposite directions. Only the
original-language titles and texts and links' values need more than one triple and
are written and read explicitly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rdflib import OWL, RDFS, XSD, URIRef
from rdflib.namespace import DCTERMS, PROV, SDO, SKOS

from kg.terms import local_id
from kg.vocab import ELI, KG

__all__ = ["local_id"]  # re-exported: one helper for the local id of an IRI

if TYPE_CHECKING:
    from rdflib import Graph

# Path segment of each entity table's IRIs: {base}{segment}/{row id}.
SEGMENTS = {
    "sources": "source",
    "jurisdictions": "jurisdiction",
    "bodies": "body",
    "topics": "topic",
    "concepts": "comparison-concept",
    "instruments": "instrument",
    "events": "event",
    "articles": "article",
    "classifications": "claim",
    "risk_tiers": "risk-tier",
    "findings": "finding",
    "status_claims": "status-claim",
}

# The project's own property for each relation type (always written) ...
RELATION_PROPERTIES = {
    "based_on": KG.basedOn,
    "amends": KG.amends,
    "repeals": KG.repeals,
    "implements": KG.implements,
    "complements": KG.complements,
    "precursor_of": KG.precursorOf,
    "cites": KG.cites,
    "succeeds": KG.succeeds,
}
# ... and its ELI counterpart, written only where ELI's domain and range hold: (property,
# subject must be a legal resource, object must be a legal resource). eli:implements is
# deprecated since ELI 1.1; eli:applies replaces it.
ELI_RELATIONS = {
    "based_on": (ELI.based_on, False, False),
    "amends": (ELI.amends, False, False),
    "repeals": (ELI.repeals, True, True),
    "implements": (ELI.applies, True, True),
    "cites": (ELI.cites, True, False),
}
# schema.org's view of the same links: legislationChanges "encompasses the notions of amendment,
# replacement, correction, repeal" (domain and range sdo:Legislation, which every instrument is).
SDO_RELATIONS = {
    "amends": SDO.legislationChanges,
    "repeals": SDO.legislationChanges,
}

# ELI's single-valued dates, each taken from one event per instrument: (event types in order of
# preference, whether ELI's domain needs a legal resource). Dates known only to the month or year
# are not written (ELI's range is xsd:date).
ELI_DATES = {
    ELI.date_document: (("signed", "adopted"), False),
    ELI.date_publication: (("published",), True),
    ELI.first_date_entry_in_force: (("entered_into_force",), True),
    ELI.date_no_longer_in_force: (("repealed", "expired", "invalidated"), True),
}
# Staged application dates: several per instrument are allowed.
ELI_APPLICABILITY = ELI.date_applicability

# links.csv: scheme -> property of the linked node.
LINK_PROPERTIES = {
    "eli": OWL.sameAs,
    "wikidata": OWL.sameAs,
    "celex": KG.celexNumber,
    "iso3166": KG.iso3166Code,
    "website": SDO.url,
}
WIKIDATA_ENTITY = "http://www.wikidata.org/entity/"

# Status (derived from the events) -> schema.org's legal force.
LEGAL_FORCE = {
    "in_force": SDO.InForce,
    "partially_in_force": SDO.PartiallyInForce,
}
NOT_IN_FORCE = SDO.NotInForce

DATE_TYPES = {"year": XSD.gYear, "month": XSD.gYearMonth, "day": XSD.date}


@dataclass(frozen=True)
class Column:
    """A column written as one triple per value: ``<row> predicate value``.

    kind: ``text`` (plain literal), ``en``/``zh`` (literal in that language), ``auto``
    (language guessed from the script), ``date``, ``int``, ``decimal``, ``bool``, ``iri``,
    ``ref`` (the IRI of a row of ``target``) or ``concept`` (a concept of scheme ``target``).
    """

    name: str
    predicate: URIRef
    kind: str
    target: str | None = None


def _provenance(*extra: Column) -> tuple[Column, ...]:
    return (
        *extra,
        Column("verification", KG.verification, "concept", "verification"),
        Column("corroborated_by", KG.corroboratedBy, "ref", "sources"),
        Column("source", DCTERMS.source, "ref", "sources"),
        Column("locator", KG.locator, "text"),
        Column("note", SKOS.editorialNote, "text"),
    )


# Plain columns per table. Columns not listed here (ids, the original-language title of an
# instrument and heading and text of an article, and the subject, predicate and object of a
# statement, see STATEMENTS) are written by the builder and read by kg.tabulate explicitly.
COLUMNS: dict[str, tuple[Column, ...]] = {
    "sources": (
        Column("kind", KG.sourceKind, "concept", "source-kind"),
        Column("title", DCTERMS.title, "auto"),
        Column("author", DCTERMS.creator, "text"),
        Column("publisher", DCTERMS.publisher, "text"),
        Column("date", DCTERMS.date, "date"),
        Column("url", SDO.url, "iri"),
        Column("consulted", KG.consulted, "date"),
        Column("seed_file", KG.seedFile, "text"),
        Column("note", SKOS.editorialNote, "text"),
    ),
    "jurisdictions": _provenance(
        Column("kind", KG.jurisdictionKind, "concept", "jurisdiction-kind"),
        Column("parent", KG.parentJurisdiction, "ref", "jurisdictions"),
        Column("name_en", RDFS.label, "en"),
        Column("name_zh", RDFS.label, "zh"),
    ),
    "bodies": _provenance(
        Column("jurisdiction", KG.jurisdiction, "ref", "jurisdictions"),
        Column("name_en", RDFS.label, "en"),
        Column("name_zh", RDFS.label, "zh"),
    ),
    "topics": (
        Column("broader", SKOS.broader, "ref", "topics"),
        Column("label_en", SKOS.prefLabel, "en"),
        Column("label_zh", SKOS.prefLabel, "zh"),
        Column("note", SKOS.scopeNote, "text"),
    ),
    "concepts": (
        Column("broader", SKOS.broader, "ref", "concepts"),
        Column("label_en", SKOS.prefLabel, "en"),
        Column("label_zh", SKOS.prefLabel, "zh"),
        Column("definition_en", SKOS.definition, "en"),
        Column("definition_zh", SKOS.definition, "zh"),
        Column("note", SKOS.scopeNote, "text"),
    ),
    "instruments": _provenance(
        Column("jurisdiction", KG.jurisdiction, "ref", "jurisdictions"),
        Column("type", ELI.work_type, "concept", "instrument-type"),
        Column("binding_force", KG.bindingForce, "concept", "binding-force"),
        Column("title_en", DCTERMS.title, "en"),
        Column("title_en_translated", KG.englishTitleIsTranslation, "bool"),
        Column("title_zh", DCTERMS.title, "zh"),
        Column("title_zh_translated", KG.chineseTitleIsTranslation, "bool"),
        Column("alt_titles", DCTERMS.alternative, "auto"),
        Column("bodies", KG.issuedBy, "ref", "bodies"),
        Column("identifier", DCTERMS.identifier, "text"),
        Column("url", SDO.url, "iri"),
        Column("topics", ELI.is_about, "ref", "topics"),
        Column("unnamed", KG.unnamed, "bool"),
    ),
    "events": _provenance(
        Column("instrument", KG.eventOf, "ref", "instruments"),
        Column("date", DCTERMS.date, "date"),
        Column("type", KG.eventType, "concept", "event-type"),
        Column("part", KG.part, "auto"),
        Column("body", PROV.wasAssociatedWith, "ref", "bodies"),
        Column("votes_for", KG.votesFor, "int"),
        Column("votes_against", KG.votesAgainst, "int"),
        Column("votes_abstain", KG.votesAbstain, "int"),
        Column("description_zh", DCTERMS.description, "zh"),
        Column("description_en", DCTERMS.description, "en"),
        Column("refines", KG.refines, "ref", "events"),
        Column("superseded_by", KG.supersededBy, "ref", "events"),
    ),
    "articles": _provenance(
        Column("instrument", ELI.is_part_of, "ref", "instruments"),
        Column("number", ELI.number, "text"),
        Column("subdivision", ELI.type_subdivision, "concept", "subdivision-type"),
        Column("heading_zh", DCTERMS.title, "zh"),
        Column("heading_en", DCTERMS.title, "en"),
        Column("text_zh", SDO.text, "zh"),
        Column("text_zh_kind", KG.chineseTextKind, "concept", "text-kind"),
        Column("text_en", SDO.text, "en"),
        Column("text_en_kind", KG.englishTextKind, "concept", "text-kind"),
        Column("concepts", KG.comparisonConcept, "ref", "concepts"),
        Column("actors", KG.bindsActor, "concept", "actor"),
        Column("systems", KG.concernsSystem, "concept", "system-class"),
        Column("modality", KG.modality, "concept", "provision-modality"),
        Column("applies_from", KG.appliesFrom, "ref", "events"),
        Column("topics", ELI.is_about, "ref", "topics"),
    ),
    "classifications": _provenance(
        Column("jurisdiction", KG.aboutJurisdiction, "ref", "jurisdictions"),
        Column("concept", KG.aboutConcept, "concept", None),
        Column("role", KG.claimRole, "concept", "claim-role"),
        Column("quote", KG.quote, "auto"),
    ),
    "risk_tiers": _provenance(
        Column("framework", KG.framework, "text"),
        Column("instrument", KG.setBy, "ref", "instruments"),
        Column("rank", KG.tierRank, "int"),
        Column("label_zh", SKOS.prefLabel, "zh"),
        Column("label_en", SKOS.prefLabel, "en"),
        Column("examples_zh", KG.examples, "zh"),
        Column("obligations_zh", KG.obligations, "zh"),
        Column("liability_principle", KG.liabilityPrinciple, "concept", "liability-principle"),
    ),
    "findings": _provenance(
        Column("kind", KG.findingKind, "concept", "finding-kind"),
        Column("concept", KG.aboutConcept, "concept", None),
        Column("jurisdiction", KG.aboutJurisdiction, "ref", "jurisdictions"),
        Column("instrument", KG.aboutInstrument, "ref", "instruments"),
        Column("statement_en", DCTERMS.description, "en"),
        Column("quote", KG.quote, "auto"),
        Column("value", KG.value, "decimal"),
        Column("unit", KG.unit, "text"),
        Column("date", DCTERMS.date, "date"),
    ),
    "status_claims": _provenance(
        Column("instrument", KG.aboutInstrument, "ref", "instruments"),
        Column("status", KG.claimedStatus, "concept", "status"),
        Column("as_of", DCTERMS.date, "date"),
        Column("quote", KG.quote, "auto"),
    ),
    # Statement tables: the columns of the reified statement node (subject, predicate and
    # object are written by the builder).
    "relations": _provenance(),
    "parties": _provenance(
        Column("role", KG.partyRole, "concept", "party-role"),
        Column("date", DCTERMS.date, "date"),
    ),
    "links": _provenance(),
}

# Tables whose rows are concepts of a data-driven SKOS scheme: table -> the scheme's name
# (kg.vocab.scheme_iri); each row also gets skos:notation (its id), skos:narrower on its
# broader concept, or skos:topConceptOf and skos:hasTopConcept.
SCHEME_TABLES = {"topics": "topic", "concepts": "comparison-concept"}


@dataclass(frozen=True)
class Statement:
    """A table whose rows are triples ``<subject> predicate <object>``, each reified with its provenance.

    The subject and object are rows of the named tables; the predicate is either fixed
    or read from a column through a mapping (e.g. ``relation`` through RELATION_PROPERTIES).
    """

    subject: str
    subject_table: str
    object: str
    object_table: str
    predicate: URIRef | None = None
    predicate_column: str | None = None
    predicates: dict[str, URIRef] | None = None

    def predicate_of(self, row: Mapping[str, object]) -> URIRef:
        """The predicate a row states."""
        if self.predicate is not None:
            return self.predicate
        return self.predicates[str(row[self.predicate_column])]  # type: ignore[index]


# Statement tables whose object is a row (links.csv's object is a value: see LINK_PROPERTIES).
STATEMENTS = {
    "relations": Statement(
        "subject", "instruments", "object", "instruments", predicate_column="relation", predicates=RELATION_PROPERTIES
    ),
    "parties": Statement("instrument", "instruments", "party", "jurisdictions", predicate=KG.party),
}

# Classes of each entity table's rows (the first is the table's own class).
CLASSES = {
    "sources": (KG.Source,),
    "jurisdictions": (KG.Jurisdiction,),
    "bodies": (KG.Body,),
    "instruments": (KG.Instrument, SDO.Legislation, ELI.Work),
    "events": (KG.LifecycleEvent,),
    "articles": (KG.Article,),
    "classifications": (KG.ClassificationClaim,),
    "risk_tiers": (KG.RiskTier,),
    "findings": (KG.Finding,),
    "status_claims": (KG.StatusClaim,),
}


def base_of(base_iri: str) -> str:
    """The base IRI with a trailing separator."""
    return base_iri if base_iri.endswith(("/", "#")) else base_iri + "/"


def row_iri(base_iri: str, table: str, row_id: str) -> str:
    """The IRI of a table row: ``{base}{segment}/{row id}``."""
    return f"{base_of(base_iri)}{SEGMENTS[table]}/{row_id}"


LABEL_PREDICATES = (DCTERMS.title, RDFS.label, SKOS.prefLabel)  # what names a node, in this order


def literal_in(graph: Graph, node: URIRef | None, predicate: URIRef, lang: str) -> str:
    """The value of ``node``'s ``predicate`` in language ``lang`` ("" if there is none)."""
    from rdflib import Literal

    if node is None:
        return ""
    for value in graph.objects(node, predicate):
        if isinstance(value, Literal) and value.language == lang:
            return str(value)
    return ""


def label_in(graph: Graph, node: URIRef | None, lang: str, *predicates: URIRef) -> str:
    """A node's label in ``lang``, else in English, else any: titles, labels and names alike."""
    from rdflib import Literal

    if node is None:
        return ""
    predicates = predicates or LABEL_PREDICATES
    for wanted in (lang, "en", None):
        for predicate in predicates:
            for value in graph.objects(node, predicate):
                if isinstance(value, Literal) and (wanted is None or value.language == wanted):
                    return str(value)
    return ""


def jurisdiction_labels(graph: Graph, lang: str) -> dict[str, str]:
    """Each jurisdiction's id and its name in ``lang`` (for the rows and labels of charts and tables)."""
    from rdflib import RDF

    return {local_id(j): label_in(graph, j, lang) for j in graph.subjects(RDF.type, KG.Jurisdiction)}


@dataclass(frozen=True)
class MappedProvision:
    """An article mapped to comparison concepts, with the instrument and jurisdiction it belongs to."""

    article: URIRef
    instrument: URIRef
    jurisdiction: URIRef
    concepts: tuple[URIRef, ...]


def mapped_provisions(graph: Graph) -> list[MappedProvision]:
    """Every article mapped to a comparison concept (an editorial mapping) whose act has a jurisdiction, in IRI order.

    The one walk over the mapping that the comparison matrix, the coverage report and the page share.
    """
    found = []
    for article in sorted(set(graph.subjects(KG.comparisonConcept, None)), key=str):
        instrument = graph.value(article, ELI.is_part_of)
        jurisdiction = graph.value(instrument, KG.jurisdiction) if instrument is not None else None
        if instrument is None or jurisdiction is None:
            continue
        concepts = tuple(sorted(graph.objects(article, KG.comparisonConcept), key=str))
        found.append(MappedProvision(article, instrument, jurisdiction, concepts))  # type: ignore[arg-type]
    return found
