"""``kg serve``: the built graph over HTTP, read-only, for a browser and for RDF clients.

One Starlette application over the cached build's Oxigraph store (opened read-only):

- ``/query``: a SPARQL 1.1 Protocol endpoint (GET, or POST form or ``application/sparql-query``),
  answered by pyoxigraph's own engine, results negotiated by ``Accept``;
- ``/sparql``: YASGUI, vendored in the package, with the presets as examples;
- ``/``: the graph browser;
- ``/id/...`` and ``/concept/...``: every resource of the graph by content negotiation, an HTML
  page for browsers and Turtle, N-Triples or JSON-LD for RDF clients (its triples, the triples
  pointing at it and its neighbours' labels); ``/ontology`` likewise for the ontology.

Paths are mapped onto the graph's base IRI, so ``/id/instrument/eu-ai-act`` is
``{base}instrument/eu-ai-act`` whatever host serves it: the same paths work behind a w3id redirect.
"""

from __future__ import annotations

import html
import json
import socket
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib.resources import files
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from kg.errors import QueryError, ServeError
from kg.shape import base_of
from kg.sparql import one_line
from kg.vocab import CONCEPT_BASE, KG

if TYPE_CHECKING:
    import pyoxigraph as ox
    from rdflib import Graph
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response

    from kg.cache import CachedBuild

ONTOLOGY = str(KG)  # the ontology namespace, served at /ontology
INCOMING_LIMIT = 1000  # statements pointing at a resource, beyond which a description says how many it left out

SELECT_TYPES = {  # media type -> pyoxigraph QueryResultsFormat name; the first is the default
    "application/sparql-results+json": "JSON",
    "application/sparql-results+xml": "XML",
    "text/csv": "CSV",
    "text/tab-separated-values": "TSV",
    "application/json": "JSON",
}
GRAPH_TYPES = ("text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml")
RESOURCE_TYPES = ("text/html", "text/turtle", "application/n-triples", "application/ld+json")
FORMAT_NAMES = {
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "html": "text/html",
}


@dataclass(frozen=True)
class Address:
    """What the server offers, and where."""

    what: str
    url: str


def negotiate(accept: str | None, offered: Iterable[str]) -> str | None:
    """The offered media type the ``Accept`` header prefers (the first offered for none or ``*/*``).

    Each offered type takes the quality of the most specific range that matches it (so
    ``text/html;q=0, */*`` refuses HTML); ties go to the order of ``offered``. ``None``
    when the header accepts none of them (the caller answers 406).
    """
    offered = list(offered)
    if not accept or not accept.strip():
        return offered[0]
    ranges: list[tuple[str, float]] = []
    for part in accept.split(","):
        fields = [f.strip() for f in part.split(";")]
        quality = 1.0
        for field in fields[1:]:
            if field.startswith("q="):
                try:
                    quality = float(field[2:])
                except ValueError:
                    quality = 0.0
        if fields[0]:
            ranges.append((fields[0].lower(), quality))
    best: tuple[float, int, str] | None = None
    for index, media in enumerate(offered):
        matches = [
            (2 if wanted == media else 1 if wanted == media.split("/")[0] + "/*" else 0, quality)
            for wanted, quality in ranges
            if wanted in (media, media.split("/")[0] + "/*", "*/*")
        ]
        if not matches:
            continue
        quality = max(matches)[1]
        if quality > 0 and (best is None or (quality, -index) > best[:2]):
            best = (quality, -index, media)
    return best[2] if best else None


class Site:
    """The served graph: its store, base IRI, pages and prefixes."""

    def __init__(self, cached: CachedBuild, *, lang: str = "en", allow_service: bool = False) -> None:
        from kg.ontology import graph_prefixes
        from kg.sparql import OxigraphBackend

        self.backend = OxigraphBackend.open(cached.store)
        self.store: ox.Store = self.backend.store  # type: ignore[assignment]
        self.base_iri = base_of(cached.base_iri)
        self.lang = lang
        self.allow_service = allow_service
        self.prefixes = graph_prefixes(self.base_iri)
        self.cached = cached
        self._pages: dict[str, bytes] = {}

    # Paths and IRIs -------------------------------------------------------------------------

    def iri_of(self, path: str) -> str | None:
        """The IRI a request path names, or None."""
        if path.startswith("/id/"):
            return self.base_iri + path[len("/id/") :]
        if path.startswith("/concept/"):
            return CONCEPT_BASE + path[len("/concept/") :]
        return None

    def path_of(self, iri: str) -> str | None:
        """The local path of an IRI this server describes, or None."""
        if iri.startswith(self.base_iri):
            return "/id/" + iri[len(self.base_iri) :]
        if iri.startswith(CONCEPT_BASE):
            return "/concept/" + iri[len(CONCEPT_BASE) :]
        if iri.startswith(ONTOLOGY):
            return "/ontology#" + iri[len(ONTOLOGY) :]
        return None

    # Pages ----------------------------------------------------------------------------------

    def page(self, name: str, make: Callable[[], str]) -> bytes:
        """A page made once and kept (the graph does not change while served)."""
        if name not in self._pages:
            self._pages[name] = make().encode("utf-8")
        return self._pages[name]

    def browser_html(self) -> str:
        """The graph browser of ``kg build``, made from the served graph."""
        from kg.viz import render_html

        return render_html(self.cached.graph(), lang=self.lang)

    def editor_html(self) -> str:
        """YASGUI with the presets as examples and completions from this graph's own terms."""
        from kg.presets import load_presets

        examples = [
            {"name": p.name, "title": p.title, "description": p.description, "query": p.query}
            for p in sorted(load_presets().values(), key=lambda p: p.name)
        ]
        terms = {
            "classes": self._terms("SELECT DISTINCT ?t WHERE { ?x a ?t } ORDER BY ?t"),
            "properties": self._terms("SELECT DISTINCT ?t WHERE { ?x ?t ?y } ORDER BY ?t"),
        }
        data = {"examples": examples, "terms": terms, "prefixes": self.prefixes}
        text = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
        template = files("kg").joinpath("serve_editor.html").read_text(encoding="utf-8")
        return template.replace("/*__DATA__*/", text)

    def _terms(self, query: str) -> list[str]:
        return [s["t"].value for s in self.store.query(query)]  # type: ignore[union-attr]

    # Descriptions ---------------------------------------------------------------------------

    def describe(self, iri: str) -> tuple[bytes, int] | None:
        """A resource's description as sorted N-Triples, and how many incoming statements it left out.

        Its own statements, the statements pointing at it (up to INCOMING_LIMIT) and the labels
        of every neighbour and predicate. None when the graph says nothing of it.
        """
        import pyoxigraph as ox

        from kg.shape import LABEL_PREDICATES

        node = ox.NamedNode(iri)
        outgoing = [q.triple for q in self.store.quads_for_pattern(node, None, None)]
        incoming = sorted((q.triple for q in self.store.quads_for_pattern(None, None, node)), key=str)
        if not outgoing and not incoming:
            return None
        left_out = max(0, len(incoming) - INCOMING_LIMIT)
        incoming = incoming[:INCOMING_LIMIT]
        triples = set(outgoing) | set(incoming)
        neighbours = {t.predicate for t in triples}
        neighbours |= {t.object for t in outgoing if isinstance(t.object, ox.NamedNode)}
        neighbours |= {t.subject for t in incoming if isinstance(t.subject, ox.NamedNode)}
        labels = [ox.NamedNode(str(p)) for p in LABEL_PREDICATES]
        for other in neighbours - {node}:
            for predicate in labels:
                triples.update(q.triple for q in self.store.quads_for_pattern(other, predicate, None))
        lines = sorted(f"{t.subject} {t.predicate} {t.object} .\n" for t in triples)
        return "".join(lines).encode("utf-8"), left_out

    def rdf(self, ntriples: bytes, media: str) -> bytes:
        """N-Triples in an RDF media type (Turtle, N-Triples or JSON-LD), sorted and without repeats."""
        from kg.output import RdfFormat, serialize_ntriples

        formats = {"application/n-triples": RdfFormat.ntriples, "application/ld+json": RdfFormat.jsonld}
        return serialize_ntriples(ntriples, formats.get(media, RdfFormat.turtle), self.prefixes)

    def resource_html(self, iri: str, ntriples: bytes, left_out: int, lang: str) -> str:
        """The HTML page of a resource: its label, types, statements and what points at it."""
        from rdflib import RDF, URIRef

        from kg.shape import label_in
        from kg.terms import rdflib_graph

        graph = rdflib_graph(ntriples, prefixes=self.prefixes)
        node = URIRef(iri)
        title = label_in(graph, node, lang) or iri
        types = ", ".join(self._link(graph, t, lang) for t in sorted(graph.objects(node, RDF.type), key=str))
        values: dict[URIRef, list[str]] = {}
        for predicate, value in sorted(graph.predicate_objects(node), key=lambda pv: (str(pv[0]), str(pv[1]))):
            if predicate != RDF.type:
                shown = self._link(graph, value, lang) if isinstance(value, URIRef) else self._literal(value)
                values.setdefault(predicate, []).append(shown)  # type: ignore[arg-type]
        referrers: dict[URIRef, list[str]] = {}
        for subject, predicate in sorted(graph.subject_predicates(node), key=lambda sp: (str(sp[1]), str(sp[0]))):
            if isinstance(subject, URIRef) and subject != node:
                referrers.setdefault(predicate, []).append(self._link(graph, subject, lang))  # type: ignore[arg-type]
        rows, back = (
            [
                f"<tr><th>{self._link(graph, predicate, lang)}</th><td>{'<br>'.join(shown)}</td></tr>"
                for predicate, shown in grouped.items()
            ]
            for grouped in (values, referrers)
        )
        more = (
            f'<p class="more">{left_out} more statements point here; ask the '
            f'<a href="/sparql">query editor</a> for them.</p>'
            if left_out
            else ""
        )
        words = WORDS[lang]
        path = self.path_of(iri) or ""
        formats = " · ".join(
            f'<a href="{html.escape(path)}?format={key}" type="{media}">{label}</a>'
            for key, media, label in (
                ("ttl", "text/turtle", "Turtle"),
                ("nt", "application/n-triples", "N-Triples"),
                ("jsonld", "application/ld+json", "JSON-LD"),
            )
        )
        other = "zh" if lang == "en" else "en"
        return RESOURCE_PAGE.format(
            lang=lang,
            title=html.escape(title),
            iri=html.escape(iri),
            types_value=types,
            statements_rows="\n".join(rows),
            incoming_rows="\n".join(back) or f'<tr><td colspan="2">{words["none"]}</td></tr>',
            more=more,
            formats=formats,
            switch=f'<a href="{html.escape(path)}?lang={other}">{"中文" if other == "zh" else "English"}</a>',
            **words,
        )

    def _link(self, graph: Graph, node: Any, lang: str) -> str:
        from kg.shape import label_in
        from kg.terms import compact_iri

        iri = str(node)
        label = label_in(graph, node, lang) or compact_iri(iri, self.prefixes) or iri
        path = self.path_of(iri)
        target = path if path is not None else iri
        suffix = f"?lang={lang}" if path is not None and lang != self.lang and "#" not in path else ""
        return f'<a href="{html.escape(target)}{suffix}" title="{html.escape(iri)}">{html.escape(label)}</a>'

    @staticmethod
    def _literal(value: Any) -> str:
        text = html.escape(str(value))
        tag = f' <span class="tag">@{value.language}</span>' if getattr(value, "language", None) else ""
        if str(value).startswith(("http://", "https://")):
            return f'<a href="{text}" rel="nofollow">{text}</a>'
        return f"<span>{text}</span>{tag}"

    def ontology_html(self, lang: str) -> str:
        """Every term of the ontology with its labels and comment, anchored by its local name."""
        query = f"""
            PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
            SELECT ?t ?type ?label ?comment WHERE {{
              ?t a ?type . FILTER(STRSTARTS(STR(?t), "{ONTOLOGY}"))
              OPTIONAL {{ ?t rdfs:label ?label FILTER(LANGMATCHES(LANG(?label), "{lang}")) }}
              OPTIONAL {{ ?t rdfs:comment ?comment FILTER(LANGMATCHES(LANG(?comment), "{lang}")) }}
            }} ORDER BY ?t ?type"""
        seen: dict[str, list[str]] = {}
        for solution in self.store.query(query):  # type: ignore[union-attr]
            term = solution["t"].value
            if term in seen:
                continue
            name = term[len(ONTOLOGY) :]
            label = solution["label"].value if solution["label"] else ""
            comment = solution["comment"].value if solution["comment"] else ""
            kind = solution["type"].value.rsplit("#", 1)[-1]
            seen[term] = [
                f'<tr id="{html.escape(name)}"><th><code>kg:{html.escape(name)}</code></th><td>{html.escape(kind)}</td>'
                f"<td>{html.escape(label)}</td><td>{html.escape(comment)}</td></tr>"
            ]
        rows = "\n".join(r for lines in seen.values() for r in lines)
        return ONTOLOGY_PAGE.format(lang=lang, rows=rows, count=len(seen), **WORDS[lang])

    def ontology_ttl(self) -> bytes:
        return files("kg").joinpath("ontology.ttl").read_bytes()

    # SPARQL ---------------------------------------------------------------------------------

    def run_query(
        self, query: str, accept: str | None, default_graphs: list[str], named_graphs: list[str]
    ) -> tuple[bytes, str]:
        """Run a query on the store: the body and its media type (raises QueryError, or ServeError for 406)."""
        import pyoxigraph as ox

        from kg.presets import uses_service

        if not self.allow_service and uses_service(query):
            raise QueryError("SERVICE is disabled on this server (start it with --allow-service to allow it)")
        options: dict[str, Any] = {}
        if default_graphs:
            options["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
        if named_graphs:
            options["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        results = self.backend.execute(query, **options)  # QueryError on a syntax or evaluation fault
        try:  # solutions are computed while they are written: a fault (a SERVICE call, say) can come here
            return self._answer(results, accept)
        except (OSError, ValueError) as exc:
            raise QueryError(f"query failed: {exc}") from None

    def _answer(self, results: object, accept: str) -> tuple[bytes, str]:
        """Query results in the best of the offered types the client accepts."""
        import pyoxigraph as ox

        if isinstance(results, (ox.QuerySolutions, ox.QueryBoolean)):
            media = negotiate(accept, SELECT_TYPES)
            if media is None:
                raise ServeError(
                    f"none of the accepted types ({accept}) is offered; offered: {', '.join(SELECT_TYPES)}"
                )
            body = results.serialize(format=getattr(ox.QueryResultsFormat, SELECT_TYPES[media]))
            return body, media
        media = negotiate(accept, GRAPH_TYPES)
        if media is None:
            raise ServeError(f"none of the accepted types ({accept}) is offered; offered: {', '.join(GRAPH_TYPES)}")
        if media == "application/rdf+xml":
            return results.serialize(format=ox.RdfFormat.RDF_XML), media  # type: ignore[union-attr]
        ntriples = results.serialize(format=ox.RdfFormat.N_TRIPLES)  # type: ignore[union-attr]
        return self.rdf(ntriples, media), media


WORDS = {
    "en": {
        "types": "Type",
        "statements": "Statements",
        "incoming": "Referenced by",
        "download": "Download",
        "browser": "Graph browser",
        "editor": "Query editor",
        "none": "nothing",
        "ontology": "Ontology",
        "terms": "terms",
    },
    "zh": {
        "types": "类型",
        "statements": "陈述",
        "incoming": "被引用",
        "download": "下载",
        "browser": "图谱浏览",
        "editor": "查询编辑器",
        "none": "无",
        "ontology": "本体",
        "terms": "个术语",
    },
}

STYLE = """<style>
body{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;
margin:0 auto;max-width:72rem;padding:1rem 1.5rem;color:#1d2733;line-height:1.45}
nav a{margin-right:1rem} h1{margin:.6rem 0 .2rem} .iri{color:#5b6775;font-size:.9rem;word-break:break-all}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.2rem}
th,td{border-top:1px solid #dde3ea;padding:.35rem .5rem;vertical-align:top;text-align:left}
th{width:16rem;font-weight:600;color:#33404d} .tag{color:#7a8794;font-size:.8rem}
.more{color:#8a4b00}
</style>"""

RESOURCE_PAGE = (
    """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">"""
    + STYLE.replace("{", "{{").replace("}", "}}")
    + """</head><body>
<nav><a href="/">{browser}</a><a href="/sparql">{editor}</a><a href="/ontology">{ontology}</a>{switch}</nav>
<h1 id="title">{title}</h1>
<div class="iri" id="iri">{iri}</div>
<p><b>{types}:</b> <span id="types">{types_value}</span></p>
<h2>{statements}</h2>
<table id="statements">
{statements_rows}
</table>
<h2>{incoming}</h2>
<table id="incoming">
{incoming_rows}
</table>
{more}
<p id="formats"><b>{download}:</b> {formats}</p>
</body></html>
"""
)

ONTOLOGY_PAGE = (
    """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{ontology}</title>"""
    + STYLE.replace("{", "{{").replace("}", "}}")
    + """</head><body>
<nav><a href="/">{browser}</a><a href="/sparql">{editor}</a></nav>
<h1>{ontology}</h1><p>{count} {terms} · <a href="/ontology?format=ttl">Turtle</a></p>
<table>
{rows}
</table>
</body></html>
"""
)


def create_app(site: Site) -> Starlette:
    """The read-only web application over a served graph."""
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse, Response
    from starlette.routing import Route

    def text_error(status: int, message: str) -> Response:
        return PlainTextResponse(message + "\n", status_code=status)

    async def browser(request: Request) -> Response:
        return Response(site.page("browser", site.browser_html), media_type="text/html; charset=utf-8")

    async def editor(request: Request) -> Response:
        return Response(site.page("editor", site.editor_html), media_type="text/html; charset=utf-8")

    async def asset(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in ("yasgui.min.js", "yasgui.min.css"):
            return text_error(404, f"no such file: {name}")
        media = "text/javascript" if name.endswith(".js") else "text/css"
        body = site.page(name, lambda: files("kg").joinpath("static", "yasgui", name).read_text(encoding="utf-8"))
        return Response(body, media_type=f"{media}; charset=utf-8", headers={"Cache-Control": "max-age=3600"})

    async def query(request: Request) -> Response:
        params = request.query_params
        queries = params.getlist("query")
        default_graphs = params.getlist("default-graph-uri")
        named_graphs = params.getlist("named-graph-uri")
        if request.method == "POST":
            kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if kind == "application/x-www-form-urlencoded":
                form = parse_qs((await request.body()).decode("utf-8", errors="replace"), keep_blank_values=True)
                if form.get("update"):
                    return text_error(403, "this server is read-only: SPARQL Update is not accepted")
                queries += form.get("query", [])
                default_graphs += form.get("default-graph-uri", [])
                named_graphs += form.get("named-graph-uri", [])
            elif kind == "application/sparql-query":
                queries.append((await request.body()).decode("utf-8", errors="replace"))
            elif kind == "application/sparql-update":
                return text_error(403, "this server is read-only: SPARQL Update is not accepted")
            else:
                return text_error(
                    415,
                    f"unsupported content type {kind or '(none)'}: send a form (query=...) or application/sparql-query",
                )
        elif params.getlist("update"):
            return text_error(403, "this server is read-only: SPARQL Update is not accepted")
        if len(queries) != 1:
            return text_error(400, "give exactly one query, as the query parameter or the request body")
        run = lambda: site.run_query(queries[0], request.headers.get("accept"), default_graphs, named_graphs)  # noqa: E731
        from starlette.concurrency import run_in_threadpool

        try:
            body, media = await run_in_threadpool(run)
        except ServeError as error:
            return text_error(406, str(error))
        except QueryError as error:
            return text_error(400, str(error))
        return Response(body, media_type=media, headers={"Vary": "Accept"})

    async def update(request: Request) -> Response:
        return text_error(403, "this server is read-only: SPARQL Update is not accepted")

    def wanted(request: Request, offered: tuple[str, ...]) -> str | None:
        chosen = request.query_params.get("format")
        if chosen:
            return FORMAT_NAMES.get(chosen)
        return negotiate(request.headers.get("accept"), offered)

    def language(request: Request) -> str:
        chosen = request.query_params.get("lang")
        if chosen in WORDS:
            return chosen
        return site.lang

    async def resource(request: Request) -> Response:
        iri = site.iri_of(request.url.path)
        media = wanted(request, RESOURCE_TYPES)
        if iri is None:
            return text_error(404, f"not found: {request.url.path}")
        if media is None:
            return text_error(
                406, f"offered: {', '.join(RESOURCE_TYPES)}; use Accept or ?format=ttl, nt, jsonld or html"
            )
        from starlette.concurrency import run_in_threadpool

        described = await run_in_threadpool(site.describe, iri)
        if described is None:
            return text_error(404, f"the graph says nothing about {iri}")
        ntriples, left_out = described
        headers = {"Vary": "Accept", "Link": f'<{iri}>; rel="canonical"'}
        if media == "text/html":
            page = await run_in_threadpool(site.resource_html, iri, ntriples, left_out, language(request))
            return Response(page, media_type="text/html; charset=utf-8", headers=headers)
        body = await run_in_threadpool(site.rdf, ntriples, media)
        return Response(body, media_type=media, headers=headers)

    async def ontology(request: Request) -> Response:
        media = wanted(request, RESOURCE_TYPES)
        if media == "text/html":
            page = site.page(f"ontology-{language(request)}", lambda: site.ontology_html(language(request)))
            return Response(page, media_type="text/html; charset=utf-8")
        if media == "text/turtle":
            return Response(site.ontology_ttl(), media_type="text/turtle")
        return text_error(406, "the ontology is offered as text/html and text/turtle")

    routes = [
        Route("/", browser, methods=["GET", "HEAD"]),
        Route("/favicon.ico", lambda request: Response(status_code=204), methods=["GET", "HEAD"]),
        Route("/sparql", editor, methods=["GET", "HEAD"]),
        Route("/static/yasgui/{name}", asset, methods=["GET", "HEAD"]),
        Route("/query", query, methods=["GET", "HEAD", "POST"]),
        Route("/update", update, methods=["GET", "POST", "PUT", "DELETE", "PATCH"]),
        Route("/id/{path:path}", resource, methods=["GET", "HEAD"]),
        Route("/concept/{path:path}", resource, methods=["GET", "HEAD"]),
        Route("/ontology", ontology, methods=["GET", "HEAD"]),
    ]

    async def failure(request: Request, error: Exception) -> Response:
        message = one_line(f"{type(error).__name__}: {error}")
        print(f"kg serve: {request.method} {request.url.path} failed: {message}", file=sys.stderr, flush=True)
        return text_error(500, f"internal error: {message}")

    return Starlette(routes=routes, exception_handlers={Exception: failure})


def addresses(host: str, port: int) -> list[Address]:
    """The addresses a server on ``host:port`` offers, for the user to open."""
    shown = f"[{host}]" if ":" in host else host
    root = f"http://{shown}:{port}"
    return [
        Address("graph browser", f"{root}/"),
        Address("query editor", f"{root}/sparql"),
        Address("SPARQL endpoint", f"{root}/query"),
        Address("resources", f"{root}/id/instrument/eu-ai-act"),
    ]


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port`` (port 0: any free port); one-line errors."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        reason = "it is in use" if exc.errno in (98, 48) else exc.strerror or str(exc)
        raise ServeError(
            f"cannot listen on {host}:{port}: {reason}; choose another with --port (0: any free port)"
        ) from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def run(site: Site, sock: socket.socket) -> None:
    """Serve until interrupted (Ctrl+C)."""
    import uvicorn

    config = uvicorn.Config(create_app(site), log_level="warning", access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    server.run(sockets=[sock])
