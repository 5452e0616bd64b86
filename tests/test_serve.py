"""``kg serve``: the real command on 127.0.0.1, asked by a real HTTP client and by headless Chromium."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDFS, SKOS

from kg.presets import load_presets
from kg.serve import negotiate

ROOT = Path(__file__).resolve().parents[1]
KG = str(Path(sys.executable).with_name("kg"))
AI_ACT = URIRef("https://w3id.org/ai-legislation-kg/id/instrument/eu-ai-act")
# one server and one Chromium for the whole module: under pytest-xdist, all its tests go to one worker
pytestmark = pytest.mark.xdist_group("kg-serve")


class Server:
    """``kg serve --port 0`` in a subprocess, with the addresses it printed."""

    def __init__(self, *args: str, cache: Path) -> None:
        env = {**os.environ, "KG_CACHE_DIR": str(cache)}
        self.process = subprocess.Popen(
            [KG, "serve", "--port", "0", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
        )
        self.lines = [self.process.stdout.readline() for _ in range(5)]
        assert self.lines[0].startswith("Serving "), [*self.lines, self.process.stderr.read()]
        self.url = self.lines[1].split()[-1].rstrip("/")

    def stop(self) -> str:
        self.process.terminate()
        out, err = self.process.communicate(timeout=30)
        return out + err


def call(url: str, *, data: bytes | None = None, headers: dict[str, str] | None = None, method: str | None = None):
    """(status, headers, body) of a request; errors are answers too."""
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def get_query(base: str, query: str, accept: str | None = None):
    return call(
        f"{base}/query?{urllib.parse.urlencode({'query': query})}", headers={"Accept": accept} if accept else {}
    )


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    running = Server("--data", str(ROOT / "data"), cache=tmp_path_factory.getbasetemp() / "kg-cache")
    yield running
    running.stop()


def test_it_prints_where_it_serves(server):
    assert (
        server.lines[0] == "Serving 56433 triples from " + str(ROOT / "data") + " (read-only). Press Ctrl+C to stop.\n"
    )
    names = [line.split("http")[0].strip() for line in server.lines[1:]]
    assert names == ["graph browser", "query editor", "SPARQL endpoint", "resources"]
    assert server.lines[4].strip().endswith("/id/instrument/eu-ai-act")
    assert server.url.startswith("http://127.0.0.1:")


def test_select_by_get_answers_standard_json(server):
    status, headers, body = get_query(server.url, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert status == 200 and headers["content-type"] == "application/sparql-results+json"
    assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == "56433"


def test_post_forms_and_query_bodies_and_result_types(server):
    query = f"SELECT ?t WHERE {{ <{AI_ACT}> <{DCTERMS.title}> ?t FILTER(LANG(?t) = 'en') }}"
    form = urllib.parse.urlencode({"query": query}).encode()
    status, headers, body = call(
        f"{server.url}/query",
        data=form,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/csv"},
    )
    assert (status, headers["content-type"], body) == (
        200,
        "text/csv; charset=utf-8",
        b"t\r\nArtificial Intelligence Act\r\n",
    )
    status, headers, body = call(
        f"{server.url}/query",
        data=query.encode(),
        headers={"Content-Type": "application/sparql-query", "Accept": "text/tab-separated-values"},
    )
    assert (status, body) == (200, b'?t\n"Artificial Intelligence Act"@en\n')
    status, headers, body = get_query(server.url, query, "application/sparql-results+xml")
    assert status == 200 and b'<literal xml:lang="en">Artificial Intelligence Act</literal>' in body
    status, headers, body = get_query(server.url, "ASK { ?s ?p ?o }")
    assert json.loads(body) == {"head": {}, "boolean": True}


def test_construct_is_negotiated(server):
    query = f"CONSTRUCT {{ <{AI_ACT}> <{DCTERMS.title}> ?t }} WHERE {{ <{AI_ACT}> <{DCTERMS.title}> ?t }}"
    _status, headers, body = get_query(server.url, query, "application/n-triples")
    assert headers["content-type"] == "application/n-triples"
    assert sorted(body.decode().splitlines()) == [
        f'<{AI_ACT}> <{DCTERMS.title}> "Artificial Intelligence Act"@en .',
        f'<{AI_ACT}> <{DCTERMS.title}> "人工智能法案"@zh .',
    ]
    _status, headers, body = get_query(server.url, query)  # no Accept: Turtle
    assert headers["content-type"] == "text/turtle; charset=utf-8"
    assert len(Graph().parse(data=body, format="turtle")) == 2


@pytest.mark.parametrize(
    ("request_args", "status", "message"),
    [
        (("GET", "/query?query=SELEC", None, {}), 400, "query syntax error at line 1, column 6: expected [_]"),
        (("GET", "/query", None, {}), 400, "give exactly one query, as the query parameter or the request body"),
        (
            ("POST", "/query", b"update=INSERT+DATA+%7B%3Ca%3Ab%3E+%3Ca%3Ac%3E+%3Ca%3Ad%3E%7D", {}),
            403,
            "this server is read-only: SPARQL Update is not accepted",
        ),
        (
            ("POST", "/update", b"INSERT DATA {}", {"Content-Type": "application/sparql-update"}),
            403,
            "this server is read-only: SPARQL Update is not accepted",
        ),
        (
            ("POST", "/query", b"x", {"Content-Type": "text/plain"}),
            415,
            "unsupported content type text/plain: send a form (query=...) or application/sparql-query",
        ),
        (
            ("GET", "/query?query=" + urllib.parse.quote("SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"),
             None, {}),
            400,
            "SERVICE is disabled on this server (start it with --allow-service to allow it)",
        ),
        (
            ("GET", "/query?query=ASK%7B%7D", None, {"Accept": "image/png"}),
            406,
            "none of the accepted types (image/png) is offered; offered: application/sparql-results+json,"
            " application/sparql-results+xml, text/csv, text/tab-separated-values, application/json",
        ),
        (("GET", "/id/instrument/no-such-act", None, {}), 404, "the graph says nothing about "
         "https://w3id.org/ai-legislation-kg/id/instrument/no-such-act"),
        (
            ("GET", "/id/instrument/eu-ai-act", None, {"Accept": "image/png"}),
            406,
            "offered: text/html, text/turtle, application/n-triples, application/ld+json;"
            " use Accept or ?format=ttl, nt, jsonld or html",
        ),
    ],
)  # fmt: skip
def test_faults_get_a_status_and_one_line(server, request_args, status, message):
    method, path, data, headers = request_args
    if method == "POST" and "Content-Type" not in headers:
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
    got_status, _got_headers, body = call(server.url + path, data=data, headers=headers, method=method)
    assert (got_status, body.decode()) == (status, message + "\n")


def test_it_is_read_only(server):
    assert call(f"{server.url}/query", method="PUT")[0] == 405
    assert call(f"{server.url}/id/instrument/eu-ai-act", method="DELETE")[0] == 405
    _status, _headers, body = get_query(server.url, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == "56433"


def test_an_iri_dereferences_to_its_description_in_three_rdf_formats(server):
    status, headers, turtle = call(f"{server.url}/id/instrument/eu-ai-act", headers={"Accept": "text/turtle"})
    assert status == 200 and headers["content-type"] == "text/turtle; charset=utf-8"
    assert headers["vary"] == "Accept"
    described = Graph().parse(data=turtle, format="turtle")
    assert (AI_ACT, DCTERMS.title, Literal("Artificial Intelligence Act", lang="en")) in described
    eu = URIRef("https://w3id.org/ai-legislation-kg/id/jurisdiction/eu")
    assert (AI_ACT, URIRef("https://w3id.org/ai-legislation-kg/ontology#jurisdiction"), eu) in described
    assert (eu, RDFS.label, Literal("European Union", lang="en")) in described  # a neighbour's label
    event = URIRef("https://w3id.org/ai-legislation-kg/id/event/eu-ai-act.2024-07-12.published")
    assert (event, URIRef("https://w3id.org/ai-legislation-kg/ontology#eventOf"), AI_ACT) in described  # incoming
    status, headers, ntriples = call(
        f"{server.url}/id/instrument/eu-ai-act", headers={"Accept": "application/n-triples"}
    )
    lines = ntriples.decode().splitlines()
    assert lines == sorted(lines) and len(lines) == len(described)
    status, headers, jsonld = call(f"{server.url}/id/instrument/eu-ai-act?format=jsonld")
    assert headers["content-type"] == "application/ld+json"
    assert Graph().parse(data=jsonld, format="json-ld").isomorphic(described)


def test_browsers_get_a_page_in_their_language(server):
    status, _headers, body = call(f"{server.url}/id/instrument/eu-ai-act", headers={"Accept": "text/html,*/*;q=0.8"})
    page = body.decode()
    assert status == 200 and '<h1 id="title">Artificial Intelligence Act</h1>' in page
    assert (
        '<a href="/id/jurisdiction/eu" title="https://w3id.org/ai-legislation-kg/id/jurisdiction/eu">European Union</a>'
        in page
    )
    status, _headers, body = call(f"{server.url}/id/jurisdiction/cn?lang=zh", headers={"Accept": "text/html"})
    assert '<h1 id="title">中国</h1>' in body.decode() and "<h2>被引用</h2>" in body.decode()


def test_concepts_and_the_ontology_dereference(server):
    status, _headers, body = call(
        f"{server.url}/concept/binding-force/hard_law", headers={"Accept": "application/n-triples"}
    )
    assert status == 200
    hard_law = "<https://w3id.org/ai-legislation-kg/concept/binding-force/hard_law>"
    assert f'{hard_law} <{SKOS.prefLabel}> "硬法"@zh .' in body.decode().splitlines()
    status, _headers, body = call(f"{server.url}/ontology", headers={"Accept": "text/turtle"})
    assert status == 200 and body == (ROOT / "kg" / "ontology.ttl").read_bytes()
    status, _headers, body = call(f"{server.url}/ontology")
    assert status == 200 and '<tr id="Instrument"><th><code>kg:Instrument</code></th>' in body.decode()


def test_the_browser_and_the_editor_pages_are_served(server):
    status, _headers, body = call(f"{server.url}/")
    assert status == 200 and b"window.kgReady" in body
    status, _headers, body = call(f"{server.url}/sparql")
    assert status == 200 and b'<script src="/static/yasgui/yasgui.min.js"></script>' in body
    status, _headers, body = call(f"{server.url}/static/yasgui/yasgui.min.js")
    assert body == (ROOT / "kg" / "static" / "yasgui" / "yasgui.min.js").read_bytes()


def test_a_port_in_use_is_one_line_and_exit_2(server, tmp_path_factory):
    port = server.url.rsplit(":", 1)[1]
    env = {**os.environ, "KG_CACHE_DIR": str(tmp_path_factory.getbasetemp() / "kg-cache")}
    done = subprocess.run(
        [KG, "serve", "--port", port, "--data", str(ROOT / "data")],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == (
        f"cannot listen on 127.0.0.1:{port}: it is in use; choose another with --port (0: any free port)"
    )


def test_the_base_iri_is_configurable(tiny_dir, tmp_path):
    tiny = Server("--data", str(tiny_dir), "--base-iri", "http://example.org/kg/", cache=tmp_path / "cache")
    try:
        status, _headers, body = call(
            f"{tiny.url}/id/instrument/xa-ai-law", headers={"Accept": "application/n-triples"}
        )
        assert status == 200
        assert '<http://example.org/kg/instrument/xa-ai-law> <http://purl.org/dc/terms/title> "AI Law"@en .' in (
            body.decode().splitlines()
        )
        assert call(f"{tiny.url}/id/instrument/eu-ai-act")[0] == 404
    finally:
        assert "Traceback" not in tiny.stop()


def test_content_negotiation_prefers_quality_then_specificity():
    offered = ("text/html", "text/turtle", "application/ld+json")
    assert negotiate(None, offered) == "text/html"
    assert negotiate("*/*", offered) == "text/html"
    assert negotiate("text/turtle;q=0.9, application/ld+json", offered) == "application/ld+json"
    assert negotiate("text/*;q=0.5, text/turtle", offered) == "text/turtle"
    assert negotiate("text/html;q=0, */*;q=0.1", offered) == "text/turtle"
    assert negotiate("image/png", offered) is None


@pytest.fixture(scope="module")
def editor(server):
    from playwright.sync_api import sync_playwright

    from tests.test_viz import ARGS, CHROMIUM

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        outside: list[str] = []
        errors: list[str] = []
        page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(server.url) else None)
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        yield page, outside, errors
        browser.close()


def test_the_editor_runs_a_preset_example_offline(server, editor, real_graph, tmp_path):
    from kg.presets import run_preset

    page, outside, errors = editor
    page.goto(f"{server.url}/sparql")
    page.wait_for_function("window.kgEditorReady === true")
    names = page.eval_on_selector_all("#examples option", "options => options.map(o => o.value).filter(Boolean)")
    assert names == sorted(load_presets())
    page.select_option("#examples", "compare-provisions")
    page.click(".yasqe_queryButton")
    page.wait_for_selector(".yasr .dataTable tbody tr")
    expected = run_preset(real_graph, "compare-provisions", concept="content-labelling")
    shown = page.locator(".yasr_response_chip").inner_text()
    assert shown.startswith(f"{len(expected)} results"), shown
    completions = page.evaluate(
        "Yasgui.Yasqe.Autocompleters['kg-property'].get(null, {autocompletionString: 'ontology#bindsact'})"
    )
    assert completions == ["https://w3id.org/ai-legislation-kg/ontology#bindsActor"]
    page.screenshot(path=str(tmp_path / "editor.png"))
    assert outside == [] and errors == []


def test_resource_pages_in_chromium(server, editor):
    page, outside, errors = editor
    page.goto(f"{server.url}/id/instrument/eu-ai-act")
    assert page.locator("#title").inner_text() == "Artificial Intelligence Act"
    page.click("text=中文")
    assert page.locator("#title").inner_text() == "人工智能法案"
    page.click('#statements a:text-is("欧盟")')
    assert page.url.endswith("/id/jurisdiction/eu?lang=zh")
    assert page.locator("#title").inner_text() == "欧盟"
    page.goto(f"{server.url}/")
    page.wait_for_function("window.kgReady === true", timeout=60000)
    assert outside == [] and errors == []


def test_a_failing_service_call_is_a_400_in_one_line(tiny_dir, tmp_path):
    """With --allow-service, a SERVICE that cannot be reached fails the query, not the server."""
    tiny = Server("--data", str(tiny_dir), "--allow-service", cache=tmp_path / "cache")
    try:
        query = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
        status, _headers, body = get_query(tiny.url, query, "text/csv")
        assert status == 400
        assert body.decode().startswith("query failed: ") and body.decode().count("\n") == 1, body
    finally:
        assert "Traceback" not in tiny.stop()
