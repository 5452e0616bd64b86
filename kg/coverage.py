"""Coverage of the graph, per jurisdiction: what is there, how recent, and how well evidenced.

``kg stats --coverage`` prints it and ``data/COVERAGE.md`` is generated from it
(``make coverage``; a test fails when the committed file is stale), so the report is
always the data's own account of itself.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rdflib import RDF, RDFS, URIRef
from rdflib.namespace import DCTERMS, SDO

from kg.shape import literal_in, local_id, mapped_provisions
from kg.stats import HARD_LAW
from kg.vocab import ELI, KG

if TYPE_CHECKING:
    from rdflib import Graph

LEVELS = ("official", "secondary-corroborated", "secondary-single")
SEED_JURISDICTIONS = ("eu", "us", "cn", "sg")  # the four the December 2024 seed report covers


@dataclass
class JurisdictionCoverage:
    """What the graph holds for one jurisdiction (its own instruments, not its sub-jurisdictions')."""

    jurisdiction: str
    name_en: str
    name_zh: str
    top: str  # the top-level jurisdiction it belongs to
    instruments: int = 0
    types: Counter[str] = field(default_factory=Counter)
    hard_law: int = 0
    soft_law: int = 0
    latest_event: str = ""
    levels: Counter[str] = field(default_factory=Counter)
    without_event: list[str] = field(default_factory=list)
    without_official_text: list[str] = field(default_factory=list)

    @property
    def statements(self) -> int:
        return sum(self.levels.values())

    def share(self, level: str) -> float:
        return self.levels[level] / self.statements if self.statements else 0.0


def coverage(graph: Graph) -> list[JurisdictionCoverage]:
    """One row per jurisdiction with at least one instrument, most instruments first.

    A jurisdiction's statements are its instruments and everything about them: their
    events, articles, relations (as subject), parties and links.
    """
    jurisdictions = {j: graph.value(j, KG.parentJurisdiction) for j in graph.subjects(RDF.type, KG.Jurisdiction)}

    def top(j: URIRef) -> URIRef:
        seen = set()
        while jurisdictions.get(j) is not None and j not in seen:
            seen.add(j)
            j = jurisdictions[j]  # type: ignore[assignment]
        return j

    level_of = {s: local_id(o) for s, o in graph.subject_objects(KG.verification)}
    rows: dict[URIRef, JurisdictionCoverage] = {}
    about: dict[URIRef, list[URIRef]] = defaultdict(list)  # instrument -> statement nodes about it
    for event in graph.subjects(RDF.type, KG.LifecycleEvent):
        about[graph.value(event, KG.eventOf)].append(event)
    for article in graph.subjects(RDF.type, KG.Article):
        about[graph.value(article, ELI.is_part_of)].append(article)
    for statement in graph.subjects(RDF.type, KG.RelationStatement):
        about[graph.value(statement, RDF.subject)].append(statement)
    for instrument in sorted(graph.subjects(RDF.type, KG.Instrument), key=str):
        j = graph.value(instrument, KG.jurisdiction)
        row = rows.get(j)
        if row is None:
            row = rows[j] = JurisdictionCoverage(
                jurisdiction=local_id(j),
                name_en=literal_in(graph, j, RDFS.label, "en"),
                name_zh=literal_in(graph, j, RDFS.label, "zh"),
                top=local_id(top(j)),
            )
        ident = local_id(instrument)
        row.instruments += 1
        row.types[local_id(graph.value(instrument, ELI.work_type))] += 1
        if graph.value(instrument, KG.bindingForce) == HARD_LAW:
            row.hard_law += 1
        else:
            row.soft_law += 1
        dates = [str(d) for e in graph.objects(instrument, KG.hasEvent) for d in graph.objects(e, DCTERMS.date)]
        if not dates:
            row.without_event.append(ident)
        row.latest_event = max([row.latest_event, *dates])
        if graph.value(instrument, SDO.url) is None:
            row.without_official_text.append(ident)
        for node in (instrument, *about[instrument]):
            if node in level_of:
                row.levels[level_of[node]] += 1
    return sorted(rows.values(), key=lambda r: (-r.instruments, r.jurisdiction))


@dataclass(frozen=True)
class Headline:
    """The figures the coverage report opens with."""

    instruments: int
    events: int
    jurisdictions: int
    outside_seed_with_three: int
    statements: int
    levels: dict[str, int]
    sources: dict[str, int]


def headline(graph: Graph, rows: list[JurisdictionCoverage]) -> Headline:
    levels: Counter[str] = Counter()
    for row in rows:
        levels.update(row.levels)
    sources = Counter(local_id(graph.value(s, KG.sourceKind)) for s in graph.subjects(RDF.type, KG.Source))
    outside = [r for r in rows if r.top not in SEED_JURISDICTIONS and r.instruments >= 3]
    return Headline(
        instruments=sum(r.instruments for r in rows),
        events=len(set(graph.subjects(RDF.type, KG.LifecycleEvent))),
        jurisdictions=len(rows),
        outside_seed_with_three=len(outside),
        statements=sum(levels.values()),
        levels={level: levels[level] for level in LEVELS},
        sources={kind: sources[kind] for kind in ("seed", "official", "secondary")},
    )


def _types(row: JurisdictionCoverage) -> str:
    return ", ".join(f"{name} {count}" for name, count in sorted(row.types.items(), key=lambda i: (-i[1], i[0])))


def _percent(value: float) -> str:
    return f"{round(100 * value)}%"


COLUMNS = (
    "jurisdiction",
    "name",
    "instruments",
    "hard",
    "soft",
    "types",
    "latest event",
    "official",
    "corroborated",
    "single",
    "no event",
    "no official text",
)


def table_rows(rows: list[JurisdictionCoverage]) -> list[list[object]]:
    """The per-jurisdiction rows, as the CLI table and the Markdown report show them."""
    return [
        [
            r.jurisdiction,
            r.name_en,
            r.instruments,
            r.hard_law,
            r.soft_law,
            _types(r),
            r.latest_event,
            _percent(r.share("official")),
            _percent(r.share("secondary-corroborated")),
            _percent(r.share("secondary-single")),
            len(r.without_event),
            len(r.without_official_text),
        ]
        for r in rows
    ]


def markdown(graph: Graph) -> str:
    """The whole coverage report (``data/COVERAGE.md``)."""
    rows = coverage(graph)
    head = headline(graph, rows)
    levels = ", ".join(f"{level} {count} ({_percent(count / head.statements)})" for level, count in head.levels.items())
    lines = [
        "# Coverage of the graph",
        "",
        "Generated from the data by `make coverage` (`kg stats --coverage --format markdown`); do not edit by hand.",
        "",
        f"- Instruments: {head.instruments}, with {head.events} dated lifecycle events.",
        f"- Jurisdictions with at least one instrument: {head.jurisdictions}.",
        f"- Jurisdictions outside the seed report's four ({', '.join(SEED_JURISDICTIONS)}) and their sub-jurisdictions"
        f" with three instruments or more: {head.outside_seed_with_three}.",
        f"- Statements about instruments (the instruments, their events, articles, relations, parties and links):"
        f" {head.statements}; evidence: {levels}.",
        f"- Sources: {', '.join(f'{kind} {count}' for kind, count in head.sources.items())}.",
        "",
        "Per jurisdiction (its own instruments; a sub-jurisdiction such as a US state has its own row). The evidence"
        " columns give the share of its statements at each level; 'no official text' counts instruments without the"
        " address of their official text.",
        "",
        "| " + " | ".join(COLUMNS) + " |",
        "|" + "---|" * len(COLUMNS),
    ]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in table_rows(rows)]
    missing = [(r.jurisdiction, i) for r in rows for i in r.without_event]
    lines += ["", "Instruments without a dated event: " + (", ".join(f"`{i}`" for _, i in missing) or "none") + "."]
    lines += ["", *provisions_markdown(graph)]
    return "\n".join(lines) + "\n"


VERBATIM_KINDS = ("original", "official_translation", "translation")


@dataclass
class ProvisionCoverage:
    """Provisions mapped to comparison concepts: per jurisdiction, per concept, and how their texts are sourced."""

    per_jurisdiction: Counter[str] = field(default_factory=Counter)
    verbatim: Counter[str] = field(default_factory=Counter)  # provisions with a verbatim text, per jurisdiction
    jurisdictions_of: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # concept -> jurisdictions
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.per_jurisdiction.values())


def provision_coverage(graph: Graph) -> ProvisionCoverage:
    """Counts of the provisions mapped to comparison concepts (an editorial mapping)."""
    from rdflib.namespace import SKOS

    out = ProvisionCoverage()
    for provision in mapped_provisions(graph):
        article, jurisdiction = provision.article, local_id(provision.jurisdiction)
        out.per_jurisdiction[jurisdiction] += 1
        kinds = {local_id(k) for p in (KG.englishTextKind, KG.chineseTextKind) for k in graph.objects(article, p)}
        if graph.value(article, KG.originalText) is not None or kinds & set(VERBATIM_KINDS):
            out.verbatim[jurisdiction] += 1
        for concept in provision.concepts:
            out.jurisdictions_of[local_id(concept)].add(jurisdiction)
            out.labels[local_id(concept)] = literal_in(graph, concept, SKOS.prefLabel, "en")
    return out


def provisions_markdown(graph: Graph) -> list[str]:
    """The provisions section of the coverage report."""
    cover = provision_coverage(graph)
    wide = sorted(c for c, js in cover.jurisdictions_of.items() if len(js) >= 4)
    lines = [
        "## Provisions compared across jurisdictions",
        "",
        f"- Provisions mapped to comparison concepts: {cover.total}, in {len(cover.per_jurisdiction)} jurisdictions;"
        f" {sum(cover.verbatim.values())} carry a verbatim text (the original wording, or an official or published"
        " translation).",
        f"- Concepts addressed in four jurisdictions or more: {len(wide)} of {len(cover.jurisdictions_of)} used.",
        "- Which concepts a provision addresses is an editorial classification by the curators.",
        "",
        "| jurisdiction | provisions | with verbatim text |",
        "|---|---|---|",
    ]
    for jurisdiction, count in sorted(cover.per_jurisdiction.items(), key=lambda kv: (-kv[1], kv[0])):
        lines.append(f"| {jurisdiction} | {count} | {cover.verbatim[jurisdiction]} |")
    lines += ["", "| concept | jurisdictions | which |", "|---|---|---|"]
    for concept, js in sorted(cover.jurisdictions_of.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        lines.append(f"| {cover.labels[concept]} (`{concept}`) | {len(js)} | {', '.join(sorted(js))} |")
    return lines


def text(graph: Graph) -> str:
    """The coverage report as a plain-text table, opened by the headline figures."""
    from kg.output import format_table

    rows = coverage(graph)
    head = headline(graph, rows)
    summary = (
        f"{head.instruments} instruments, {head.events} events, {head.jurisdictions} jurisdictions;"
        f" {head.outside_seed_with_three} outside the seed's four with 3 or more;"
        " evidence: " + ", ".join(f"{level} {count}" for level, count in head.levels.items())
    )
    return summary + "\n" + format_table(list(COLUMNS), table_rows(rows)) + "\n"


def report(graph: Graph, *, fmt: str = "table") -> str:
    """The coverage report in a format: ``table`` (plain text) or ``markdown`` (as in data/COVERAGE.md)."""
    if fmt == "markdown":
        return markdown(graph)
    if fmt == "table":
        return text(graph)
    raise ValueError(f"unknown coverage format {fmt!r}; choose table or markdown")
