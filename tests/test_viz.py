"""The HTML graph browser, loaded offline in real headless Chromium (Debian's, driven by Playwright)."""

from __future__ import annotations

import shutil
import struct
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, SDO

from kg.graph import build_graph
from kg.network import to_networkx
from kg.tables import load_dataset
from kg.viz import render_html

# one Chromium and one loaded page for the whole module: under pytest-xdist, all its tests go to one worker
pytestmark = pytest.mark.xdist_group("chromium")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# The side-by-side view of chatbot disclosure: (column heading, number of provisions), in label order.
CHATBOT_COLUMNS = [
    ["California", 2], ["China", 1], ["Colorado", 1], ["Council of Europe", 1], ["European Union", 2],
    ["South Korea", 2], ["Texas", 1], ["Utah", 4], ["Vietnam", 1],
]  # fmt: skip
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Debian's chromium is needed: make test installs it"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


class Page:
    """A page loaded from file:// with every non-file request blocked and recorded."""

    def __init__(self, browser, path: Path) -> None:
        self.errors: list[str] = []
        self.external: list[str] = []
        self.page = browser.new_page(viewport={"width": 1400, "height": 900})
        self.page.on(
            "console",
            lambda m: self.errors.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None,
        )
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        self.page.on("dialog", lambda d: (self.errors.append(f"dialog: {d.message}"), d.dismiss()))
        self.page.route("**/*", self._route)
        self.page.goto(path.as_uri())
        self.page.wait_for_function("window.kgReady === true", timeout=30000)

    def _route(self, route) -> None:
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            self.external.append(route.request.url)
            route.abort()

    def visible_ids(self) -> set[str]:
        return set(self.page.evaluate("kgNetwork.body.data.nodes.get({filter: n => !n.hidden}).map(n => n.id)"))

    def click_node(self, node: str) -> None:
        """Click a node where it is drawn (physics stopped, the node moved clear of the others and zoomed in)."""
        point = self.page.evaluate(
            """id => {
                kgNetwork.stopSimulation();
                kgNetwork.setOptions({physics: false});
                const xs = Object.values(kgNetwork.getPositions()).map(q => q.x);
                kgNetwork.moveNode(id, Math.max(...xs) + 400, 0);
                const p = kgNetwork.getPosition(id);
                kgNetwork.moveTo({position: p, scale: 3, animation: false});
                return kgNetwork.canvasToDOM(p);
            }""",
            node,
        )
        assert self.page.evaluate("p => kgNetwork.getNodeAt(p)", point) == node
        box = self.page.locator("#network").bounding_box()
        self.page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])


@pytest.fixture(scope="module")
def real_page(browser, real_graph, tmp_path_factory) -> Iterator[Page]:
    path = tmp_path_factory.mktemp("viz") / "graph.html"
    path.write_text(render_html(real_graph), encoding="utf-8")
    page = Page(browser, path)
    yield page
    page.page.close()


def test_page_loads_offline_without_errors(real_page):
    assert real_page.errors == []
    assert real_page.external == []


FIRST_VIEW = ("jurisdiction", "instrument", "model", "orientation")  # articles, bodies and topics on request


def test_node_and_edge_counts_equal_the_graph(real_page, real_graph):
    net = to_networkx(real_graph)
    assert real_page.page.evaluate("kgStats") == {"nodes": net.number_of_nodes(), "edges": net.number_of_edges()}
    first = {k for k, d in net.nodes(data=True) if d["kind"] in FIRST_VIEW}
    assert real_page.visible_ids() == first
    assert len(first) == 475
    real_page.page.check("#f-details")
    assert len(real_page.visible_ids()) == net.number_of_nodes()
    real_page.page.click("#reset")
    assert real_page.visible_ids() == first


def test_search_ranks_names_and_aliases_first_and_lists_the_matches(real_page):
    page = real_page.page
    for query, found in [
        ("AI Act", "instrument:eu-ai-act"),  # a short name, before the many titles that contain the words
        ("2024/1689", "instrument:eu-ai-act"),  # a word of an identifier
        ("PIPL", "instrument:cn-pipl"),
        ("个人信息保护法", "instrument:cn-pipl"),
    ]:
        page.fill("#search", query)
        assert page.evaluate("kgMatches()[0]") == found, query
        assert page.evaluate("kgFocused") == found
    page.fill("#search", "AI Act")
    first = page.locator("#search-list li").first
    assert first.locator("button").inner_text() == "Artificial Intelligence Act"
    assert first.locator(".match-meta").inner_text() == "European Union · Law"
    assert page.inner_text("#search-result") == "Matches: 14 (1)"
    page.locator("#search-list li").nth(1).locator("button").click()  # a match is focused by a click
    assert page.evaluate("kgFocused") == "instrument:us-ai-action-plan"
    page.click("#lang-zh")
    assert page.inner_text("#search-result") == "匹配: 14 (2)"
    assert page.locator("#search-list li").first.locator(".match-meta").inner_text() == "欧盟 · 法律"
    assert "(" not in page.inner_text("#legend").split("法律文件")[0]  # words, no internal shape names
    page.click("#lang-en")
    page.fill("#search", "")
    page.click("#reset")


def test_jurisdiction_filter(real_page, real_dataset):
    page = real_page.page
    page.select_option("#f-jurisdiction", ["jurisdiction:sg"])
    visible = real_page.visible_ids()
    instruments = {i for i in visible if i.startswith("instrument:")}
    expected = {f"instrument:{r['id']}" for r in real_dataset.rows("instruments") if r["jurisdiction"] == "sg"}
    assert instruments == expected
    assert "jurisdiction:sg" in visible and "jurisdiction:cn" not in visible
    page.click("#reset")
    assert len(real_page.visible_ids()) == page.evaluate("kgView.nodes") == 475


def test_binding_force_and_year_filters(real_page, real_dataset, real_graph):
    page = real_page.page
    page.uncheck("#f-hard")
    instruments = {i for i in real_page.visible_ids() if i.startswith("instrument:")}
    soft = {f"instrument:{r['id']}" for r in real_dataset.rows("instruments") if r["binding_force"] == "soft_law"}
    assert instruments == soft
    page.click("#reset")
    page.fill("#f-from", "2024")
    page.dispatch_event("#f-from", "change")
    page.uncheck("#f-undated")
    net = to_networkx(real_graph)
    recent = {k for k, d in net.nodes(data=True) if d["kind"] == "instrument" and d["first_year"] >= 2024}
    assert len(recent) > 10
    assert {i for i in real_page.visible_ids() if i.startswith("instrument:")} == recent
    page.click("#reset")


def test_search_focuses_and_highlights(real_page):
    page = real_page.page
    page.fill("#search", "个人信息保护法")
    assert page.evaluate("kgFocused") == "instrument:cn-pipl"
    panel = page.inner_text("#panel")
    assert "Personal Information Protection Law of the People's Republic of China" in panel
    assert "2021-08-20" in panel
    assert "第六十二条" in panel
    assert "instrument:cn-pipl" in page.evaluate("kgHighlighted")
    page.fill("#search", "deep synthesis")
    assert page.evaluate("kgFocused") == "instrument:cn-deep-synthesis-provisions"
    page.fill("#search", "")
    page.click("#reset")


def test_click_opens_panel_and_highlights_neighbours(real_page, real_graph):
    page = real_page.page
    real_page.click_node("instrument:eu-ai-act")
    panel = page.inner_text("#panel")
    assert "Artificial Intelligence Act" in panel
    assert "2024-03-13" in panel and "523/46/49" in panel
    net = to_networkx(real_graph)
    neighbours = set(net.predecessors("instrument:eu-ai-act")) | set(net.successors("instrument:eu-ai-act"))
    assert set(page.evaluate("kgHighlighted")) == neighbours | {"instrument:eu-ai-act"}
    page.click("#reset")


def test_language_switch(real_page):
    page = real_page.page
    page.click("#lang-zh")
    assert page.inner_text("h1") == "人工智能立法知识图谱"
    assert page.evaluate("kgNetwork.body.data.nodes.get('instrument:eu-ai-act').label") == "人工智能法案"
    page.click("#lang-en")
    assert page.inner_text("h1") == "AI legislation knowledge graph"


def test_screenshot_is_saved(real_page, tmp_path):
    path = tmp_path / "graph.png"
    real_page.page.screenshot(path=str(path))
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (1400, 900)


def test_side_by_side_view_of_a_concept(real_page, tmp_path):
    """Choose a concept: one column per jurisdiction with its provisions; a column opens the instrument's panel."""
    page = real_page.page
    page.select_option("#c-concept", "chatbot-disclosure")
    page.click("#c-open")
    assert page.is_visible("#compare")
    assert page.inner_text("#compare-title") == "Disclosure of interaction with an AI"
    columns = page.eval_on_selector_all(
        ".cmp-col", "cols => cols.map(c => [c.querySelector('h3').textContent, c.querySelectorAll('.cmp-prov').length])"
    )
    assert columns == CHATBOT_COLUMNS
    eu = page.locator(".cmp-prov[data-provision='eu-ai-act.art50-1']")
    assert eu.locator(".cmp-ref").inner_text() == (
        "Article 50(1) · Transparency obligations for providers and deployers of certain AI systems"
    )
    assert (
        eu.locator(".cmp-text")
        .inner_text()
        .startswith(
            "1. Providers shall ensure that AI systems intended to interact directly with natural persons are designed"
        )
    )
    assert eu.locator(".cmp-meta").inner_text() == (
        "[original wording] · Binds: Provider · Modality: Obligation · Applies from: 2026-08-02"
    )
    korea = page.locator(".cmp-prov[data-provision='kr-ai-basic-act.art31-1']")
    assert korea.locator(".cmp-meta").inner_text().startswith("[official translation] · Binds: Operator")
    assert korea.locator("details summary").inner_text() == "Original text (ko)"
    path = tmp_path / "compare.png"
    page.screenshot(path=str(path))
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # in Chinese: the concept, the headings and the texts change language, and the kinds say what the text is
    page.click("#lang-zh")
    assert page.inner_text("#compare-title") == "人机交互告知"
    assert eu.locator(".cmp-meta").inner_text() == (
        "[本项目译文] · 约束主体: 提供者 · 规范类型: 义务 · 适用起始: 2026-08-02"
    )
    assert eu.locator(".cmp-text").inner_text().startswith("1. 提供者应确保")
    page.click("#lang-en")
    # a column's instrument opens its panel in the graph
    eu.locator("button.cmp-open").click()
    assert not page.is_visible("#compare")
    assert page.evaluate("kgFocused") == "instrument:eu-ai-act"
    assert page.inner_text("#panel h2") == "Artificial Intelligence Act"
    page.click("#reset")


def test_the_panels_of_an_instrument_and_a_jurisdiction(real_page):
    page = real_page.page
    page.fill("#search", "AI Act")
    panel = page.inner_text("#panel")
    assert "Disclosure of interaction with an AI: Article 50(1), Article 50(5)" in panel.splitlines()
    # one line per event, its sources together (two rows of sources about the same vote made one line)
    votes = [line for line in panel.splitlines() if line.startswith("2024-03-13 · Voted")]
    assert votes == [
        "2024-03-13 · Voted · European Parliament [523/46/49] — EU lawmakers approve landmark AI Act; Lawmakers"
        " approve AI Act with overwhelming majority; 全球人工智能立法的主要模式、各国实践及发展趋势研究"
    ]
    related = page.locator("#panel button", has_text="Digital Omnibus on AI")
    assert related.count() >= 1
    related.first.click()  # a related instrument opens its panel
    assert page.evaluate("kgFocused") == "instrument:eu-digital-omnibus-ai"
    page.fill("#search", "China")
    assert page.evaluate("kgFocused") == "jurisdiction:cn"
    lines = page.inner_text("#panel").splitlines()
    assert lines[lines.index("Legislative model (as sources classify it)") + 1] == (
        "Integrated legislation model, Scenario-based legislation model, Soft-law-first model, Unified legislation"
        " model"
    )
    assert "Instruments by type" in lines
    assert "Departmental rule — 13 (Adopted 7, Draft 1, In force 5)" in lines
    page.click("#lang-zh")
    assert "部门规章 — 13 (已通过 7, 草案 1, 现行有效 5)" in page.inner_text("#panel").splitlines()
    page.click("#lang-en")
    page.fill("#search", "")
    page.click("#reset")


def test_a_date_recolours_instruments_by_their_status_then(real_page):
    page = real_page.page
    law = page.evaluate("kgColourOf('instrument:eu-ai-act')")  # coloured by type: a law
    page.check("#s-on")
    colours = {}
    for day in ("2024-07-15", "2026-11-29"):
        page.fill("#s-date", day)
        page.dispatch_event("#s-date", "change")
        colours[day] = [page.evaluate(f"kgColourOf('instrument:{i}')") for i in ("eu-ai-act", "us-eo-14110")]
    # the AI Act: published, in force from 2024-08-01; EO 14110: signed 2023, revoked 2025-01-20
    assert colours == {"2024-07-15": ["#4e79a7", "#59a14f"], "2026-11-29": ["#59a14f", "#e15759"]}
    assert page.inner_text("#s-legend").splitlines()[:3] == ["In force", "Partially in force", "Adopted"]
    page.eval_on_selector("#s-slider", "s => { s.value = '0'; s.dispatchEvent(new Event('input')); }")
    assert page.input_value("#s-date") == "1914-01-01"  # the slider moves the date by months
    assert page.evaluate("kgColourOf('instrument:eu-ai-act')") == "#eeeeee"  # no event yet
    page.uncheck("#s-on")
    assert page.evaluate("kgColourOf('instrument:eu-ai-act')") == law


PAYLOADS = {
    "title_en": "<img src=x onerror=\"window.__xss='img'\">",
    "title_zh": "</script><script>window.__xss='script'</script>",
}


def test_hostile_data_is_escaped(browser, tiny_dir, tmp_path):
    # The tables refuse markup in titles and javascript: URLs, so the payloads go into the graph directly:
    # the page must be safe even for a graph that did not come through validation.
    graph = build_graph(load_dataset(tiny_dir))
    law = URIRef("https://w3id.org/ai-legislation-kg/id/instrument/xa-ai-law")
    graph.remove((law, DCTERMS.title, None))
    graph.add((law, DCTERMS.title, Literal(PAYLOADS["title_en"], lang="en")))
    graph.add((law, DCTERMS.title, Literal(PAYLOADS["title_zh"], lang="zh")))
    graph.set((law, SDO.url, URIRef("javascript:window.__xss='link'")))
    graph.add((law, DCTERMS.alternative, Literal("\u2028<b>bold</b>&amp;")))
    path = tmp_path / "hostile.html"
    html = render_html(graph)
    path.write_text(html, encoding="utf-8")
    assert "<img src=x" not in html and "</script><script>window.__xss" not in html
    page = Page(browser, path)
    try:
        page.page.fill("#search", "img src")
        assert page.page.evaluate("kgFocused") == "instrument:xa-ai-law"
        page.click_node("instrument:xa-ai-law")
        panel = page.page.inner_text("#panel")
        assert PAYLOADS["title_en"] in panel
        page.page.click("#lang-zh")
        page.click_node("instrument:xa-ai-law")
        assert PAYLOADS["title_zh"] in page.page.inner_text("#panel")
        assert page.page.evaluate("window.__xss") is None
        assert page.page.locator("#panel img, #panel script, #panel b").count() == 0
        assert page.page.locator("#panel a").count() == 0  # a javascript: link is never rendered
        assert page.errors == []
        assert page.external == []
    finally:
        page.page.close()


def load_generator():
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "bench_generate", Path(__file__).resolve().parents[1] / "bench" / "generate.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_small_graphs_keep_physics(tiny_dir, real_graph):
    from kg.viz import PHYSICS_LIMIT, page_data

    data = page_data(build_graph(load_dataset(tiny_dir)))
    assert data["physics"] is True
    assert all("x" not in n for n in data["nodes"])
    # the real graph, with its 698 articles, is past the limit: its layout is precomputed
    real = page_data(real_graph)
    assert len(real["nodes"]) == 1394 > PHYSICS_LIMIT
    assert real["physics"] is False


STATUS_DATES = ("2019-06-01", "2024-07-15", "2025-07-01", "2026-08-01", "2026-11-29", "2028-01-01")


@pytest.mark.parametrize("day", STATUS_DATES)
def test_the_page_derives_every_status_as_the_preset_does(real_page, real_build, day):
    """The panel's status, computed in the browser, equals status-on-date for every instrument on the date.

    The preset runs where `kg query` runs it, on the cached build's fast store (the same graph as the page's:
    test_build checks the two byte for byte; test_presets_engines that both engines give the same rows).
    """
    from kg.presets import load_presets, run
    from kg.sparql import OxigraphBackend

    results = run(load_presets()["status-on-date"], {"date": day}, OxigraphBackend.open(real_build.store))
    fields = ("status", "since", "applying", "next", "verification")
    expected = {
        str(row[results.variables.index("instrument")]): tuple(
            "" if row[results.variables.index(f)] is None else str(row[results.variables.index(f)]) for f in fields
        )
        for row in results.rows
    }
    computed = real_page.page.evaluate(
        """([day, fields]) => Object.fromEntries(
            kgNetwork.body.data.nodes.get().filter(n => n.id.startsWith("instrument:"))
              .map(n => [n.id.slice(11), kgStatusOn(n.id, day)])
              .filter(([, s]) => s !== null)
              .map(([id, s]) => [id, fields.map(f => s[f])]))""",
        [day, list(fields)],
    )
    assert {k: tuple(v) for k, v in computed.items()} == expected
    assert expected  # not vacuous


def test_the_panel_states_the_status_today_in_words_in_both_languages(real_page):
    page = real_page.page
    page.evaluate("() => { window.kgToday = '2025-03-01'; }")
    try:
        real_page.click_node("instrument:eu-ai-act")
        assert (
            "Status today\n2025-03-01: In force (since 2024-08-01); applying 2025-02-02: applies: Chapters I-II"
            " (prohibited practices; AI literacy); next 2025-08-02 Applies from" in page.inner_text("#panel")
        )
        page.click("#lang-zh")
        real_page.click_node("instrument:eu-ai-act")
        assert "今日状态\n2025-03-01: 现行有效 (自 2024-08-01)" in page.inner_text("#panel")
        assert "下一阶段 2025-08-02 开始适用" in page.inner_text("#panel")
    finally:
        page.evaluate("() => { window.kgToday = null; }")
        page.click("#lang-en")
        page.click("#reset")


def test_the_page_stays_usable_at_10000_nodes(browser, tmp_path):
    """x8 synthetic data (10,214 nodes): it loads, and search, focus, panel, language and date colouring work.

    How fast is measured in bench/viz_load.py (bench/RESULTS.md), not here.
    """
    from kg.pipeline import load_graph

    folder = tmp_path / "x8"
    load_generator().generate(Path(__file__).resolve().parents[1] / "data", folder, 8)
    path = tmp_path / "graph.html"
    path.write_text(render_html(load_graph(folder)), encoding="utf-8")
    loaded = Page(browser, path)
    page = loaded.page
    try:
        assert page.evaluate("kgNetwork.body.data.nodes.length") == 10214
        # past PHYSICS_LIMIT the layout comes precomputed (networkx), every node in its own place, physics off
        assert page.evaluate("kgNetwork.physics.options.enabled") is False
        places = page.evaluate("kgNetwork.body.data.nodes.get().map(n => [n.x, n.y])")
        assert len({tuple(p) for p in places}) == len(places) == 10214
        shown = len(loaded.visible_ids())
        assert 0 < shown < 10214  # the overview: articles, bodies and topics hidden
        page.fill("#search", "AI Act")
        first = page.locator("#search-list li").first
        assert first.locator("button").inner_text() == "Artificial Intelligence Act"
        assert page.evaluate("kgMatches()[0]") == "instrument:eu-ai-act"
        first.locator("button").click()
        assert page.evaluate("kgFocused") == "instrument:eu-ai-act"
        assert page.locator("#panel h2").first.inner_text() == "Artificial Intelligence Act"
        page.click("#lang-zh")
        assert page.locator("#panel h2").first.inner_text() == "人工智能法案"
        page.click("#lang-en")
        page.check("#s-on")
        page.fill("#s-date", "2026-11-29")
        page.dispatch_event("#s-date", "change")
        assert page.evaluate("kgColourOf('instrument:eu-ai-act')") == "#59a14f"  # in force
        page.check("#f-details")
        assert len(loaded.visible_ids()) > shown
        assert loaded.errors == [] and loaded.external == []
    finally:
        page.close()
