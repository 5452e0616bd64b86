"""SPARQL presets: canned queries in ``queries/*.rq`` with a declared header.

Each file opens with comment lines::

    # title: Timeline of one instrument
    # description: Every dated event of an instrument, in date order ...
    # param: name=instrument; type=instrument; required; example=EO 14110; description=...

Every file is a complete SPARQL 1.1 query that runs unchanged in any engine: each
parameter has a ``VALUES ?name { ... }`` block holding its default (``UNDEF`` for
"none" or "today", the example for a required parameter). ``kg`` binds a parameter
by replacing the data of its blocks with an RDF term (serialised, never pasted as
raw text); the blocks are found by parsing the query (:mod:`kg.queryparse`), so a
comment or a string that mentions a block is never touched, and nothing else in
the query text changes: the bound query is still plain SPARQL for any server. The files use the
parenthesised form ``VALUES (?name) { (...) }``, which rdflib's engine joins first
(the bare form makes it enumerate property paths over the whole graph).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.errors import PresetError, QueryError
from kg.terms import XSD, Term, local_id

if TYPE_CHECKING:
    from kg.queryparse import ValuesBlock
    from kg.sparql import Backend, Results

# The presets ship inside the package (kg/queries/*.rq), read through importlib.resources.
DEFAULT_QUERIES = files("kg") / "queries"
PARAM_TYPES = ("instrument", "jurisdiction", "topic", "concept", "actor", "system", "date", "text", "lang")
LIST_SEPARATOR = ","  # between the items of a list parameter (``-p jurisdiction=eu,cn``)
TODAY = "today"  # the default of a date parameter that means the current (UTC) date
LANGS = ("en", "zh")
HEADER_RE = re.compile(r"^#\s*(title|description|param):\s*(.*)$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Parameter:
    """One declared parameter of a preset."""

    name: str
    type: str
    required: bool = False
    default: str | None = None
    example: str | None = None
    description: str = ""
    is_list: bool = False  # several comma-separated values, each a row of the VALUES block


@dataclass(frozen=True)
class Preset:
    """A canned query with its documentation."""

    name: str
    title: str
    description: str
    query: str
    parameters: tuple[Parameter, ...] = field(default_factory=tuple)

    @property
    def is_construct(self) -> bool:
        """Whether the query is a CONSTRUCT (read by the parser: its results are triples, not rows)."""
        from kg.queryparse import parse_query

        return parse_query(self.query).form == "CONSTRUCT"

    def parameter(self, name: str) -> Parameter:
        for p in self.parameters:
            if p.name == name:
                return p
        raise KeyError(name)


def load_presets(directory: Path | str | Traversable = DEFAULT_QUERIES) -> dict[str, Preset]:
    """All presets of a folder (a path, or the package's own through importlib.resources), by name."""
    folder: Path | Traversable = Path(directory) if isinstance(directory, str) else directory
    if not folder.is_dir():
        raise PresetError(f"no preset folder at {folder}")
    presets = {}
    for entry in sorted((e for e in folder.iterdir() if e.name.endswith(".rq")), key=lambda e: e.name):
        name = entry.name[: -len(".rq")]
        presets[name] = parse_preset(name, entry.read_text(encoding="utf-8"), str(entry))
    return presets


def parse_preset(name: str, text: str, where: str = "<preset>") -> Preset:
    """Read a preset's header and body."""
    title = description = ""
    parameters: list[Parameter] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("#"):
            break
        match = HEADER_RE.match(line)
        if not match:
            continue
        key, value = match.groups()
        if key == "title":
            title = value.strip()
        elif key == "description":
            description = (description + " " + value.strip()).strip()
        else:
            parameters.append(_parse_parameter(value, f"{where}:{number}"))
    if not title:
        raise PresetError(f"{where}: the header has no '# title:' line")
    return Preset(name, title, description, text, tuple(parameters))


def _parse_parameter(spec: str, where: str) -> Parameter:
    fields: dict[str, Any] = {}
    for part in (p.strip() for p in spec.split(";")):
        if not part:
            continue
        key, _, value = part.partition("=")
        fields[key.strip()] = value.strip() if _ else True
    try:
        param = Parameter(
            name=fields.pop("name"),
            type=fields.pop("type"),
            required=bool(fields.pop("required", False)),
            default=fields.pop("default", None) or None,
            example=fields.pop("example", None) or None,
            description=fields.pop("description", ""),
            is_list=bool(fields.pop("list", False)),
        )
    except KeyError as exc:
        raise PresetError(f"{where}: parameter needs {exc.args[0]}=") from None
    if fields:
        raise PresetError(f"{where}: unknown parameter attribute(s): {', '.join(sorted(fields))}")
    if param.type not in PARAM_TYPES:
        raise PresetError(f"{where}: unknown parameter type {param.type!r}; allowed: {', '.join(PARAM_TYPES)}")
    return param


# --- binding ------------------------------------------------------------------


Resolved = Callable[[str, str, str, str], None]  # (kind, text as given, id, title) of a name found by a fragment


def bind(preset: Preset, values: Mapping[str, Any], backend: Backend, *, on_resolve: Resolved | None = None) -> str:
    """The preset's query text with its parameters bound as RDF terms.

    A parameter that is not given keeps the default written in the file, except a
    date whose default is ``today``, which is bound to today's UTC date so that the
    answer does not depend on a server's clock.
    """
    unknown = sorted(set(values) - {p.name for p in preset.parameters})
    if unknown:
        known = ", ".join(p.name for p in preset.parameters) or "none"
        raise PresetError(f"unknown parameter {unknown[0]!r} for preset {preset.name!r}; its parameters: {known}")
    terms: dict[str, tuple[Term, ...]] = {}
    for param in preset.parameters:
        raw = values.get(param.name)
        if raw is None or raw == "":
            if param.required:
                example = f" (e.g. -p {param.name}={param.example!r})" if param.example else ""
                raise PresetError(f"preset {preset.name!r} needs parameter {param.name!r}{example}")
            if param.type == "date" and param.default == TODAY:
                raw = today()
            else:
                continue
        items = [i.strip() for i in str(raw).split(LIST_SEPARATOR)] if param.is_list else [str(raw)]
        if any(not i for i in items):
            raise PresetError(f"parameter {param.name!r}: {raw!r} has an empty item; separate values with a comma")
        terms[param.name] = tuple(dict.fromkeys(to_term(param, i, backend, on_resolve=on_resolve) for i in items))
    return set_values(preset.query, terms)


def today() -> str:
    """Today's date in UTC, as YYYY-MM-DD (what SPARQL's NOW() gives in the preset files)."""
    import datetime

    return datetime.datetime.now(datetime.UTC).date().isoformat()


def uses_service(query: str) -> bool:
    """Whether the query has a SERVICE clause, as the parser reads it (not the word in a comment, string or IRI).

    A query that rdflib's grammar cannot read but that never spells ``SERVICE`` (escapes
    expanded) has no SERVICE clause: it is left to the engine, which reports its own syntax
    error or runs syntax rdflib lacks. One that spells it must parse to be trusted.
    """
    from kg.queryparse import expand_escapes, parse_query

    try:
        return parse_query(query).has_service
    except QueryError:
        if "service" in expand_escapes(query).lower():
            raise
        return False


def values_blocks(query: str) -> list[ValuesBlock]:
    """Every single-variable VALUES block, ``VALUES ?name { ... }`` or ``VALUES (?name) { (...) }``, as parsed."""
    from kg.queryparse import parse_query

    return list(parse_query(query).blocks)


def set_values(query: str, terms: Mapping[str, Term | tuple[Term, ...]]) -> str:
    """The query with the data of each bound parameter's VALUES blocks replaced by its term(s), one row each.

    The blocks are found by parsing the query, so only real blocks are touched; the
    result is the query's text with nothing else changed, valid SPARQL for any engine.
    """
    if not terms:
        return query
    from kg.queryparse import parse_query

    parsed = parse_query(query)
    for name in terms:
        if not any(block.variable == name for block in parsed.blocks):
            raise PresetError(f"the query has no 'VALUES (?{name}) {{ ... }}' block to bind parameter {name!r} in")
    text = parsed.text
    parts: list[str] = []
    position = 0
    for block in parsed.blocks:
        if block.variable in terms:
            value = terms[block.variable]
            items = [t.n3() for t in (value if isinstance(value, tuple) else (value,))]
            data = " ".join(f"({t})" for t in items) if block.parenthesised else " ".join(items)
            parts.extend((text[position : block.start], f" {data}"))
            position = block.end
    parts.append(text[position:])
    return "".join(parts)


def to_term(param: Parameter, raw: str, backend: Backend, *, on_resolve: Resolved | None = None) -> Term:
    """Turn a parameter value typed by an analyst into an RDF term."""
    if param.type == "date":
        if not DATE_RE.match(raw):
            raise PresetError(f"parameter {param.name!r}: {raw!r} is not a date; use YYYY-MM-DD")
        import datetime

        try:
            datetime.date.fromisoformat(raw)
        except ValueError:
            raise PresetError(f"parameter {param.name!r}: {raw!r} is not a real date") from None
        return Term.literal(raw, datatype=XSD + "date")
    if param.type == "lang":
        if raw not in LANGS:
            raise PresetError(f"parameter {param.name!r}: {raw!r} is not a label language; use en or zh")
        return Term.literal(raw)
    if param.type == "text":
        return Term.literal(raw)
    return resolve(param.type, raw, backend, on_resolve=on_resolve)


# --- resolving names to resources -----------------------------------------------

LOOKUP_QUERIES = {
    "instrument": """
        PREFIX kg: <https://w3id.org/ai-legislation-kg/ontology#>
        PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?node ?key ?kind WHERE {
          ?node a kg:Instrument .
          { ?node dcterms:identifier ?key . BIND("identifier" AS ?kind) }
          UNION { ?node dcterms:title ?key . BIND("title" AS ?kind) }
          UNION { ?node dcterms:alternative ?key . BIND("title" AS ?kind) }
        }""",
    "jurisdiction": """
        PREFIX kg: <https://w3id.org/ai-legislation-kg/ontology#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?node ?key ?kind WHERE {
          ?node a kg:Jurisdiction ; rdfs:label ?key . BIND("title" AS ?kind)
        }""",
    "topic": """
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?node ?key ?kind WHERE {
          ?node skos:inScheme <https://w3id.org/ai-legislation-kg/concept/topic> ; skos:prefLabel ?key .
          BIND("title" AS ?kind)
        }""",
}
# Concepts of a scheme are found by notation or label, the same way for every scheme.
SCHEME_PARAMS = {"concept": "comparison-concept", "actor": "actor", "system": "system-class"}
for _kind, _scheme in SCHEME_PARAMS.items():
    LOOKUP_QUERIES[_kind] = f"""
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?node ?key ?kind WHERE {{
          ?node skos:inScheme <https://w3id.org/ai-legislation-kg/concept/{_scheme}> .
          {{ ?node skos:prefLabel ?key . BIND("title" AS ?kind) }}
          UNION {{ ?node skos:notation ?key . BIND("identifier" AS ?kind) }}
        }}"""


def resolve(kind: str, text: str, backend: Backend, *, on_resolve: Resolved | None = None) -> Term:
    """Find the one resource of ``kind`` that ``text`` names.

    Tried in order, stopping at the first level with matches: the id; an exact
    identifier or title (case-insensitive); an identifier containing the text as
    a token (e.g. "2024/1689"); a title fragment in either language.
    """
    rows = backend.select(LOOKUP_QUERIES[kind]).rows
    keys: dict[Term, set[tuple[str, str]]] = {}
    for node, key, key_kind in rows:
        keys.setdefault(node, set()).add((str(key_kind), str(key)))
    needle = text.strip().casefold()

    def matching(test: Any) -> list[Term]:
        return sorted({n for n, ks in keys.items() if any(test(k, v.casefold()) for k, v in ks)}, key=str)

    levels = [
        sorted((n for n in keys if local_id(n).casefold() == needle), key=str),
        matching(lambda kind_, value: value == needle),
        matching(lambda kind_, value: kind_ == "identifier" and needle in re.split(r"[\s;,()]+", value)),
        matching(lambda kind_, value: needle in value),
    ]
    for level, found in enumerate(levels):
        if len(found) == 1:
            if on_resolve is not None and level >= 2:  # found by an identifier token or a title fragment
                titles = sorted(v for k, v in keys[found[0]] if k == "title")
                on_resolve(kind, text, local_id(found[0]), titles[0] if titles else "")
            return found[0]
        if len(found) > 1:
            candidates = "; ".join(_describe(n, keys[n]) for n in found[:20])
            raise PresetError(f"{kind} {text!r} is ambiguous; candidates: {candidates}")
    import difflib

    names = sorted({local_id(n) for n in keys} | {v for ks in keys.values() for _, v in ks})
    close = list(dict.fromkeys(difflib.get_close_matches(text.strip(), names, n=6, cutoff=0.6)))
    close = [c for i, c in enumerate(close) if c.casefold() not in {d.casefold() for d in close[:i]}][:3]
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    raise PresetError(f"no {kind} matches {text!r}; give an id, an official identifier or a title fragment{hint}")


def _describe(node: Term, keys: set[tuple[str, str]]) -> str:
    titles = sorted(v for k, v in keys if k == "title")
    return f"{local_id(node)} ({titles[0]})" if titles else local_id(node)


# --- running -----------------------------------------------------------------------


def run(preset: Preset, values: Mapping[str, Any], backend: Backend) -> Results:
    """Bind and run a SELECT preset."""
    return backend.select(bind(preset, values, backend))


def run_preset(
    graph: Any,
    name: str,
    *,
    queries: Path | str | Traversable = DEFAULT_QUERIES,
    engine: str = "oxigraph",
    **params: Any,
) -> Any:
    """Run preset ``name`` on an rdflib graph and return a pandas DataFrame.

    The query runs on pyoxigraph's engine (the graph is copied into an in-memory store
    once, and the copy kept while the graph is unchanged): the same rows as rdflib's own
    engine (``engine="rdflib"``), which the tests check, in a fraction of the time.
    CONSTRUCT presets return the constructed rdflib Graph instead.
    """
    from kg.sparql import LocalBackend

    presets = load_presets(queries)
    if name not in presets:
        raise PresetError(f"unknown preset {name!r}; available: {', '.join(presets)}")
    if engine not in ("oxigraph", "rdflib"):
        raise PresetError(f"unknown engine {engine!r}; choose oxigraph or rdflib")
    preset = presets[name]
    backend = fast_backend(graph) if engine == "oxigraph" else LocalBackend(graph)
    query = bind(preset, params, backend)
    if preset.is_construct:
        from kg.terms import rdflib_graph

        return rdflib_graph(backend.construct(query))
    return to_dataframe(backend.select(query))


_FAST: dict[int, tuple[Any, int, Any]] = {}  # id(graph) -> (the graph, its size, an in-memory pyoxigraph copy)


def fast_backend(graph: Any) -> Any:
    """An in-memory pyoxigraph copy of an rdflib graph, made once per graph (again if its size changed)."""
    import pyoxigraph as ox

    from kg.sparql import OxigraphBackend

    held = _FAST.get(id(graph))
    if held is None or held[0] is not graph or held[1] != len(graph):
        store = ox.Store()
        store.load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
        held = _FAST[id(graph)] = (graph, len(graph), store)
    return OxigraphBackend(held[2])


def to_dataframe(results: Results) -> Any:
    """Results as a DataFrame of Python values (numbers as numbers, IRIs as strings)."""
    import pandas as pd

    frame = pd.DataFrame([[python_value(t) for t in row] for row in results.rows], columns=list(results.variables))
    return frame.convert_dtypes()  # integer columns with gaps stay integers (Int64), text stays text


def python_value(term: Term | None) -> Any:
    if term is None:
        return None
    return int(term.value) if term.is_integer else term.value
