"""Peak memory of validating and building one big table, each in a fresh process.

Generates the curated data with one table scaled (bench/generate.py --only), then
measures, each as a fresh process, wall time and peak RSS (``ru_maxrss``) of:

- ``validate``: the tables' validation (``kg.tables.load_dataset``);
- ``build``: the cached build (validation, N-Triples, the on-disk Oxigraph store);
- ``check``: all of ``kg validate`` (``kg.api.validate``: the cached build, then the SHACL
  shapes), run twice on one cache: first cold (it builds), then warm (the SHACL stage alone).

Prints the figures as JSON lines; the "Memory" section of RESULTS.md records them with the
command and the date.

    python bench/memory.py [--table articles] [--scale 1433] [--kinds validate build check] [--data-out DIR]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

PROBE = r"""
import json, resource, sys, time
from pathlib import Path
kind, data, cache = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
started = time.perf_counter()
extra = {}
if kind == "validate":
    from kg.tables import load_dataset
    extra["rows"] = load_dataset(data).row_count()
elif kind.startswith("check"):
    import os
    os.environ["KG_CACHE_DIR"] = str(cache)
    from kg.api import validate
    result = validate(data)
    extra["rows"], extra["triples"] = result.rows, result.triples
else:
    from kg.cache import cached_build
    built = cached_build(data, folder=cache)
    extra["rows"], extra["triples"] = built.rows, built.triples
elapsed = time.perf_counter() - started
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"kind": kind, "seconds": round(elapsed, 1), "rss_mb": round(rss), **extra}))
"""


def measure(kind: str, data: Path, work: Path) -> dict:
    cache = work / f"cache-{kind.split('-')[0]}"  # check-warm reuses the build check made
    out = subprocess.run(
        [sys.executable, "-c", PROBE, kind, str(data), str(cache)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=HERE.parent / "data", help="curated tables (default: data)")
    parser.add_argument("--table", default="articles", help="the table to scale (default: articles)")
    parser.add_argument("--scale", type=int, default=1433, help="copies of it (default: 1433, 1,000,234 articles)")
    parser.add_argument(
        "--kinds", nargs="+", default=["validate", "build", "check"], choices=["validate", "build", "check"]
    )
    parser.add_argument("--data-out", type=Path, help="keep the generated tables here (default: a temporary folder)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        data = args.data_out or work / "data"
        counts = generate(args.data, data, args.scale, only=args.table)
        print(json.dumps({"table": args.table, "rows": counts[args.table], "all_rows": sum(counts.values())}))
        for kind in args.kinds:
            print(json.dumps(measure(kind, data, work)), flush=True)
            if kind == "check":
                print(json.dumps(measure("check-warm", data, work)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
