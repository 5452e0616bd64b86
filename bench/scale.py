"""Build, export, preset, start-up and page-load figures at scale factors of the curated data.

For each scale factor: generate synthetic tables (bench/generate.py), then measure
in fresh subprocesses (so peak memory is per measurement):

- validate + build: the project's build into its cache (tables validated, rows
  streamed as N-Triples into an on-disk Oxigraph store), time and peak RSS;
- export of the built graph to Turtle and to N-Triples;
- every preset on the fast store (the project's API over the cached store), on
  pyoxigraph directly (the same store, values read from every solution), and on
  rdflib's engine while the graph is small (--memory-limit);
- ``kg query table2`` as a fresh process on the cached build;
- the graph browser: rendering the page and loading it in headless Chromium,
  while the graph is small enough to draw (--viz-limit);
- references on the same triples: pyoxigraph's bulk load into an on-disk store
  (the kind the project builds) and into memory, and plain rdflib parsing.

Medians of --runs runs go to the "Scale" section of bench/RESULTS.md. Above
--once-above triples, rdflib's parse and the presets run once each (at x1000 they
take minutes: the synthetic copies share 31 jurisdictions, so per-jurisdiction
joins grow faster than the data).

    python bench/scale.py [--scales 1 10 100 160 1000] [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402
from results import publish  # noqa: E402

TARGET_TRIPLES = 1_000_000
TARGETS = {"build": 3.0, "preset": 2.0, "rss_mb": 1536}

# Each probe runs in a fresh interpreter and prints {"seconds": ..., "rss_mb": ..., ...} as JSON.
PROBE = r"""
import json, resource, sys, time
from pathlib import Path
kind, data, work = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
cache = work / "cache"
extra = {}
started = time.perf_counter()
if kind == "build":
    from kg.cache import cached_build
    extra["triples"] = cached_build(data, folder=cache).triples
    elapsed = time.perf_counter() - started
elif kind == "export":
    from kg.cache import cached_build
    from kg.output import RdfFormat
    from kg.pipeline import rdf_bytes
    built = cached_build(data, folder=cache)
    for name, fmt in (("turtle_s", RdfFormat.turtle), ("ntriples_s", RdfFormat.ntriples)):
        t = time.perf_counter()
        rdf_bytes(built, fmt)
        extra[name] = time.perf_counter() - t
    elapsed = time.perf_counter() - started
elif kind in ("oxigraph-load", "oxigraph-load-memory"):
    import pyoxigraph as ox
    from kg.cache import cached_build
    source = str(cached_build(data, folder=cache).ntriples)
    started = time.perf_counter()
    store = ox.Store(str(work / "reference-store")) if kind == "oxigraph-load" else ox.Store()
    store.bulk_load(path=source, format=ox.RdfFormat.N_TRIPLES)
    store.flush()
    elapsed = time.perf_counter() - started
elif kind == "rdflib-parse":
    from rdflib import Graph
    from kg.cache import cached_build
    source = str(cached_build(data, folder=cache).ntriples)
    started = time.perf_counter()
    Graph().parse(source, format="nt")
    elapsed = time.perf_counter() - started
elif kind in ("presets-fast", "presets-direct", "presets-direct-memory", "presets-memory"):
    from kg.cache import cached_build
    from kg.presets import bind, load_presets
    from kg.sparql import LocalBackend, OxigraphBackend
    sys.path.insert(0, sys.argv[4])
    from sparql_helpers import EXAMPLES
    built = cached_build(data, folder=cache)
    if kind == "presets-memory":
        from kg.pipeline import graph_of
        backend = LocalBackend(graph_of(built))
    elif kind == "presets-direct-memory":
        import pyoxigraph as ox
        backend = OxigraphBackend(ox.Store())
        backend.store.bulk_load(path=str(built.ntriples), format=ox.RdfFormat.N_TRIPLES)
    else:
        backend = OxigraphBackend.open(built.store)
    times = {}
    only = sys.argv[5] if len(sys.argv) > 5 else None
    for name, preset in sorted(load_presets().items()):
        if only and name != only:
            continue
        query = bind(preset, EXAMPLES.get(name, {}), backend)
        t = time.perf_counter()
        if kind.startswith("presets-direct"):  # pyoxigraph itself: run, and read every value of every solution
            results = backend.store.query(query)
            list(results) if preset.is_construct else [tuple(solution) for solution in results]
        elif preset.is_construct:
            backend.construct(query)
        else:
            backend.select(query)
        times[name] = time.perf_counter() - t
    extra["presets"] = times
    elapsed = time.perf_counter() - started
elif kind == "viz":
    from kg.cache import cached_build
    from kg.pipeline import graph_of
    from kg.viz import page_data, render_html
    graph = graph_of(cached_build(data, folder=cache))
    t = time.perf_counter()
    html = render_html(graph)
    extra["render_s"] = time.perf_counter() - t
    (work / "graph.html").write_text(html, encoding="utf-8")
    elapsed = time.perf_counter() - started
print(json.dumps({"seconds": elapsed, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, **extra}))
"""


def probe(kind: str, data: Path, work: Path, *extra: str, timeout: float | None = None) -> dict:
    tests = HERE.parent / "tests"
    out = subprocess.run(
        [sys.executable, "-c", PROBE, kind, str(data), str(work), str(tests), *extra],
        check=True,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def presets_with_cutoff(kind: str, data: Path, work: Path, cutoff: float) -> dict[str, float | None]:
    """Each preset in its own process, stopped after ``cutoff`` seconds (None: cut off)."""
    from kg.presets import load_presets

    times: dict[str, float | None] = {}
    for name in sorted(load_presets()):
        try:
            times[name] = probe(kind, data, work, name, timeout=cutoff + 30)["presets"][name]
        except subprocess.TimeoutExpired:
            times[name] = None
        if times[name] is not None and times[name] > cutoff:
            times[name] = None
    return times


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def fresh_query_seconds(data: Path, work: Path) -> float:
    """``kg query table2`` as a fresh process, on the cached build."""
    kg = Path(sys.executable).parent / "kg"
    env = {**os.environ, "KG_CACHE_DIR": str(work / "cache")}
    started = time.perf_counter()
    subprocess.run([str(kg), "query", "table2", "--format", "csv", "--data", str(data)], check=True,
                   capture_output=True, env=env)  # fmt: skip
    return time.perf_counter() - started


class Progress:
    """One line per step on stderr, with the time since the start."""

    def __init__(self) -> None:
        self.started = time.perf_counter()

    def __call__(self, message: str) -> None:
        print(f"[{time.perf_counter() - self.started:7.1f} s] {message}", file=sys.stderr, flush=True)


def measure_scale(scale: int, args: argparse.Namespace, work: Path, say: Progress) -> dict:
    data = work / "data"
    say(f"x{scale}: generating tables")
    generate(args.data, data, scale)
    out: dict = {"scale": scale}
    builds = []
    for run in range(args.runs):
        shutil.rmtree(work / "cache", ignore_errors=True)
        builds.append(probe("build", data, work))
        say(f"x{scale}: build {run + 1}/{args.runs}: {builds[-1]['seconds']:.2f} s, {builds[-1]['rss_mb']:.0f} MB")
    out["triples"] = builds[0]["triples"]
    out["build_s"] = median([b["seconds"] for b in builds])
    out["build_runs"] = [b["seconds"] for b in builds]
    out["rss_mb"] = max(b["rss_mb"] for b in builds)
    loads, memory_loads = [], []
    for _ in range(args.runs):
        shutil.rmtree(work / "reference-store", ignore_errors=True)
        loads.append(probe("oxigraph-load", data, work))
        memory_loads.append(probe("oxigraph-load-memory", data, work))
    shutil.rmtree(work / "reference-store", ignore_errors=True)
    out["load_s"] = median([r["seconds"] for r in loads])
    out["load_rss_mb"] = max(r["rss_mb"] for r in loads)
    out["load_memory_s"] = median([r["seconds"] for r in memory_loads])
    say(f"x{scale}: pyoxigraph bulk load {out['load_s']:.2f} s (disk), {out['load_memory_s']:.2f} s (memory)")
    rdflib_runs = args.runs if out["triples"] <= args.once_above else 1
    out["rdflib_runs"] = rdflib_runs
    out["rdflib_s"] = median([probe("rdflib-parse", data, work)["seconds"] for _ in range(rdflib_runs)])
    say(f"x{scale}: rdflib parse {out['rdflib_s']:.2f} s (runs: {rdflib_runs})")
    exports = [probe("export", data, work) for _ in range(args.runs)]
    out["turtle_s"] = median([e["turtle_s"] for e in exports])
    out["ntriples_s"] = median([e["ntriples_s"] for e in exports])
    say(f"x{scale}: exports Turtle {out['turtle_s']:.2f} s, N-Triples {out['ntriples_s']:.2f} s")
    out["cutoff"] = None
    if out["triples"] <= args.once_above:
        out["fast"] = [probe("presets-fast", data, work)["presets"] for _ in range(args.runs)]
        out["direct"] = [probe("presets-direct", data, work)["presets"] for _ in range(args.runs)]
        out["direct_memory"] = [probe("presets-direct-memory", data, work)["presets"] for _ in range(args.runs)]
    else:  # one run each, on the same store only, every preset cut off after --cutoff seconds
        out["cutoff"] = args.cutoff
        out["fast"] = [presets_with_cutoff("presets-fast", data, work, args.cutoff)]
        out["direct"] = [presets_with_cutoff("presets-direct", data, work, args.cutoff)]
        out["direct_memory"] = []
    memory = out["triples"] <= args.memory_limit
    out["memory"] = [probe("presets-memory", data, work)["presets"] for _ in range(args.runs)] if memory else []
    say(f"x{scale}: presets done")
    out["query_s"] = median([fresh_query_seconds(data, work) for _ in range(args.runs)])
    if out["triples"] <= args.viz_limit:
        from viz_load import load_time

        renders = [probe("viz", data, work)["render_s"] for _ in range(args.runs)]
        out["render_s"] = median(renders)
        page_loads, stats = load_time(work / "graph.html", args.runs)
        out["page_s"] = median(page_loads)
        out["page_nodes"] = stats["nodes"]
        out["page_mb"] = (work / "graph.html").stat().st_size / 1e6
        say(f"x{scale}: page render {out['render_s']:.2f} s, Chromium load {out['page_s']:.2f} s")
    return out


def median_of(runs: list[dict], name: str) -> float | None:
    """Median of a preset's runs; None when it was cut off."""
    values = [run[name] for run in runs]
    return None if not values or None in values else median(values)


def seconds(value: float | None, cutoff: float | None) -> str:
    return f"> {cutoff:g}" if value is None else f"{value:.3f}"


def preset_table(result: dict) -> list[str]:
    runs = len(result["fast"])
    cutoff = result.get("cutoff")
    note = f", one run, each preset cut off after {cutoff:g} s" if cutoff else (", one run" if runs == 1 else "")
    lines = [
        f"x{result['scale']} ({result['triples']} triples{note}):",
        "",
        "| preset | fast store | pyoxigraph direct, same store | ratio | pyoxigraph direct, in memory | ratio"
        " | rdflib |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name in sorted(result["fast"][0]):
        f = median_of(result["fast"], name)
        d = median_of(result["direct"], name)
        dm = median_of(result["direct_memory"], name) if result["direct_memory"] else None
        memory = seconds(dm, None) if result["direct_memory"] else "not run"
        m = f"{median([run[name] for run in result['memory']]):.3f}" if result["memory"] else "not run"
        lines.append(
            f"| {name} | {seconds(f, cutoff)} | {seconds(d, cutoff)} | {ratio(f, d)} | {memory} | {ratio(f, dm)}"
            f" | {m} |"
        )
    return [*lines, ""]


def ratio(ours: float | None, reference: float | None) -> str:
    return f"{ours / reference:.1f}x" if ours is not None and reference else "n/a"


def worst_preset(result: dict, reference: str = "direct") -> tuple[str, float]:
    """The preset with the largest ratio to pyoxigraph direct (ignoring those under 10 ms both ways)."""
    worst = ("none", 0.0)
    for name in result["fast"][0]:
        f = median_of(result["fast"], name)
        d = median_of(result[reference], name) if result[reference] else None
        if f is None or d is None:
            continue
        if max(f, d) >= 0.010 and d and f / d > worst[1]:
            worst = (name, f / d)
    return worst


def report(results: list[dict], args: argparse.Namespace) -> list[str]:
    lines = [
        "## Scale",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()};"
        f" rdflib {version('rdflib')}, pyoxigraph {version('pyoxigraph')}. Medians of {args.runs} runs, each in a"
        " fresh process; peak RSS is the largest of the runs. Written by `bench/scale.py`.",
        "",
        "Build and references (seconds). The build validates the tables and streams the rows as N-Triples into"
        " an on-disk Oxigraph store (the cache that `kg query` opens); the reference is pyoxigraph's own bulk load"
        " of the same N-Triples into the same kind of store.",
        "",
        "| scale | triples | validate+build | peak RSS (MB) | pyoxigraph bulk load, disk | build / bulk load"
        " | bulk load peak RSS (MB) | pyoxigraph bulk load, memory | rdflib parse N-Triples |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in results:
        rdflib = f"{r['rdflib_s']:.2f}" + (" (one run)" if r["rdflib_runs"] == 1 else "")
        lines.append(
            f"| x{r['scale']} | {r['triples']} | {r['build_s']:.2f} | {r['rss_mb']:.0f} | {r['load_s']:.2f}"
            f" | {ratio(r['build_s'], r['load_s'])} | {r['load_rss_mb']:.0f} | {r['load_memory_s']:.2f} | {rdflib} |"
        )
    lines += [
        "",
        "Exports, start-up and the graph browser (seconds). The page is drawn while the graph has at most"
        f" {args.viz_limit} triples; beyond that a page of every node is not useful, and `kg viz --jurisdiction`"
        " or `--preset` draws a part.",
        "",
        "| scale | Turtle export | N-Triples export | `kg query table2`, fresh process | page render | page size (MB)"
        " | nodes | Chromium load until ready |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in results:
        page = (
            f"{r['render_s']:.2f} | {r['page_mb']:.1f} | {r['page_nodes']} | {r['page_s']:.2f}"
            if "render_s" in r
            else "not drawn | | | not drawn"
        )
        lines.append(f"| x{r['scale']} | {r['turtle_s']:.2f} | {r['ntriples_s']:.2f} | {r['query_s']:.2f} | {page} |")
    lines += ["", f"Targets at {TARGET_TRIPLES:,}+ triples:", ""]
    lines += [
        "| scale | triples | build / bulk load (≤ 3x) | worst preset / direct (≤ 2x) | peak RSS (≤ 1536 MB)"
        " | for comparison: build / in-memory bulk load | worst preset / in-memory direct |"
    ]
    lines += ["| --- | --- | --- | --- | --- | --- | --- |"]
    for r in results:
        if r["triples"] < TARGET_TRIPLES:
            continue
        build = r["build_s"] / r["load_s"]
        name, worst = worst_preset(r)
        memory_name, memory_worst = worst_preset(r, "direct_memory")
        lines.append(
            f"| x{r['scale']} | {r['triples']} | {build:.1f}x {'met' if build <= TARGETS['build'] else 'missed'}"
            f" | {worst:.1f}x ({name}) {'met' if worst <= TARGETS['preset'] else 'missed'}"
            f" | {r['rss_mb']:.0f} {'met' if r['rss_mb'] <= TARGETS['rss_mb'] else 'missed'}"
            f" | {r['build_s'] / r['load_memory_s']:.1f}x"
            f" | {f'{memory_worst:.1f}x ({memory_name})' if r['direct_memory'] else 'not run'} |"
        )
    lines += [
        "",
        "Preset latency (median seconds): the fast store (the project's API: `OxigraphBackend` on the cached"
        " store, results converted to engine-neutral terms), pyoxigraph directly on the same on-disk store"
        " (every value of every solution read), pyoxigraph directly on an in-memory store of the same triples,"
        " and rdflib's engine where the graph is small enough. Ratios of presets that take under 10 ms both ways"
        " are noise and are left out of the targets. The project keeps the on-disk store because a fresh"
        " process opens it in milliseconds, where an in-memory store must be loaded again by every process.",
        "",
    ]
    for r in results:
        lines += preset_table(r)
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10, 100, 160, 1000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--memory-limit", type=int, default=10_000, help="largest graph (triples) run on rdflib's engine"
    )
    parser.add_argument(
        "--once-above", type=int, default=2_000_000, help="above this many triples, rdflib's parse and presets run once"
    )
    parser.add_argument("--viz-limit", type=int, default=1_100_000, help="largest graph (triples) drawn as a page")
    parser.add_argument("--data", type=Path, default=HERE.parent / "data")
    parser.add_argument(
        "--cutoff", type=float, default=60, help="above --once-above, stop each preset after this many seconds"
    )
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    parser.add_argument(
        "--from-json", type=Path, nargs="+", help="write the report from figures saved by --json, measuring nothing"
    )
    args = parser.parse_args(argv)
    say = Progress()
    results = []
    for saved in args.from_json or []:
        results += json.loads(saved.read_text(encoding="utf-8"))
    for scale in [] if args.from_json else args.scales:
        with tempfile.TemporaryDirectory() as tmp:
            results.append(measure_scale(scale, args, Path(tmp), say))
        if args.json:
            args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    lines = report(results, args)
    publish("Scale", lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
