"""Where SPARQL runs: the embedded rdflib graph, or a SPARQL 1.1 server over HTTP.

Every backend takes plain query strings (never rdflib prepared queries, which
silently fall back to rdflib's own engine on faster stores) and returns the same
:class:`Results` for SELECT and N-Triples bytes for CONSTRUCT, so a preset gives
the same rows wherever it runs and the fast path never needs rdflib.
"""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from kg.errors import KgError
from kg.terms import Term, from_oxigraph, from_rdflib

if TYPE_CHECKING:
    from pathlib import Path

    from rdflib import Graph

SPARQL_JSON = "application/sparql-results+json"
NTRIPLES = "application/n-triples"
TURTLE = "text/turtle"


class QueryError(KgError):
    """The query is malformed or the engine rejected it."""

    exit_code = 2


class EndpointError(KgError):
    """A SPARQL server was unreachable, too slow, or answered with an error."""

    exit_code = 3


class EndpointURLError(KgError):
    """The endpoint given is not a usable http(s) URL: bad input, before any connection."""

    exit_code = 2


@dataclass(frozen=True)
class Results:
    """SELECT results: variable names and rows of terms (None where unbound)."""

    variables: tuple[str, ...]
    rows: tuple[tuple[Term | None, ...], ...]

    def to_json(self) -> dict[str, Any]:
        """The standard SPARQL 1.1 Query Results JSON Format."""
        bindings = []
        for row in self.rows:
            binding = {}
            for name, term in zip(self.variables, row, strict=True):
                if term is not None:
                    binding[name] = term_to_json(term)
            bindings.append(binding)
        return {"head": {"vars": list(self.variables)}, "results": {"bindings": bindings}}


def term_to_json(term: Term) -> dict[str, str]:
    out = {"type": term.kind, "value": term.value}
    if term.lang:
        out["xml:lang"] = term.lang
    elif term.datatype:
        out["datatype"] = term.datatype
    return out


def term_from_json(value: dict[str, str]) -> Term:
    kind = value["type"]
    if kind in ("uri", "bnode"):
        return Term(kind, value["value"])
    if kind not in ("literal", "typed-literal"):
        raise ValueError(f"unknown term type {kind!r}")
    return Term.literal(value["value"], lang=value.get("xml:lang"), datatype=value.get("datatype"))


class Backend(Protocol):
    """Something that runs SPARQL."""

    def select(self, query: str) -> Results: ...

    def construct(self, query: str) -> bytes:
        """The constructed triples as N-Triples."""
        ...


class LocalBackend:
    """The embedded rdflib graph."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def _run(self, query: str) -> Any:
        from pyparsing import ParseException

        try:
            return self.graph.query(query)
        except ParseException as exc:
            raise QueryError(f"query syntax error at line {exc.lineno}, column {exc.col}: {exc.msg}") from None
        except Exception as exc:  # rdflib raises a variety of errors for bad queries
            raise QueryError(f"query failed: {exc}") from None

    def select(self, query: str) -> Results:
        result = self._run(query)
        if result.type != "SELECT":
            raise QueryError(f"expected a SELECT query, got {result.type}")
        variables = tuple(str(v) for v in result.vars)
        try:  # rdflib evaluates lazily: some failures only come while reading the rows
            rows = tuple(tuple(from_rdflib(t) for t in row) for row in result)
        except Exception as exc:
            if "requiring a dataset" in str(exc):
                raise QueryError(
                    "--store memory holds one graph, so GRAPH patterns cannot run on it; use --store oxigraph"
                ) from None
            raise QueryError(f"query failed: {exc}") from None
        return Results(variables, rows)

    def construct(self, query: str) -> bytes:
        result = self._run(query)
        if result.type not in ("CONSTRUCT", "DESCRIBE"):
            raise QueryError(f"expected a CONSTRUCT or DESCRIBE query, got {result.type}")
        return result.graph.serialize(format="nt", encoding="utf-8")


class OxigraphBackend:
    """The fast embedded store: pyoxigraph's own SPARQL engine (never rdflib's)."""

    def __init__(self, store: object) -> None:
        self.store = store

    @classmethod
    def open(cls, path: Path) -> OxigraphBackend:
        """Open an on-disk store (a cached build) read-only: quick at any size, and safe to share."""
        import pyoxigraph as ox

        try:
            return cls(ox.Store.read_only(str(path)))
        except OSError as exc:
            raise QueryError(f"cannot open the store at {path}: {exc}; delete that folder to rebuild it") from None

    def _run(self, query: str) -> object:
        try:
            return self.store.query(query)  # type: ignore[attr-defined]
        except SyntaxError as exc:
            import re

            found = re.match(r"error at (\d+):(\d+): (.*)", str(exc), re.S)
            if found:
                line, column, message = found.groups()
                raise QueryError(f"query syntax error at line {line}, column {column}: {message}") from None
            raise QueryError(f"query syntax error: {exc}") from None
        except (OSError, ValueError) as exc:
            raise QueryError(f"query failed: {exc}") from None

    def select(self, query: str) -> Results:
        import pyoxigraph as ox

        solutions = self._run(query)
        if not isinstance(solutions, ox.QuerySolutions):
            raise QueryError("expected a SELECT query")
        variables = tuple(v.value for v in solutions.variables)
        seen: dict[object, Term | None] = {None: None}  # results repeat terms; convert each once

        def convert(term: object) -> Term | None:
            found = seen.get(term, seen)
            if found is seen:
                found = seen[term] = from_oxigraph(term)
            return found  # type: ignore[return-value]

        try:  # solutions are computed while they are read: a failure (a SERVICE call, say) can come here
            rows = tuple(tuple(map(convert, solution)) for solution in solutions)
        except (OSError, ValueError) as exc:
            raise QueryError(f"query failed: {exc}") from None
        return Results(variables, rows)

    def construct(self, query: str) -> bytes:
        import pyoxigraph as ox

        triples = self._run(query)
        if not isinstance(triples, ox.QueryTriples):
            raise QueryError("expected a CONSTRUCT or DESCRIBE query")
        try:
            return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
        except (OSError, ValueError) as exc:
            raise QueryError(f"query failed: {exc}") from None


def _check_url(url: str, what: str) -> None:
    """An http(s) URL with a host, or an EndpointError that says what is wrong with it."""
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018  (a bad port raises here)
    except ValueError as exc:
        raise EndpointURLError(f"{what} {url!r} is not a valid URL: {exc}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise EndpointURLError(f"{what} must be an http(s) URL, got {url!r}")


class RemoteBackend:
    """A SPARQL 1.1 Protocol endpoint (Oxigraph, Fuseki, GraphDB, Virtuoso)."""

    def __init__(self, endpoint: str, *, timeout: float = 30.0, default_graph: str | None = None) -> None:
        _check_url(endpoint, "endpoint")
        self.endpoint = endpoint
        self.timeout = timeout
        self.default_graph = default_graph

    def _post(self, query: str, accept: str) -> bytes:
        form = {"query": query}
        if self.default_graph:
            form["default-graph-uri"] = self.default_graph
        request = urllib.request.Request(
            self.endpoint,
            data=urllib.parse.urlencode(form).encode("utf-8"),
            headers={"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"},
            method="POST",
        )
        return http_call(request, self.timeout, self.endpoint)

    def select(self, query: str) -> Results:
        body = self._post(query, SPARQL_JSON)
        try:
            data = json.loads(body)
            variables = tuple(data["head"]["vars"])
            rows = tuple(
                tuple(term_from_json(b[v]) if v in b else None for v in variables) for b in data["results"]["bindings"]
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise EndpointError(f"{self.endpoint} sent malformed SPARQL JSON results: {exc!r}") from None
        return Results(variables, rows)

    def construct(self, query: str) -> bytes:
        import pyoxigraph as ox

        body = self._post(query, NTRIPLES)
        try:
            for _ in ox.parse(input=body, format=ox.RdfFormat.N_TRIPLES):
                pass
        except (SyntaxError, ValueError) as exc:
            raise EndpointError(f"{self.endpoint} sent malformed N-Triples: {exc}") from None
        return body


def http_call(request: urllib.request.Request, timeout: float, where: str) -> bytes:
    """Perform one HTTP request; every failure becomes an :class:`EndpointError`."""
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.read()
    except urllib.error.HTTPError as exc:
        detail = exc.read(2000).decode("utf-8", errors="replace").strip()
        raise EndpointError(f"{where} answered HTTP {exc.code} {exc.reason}: {detail}".rstrip(": ")) from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, socket.timeout | TimeoutError):
            raise EndpointError(f"{where} did not answer within {timeout:g} s") from None
        raise EndpointError(f"cannot reach {where}: {exc.reason}") from None
    except TimeoutError:
        raise EndpointError(f"{where} did not answer within {timeout:g} s") from None
    except OSError as exc:
        raise EndpointError(f"connection to {where} failed: {exc}") from None


def push_graph(ntriples: bytes, store: str, *, graph_iri: str | None = None, timeout: float = 60.0) -> None:
    """Replace a graph on a server with these N-Triples, through the SPARQL 1.1 Graph Store Protocol (HTTP PUT)."""
    _check_url(store, "store endpoint")
    target = "graph=" + urllib.parse.quote(graph_iri, safe="") if graph_iri else "default"
    url = f"{store}{'&' if '?' in store else '?'}{target}"
    request = urllib.request.Request(
        url,
        data=ntriples,
        headers={"Content-Type": NTRIPLES},
        method="PUT",
    )
    http_call(request, timeout, store)
