"""Domain rules across rows and tables: keys and references, titles and sources, events, articles, cycles.

:class:`Rules` is fed one typed row at a time while :mod:`kg.scan` streams each table.
A rule on one row is checked at once; of each table only what a later rule needs is
kept: its keys, and a few columns of events, relations, hierarchies and of the rare
article that cites another instrument's date. So validation holds key sets, never
all the rows. Every problem is located at ``path:line:column``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from kg.errors import Problem
from kg.scan import Row, _suggest
from kg.schema import Field, Schema, TableSchema

PAGE_URL_RE = re.compile(r"^https?://[^/\s]+/\S+$", re.IGNORECASE)  # a page: a host and a path
LANG_TAG_RE = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{2,8})*$")
# Event types that may concern only part of an instrument.
PARTIAL_EVENT_TYPES = ("entered_into_force", "applies_from", "repealed", "expired", "invalidated")
# links.csv: the form of each scheme's identifiers, with an example for the error message.
LINK_FORMS = {
    "eli": (re.compile(r"^https?://\S+/eli/\S+$"), "an ELI IRI such as http://data.europa.eu/eli/reg/2024/1689/oj"),
    "celex": (re.compile(r"^[0-9CE][0-9]{4}[A-Z]{1,2}[0-9()]+$"), "such as 32024R1689"),
    "wikidata": (re.compile(r"^Q[1-9][0-9]*$"), "such as Q42"),
    "iso3166": (re.compile(r"^[A-Z]{2}(?:-[A-Z0-9]{1,3})?$"), "such as KR or US-CA"),
    "website": (re.compile(r"^https?://[^\s/]+(?:/\S*)?$"), "an http(s) address"),
}
ARTICLE_TEXTS = ("text_original", "text_zh", "text_en", "heading_original", "heading_zh", "heading_en")
APPLICATION_EVENTS = ("entered_into_force", "applies_from")
# Tables whose rows (these columns of them) the rules that run after the last table need.
KEPT = {
    "events": ("id", "instrument", "date", "type", "superseded_by"),
    "relations": ("subject", "relation", "object"),
    "jurisdictions": ("id", "parent"),
    "topics": ("id", "broader"),
    "concepts": ("id", "broader"),
}
HIERARCHIES = (("jurisdictions", "parent"), ("topics", "broader"), ("concepts", "broader"))


def slim(row: Row, columns: Iterable[str]) -> Row:
    """The row with only the given columns: what a later rule needs of it."""
    return Row(row.table, row.path, row.line, {c: row.values[c] for c in columns}, row.valid)


class Rules:
    """The cross-row and cross-table rules, checked as rows stream in (:meth:`add`) and at the end (:meth:`finish`)."""

    def __init__(self, schema: Schema, problems: list[Problem]) -> None:
        self.schema = schema
        self.problems = problems
        self.done: set[str] = set()
        self.unreadable: set[str] = set()
        self.where: dict[str, str] = {}
        self.first: dict[str, dict[Any, int]] = {}  # per table: key (the id, or the key tuple) -> line of its first row
        self.owners: dict[Any, str] = {}  # id -> the table of its first row
        self.kept: dict[str, list[Row]] = {name: [] for name in KEPT}
        self.kinds: dict[Any, Any] = {}  # source id -> kind
        self.valid_events: dict[Any, Row] = {}
        self.instruments: list[Row] = []  # valid instruments (their ids), for the rule that each has an event
        self.later_rows: list[tuple[str, Row]] = []  # (rule, slim row) waiting for a table not read yet
        self.later_refs: list[tuple[str, int, int, Field, Any]] = []
        self._known: dict[tuple[str, ...], list[str]] = {}
        self._row_rules: dict[str, list[Callable[[Row], None]]] = {}
        self._columns: dict[str, dict[str, int]] = {}
        # per table: (column, field, its tables with ids, whether they are all read) of each reference column
        self._refs: dict[str, list[tuple[int, Field, tuple[str, ...], bool]]] = {}

    # -- streaming --

    def start(self, table: TableSchema, where: str) -> None:
        """A table is about to be read from ``where``."""
        self.where[table.name] = where
        self.first[table.name] = {}
        names = table.column_names
        self._refs[table.name] = [
            (
                column,
                spec,
                tuple(r for r in spec.references if self.schema.table(r).has_id),
                all(r in self.done for r in spec.references),
            )
            for column, spec in enumerate(table.fields, start=1)
            if spec.references
        ]
        rules: list[Callable[[Row], None]] = []
        local = {
            "instruments": self._instrument,
            "sources": self._source,
            "links": self._link,
            "events": self._event,
            "articles": self._article,
        }
        if table.name in local:
            rules.append(local[table.name])
        if "verification" in names:
            rules.append(self._evidence)
        self._row_rules[table.name] = rules

    def add(self, table: TableSchema, row: Row) -> None:
        """One typed row of ``table``: its key, references and own rules now; what later rules need is kept."""
        self._key(table, row)
        self._references(table, row)
        if row.valid:
            for rule in self._row_rules[table.name]:
                rule(row)
        if table.name in KEPT:
            self.kept[table.name].append(slim(row, KEPT[table.name]))
        if table.name == "sources":
            self.kinds[row["id"]] = row["kind"]

    def end(self, table: TableSchema, *, readable: bool) -> None:
        """The table has been read (or could not be)."""
        self.done.add(table.name)
        if not readable:
            self.unreadable.add(table.name)
        if table.name == "events":
            self.valid_events = {row["id"]: row for row in self.kept["events"] if row.valid}

    def finish(self) -> None:
        """The rules that need every table: references to tables read later, events, articles, cycles."""
        for path, line, column, spec, item in self.later_refs:
            self._reference(path, line, column, spec, item)
        for rule, row in self.later_rows:
            {"evidence": self._evidence, "applies_from": self._applies_from}[rule](row)
        self._instruments_have_events()
        events = self.kept["events"]
        _check_event_order(events, self._column("events", "date"), self.problems)
        _check_supersession(events, self._column("events", "superseded_by"), self.problems)
        for name, column in HIERARCHIES:
            _check_acyclic(self.kept[name], column, self._column(name, column), self.problems)
        _check_based_on_cycles(self.kept["relations"], self.problems)

    def ids(self, table: str) -> frozenset[Any]:
        """The ids of a table's rows."""
        return frozenset(self.first.get(table, ()))

    # -- keys and references --

    def _column(self, table: str, name: str) -> int:
        """1-based position of a column, for locating a problem."""
        columns = self._columns.get(table)
        if columns is None:
            names = self.schema.table(table).column_names
            columns = self._columns[table] = {n: i for i, n in enumerate(names, start=1)}
        return columns[name]

    def _problem(self, row: Row, column: int, message: str, code: str) -> None:
        self.problems.append(Problem(row.path, row.line, column, message, code))

    def _key(self, table: TableSchema, row: Row) -> None:
        """Primary keys unique in their table, ids unique across tables."""
        first = self.first[table.name]
        key = row["id"] if table.has_id else tuple(row[k] for k in table.primary_key)
        line = first.get(key)
        if line is not None:
            key_column = self._column(table.name, table.primary_key[0])
            shown = str(key) if table.has_id else "/".join(str(k) for k in key)
            self._problem(
                row,
                key_column,
                f"duplicate key {shown!r} in {table.name}; first defined at {row.path}:{line}",
                "duplicate-key",
            )
            return
        first[key] = row.line
        if not table.has_id:
            return
        owner = self.owners.get(key)
        if owner is None:
            self.owners[key] = table.name
        else:
            self._problem(
                row,
                self._column(table.name, "id"),
                f"id {key!r} is already used at {self.where[owner]}:{self.first[owner][key]}; ids are unique across"
                " all tables",
                "duplicate-id",
            )

    def _references(self, table: TableSchema, row: Row) -> None:
        values = row.values
        for column, spec, targets, ready in self._refs[table.name]:
            value = values[spec.name]
            for item in value if spec.is_list else (value,):
                if item is None:
                    continue
                if not ready:  # a table read later, or this one: checked once it is read
                    self.later_refs.append((row.path, row.line, column, spec, item))
                    continue
                for target in targets:
                    if item in self.first[target]:
                        break
                else:
                    self._reference(row.path, row.line, column, spec, item)

    def _reference(self, path: str, line: int, column: int, spec: Field, item: Any) -> None:
        """A reference resolves to an id of one of the tables it names (unless one of them could not be read)."""
        if any(r in self.unreadable for r in spec.references):
            return
        if any(item in self.first[r] for r in spec.references if self.schema.table(r).has_id):
            return
        target = " or ".join(self.schema.table(r).path for r in spec.references)
        known = self._known.get(spec.references)
        if known is None:
            ids: set[Any] = set()
            for r in spec.references:
                if self.schema.table(r).has_id:
                    ids.update(self.first[r])
            known = self._known[spec.references] = sorted(ids)
        self.problems.append(
            Problem(
                path,
                line,
                column,
                f"{item!r} in column {spec.name!r} is not an id in {target}{_suggest(item, known)}",
                "foreign-key",
            )
        )

    # -- rules on one row --

    def _instrument(self, row: Row) -> None:
        """The original title comes with its language tag."""
        self.instruments.append(slim(row, ("id",)))
        title, lang = row["title_original"], row["title_original_lang"]
        if title is None and lang is None and not row["unnamed"]:
            self._problem(
                row,
                self._column("instruments", "title_original"),
                "title_original is required (the official title in the original language, with"
                " title_original_lang); an instrument a source does not name has unnamed=yes instead",
                "original-title",
            )
        elif (title is None) != (lang is None):
            missing = "title_original_lang" if lang is None else "title_original"
            self._problem(
                row,
                self._column("instruments", missing),
                f"{missing} is required with the other original-title column",
                "original-title",
            )
        elif lang is not None and not LANG_TAG_RE.match(lang):
            self._problem(
                row,
                self._column("instruments", "title_original_lang"),
                f"{lang!r} is not a lower-case language tag such as en, zh, ko, pt or zh-hant",
                "language-tag",
            )

    def _source(self, row: Row) -> None:
        """A source that is not a seed document is a page: its full address, publisher and consultation date."""
        if row["kind"] == "seed":
            return
        if row["url"] is None or not PAGE_URL_RE.match(row["url"]):
            shown = f" ({row['url']!r} is not a page)" if row["url"] else ""
            self._problem(
                row,
                self._column("sources", "url"),
                f"source {row['id']!r} needs the full address of the page it was read on{shown}",
                "source-address",
            )
        for column in ("publisher", "consulted"):
            if row[column] is None:
                self._problem(
                    row,
                    self._column("sources", column),
                    f"source {row['id']!r} needs its {column} (every source that is not a seed document)",
                    "source-details",
                )

    def _link(self, row: Row) -> None:
        """Each identifier has the form of its scheme."""
        pattern, example = LINK_FORMS[row["scheme"]]
        if not pattern.match(row["value"]):
            self._problem(
                row,
                self._column("links", "value"),
                f"{row['value']!r} is not a {row['scheme']} identifier ({example})",
                "identifier",
            )

    def _event(self, row: Row) -> None:
        """Only stages can be partial."""
        if row["part"] is not None and row["type"] not in PARTIAL_EVENT_TYPES:
            self._problem(
                row,
                self._column("events", "part"),
                f"'part' applies to {', '.join(PARTIAL_EVENT_TYPES)} events, not to {row['type']!r}",
                "event-part",
            )

    def _evidence(self, row: Row) -> None:
        """A verification level must be borne out by the kinds and number of the sources cited."""
        level = row["verification"]
        if level is None:
            return
        if "sources" not in self.done:
            self.later_rows.append(("evidence", slim(row, ("verification", "source", "corroborated_by"))))
            return
        column = self._column(row.table, "verification")
        cited = [row["source"], *row.values.get("corroborated_by", ())]
        if level == "official" and not any(self.kinds.get(s) == "official" for s in cited):
            self._problem(
                row,
                column,
                "verification 'official' needs an official source in source or corroborated_by",
                "verification",
            )
        elif level == "secondary-corroborated" and len(set(cited)) < 2:
            self._problem(
                row,
                column,
                "verification 'secondary-corroborated' needs a second, independent source in corroborated_by",
                "verification",
            )

    def _article(self, row: Row) -> None:
        """An article's texts come with their kind and language, and it applies from one of its act's own dates."""

        def problem(column: str, message: str, code: str = "article-text") -> None:
            self._problem(row, self._column("articles", column), message, code)

        if all(row[c] is None for c in ARTICLE_TEXTS):
            problem("text_zh", "an article needs a text or a heading (text_original, text_zh, text_en or a heading)")
        for lang in ("zh", "en"):
            text, kind = row[f"text_{lang}"], row[f"text_{lang}_kind"]
            if (text is None) != (kind is None):
                missing = f"text_{lang}_kind" if kind is None else f"text_{lang}"
                problem(missing, f"{missing} is required with text_{lang}{'_kind' if kind is not None else ''}")
            elif kind == "own_translation" and not any(
                row[c] for c in ("text_original", "text_zh" if lang == "en" else "text_en")
            ):
                problem(
                    f"text_{lang}_kind",
                    f"text_{lang} is the project's own translation, but the row has no other text it translates",
                )
            elif kind == "original" and row["text_original"] is not None and row["original_lang"] not in ("en", "zh"):
                problem(
                    f"text_{lang}_kind",
                    f"text_{lang} cannot be the original: text_original holds it ({row['original_lang']})",
                )
        lang = row["original_lang"]
        if (row["text_original"] or row["heading_original"]) and lang is None:
            problem(
                "original_lang", "original_lang is required with text_original or heading_original", "original-language"
            )
        elif lang is not None and not (row["text_original"] or row["heading_original"]):
            problem(
                "original_lang",
                "original_lang is given but there is no text_original or heading_original",
                "original-language",
            )
        elif lang is not None and not LANG_TAG_RE.match(lang):
            problem(
                "original_lang", f"{lang!r} is not a lower-case language tag such as ko, ja, it or pt", "language-tag"
            )
        elif lang in ("en", "zh"):
            problem(
                "original_lang",
                f"an original in {lang!r} goes in text_{lang} with text_{lang}_kind=original, not in text_original",
                "original-language",
            )
        if row["applies_from"]:
            self._applies_from(slim(row, ("instrument", "applies_from")))

    def _applies_from(self, row: Row) -> None:
        """The event an article applies from is a date of its own instrument or of one related to it."""
        if "events" not in self.done:
            self.later_rows.append(("applies_from", row))
            return
        event_id = row["applies_from"]
        event = self.valid_events.get(event_id)
        if event is None:
            return
        column = self._column("articles", "applies_from")
        if event["instrument"] != row["instrument"]:
            if "relations" not in self.done:
                self.later_rows.append(("applies_from", row))
                return
            if (event["instrument"], row["instrument"]) not in self._related():
                self._problem(
                    row,
                    column,
                    f"event {event_id!r} is a date of {event['instrument']!r}, which is neither {row['instrument']!r}"
                    " nor an instrument related to it in relations.csv",
                    "applies-from",
                )
                return
        if event["type"] not in APPLICATION_EVENTS:
            self._problem(
                row,
                column,
                f"event {event_id!r} is of type {event['type']!r}; an article applies from an"
                f" {' or '.join(APPLICATION_EVENTS)} event",
                "applies-from",
            )
        elif event["superseded_by"]:
            self._problem(
                row,
                column,
                f"event {event_id!r} was superseded by {event['superseded_by']!r}; use the date that replaced it",
                "applies-from",
            )

    def _related(self) -> set[tuple[Any, Any]]:
        """Pairs of instruments related in either direction by a valid relation (computed once)."""
        related = getattr(self, "_related_pairs", None)
        if related is None:
            related = set()
            for row in self.kept["relations"]:
                if row.valid:
                    related |= {(row["subject"], row["object"]), (row["object"], row["subject"])}
            self._related_pairs = related
        return related

    # -- rules on whole tables --

    def _instruments_have_events(self) -> None:
        """Every instrument has at least one dated event, so every one has a place in time."""
        events = self.kept["events"]
        if not all(row.valid for row in events):
            return  # an invalid event row is reported already; its instrument may be the one that looks undated
        dated = {row["instrument"] for row in events}
        for row in self.instruments:
            if row["id"] not in dated:
                self._problem(
                    row,
                    1,
                    f"instrument {row['id']!r} has no dated event; add one to events.csv (e.g. when it was adopted,"
                    " published or proposed)",
                    "undated-instrument",
                )


def _check_supersession(events: list[Row], col_superseded: int, problems: list[Problem]) -> None:
    """A scheduled date is superseded by an earlier event of another row."""
    by_id = {row["id"]: row for row in events}
    for row in events:
        if not row.valid:
            continue
        later = by_id.get(row["superseded_by"] or "")
        if later is None:
            continue
        if later is row:
            problems.append(
                Problem(row.path, row.line, col_superseded, "an event cannot supersede itself", "superseded-by")
            )
            continue
        date, other = str(row["date"]), str(later["date"])
        common = min(len(date), len(other))
        if later.valid and other[:common] > date[:common]:
            problems.append(
                Problem(
                    row.path,
                    row.line,
                    col_superseded,
                    f"superseded by {later['id']!r} dated {other}, after this event's own date {date}; a postponement"
                    " happens before the date it postpones",
                    "superseded-by",
                )
            )


def _check_event_order(events: list[Row], column: int, problems: list[Problem]) -> None:
    """No event may be dated before its instrument was first proposed (at the dates' common precision)."""
    proposals: dict[str, Row] = {}
    for row in events:
        if row.valid and row["type"] == "proposed":
            first = proposals.get(row["instrument"])
            if first is None or str(row["date"]) < str(first["date"]):
                proposals[row["instrument"]] = row
    for row in events:
        proposal = proposals.get(row["instrument"])
        if not row.valid or proposal is None or row is proposal:
            continue
        date, proposed = str(row["date"]), str(proposal["date"])
        common = min(len(date), len(proposed))
        if date[:common] < proposed[:common]:
            problems.append(
                Problem(
                    row.path,
                    row.line,
                    column,
                    f"event dated {date} is before its instrument {row['instrument']!r} was proposed"
                    f" ({proposed}, {proposal.location})",
                    "event-order",
                )
            )


def _check_acyclic(table_rows: list[Row], column: str, col: int, problems: list[Problem]) -> None:
    """Report every row whose ``column`` chain loops, naming the first id the walk from it meets twice.

    Linear: each id's answer (None, or the first id of the loop its chain runs into) is found once.
    Walking from an id on a loop meets that id again first; from an id leading into a loop, the
    id where it enters the loop.
    """
    rows = {row["id"]: row for row in table_rows}
    entry: dict[Any, Any] = {}  # id -> the first id met twice on the walk from it (None: the chain ends)
    for start in rows:
        if start in entry:
            continue
        path: list[Any] = []
        position: dict[Any, int] = {}
        current = start
        while True:
            position[current] = len(path)
            path.append(current)
            current = rows[current][column]
            if current is None or current not in rows or current in entry or current in position:
                break
        if current in position:  # the walk closed a loop: each id on it is the first met twice from it
            loop = position[current]
            for node in path[loop:]:
                entry[node] = node
            path, found = path[:loop], current
        elif current is None or current not in rows:
            found = None
        else:  # joined a walk already answered: on a loop at ``current``, or where that walk enters one
            found = entry[current]
        for node in path:
            entry[node] = found
    for start, row in rows.items():
        if entry[start] is not None:
            problems.append(
                Problem(
                    row.path,
                    row.line,
                    col,
                    f"{column!r} chain from {start!r} loops back through {entry[start]!r}",
                    "cycle",
                )
            )


def _check_based_on_cycles(relations: list[Row], problems: list[Problem]) -> None:
    """Report each cycle of based_on links once, in linear time (a depth-first search with colours)."""
    edges: dict[str, list[Row]] = {}
    for row in relations:
        if row["relation"] == "based_on":
            edges.setdefault(row["subject"], []).append(row)
    for rows in edges.values():
        rows.sort(key=lambda r: r["object"])
    done: set[str] = set()
    for start in sorted(edges):
        if start in done:
            continue
        trail: list[str] = [start]  # the path from start to the node being explored
        on_trail = {start: 0}
        pending = [iter(edges.get(start, []))]
        while pending:
            edge = next(pending[-1], None)
            if edge is None:
                pending.pop()
                node = trail.pop()
                del on_trail[node]
                done.add(node)
                continue
            target = edge["object"]
            if target in on_trail:  # a back edge closes a cycle
                path = " -> ".join([*trail[on_trail[target] :], target])
                problems.append(Problem(edge.path, edge.line, 1, f"cycle in based_on relations: {path}", "cycle"))
            elif target not in done:
                on_trail[target] = len(trail)
                trail.append(target)
                pending.append(iter(edges.get(target, [])))
