"""What a SPARQL query is, read by a parser: its form, its VALUES blocks (with their places) and SERVICE clauses.

Presets are bound by replacing the data of their ``VALUES ?name { ... }`` blocks,
and a query on the local data is refused when it has a SERVICE clause. Both are
decided here from rdflib's SPARQL 1.1 grammar, never by searching the text, so a
comment, a string or an IRI that mentions ``VALUES ?name {}`` or ``SERVICE`` is
never taken for one. The grammar is rdflib's own, copied once, with the data of
each VALUES block marked so that the parse also says where in the text it is.

rdflib's parser is slow on long queries (up to a second) and rdflib itself slow to
import, so a query's reading is kept per text: in the process, and, once
:func:`keep_readings_in` names a folder (the façade gives the build cache's), on
disk as a small JSON file, so that running a preset again needs neither.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import asdict, dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from kg.errors import OutputError, QueryError

READING_VERSION = 1  # of the stored readings: a change in what is stored or how it is found bumps it
KEEP_READINGS = 256  # stored readings kept; beyond these the oldest go
FORMS = {"SelectQuery": "SELECT", "ConstructQuery": "CONSTRUCT", "DescribeQuery": "DESCRIBE", "AskQuery": "ASK"}


@dataclass(frozen=True)
class ValuesBlock:
    """A single-variable VALUES block: ``VALUES ?name { ... }`` or ``VALUES (?name) { (...) }``.

    ``start`` and ``end`` delimit its data (the values or rows between the braces) in the parsed text.
    """

    variable: str
    start: int
    end: int
    parenthesised: bool


@dataclass(frozen=True)
class ParsedQuery:
    """A query as the parser read it."""

    text: str  # the text the positions refer to: the query with its \\u escapes expanded, as SPARQL reads it
    form: str  # SELECT, CONSTRUCT, DESCRIBE or ASK
    blocks: tuple[ValuesBlock, ...]  # in the order of the text
    has_service: bool  # a SERVICE clause anywhere, subqueries included


_READINGS: list[Path] = []  # the folder of stored readings, when one was given


def keep_readings_in(folder: Path | None) -> None:
    """Store the readings of the queries parsed from now on in ``folder`` (None: in this process only)."""
    _READINGS[:] = [] if folder is None else [Path(folder)]


@lru_cache(maxsize=256)
def parse_query(query: str) -> ParsedQuery:
    """Parse a SPARQL query; a syntax error becomes a :class:`QueryError` with its line and column."""
    if not _READINGS:
        return _parse(query)
    path = _READINGS[0] / f"{_key(query)}.json"
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        return ParsedQuery(
            text=stored.get("text", query),
            form=stored["form"],
            blocks=tuple(ValuesBlock(**block) for block in stored["blocks"]),
            has_service=stored["has_service"],
        )
    except (OSError, ValueError, KeyError, TypeError):
        pass  # not stored yet (or unreadable): parse it
    parsed = _parse(query)
    _store(path, parsed, query)
    return parsed


def _key(query: str) -> str:
    from importlib.metadata import version

    seed = f"{READING_VERSION}\nrdflib {version('rdflib')}\n{query}"
    return hashlib.sha256(seed.encode("utf-8")).hexdigest()[:32]


def _store(path: Path, parsed: ParsedQuery, query: str) -> None:
    """Write a reading atomically (a reader sees all of it or none), and drop the oldest beyond the kept number."""
    stored = asdict(parsed)
    if parsed.text == query:
        del stored["text"]
    from kg.output import write_atomic

    try:
        write_atomic(path, json.dumps(stored, ensure_ascii=False).encode("utf-8"))
        readings = sorted(path.parent.glob("*.json"), key=lambda p: p.stat().st_mtime)
        for old in readings[:-KEEP_READINGS]:
            old.unlink(missing_ok=True)
    except (OSError, OutputError):
        pass  # a read-only or full cache only costs a parse next time


def expand_escapes(query: str) -> str:
    """The query with its \\u and \\U escapes expanded, as SPARQL reads it first (QueryError on a bad code point)."""
    from rdflib.plugins.sparql.parser import expandUnicodeEscapes

    try:
        return expandUnicodeEscapes(query)
    except ValueError as exc:
        raise QueryError(f"query syntax error: {exc}") from None


def _parse(query: str) -> ParsedQuery:
    from pyparsing import ParseException

    text = expand_escapes(query)
    grammar = _grammar()
    with _LOCK:
        grammar.found.clear()
        try:
            tree = grammar.query.parse_string(text, parse_all=True)
        except ParseException as exc:
            raise QueryError(f"query syntax error at line {exc.lineno}, column {exc.col}: {exc.msg}") from None
        found = sorted(grammar.found)
    return ParsedQuery(
        text=text,
        form=FORMS[tree[-1].name],
        blocks=tuple(_blocks(found)),
        has_service=any(_nodes_named(tree, "ServiceGraphPattern")),
    )


def _blocks(found: list[tuple[int, int, str, tuple[str, ...]]]) -> list[ValuesBlock]:
    """Pair each VALUES block's span with the span of its data (the one inside it)."""
    spans = sorted(set(found))
    blocks = []
    for start, end, kind, variables in spans:
        if kind not in ("one", "full") or len(variables) != 1:
            continue
        data = [(s, e) for s, e, k, _ in spans if k == "data" and start <= s and e <= end]
        if data:
            blocks.append(ValuesBlock(variables[0], data[0][0], data[0][1], kind == "full"))
    return blocks


def _nodes_named(tree: Any, name: str) -> Any:
    """Every parse-tree node (rdflib CompValue) called ``name``, at any depth."""
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            if node.name == name:
                yield node
            stack.extend(node.values())
        elif isinstance(node, list | tuple) or type(node).__name__ == "ParseResults":
            stack.extend(node)


_LOCK = threading.Lock()  # the grammar notes what it found in one shared list


@dataclass(frozen=True)
class _Grammar:
    query: Any  # the copied grammar's Query element
    found: list[tuple[int, int, str, tuple[str, ...]]]  # (start, end, kind, variables) of each match noted


@cache
def _grammar() -> _Grammar:
    """rdflib's query grammar, copied, with its VALUES blocks and their data noting where they matched.

    rdflib's own grammar is left as it is: the copy is a deep one, and only the copy's
    elements are wrapped. A wrapped element gives the same tokens, so the copy yields
    rdflib's parse tree.
    """
    import copy

    from pyparsing import ParseElementEnhance, ParserElement, ZeroOrMore
    from rdflib.plugins.sparql import parser
    from rdflib.plugins.sparql.parserutils import ParamValue

    found: list[tuple[int, int, str, tuple[str, ...]]] = []

    class Spot(ParseElementEnhance):
        """Matches what its element matches, and notes where (``kind``: one, full or data)."""

        def __init__(self, expr: ParserElement, kind: str) -> None:
            super().__init__(expr)
            self.kind = kind

        def parseImpl(self, instring: str, loc: int, do_actions: bool = True) -> tuple[int, Any]:
            end, tokens = self.expr._parse(instring, loc, do_actions, callPreParse=False)
            variables = tuple(str(t.tokenList) for t in tokens if isinstance(t, ParamValue) and t.name == "var")
            found.append((loc, end, self.kind, variables))
            return end, tokens

    def spot_data(element: ParserElement) -> None:
        """Wrap the ZeroOrMore of values (or rows) in a VALUES block's element."""
        for index, child in enumerate(getattr(element, "exprs", [])):
            if isinstance(child, ZeroOrMore) and child.expr.customName == "value":
                element.exprs[index] = Spot(child, "data")
            else:
                spot_data(child)

    memo: dict[int, Any] = {}
    query = copy.deepcopy(parser.Query, memo)
    block = memo[id(parser.DataBlock)]
    for kind, original in (("one", parser.InlineDataOneVar), ("full", parser.InlineDataFull)):
        element = memo[id(original)]
        spot_data(element)
        block.exprs[block.exprs.index(element)] = Spot(element, kind)
    return _Grammar(query, found)
