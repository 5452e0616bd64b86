"""Turn a validated :class:`~kg.tables.Dataset` into RDF.

The builder writes N-Triples text directly, never rdflib objects, so one code path
feeds both rdflib (which parses it, for the curated data and the analysis stages)
and the fast store (which bulk-loads it, at any scale). IRIs are readable and
stable: ``{base}{kind}/{row id}``. No blank nodes are minted, so the same data
always serialises to the same Turtle.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import IO

from rdflib import RDF, XSD, URIRef
from rdflib.namespace import DCTERMS, SDO, SKOS

from kg import DEFAULT_BASE_IRI
from kg.ontology import ontology_ntriples
from kg.progress import Step, no_progress
from kg.shape import (
    CLASSES,
    COLUMNS,
    DATE_TYPES,
    ELI_APPLICABILITY,
    ELI_DATES,
    ELI_RELATIONS,
    LINK_PROPERTIES,
    SCHEME_TABLES,
    SDO_RELATIONS,
    STATEMENTS,
    WIKIDATA_ENTITY,
    Column,
    base_of,
    row_iri,
)
from kg.tables import Dataset, PartialDate, Row
from kg.vocab import CONCEPT_BASE, ELI, KG, concept, scheme_iri

HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff]")
KANA = re.compile(r"[\u3040-\u30ff]")
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")

# --- N-Triples terms ------------------------------------------------------------

_NEEDS_ESCAPE = re.compile(r'[\\"\n\r]')
_STRING_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
# Characters N-Triples forbids in IRIs; validated URLs may still hold them, so they are %-encoded.
_BAD_IRI_CHARS = re.compile(r'[{}|^`\\"<> ]')
_IRI_ESCAPES = str.maketrans({c: f"%{ord(c):02X}" for c in '{}|^`\\"<> '})


class Nt(str):
    """A term already written in N-Triples syntax (``<iri>`` or a quoted literal)."""

    __slots__ = ()


def nt_iri(iri: str) -> Nt:
    return Nt(f"<{iri.translate(_IRI_ESCAPES) if _BAD_IRI_CHARS.search(iri) else iri}>")


def nt_literal(text: str, *, lang: str | None = None, datatype: str | None = None) -> Nt:
    quoted = '"' + (text.translate(_STRING_ESCAPES) if _NEEDS_ESCAPE.search(text) else text) + '"'
    if lang:
        return Nt(f"{quoted}@{lang}")
    return Nt(f"{quoted}^^<{datatype}>" if datatype else quoted)


def language_of(text: str) -> str:
    """A language tag guessed from the script: ko (Hangul), ja (kana), zh (Chinese characters), else en."""
    if HANGUL.search(text):
        return "ko"
    if KANA.search(text):
        return "ja"
    return "zh" if CJK.search(text) else "en"


def date_term(value: PartialDate) -> Nt:
    """A typed literal that keeps the date's precision (xsd:gYear, gYearMonth or date)."""
    return nt_literal(value.text, datatype=DATE_TYPES[value.precision])


def decimal_term(text: str) -> Nt:
    """xsd:decimal in canonical form ("634" -> "634.0"), so it survives a Turtle round trip."""
    return nt_literal(text if "." in text else text + ".0", datatype=XSD.decimal)


def is_legal_resource(row: Row) -> bool:
    """ELI's eli:LegalResource covers enacted binding acts: hard law that is not a bill."""
    return row["binding_force"] == "hard_law" and row["type"] != "bill"


def risk_scheme_iri(framework: str) -> URIRef:
    """The SKOS concept scheme of one risk-tier framework."""
    return URIRef(f"{CONCEPT_BASE}risk-tier/{framework}")


class GraphBuilder:
    """Writes the triples of each table as N-Triples lines to ``write``."""

    def __init__(
        self,
        dataset: Dataset,
        base_iri: str,
        write: Callable[[str], object],
        *,
        on_origin: Callable[[Nt, Row], object] | None = None,
    ) -> None:
        self.dataset = dataset
        self.base = base_of(base_iri)
        self.write = write
        self.vocabularies = dataset.schema.vocabularies
        self.legal_resources = {r["id"] for r in dataset.rows("instruments") if is_legal_resource(r)}
        self.eli_dates = _eli_dates(dataset.rows("events"), self.legal_resources)
        # told each node and the table row it came from (to report SHACL problems at file:line)
        self.on_origin = on_origin

    # -- IRIs and literals --

    def iri(self, table: str, row_id: str) -> Nt:
        return nt_iri(row_iri(self.base, table, row_id))

    def concept(self, scheme: str, notation: str) -> URIRef:
        return concept(scheme, notation, self.vocabularies)

    def vocabulary_concept(self, table: str, column: str, notation: str) -> URIRef:
        """Concept of a column that may draw on several schemes (e.g. model or orientation)."""
        field = self.dataset.schema.table(table).field(column)
        for scheme in field.vocabularies:
            if notation in self.vocabularies[scheme]:
                return self.concept(scheme, notation)
        raise KeyError(notation)

    def add(self, subject: Nt, predicate: URIRef, value: object) -> None:
        """Write a triple unless the value is empty; plain Python values become literals."""
        if value is None or value == ():
            return
        if isinstance(value, Nt):
            term = value
        elif isinstance(value, URIRef):
            term = f"<{value}>"
        elif isinstance(value, PartialDate):
            term = date_term(value)
        elif isinstance(value, bool):
            term = nt_literal("true" if value else "false", datatype=XSD.boolean)
        elif isinstance(value, int):
            term = nt_literal(str(value), datatype=XSD.integer)  # plain xsd:integer: engines agree on it
        elif isinstance(value, str):
            term = nt_literal(value)
        else:
            raise TypeError(f"cannot write {value!r} as an RDF term")
        self.write(f"{subject} <{predicate}> {term} .\n")

    def add_text(self, subject: Nt, predicate: URIRef, text: str | None, lang: str | None = None) -> None:
        if text:
            self.add(subject, predicate, nt_literal(text, lang=lang or language_of(text)))

    def remember(self, subject: Nt, row: Row) -> None:
        if self.on_origin is not None:
            self.on_origin(subject, row)

    def term(self, table: str, column: Column, value: object) -> object:
        """The RDF value of one cell item, as :data:`kg.shape.COLUMNS` declares it."""
        kind = column.kind
        if kind in ("en", "zh"):
            return nt_literal(str(value), lang=kind)
        if kind == "auto":
            return nt_literal(str(value), lang=language_of(str(value)))
        if kind == "decimal":
            return decimal_term(str(value))
        if kind == "iri":
            return URIRef(str(value))
        if kind == "ref":
            return self.iri(str(column.target), str(value))
        if kind == "concept":
            if column.target is None:
                return self.vocabulary_concept(table, column.name, str(value))
            return self.concept(column.target, str(value))
        return value  # text, date, int, bool: add() types them

    def add_columns(self, table: str, subject: Nt, row: Row) -> None:
        """The row's plain columns, one triple per value."""
        self.remember(subject, row)
        for column in COLUMNS[table]:
            value = row[column.name]
            for item in value if isinstance(value, tuple) else (value,):
                if item is not None and item != "":
                    self.add(subject, column.predicate, self.term(table, column, item))

    def add_entity(self, table: str, row: Row) -> Nt:
        """An entity row: its classes and plain columns."""
        s = self.iri(table, row["id"])
        for cls in CLASSES[table]:
            self.add(s, RDF.type, cls)
        self.add_columns(table, s, row)
        return s

    # -- tables --

    def build(self, on_step: Step = no_progress) -> None:
        """Write the ontology and every table."""
        on_step("building the ontology")
        self.write(ontology_ntriples())
        for table, method in (
            ("sources", self.add_source),
            ("jurisdictions", self.add_jurisdiction),
            ("bodies", self.add_body),
            ("topics", self.add_topic),
            ("concepts", self.add_comparison_concept),
            ("instruments", self.add_instrument),
            ("events", self.add_event),
            ("articles", self.add_article),
            ("relations", self.add_relation),
            ("parties", self.add_party),
            ("links", self.add_link),
            ("classifications", self.add_classification),
            ("risk_tiers", self.add_risk_tier),
            ("findings", self.add_finding),
            ("status_claims", self.add_status_claim),
        ):
            on_step(f"building {table}")
            for row in self.dataset.rows(table):
                method(row)
        self.add_risk_schemes()

    def add_source(self, row: Row) -> None:
        self.add_entity("sources", row)

    def add_jurisdiction(self, row: Row) -> None:
        self.add_entity("jurisdictions", row)

    def add_body(self, row: Row) -> None:
        self.add_entity("bodies", row)

    def add_topic(self, row: Row) -> None:
        self.add_scheme_concept("topics", row)

    def add_comparison_concept(self, row: Row) -> None:
        self.add_scheme_concept("concepts", row)

    def add_scheme_concept(self, table: str, row: Row) -> Nt:
        """A row of a data-driven SKOS scheme (:data:`kg.shape.SCHEME_TABLES`): its columns and place in the scheme."""
        s = self.iri(table, row["id"])
        scheme = scheme_iri(SCHEME_TABLES[table])
        self.add(s, RDF.type, SKOS.Concept)
        self.add(s, SKOS.inScheme, scheme)
        self.add(s, SKOS.notation, row["id"])
        self.add_columns(table, s, row)  # labels, broader concept, definitions, note
        if row["broader"]:
            self.add(self.iri(table, row["broader"]), SKOS.narrower, s)
        else:
            self.add(s, SKOS.topConceptOf, scheme)
            self.add(f"<{scheme}>", SKOS.hasTopConcept, s)
        return s

    def add_instrument(self, row: Row) -> None:
        s = self.add_entity("instruments", row)
        legal = row["id"] in self.legal_resources
        jurisdiction = self.iri("jurisdictions", row["jurisdiction"])
        instrument_type = self.concept("instrument-type", row["type"])
        if row["title_original"]:
            # The English and Chinese titles are title_en and title_zh (an English act's short title, say);
            # an original title in another language is also its title in that language.
            original = nt_literal(row["title_original"], lang=row["title_original_lang"])
            self.add(s, KG.originalTitle, original)
            if row["title_original_lang"] not in ("en", "zh"):
                self.add(s, DCTERMS.title, original)
        bodies = [self.iri("bodies", b) for b in row["bodies"]]
        # ELI's LegalResource properties only on legal resources (their rdfs:domain)
        if legal:
            self.add(s, RDF.type, ELI.LegalResource)
            self.add(s, ELI.jurisdiction, jurisdiction)
            self.add(s, ELI.type_document, instrument_type)
            for body in bodies:
                self.add(s, ELI.passed_by, body)
            for identifier in row["identifier"]:
                self.add(s, ELI.id_local, identifier)
        # ELI's single-valued dates, one event each
        for prop, date in sorted(self.eli_dates.get(row["id"], {}).items()):
            self.add(s, prop, date)
        # schema.org's view
        self.add(s, SDO.legislationJurisdiction, jurisdiction)
        self.add(s, SDO.legislationType, instrument_type)
        for identifier in row["identifier"]:
            self.add(s, SDO.legislationIdentifier, identifier)
        for body in bodies:
            self.add(s, SDO.legislationPassedBy, body)
        if ELI.date_document in self.eli_dates.get(row["id"], {}):
            self.add(s, SDO.legislationDate, self.eli_dates[row["id"]][ELI.date_document])

    def add_event(self, row: Row) -> None:
        s = self.add_entity("events", row)
        self.add(self.iri("instruments", row["instrument"]), KG.hasEvent, s)
        if (
            row["type"] == "applies_from"
            and row["date"].precision == "day"
            and row["instrument"] in self.legal_resources
            and not row["superseded_by"]
        ):
            self.add(self.iri("instruments", row["instrument"]), ELI_APPLICABILITY, row["date"])

    def add_article(self, row: Row) -> None:
        s = self.add_entity("articles", row)
        instrument = self.iri("instruments", row["instrument"])
        self.add(instrument, ELI.has_part, s)
        # every article is an eli:WorkSubdivision (kg:Article's superclass); of an enacted act, also a legal one
        self.add(s, RDF.type, ELI.WorkSubdivision)
        if row["instrument"] in self.legal_resources:
            self.add(s, RDF.type, ELI.LegalResourceSubdivision)
        # the original-language heading and text carry the original's language tag; a text whose kind
        # is "original" (an English or Chinese original) is also the original text
        if row["text_original"]:
            self.add(s, KG.originalText, nt_literal(row["text_original"], lang=row["original_lang"]))
            self.add(s, SDO.text, nt_literal(row["text_original"], lang=row["original_lang"]))
        if row["heading_original"]:
            self.add(s, DCTERMS.title, nt_literal(row["heading_original"], lang=row["original_lang"]))
        for lang in ("en", "zh"):
            if row[f"text_{lang}_kind"] == "original":
                self.add(s, KG.originalText, nt_literal(row[f"text_{lang}"], lang=lang))

    def _add_statement(self, table: str, row: Row, subject: Nt, predicate: URIRef, obj: object, key: str) -> Nt:
        """The triple itself plus a reified statement that carries its provenance."""
        self.add(subject, predicate, obj)
        s = nt_iri(f"{self.base}statement/{key}")
        self.add(s, RDF.type, KG.RelationStatement)
        self.add(s, RDF.subject, subject)
        self.add(s, RDF.predicate, predicate)
        self.add(s, RDF.object, obj)
        self.add_columns(table, s, row)
        return s

    def statement_ends(self, table: str, row: Row) -> tuple[Nt, URIRef, Nt]:
        """Subject, predicate and object of a statement row, as :data:`kg.shape.STATEMENTS` declares them."""
        shape = STATEMENTS[table]
        return (
            self.iri(shape.subject_table, row[shape.subject]),
            shape.predicate_of(row),
            self.iri(shape.object_table, row[shape.object]),
        )

    def add_relation(self, row: Row) -> None:
        subject, obj, relation = row["subject"], row["object"], row["relation"]
        s, predicate, o = self.statement_ends("relations", row)
        self._add_statement("relations", row, s, predicate, o, f"{subject}.{relation}.{obj}")
        if relation in ELI_RELATIONS:
            prop, subject_legal, object_legal = ELI_RELATIONS[relation]
            if (not subject_legal or subject in self.legal_resources) and (
                not object_legal or obj in self.legal_resources
            ):
                self.add(s, prop, o)
        if relation in SDO_RELATIONS:
            self.add(s, SDO_RELATIONS[relation], o)

    def add_party(self, row: Row) -> None:
        s, predicate, o = self.statement_ends("parties", row)
        self._add_statement("parties", row, s, predicate, o, f"{row['instrument']}.{row['role']}.{row['party']}")

    def add_link(self, row: Row) -> None:
        subject = row["subject"]
        table = next(t for t in ("instruments", "jurisdictions", "bodies") if subject in self.dataset.ids(t))
        scheme, value = row["scheme"], row["value"]
        if scheme == "wikidata":
            obj: object = URIRef(WIKIDATA_ENTITY + value)
        elif scheme in ("eli", "website"):
            obj = URIRef(value)
        else:
            obj = nt_literal(value)
        key = f"{subject}.{scheme}.{re.sub(r'[^A-Za-z0-9._-]+', '_', value)}"
        self._add_statement("links", row, self.iri(table, subject), LINK_PROPERTIES[scheme], obj, key)

    def add_classification(self, row: Row) -> None:
        self.add_entity("classifications", row)

    def add_risk_tier(self, row: Row) -> None:
        s = self.add_entity("risk_tiers", row)
        scheme = risk_scheme_iri(row["framework"])
        self.add(s, SKOS.inScheme, scheme)
        self.add(s, SKOS.topConceptOf, scheme)

    def add_risk_schemes(self) -> None:
        """One SKOS concept scheme per risk-tier framework, listing its tiers as top concepts."""
        tiers: dict[str, list[Row]] = {}
        for row in self.dataset.rows("risk_tiers"):
            tiers.setdefault(row["framework"], []).append(row)
        for framework, rows in sorted(tiers.items()):
            scheme = nt_iri(str(risk_scheme_iri(framework)))
            self.add(scheme, RDF.type, SKOS.ConceptScheme)
            self.add(scheme, SKOS.notation, framework)
            self.add_text(scheme, SKOS.prefLabel, f"Risk tiers: {framework}", "en")
            self.add_text(scheme, SKOS.prefLabel, f"风险等级：{framework}", "zh")
            for row in rows:
                self.add(scheme, SKOS.hasTopConcept, self.iri("risk_tiers", row["id"]))

    def add_finding(self, row: Row) -> None:
        self.add_entity("findings", row)

    def add_status_claim(self, row: Row) -> None:
        self.add_entity("status_claims", row)


def _eli_dates(events: list[Row], legal: set[str]) -> dict[str, dict[URIRef, PartialDate]]:
    """For each instrument, ELI's single-valued dates, each taken from one event.

    Among the events of the preferred types with a full date (and not superseded), the
    first preferred type wins, then the earliest date, then the lowest event id.
    """
    chosen: dict[str, dict[URIRef, PartialDate]] = {}
    by_instrument: dict[str, list[Row]] = {}
    for row in events:
        if row["date"].precision == "day" and not row["superseded_by"]:
            by_instrument.setdefault(row["instrument"], []).append(row)
    for instrument, rows in by_instrument.items():
        for prop, (types, needs_legal) in ELI_DATES.items():
            if needs_legal and instrument not in legal:
                continue
            candidates = [r for r in rows if r["type"] in types]
            if candidates:
                best = min(candidates, key=lambda r: (types.index(r["type"]), r["date"].text, r["id"]))
                chosen.setdefault(instrument, {})[prop] = best["date"]
    return chosen


def write_ntriples(
    dataset: Dataset,
    handle: IO[str],
    *,
    base_iri: str = DEFAULT_BASE_IRI,
    on_step: Step = no_progress,
    origins: IO[str] | None = None,
) -> None:
    """Stream the dataset's triples, the ontology included, to a text handle as N-Triples.

    A triple may be written twice (e.g. a concept both tables mention); every
    consumer of N-Triples keeps one. ``origins``, if given, gets a line
    ``<node> TAB table file TAB line`` for each node built from a row (the table file relative
    to the data folder), so problems found later in the graph can be reported at their rows.
    """
    paths = {table.name: table.path for table in dataset.schema.tables}

    def origin(subject: Nt, row: Row) -> None:
        assert origins is not None
        origins.write(f"{subject}\t{paths[row.table]}\t{row.line}\n")

    GraphBuilder(dataset, base_iri, handle.write, on_origin=origin if origins is not None else None).build(on_step)
