"""Build, export and preset latency at scale factors of the curated data, against references.

For each scale factor: generate synthetic tables (bench/generate.py), then measure
in fresh subprocesses (so peak memory is per measurement):

- validate + build with the project's pipeline (time and peak RSS);
- export to Turtle and N-Triples;
- every preset on the fast store (pyoxigraph, the default) and, up to --memory-limit
  triples, on rdflib's engine;
- references on the same triples: pyoxigraph's bulk load of the N-Triples, a
  query directly on pyoxigraph, and plain rdflib parsing of the N-Triples.

Medians of --runs runs go to the "Scale" section of bench/RESULTS.md.

    python bench/scale.py [--scales 1 10 100] [--runs 5] [--memory-limit 10000]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402
from results import write_section  # noqa: E402

# Each probe runs in a fresh interpreter and prints {"seconds": ..., "rss_mb": ..., ...} as JSON.
PROBE = r"""
import json, resource, sys, time
from pathlib import Path
kind, data, work = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
extra = {}
started = time.perf_counter()
if kind == "build":
    from kg.pipeline import load_graph
    from kg.output import RdfFormat, serialize, write_atomic
    graph = load_graph(data)
    extra["triples"] = len(graph)
    elapsed = time.perf_counter() - started
    write_atomic(work / "graph.nt", serialize(graph, RdfFormat.ntriples))
    for name, fmt in (("turtle_s", RdfFormat.turtle), ("ntriples_s", RdfFormat.ntriples)):
        t = time.perf_counter()
        serialize(graph, fmt)
        extra[name] = time.perf_counter() - t
elif kind == "oxigraph-load":
    import pyoxigraph as ox
    store = ox.Store(str(work / "ox"))
    store.bulk_load(path=str(work / "graph.nt"), format=ox.RdfFormat.N_TRIPLES)
    elapsed = time.perf_counter() - started
elif kind == "rdflib-parse":
    from rdflib import Graph
    Graph().parse(str(work / "graph.nt"), format="nt")
    elapsed = time.perf_counter() - started
elif kind in ("presets-oxigraph", "presets-memory", "presets-direct"):
    from kg.presets import bind, load_presets
    from kg.sparql import LocalBackend, OxigraphBackend
    sys.path.insert(0, sys.argv[4])
    from sparql_helpers import EXAMPLES
    if kind == "presets-memory":
        from rdflib import Graph
        backend = LocalBackend(Graph().parse(str(work / "graph.nt"), format="nt"))
    else:
        backend = OxigraphBackend.from_ntriples(work / "graph.nt")
    times = {}
    for name, preset in sorted(load_presets().items()):
        query = bind(preset, EXAMPLES.get(name, {}), backend)
        t = time.perf_counter()
        if kind == "presets-direct":
            list(backend.store.query(query))  # pyoxigraph itself, without the project's conversion
        elif preset.is_construct:
            backend.construct(query)
        else:
            backend.select(query)
        times[name] = time.perf_counter() - t
    extra["presets"] = times
    elapsed = time.perf_counter() - started
print(json.dumps({"seconds": elapsed, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, **extra}))
"""


def probe(kind: str, data: Path, work: Path) -> dict:
    tests = HERE.parent / "tests"
    out = subprocess.run(
        [sys.executable, "-c", PROBE, kind, str(data), str(work), str(tests)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--memory-limit",
        type=int,
        default=10_000,
        help="largest graph (triples) run on rdflib's engine; at x10 (83k triples) the presets take minutes",
    )
    parser.add_argument("--data", type=Path, default=HERE.parent / "data")
    args = parser.parse_args(argv)
    lines = [
        "## Scale",
        "",
        f"Machine: {platform.machine()}, {platform.processor() or 'unknown CPU'}, Python {platform.python_version()};"
        f" rdflib {version('rdflib')}, pyoxigraph {version('pyoxigraph')}. Medians of {args.runs} runs, each in a fresh"
        " process; peak RSS is the largest of the runs.",
        "",
        "| scale | triples | validate+build (s) | peak RSS (MB) | Turtle export (s) | N-Triples export (s)"
        " | pyoxigraph bulk load (s) | build / bulk load | rdflib parse N-Triples (s) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    preset_lines = [
        "",
        "Preset latency (median seconds): the fast store (pyoxigraph behind the project's API), pyoxigraph"
        " directly, and rdflib's engine where the graph is small enough.",
        "",
    ]
    for scale in args.scales:
        with tempfile.TemporaryDirectory() as tmp:
            data, work = Path(tmp) / "data", Path(tmp) / "work"
            work.mkdir()
            generate(args.data, data, scale)
            builds = [probe("build", data, work) for _ in range(args.runs)]
            triples = builds[0]["triples"]
            loads = []
            for _ in range(args.runs):
                for old in work.glob("ox*"):
                    subprocess.run(["rm", "-rf", str(old)], check=True)
                loads.append(probe("oxigraph-load", data, work)["seconds"])
            parses = [probe("rdflib-parse", data, work)["seconds"] for _ in range(args.runs)]
            build_s = median([b["seconds"] for b in builds])
            lines.append(
                f"| x{scale} | {triples} | {build_s:.2f} | {max(b['rss_mb'] for b in builds):.0f}"
                f" | {median([b['turtle_s'] for b in builds]):.2f} | {median([b['ntriples_s'] for b in builds]):.2f}"
                f" | {median(loads):.2f} | {build_s / median(loads):.1f}x | {median(parses):.2f} |"
            )
            fast = [probe("presets-oxigraph", data, work)["presets"] for _ in range(args.runs)]
            direct = [probe("presets-direct", data, work)["presets"] for _ in range(args.runs)]
            memory = (
                [probe("presets-memory", data, work)["presets"] for _ in range(args.runs)]
                if triples <= args.memory_limit
                else []
            )
            preset_lines.append(f"x{scale} ({triples} triples):")
            preset_lines.append("")
            preset_lines.append("| preset | fast store | pyoxigraph direct | ratio | rdflib |")
            preset_lines.append("| --- | --- | --- | --- | --- |")
            for name in sorted(fast[0]):
                f = median([run[name] for run in fast])
                d = median([run[name] for run in direct])
                m = f"{median([run[name] for run in memory]):.3f}" if memory else "not run"
                preset_lines.append(f"| {name} | {f:.3f} | {d:.3f} | {f / d if d else float('nan'):.1f}x | {m} |")
            preset_lines.append("")
        print(lines[-1], file=sys.stderr)
    write_section("Scale", lines + preset_lines)
    print("\n".join(lines + preset_lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
