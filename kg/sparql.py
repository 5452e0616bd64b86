"""Where SPARQL runs: the embedded rdflib graph, or a SPARQL 1.1 server over HTTP.

Every backend takes plain query strings (never rdflib prepared queries, which
silently fall back to rdflib's own engine on faster stores) and returns the same
:class:`Results` for SELECT and N-Triples bytes for CONSTRUCT, so a preset gives
the same rows wherever it runs and the fast path never needs rdflib.
"""

from __future__ import annotations

import base64
import http.client
import json
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from kg.errors import EndpointError, EndpointURLError, QueryError
from kg.terms import Term, from_oxigraph, from_rdflib

if TYPE_CHECKING:
    from pathlib import Path

    from rdflib import Graph

SPARQL_JSON = "application/sparql-results+json"
MAX_BODY = 256 * 2**20  # bytes of a server's answer kg reads at most
CHUNK = 2**16
NTRIPLES = "application/n-triples"
TURTLE = "text/turtle"


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
        return self.execute(query)

    def execute(self, query: str, **options: object) -> object:
        """pyoxigraph's raw results of a query (``options``: Store.query's); QueryError on a fault."""
        try:
            return self.store.query(query, **options)  # type: ignore[attr-defined]
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


@dataclass(frozen=True)
class Credentials:
    """How to authenticate to a server: HTTP Basic (user and password) or a bearer token. Never printed."""

    user: str | None = None
    password: str | None = None
    token: str | None = None

    def header(self) -> dict[str, str]:
        if self.token:
            return {"Authorization": f"Bearer {self.token}"}
        if self.user is not None:
            pair = f"{self.user}:{self.password or ''}".encode()
            return {"Authorization": "Basic " + base64.b64encode(pair).decode("ascii")}
        return {}

    def __repr__(self) -> str:  # no secret in a traceback or a log
        return f"Credentials(user={self.user!r}, password={'***' if self.password else None}, token=***)"


def masked(url: str) -> str:
    """The URL as it may be shown: a password in it replaced by ***."""
    try:
        parts = urllib.parse.urlsplit(url)
        if parts.password is None:
            return url
        host = parts.hostname or ""
        netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    except ValueError:
        return re.sub(r"//([^:/@]*):[^@/]*@", r"//\1:***@", url)
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


def split_credentials(url: str, credentials: Credentials | None) -> tuple[str, Credentials | None]:
    """The URL without user information, and the credentials to send (given ones win over the URL's)."""
    parts = urllib.parse.urlsplit(url)
    if parts.username is None:
        return url, credentials
    bare = urllib.parse.urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))
    from_url = Credentials(urllib.parse.unquote(parts.username), urllib.parse.unquote(parts.password or ""))
    return bare, credentials or from_url


class RemoteBackend:
    """A SPARQL 1.1 Protocol endpoint (Oxigraph, Fuseki, GraphDB, Virtuoso)."""

    def __init__(
        self,
        endpoint: str,
        *,
        timeout: float = 30.0,
        default_graph: str | None = None,
        credentials: Credentials | None = None,
    ) -> None:
        _check_url(endpoint, "endpoint")
        self.shown = masked(endpoint)
        self.endpoint, self.credentials = split_credentials(endpoint, credentials)
        self.timeout = timeout
        self.default_graph = default_graph

    def _post(self, query: str, accept: str) -> bytes:
        form = {"query": query}
        if self.default_graph:
            form["default-graph-uri"] = self.default_graph
        headers = {"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"}
        headers.update(self.credentials.header() if self.credentials else {})
        request = urllib.request.Request(
            self.endpoint, data=urllib.parse.urlencode(form).encode("utf-8"), headers=headers, method="POST"
        )
        return http_call(request, self.timeout, self.shown).body

    def select(self, query: str) -> Results:
        body = self._post(query, SPARQL_JSON)
        try:
            data = json.loads(body)
            variables = tuple(data["head"]["vars"])
            rows = tuple(
                tuple(term_from_json(b[v]) if v in b else None for v in variables) for b in data["results"]["bindings"]
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise EndpointError(f"{self.shown} sent malformed SPARQL JSON results: {exc!r}") from None
        return Results(variables, rows)

    def construct(self, query: str) -> bytes:
        import pyoxigraph as ox

        body = self._post(query, NTRIPLES)
        try:
            for _ in ox.parse(input=body, format=ox.RdfFormat.N_TRIPLES):
                pass
        except (SyntaxError, ValueError) as exc:
            raise EndpointError(f"{self.shown} sent malformed N-Triples: {exc}") from None
        return body


@dataclass(frozen=True)
class Answer:
    """A server's answer: status, content type and body."""

    status: int
    content_type: str
    body: bytes


def one_line(text: str, limit: int = 200) -> str:
    """A server's error page as one short line: markup dropped, whitespace collapsed, cut at ``limit``."""
    text = " ".join(re.sub(r"<[^>]*>", " ", text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def http_call(request: urllib.request.Request, timeout: float, where: str, *, max_body: int | None = None) -> Answer:
    """Perform one HTTP request within ``timeout`` seconds in all; every failure becomes an :class:`EndpointError`.

    The timeout is a deadline for the whole exchange, not for each read, and at most
    ``max_body`` bytes of the answer are read.
    """
    deadline = time.monotonic() + timeout
    late = f"{where} did not answer within {timeout:g} s"
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = _read_body(response, deadline, MAX_BODY if max_body is None else max_body, where, late)
            return Answer(response.status, response.headers.get("Content-Type", ""), body)
    except urllib.error.HTTPError as exc:
        detail = one_line(exc.read(4000).decode("utf-8", errors="replace"))
        raise EndpointError(f"{where} answered HTTP {exc.code} {exc.reason}: {detail}".rstrip(": ")) from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, socket.timeout | TimeoutError):
            raise EndpointError(late) from None
        raise EndpointError(f"cannot reach {where}: {exc.reason}") from None
    except TimeoutError:
        raise EndpointError(late) from None
    except http.client.HTTPException as exc:  # a bad status line, a short body, a header line too long
        reason = f"{type(exc).__name__}: {one_line(str(exc), 120)}" if str(exc) else type(exc).__name__
        raise EndpointError(f"{where} sent a malformed HTTP answer ({reason})") from None
    except OSError as exc:
        raise EndpointError(f"connection to {where} failed: {exc}") from None


def _read_body(response: Any, deadline: float, max_body: int, where: str, late: str) -> bytes:
    sock = getattr(getattr(getattr(response, "fp", None), "raw", None), "_sock", None)
    chunks: list[bytes] = []
    size = 0
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise EndpointError(late)
        if sock is not None:
            sock.settimeout(remaining)  # no single read may outlast the deadline
        chunk = response.read1(CHUNK)  # what one read gives: a drip of bytes cannot hold the loop past the deadline
        if not chunk:
            missing = getattr(response, "length", None)
            if missing:  # the connection closed before the Content-Length was reached
                raise EndpointError(
                    f"{where} sent a malformed HTTP answer (IncompleteRead: {size} bytes read, {missing} more expected)"
                )
            return b"".join(chunks)
        size += len(chunk)
        if size > max_body:
            raise EndpointError(
                f"{where} sent more than {max_body / 2**20:g} MiB, the most kg reads of an answer;"
                " narrow the query (LIMIT, fewer columns)"
            )
        chunks.append(chunk)


def push_graph(
    ntriples: bytes,
    store: str,
    *,
    graph_iri: str | None = None,
    timeout: float = 60.0,
    credentials: Credentials | None = None,
    query_endpoint: str | None = None,
) -> int | None:
    """Replace a graph on a server with these N-Triples (SPARQL 1.1 Graph Store Protocol PUT), and check it.

    A Graph Store answers 201 Created or 204 No Content (200 with a body is allowed, but
    not an HTML page, which means the address is not a Graph Store). With a query endpoint,
    the triples are then counted on the server and must be as many as were sent; the count
    is returned (None when there was no query endpoint to count with).
    """
    _check_url(store, "store endpoint")
    shown = masked(store)
    store, credentials = split_credentials(store, credentials)
    target = "graph=" + urllib.parse.quote(graph_iri, safe="") if graph_iri else "default"
    url = f"{store}{'&' if '?' in store else '?'}{target}"
    headers = {"Content-Type": NTRIPLES, **(credentials.header() if credentials else {})}
    answer = http_call(urllib.request.Request(url, data=ntriples, headers=headers, method="PUT"), timeout, shown)
    if answer.status not in (200, 201, 204) or "html" in answer.content_type.lower():
        raise EndpointError(
            f"{shown} answered {answer.status} with {answer.content_type or 'no content type'}, not a Graph Store"
            " Protocol answer (201 Created or 204 No Content); is it the server's Graph Store address?"
        )
    if query_endpoint is None:
        return None
    sent = sum(1 for line in ntriples.splitlines() if line.strip() and not line.startswith(b"#"))
    pattern = f"GRAPH <{graph_iri}> {{ ?s ?p ?o }}" if graph_iri else "?s ?p ?o"
    backend = RemoteBackend(query_endpoint, timeout=timeout, credentials=credentials)
    rows = backend.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}").rows
    held = int(rows[0][0].value) if rows and rows[0][0] is not None else 0
    if held != sent:
        raise EndpointError(
            f"{shown} accepted the upload, but {masked(query_endpoint)} counts {held} triples in the"
            f" {'graph ' + graph_iri if graph_iri else 'default graph'}, not the {sent} sent"
        )
    return held
