"""The same presets on a real SPARQL server (Oxigraph), and clear errors when a server misbehaves."""

from __future__ import annotations

import http.server
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.output import RdfFormat, serialize
from kg.presets import load_presets
from kg.sparql import EndpointError, EndpointURLError, OxigraphBackend, RemoteBackend, push_graph
from kg.terms import rdflib_graph

from .conftest import DATA
from .sparql_helpers import bound_query, comparable

PRESETS = load_presets()
# one Oxigraph server, loaded once, for the whole module: under pytest-xdist, all its tests go to one worker
pytestmark = pytest.mark.xdist_group("oxigraph-server")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def oxigraph_binary() -> str:
    candidate = Path(sys.executable).parent / "oxigraph"
    found = str(candidate) if candidate.exists() else shutil.which("oxigraph")
    assert found, "the oxigraph server (PyPI package 'oxigraph') is a test dependency"
    return found


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory) -> Iterator[str]:
    """A real Oxigraph server on 127.0.0.1, stopped by its PID at the end."""
    port = free_port()
    location = tmp_path_factory.mktemp("oxigraph")
    process = subprocess.Popen(
        [oxigraph_binary(), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{base}/query?query=ASK%7B%7D", timeout=1).read()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("oxigraph server did not start") from None
                time.sleep(0.2)
        yield base
    finally:
        os.kill(process.pid, signal.SIGTERM)
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def oxigraph_store(real_graph):
    """An in-memory pyoxigraph store of the real graph (loaded from rdflib's graph, not from the build's store)."""
    import pyoxigraph as ox

    store = ox.Store()
    store.load(serialize(real_graph, RdfFormat.ntriples), format=ox.RdfFormat.N_TRIPLES)
    return store


@pytest.fixture(scope="module")
def pushed(oxigraph_server, real_graph) -> str:
    push_graph(serialize(real_graph, RdfFormat.ntriples), f"{oxigraph_server}/store")
    return oxigraph_server


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_preset_gives_the_same_rows_remotely(name, pushed, real_build):
    """The server's rows are the rows of the local fast store, which kg query uses by default.

    That the fast store agrees with rdflib's engine is test_presets_engines' job.
    """
    from rdflib.compare import isomorphic

    preset = PRESETS[name]
    local = OxigraphBackend.open(real_build.store)
    remote = RemoteBackend(f"{pushed}/query", timeout=30)
    query = bound_query(preset, local)
    if preset.is_construct:
        from .test_presets_engines import canonical_numbers

        ours, theirs = rdflib_graph(local.construct(query)), rdflib_graph(remote.construct(query))
        assert isomorphic(canonical_numbers(ours), canonical_numbers(theirs))
        return
    ours, theirs = local.select(query), remote.select(query)
    assert ours.variables == theirs.variables
    assert comparable(ours) == comparable(theirs)


STANDALONE = sorted(
    name for name, p in PRESETS.items() if not p.is_construct and not any(x.required for x in p.parameters)
)


def test_the_standalone_presets_are_the_ones_without_required_parameters():
    assert STANDALONE == [
        "activity", "bodies", "comparison", "ended", "international", "risk-tiers", "soft-law-around-unified",
        "status-on-date", "subnational", "table2", "unclassified",
    ]  # fmt: skip


@pytest.mark.parametrize("name", STANDALONE)
def test_a_preset_file_runs_as_written_anywhere_with_the_rows_of_kg_query(name, pushed, oxigraph_store):
    """The .rq text, unchanged, on pyoxigraph and on the server: the rows `kg query NAME` gives."""
    import json

    from .sparql_helpers import oxigraph_select

    raw = PRESETS[name].query  # exactly the file's text: its defaults are in its VALUES blocks
    embedded = oxigraph_select(oxigraph_store, raw)
    served = RemoteBackend(f"{pushed}/query", timeout=30).select(raw)
    result = CliRunner().invoke(main, ["query", name, "--format", "json", "--data", str(DATA)])
    assert result.exit_code == 0, result.output
    from kg.sparql import term_from_json

    data = json.loads(result.output)
    ours = [
        tuple(term_from_json(b[v]) if v in b else None for v in data["head"]["vars"])
        for b in data["results"]["bindings"]
    ]
    as_kg = [tuple(None if t is None else (t.kind, t.value, t.lang, t.datatype) for t in row) for row in ours]
    assert tuple(data["head"]["vars"]) == embedded.variables == served.variables
    assert comparable(embedded) == comparable(served) == as_kg
    assert as_kg, name  # not vacuous: every standalone preset has rows on the real data


def test_parameters_resolve_on_the_server(pushed):
    remote = RemoteBackend(f"{pushed}/query")
    from kg.presets import resolve

    assert str(resolve("instrument", "EO 14110", remote)).endswith("/instrument/us-eo-14110")


def test_cli_push_and_query_against_the_server(oxigraph_server, real_graph):
    runner = CliRunner()
    graph_iri = "https://example.org/graph/ai"
    result = runner.invoke(
        main, ["push", "--data", str(DATA), "--endpoint", f"{oxigraph_server}/store", "--graph", graph_iri]
    )
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"Pushed {len(real_graph)} triples to {oxigraph_server}/store (graph {graph_iri}; {len(real_graph)} counted"
        " on the server).\n"
    )
    local = runner.invoke(main, ["query", "table2", "--format", "csv", "--data", str(DATA)])
    remote = runner.invoke(
        main, ["query", "table2", "--format", "csv", "--endpoint", f"{oxigraph_server}/query", "--graph", graph_iri]
    )
    assert remote.exit_code == 0, remote.output
    assert remote.output == local.output
    assert len(remote.output.splitlines()) == 16


# --- faults ---------------------------------------------------------------------


class FaultHandler(http.server.BaseHTTPRequestHandler):
    mode = "500"
    seen: ClassVar[list[dict[str, str]]] = []  # the headers of each request, to check what was sent

    def do_PUT(self) -> None:
        self.do_POST()

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.seen.append(dict(self.headers))
        if self.mode == "slow":
            time.sleep(5)
        if self.mode == "500":
            self.send_response(500, "Internal Server Error")
            self.end_headers()
            self.wfile.write(b"boom")
            return
        if self.mode == "500-html":
            self.send_response(500, "Internal Server Error")
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            page = b"<html>\n<head><title>Error</title></head>\n<body>\n<h1>Query failed</h1>\n<p>line 1</p>\n"
            self.wfile.write(page + b"</body></html>")
            return
        if self.mode == "drip":  # headers at once, then one byte every 0.4 s: each read is quick
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.end_headers()
            for _ in range(40):
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(0.4)
            return
        if self.mode == "big":
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.end_headers()
            self.wfile.write(b" " * 5000)
            return
        if self.mode == "bad-status":
            self.wfile.write(b"HTTP/1.1 abc nonsense\r\n\r\n")
            return
        if self.mode == "short":
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(b'{"head": ')
            return
        if self.mode == "huge-header":
            self.send_response(200)
            self.send_header("X-Padding", "x" * 70_000)
            self.end_headers()
            return
        if self.mode == "html-200":  # a web page where a Graph Store was expected
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(b"<html><body>Welcome</body></html>")
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.end_headers()
        self.wfile.write(b'{"head": {"vars": ["x"]}, "results": ' if self.mode == "malformed" else b"{}")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def fault_server() -> Iterator[tuple[str, type[FaultHandler]]]:
    handler = type("Handler", (FaultHandler,), {"seen": []})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/query", handler
    finally:
        server.shutdown()
        server.server_close()


def run_remote(endpoint: str, timeout: float = 2.0):
    return CliRunner().invoke(
        main,
        ["query", "--sparql", "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "--endpoint", endpoint, "--timeout", str(timeout)],
    )


def test_unreachable_endpoint():
    endpoint = f"http://127.0.0.1:{free_port()}/query"
    result = run_remote(endpoint)
    assert result.exit_code == 3
    assert result.stderr.startswith(f"cannot reach {endpoint}: ")
    assert "Connection refused" in result.stderr


def test_http_error(fault_server):
    endpoint, handler = fault_server
    handler.mode = "500"
    result = run_remote(endpoint)
    assert result.exit_code == 3
    assert result.stderr == f"{endpoint} answered HTTP 500 Internal Server Error: boom\n"


@pytest.mark.parametrize(
    ("mode", "timeout", "within"),
    [
        ("slow", 0.5, 3),  # no answer at all
        ("drip", 1.5, 4),  # one byte every 0.4 s: each read is quick, the whole answer is not
    ],
)
def test_the_timeout_is_a_deadline_for_the_whole_answer(fault_server, mode, timeout, within):
    endpoint, handler = fault_server
    handler.mode = mode
    started = time.monotonic()
    result = run_remote(endpoint, timeout=timeout)
    assert time.monotonic() - started < within
    assert result.exit_code == 3
    assert result.stderr == f"{endpoint} did not answer within {timeout:g} s\n"


@pytest.mark.parametrize("mode", ["malformed", "empty"])
def test_malformed_results(fault_server, mode):
    endpoint, handler = fault_server
    handler.mode = mode
    result = run_remote(endpoint)
    assert result.exit_code == 3
    assert result.stderr.startswith(f"{endpoint} sent malformed SPARQL JSON results: ")


def test_endpoint_must_be_http():
    with pytest.raises(EndpointURLError, match="endpoint must be an http\\(s\\) URL, got 'file:///etc/passwd'"):
        RemoteBackend("file:///etc/passwd")


def test_real_server_rejecting_a_query(oxigraph_server):
    endpoint = f"{oxigraph_server}/query"
    result = CliRunner().invoke(
        main, ["query", "--sparql", "SELECT ?x WHERE { ?x ?y ?z } ORDER BY", "--endpoint", endpoint]
    )
    assert result.exit_code == 3
    assert result.stderr.startswith(f"{endpoint} answered HTTP 400 Bad Request: ")
    assert "Traceback" not in result.output


def test_real_server_answering_an_error(oxigraph_server):
    endpoint = f"{oxigraph_server}/query"
    remote = RemoteBackend(endpoint, timeout=5)
    with pytest.raises(EndpointError, match=rf"^{endpoint} answered HTTP 400 Bad Request: "):
        remote.select("SELECT ?x WHERE { ?x ?y ?z } ORDER BY")


def test_real_server_gone(tmp_path_factory):
    port = free_port()
    process = subprocess.Popen(
        [oxigraph_binary(), "serve", "--location", str(tmp_path_factory.mktemp("gone")), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.kill(process.pid, signal.SIGTERM)
    process.wait(timeout=10)
    result = run_remote(f"http://127.0.0.1:{port}/query")
    assert result.exit_code == 3
    assert result.stderr.startswith(f"cannot reach http://127.0.0.1:{port}/query: ")


# --- faults of the network layer: one line, exit 3, within the timeout -------------------


def test_an_answer_too_big_is_refused(fault_server, monkeypatch):
    import kg.sparql

    endpoint, handler = fault_server
    handler.mode = "big"
    monkeypatch.setattr(kg.sparql, "MAX_BODY", 1024)
    with pytest.raises(EndpointError) as error:
        RemoteBackend(endpoint, timeout=5).select("SELECT * WHERE { ?s ?p ?o }")
    assert str(error.value) == (
        f"{endpoint} sent more than 0.000976562 MiB, the most kg reads of an answer; narrow the query (LIMIT, fewer"
        " columns)"
    )


@pytest.mark.parametrize(
    ("mode", "message"),
    [
        ("500-html", "{e} answered HTTP 500 Internal Server Error: Error Query failed line 1"),
        ("bad-status", "{e} sent a malformed HTTP answer (BadStatusLine: HTTP/1.1 abc nonsense)"),
        ("short", "{e} sent a malformed HTTP answer (IncompleteRead: 9 bytes read, 991 more expected)"),
        (
            "huge-header",
            "{e} sent a malformed HTTP answer (LineTooLong: got more than 65536 bytes when reading header line)",
        ),
    ],
)
def test_a_misbehaving_server_gets_one_line(fault_server, mode, message):
    endpoint, handler = fault_server
    handler.mode = mode
    result = run_remote(endpoint)
    assert result.exit_code == 3
    assert result.stderr == message.format(e=endpoint) + "\n"
    assert "Traceback" not in result.output


def test_push_does_not_trust_a_web_page(fault_server):
    endpoint, handler = fault_server
    handler.mode = "html-200"
    store = endpoint.replace("/query", "/store")
    result = CliRunner().invoke(main, ["push", "--endpoint", store, "--data", str(DATA), "--timeout", "10"])
    assert result.exit_code == 3
    assert result.stderr == (
        f"{store} answered 200 with text/html; charset=utf-8, not a Graph Store Protocol answer (201 Created or 204"
        " No Content); is it the server's Graph Store address?\n"
    )


def test_credentials_come_from_the_environment_and_are_never_shown(fault_server, monkeypatch):
    import base64

    endpoint, handler = fault_server
    handler.mode = "500"
    monkeypatch.setenv("KG_TEST_PASSWORD", "s3cret")
    monkeypatch.setenv("KG_TEST_TOKEN", "tok-123")
    args = ["query", "--sparql", "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "--endpoint", endpoint]
    basic = CliRunner().invoke(main, [*args, "--user", "ana", "--password-env", "KG_TEST_PASSWORD"])
    bearer = CliRunner().invoke(main, [*args, "--token-env", "KG_TEST_TOKEN"])
    assert [h.get("Authorization") for h in handler.seen] == [
        "Basic " + base64.b64encode(b"ana:s3cret").decode(),
        "Bearer tok-123",
    ]
    assert "s3cret" not in basic.output and "tok-123" not in bearer.output
    # a password written into the URL is sent as Basic credentials and masked in every message
    with_password = endpoint.replace("http://", "http://ana:pa55@")
    result = CliRunner().invoke(main, ["query", "--sparql", "SELECT * WHERE { ?s ?p ?o }", "--endpoint", with_password])
    assert handler.seen[-1]["Authorization"] == "Basic " + base64.b64encode(b"ana:pa55").decode()
    assert (
        result.stderr
        == f"{endpoint.replace('http://', 'http://ana:***@')} answered HTTP 500 Internal Server Error: boom\n"
    )
    missing = CliRunner().invoke(main, [*args, "--user", "ana", "--password-env", "KG_NOT_SET"])
    assert missing.exit_code == 2
    assert "--password-env KG_NOT_SET: the environment variable KG_NOT_SET is not set" in missing.stderr
