"""Start-up time of an everyday query, against rdflib's own floor, each as a fresh process.

Compares the median wall time of ``kg query PRESET`` (cached build, fast store) with
``python -c "import rdflib; rdflib.Graph().query('SELECT * WHERE {?s ?p ?o} LIMIT 1')"``
and writes the "Start-up" section of bench/RESULTS.md.

    python bench/startup.py [--runs 7] [--preset table2]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from results import publish  # noqa: E402

FLOOR = "import rdflib; rdflib.Graph().query('SELECT * WHERE {?s ?p ?o} LIMIT 1')"


def timed(command: list[str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--preset", default="table2")
    args = parser.parse_args(argv)
    kg = str(Path(sys.executable).parent / "kg")
    data = str(HERE.parent / "data")
    subprocess.run([kg, "query", args.preset, "--data", data], check=True, stdout=subprocess.DEVNULL)  # warm the cache
    floor = timed([sys.executable, "-c", FLOOR], args.runs)
    fast = timed([kg, "query", args.preset, "--data", data], args.runs)
    memory = timed([kg, "query", args.preset, "--data", data, "--store", "memory"], args.runs)
    help_ = timed([kg, "--help"], args.runs)
    base = statistics.median(floor)

    def row(label: str, times: list[float]) -> str:
        median = statistics.median(times)
        return f"| {label} | {median:.3f} | {median / base:.2f}x | {', '.join(f'{t:.2f}' for t in times)} |"

    lines = [
        "## Start-up",
        "",
        f"Fresh processes on the curated data, medians of {args.runs} runs (cache warm).",
        "",
        "| command | median (s) | ratio to rdflib's floor | runs (s) |",
        "| --- | --- | --- | --- |",
        row("rdflib floor: import rdflib + trivial query", floor),
        row(f"kg query {args.preset} (fast store, default)", fast),
        row(f"kg query {args.preset} --store memory (rdflib)", memory),
        row("kg --help", help_),
        "",
    ]
    publish("Start-up", lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
