"""Benchmark of the HTML graph browser at about 10,000 nodes.

Generates synthetic tables at a scale factor (default x8 of the curated data,
10,214 network nodes in 2026-11), builds the graph, renders the page, and loads it from
file:// in Debian's headless Chromium (Playwright, every external request
blocked), timing until the page reports it is ready. Writes the medians of the
runs into bench/RESULTS.md (section "Graph browser").

    python bench/viz_load.py [--scale 8] [--runs 5]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402
from results import publish  # noqa: E402

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]  # fmt: skip


def load_time(html: Path, runs: int) -> tuple[list[float], dict[str, int]]:
    from playwright.sync_api import sync_playwright

    times = []
    stats: dict[str, int] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for _ in range(runs):
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.route(
                "**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort()
            )
            started = time.perf_counter()
            page.goto(html.as_uri())
            page.wait_for_function("window.kgReady === true", timeout=300_000)
            page.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
            times.append(time.perf_counter() - started)
            stats = page.evaluate("kgStats")
            page.close()
        browser.close()
    return times, stats


def _runs(times: list[float]) -> str:
    return ", ".join(f"{t:.2f}" for t in times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=8)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--data", type=Path, default=HERE.parent / "data")
    args = parser.parse_args(argv)

    from kg.pipeline import load_graph
    from kg.viz import PHYSICS_LIMIT, page_data, render_html

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "data"
        generate(args.data, folder, args.scale)
        started = time.perf_counter()
        graph = load_graph(folder)
        build_seconds = time.perf_counter() - started
        render = []
        for _ in range(args.runs):
            started = time.perf_counter()
            html = render_html(graph)
            render.append(time.perf_counter() - started)
        data = page_data(graph)
        page = Path(tmp) / "graph.html"
        page.write_text(html, encoding="utf-8")
        loads, stats = load_time(page, args.runs)
        size_mb = page.stat().st_size / 1e6

    lines = [
        "## Graph browser",
        "",
        f"Synthetic data x{args.scale} ({len(graph)} triples): {stats['nodes']} nodes, {stats['edges']} edges;"
        f" physics {'on' if data['physics'] else 'off'} (limit {PHYSICS_LIMIT} nodes), layout precomputed."
        f" Page size {size_mb:.1f} MB. Machine: {platform.machine()}, {platform.python_version()}.",
        "",
        f"| measure | median of {args.runs} runs (s) | all runs (s) |",
        "| --- | --- | --- |",
        f"| validate + build the graph (once) | {build_seconds:.2f} | |",
        f"| render the page (Python) | {statistics.median(render):.2f} | {_runs(render)} |",
        f"| load in headless Chromium until ready | {statistics.median(loads):.2f} | {_runs(loads)} |",
        "",
    ]
    publish("Graph browser", lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
