"""Synthetic data in the real schema, at a scale factor of the curated tables.

Every scaled copy k of a row gets the id suffix ``.copyK`` (copy 0 keeps the curated
ids; curated ids such as ``us-ny-s8828.s2`` rule out a shorter suffix), references
follow the copy, and titles get a seeded random tag so copies differ. Sources,
jurisdictions and topics are shared by all copies. The output validates like the
curated data, so builds, exports, presets and the page can be measured at x1, x10,
x100 and x1000. With ``--only TABLE`` only that table is scaled and every other is
shared (kept once), e.g. one table of a million rows for the memory figures.

    python bench/generate.py --scale 10 --out build/bench/x10 [--seed 7]
    python bench/generate.py --scale 1433 --only articles --out build/bench/articles-1m
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import shutil
import sys
from pathlib import Path

SHARED = {"sources", "jurisdictions", "topics"}


def scaled_id(value: str, copy: int) -> str:
    return value if copy == 0 else f"{value}.copy{copy}"


def generate(data: Path, out: Path, scale: int, seed: int = 7, only: str | None = None) -> dict[str, int]:
    """Write the scaled tables and the schema into ``out``; returns row counts per table.

    ``only``: scale that table alone; every other table is shared.
    """
    schema = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    shutil.copy(data / "datapackage.json", out / "datapackage.json")
    names = [resource["name"] for resource in schema["resources"]]
    if only is not None and only not in names:
        raise SystemExit(f"unknown table {only!r}; tables: {', '.join(names)}")
    shared = SHARED if only is None else set(names) - {only}
    shared_ids = set()
    for resource in schema["resources"]:
        if resource["name"] in shared:
            with (data / resource["path"]).open(encoding="utf-8", newline="") as handle:
                shared_ids |= {row["id"] for row in csv.DictReader(handle) if "id" in row}
    counts = {}
    for resource in schema["resources"]:
        name, fields = resource["name"], resource["fields"]
        with (data / resource["path"]).open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        copies = 1 if name in shared else scale
        with (out / resource["path"]).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=[f["name"] for f in fields], lineterminator="\n")
            writer.writeheader()
            written = 0
            for copy in range(copies):
                tag = f" [{rng.randrange(16**6):06x}]" if copy else ""
                for row in rows:
                    copied = _copy_row(row, fields, copy, tag, shared_ids, shared)
                    if copy and copied == row:  # a row about shared things only (a jurisdiction's link): once
                        continue
                    writer.writerow(copied)
                    written += 1
        counts[name] = written
    return counts


def _copy_row(
    row: dict[str, str], fields: list[dict], copy: int, tag: str, shared_ids: set[str], shared: set[str]
) -> dict[str, str]:
    out = dict(row)
    if copy == 0:
        return out
    for field in fields:
        name, value = field["name"], row[field["name"]]
        if not value:
            continue
        targets = field.get("reference") or []
        targets = [targets] if isinstance(targets, str) else targets
        is_own_id = field["type"] == "id" and name == "id"
        if is_own_id or any(t not in shared for t in targets):
            items = value.split("|") if field.get("list") else [value]
            out[name] = "|".join(v if v in shared_ids and not is_own_id else scaled_id(v, copy) for v in items)
        elif name in ("title_original", "title_en", "title_zh", "name_en", "label_en", "statement_en") and not targets:
            out[name] = value + tag
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=Path("data"), help="curated tables (default: data)")
    parser.add_argument("--scale", type=int, required=True, help="scale factor, e.g. 1, 10, 100, 1000")
    parser.add_argument("--out", type=Path, required=True, help="folder to write")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default: 7)")
    parser.add_argument("--only", metavar="TABLE", help="scale this table alone; every other table is kept once")
    args = parser.parse_args(argv)
    counts = generate(args.data, args.out, args.scale, args.seed, args.only)
    print(f"x{args.scale}: {sum(counts.values())} rows in {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
