"""Render query results as a table, CSV, TSV, SPARQL JSON or Markdown."""

from __future__ import annotations

import csv
import io
import json
from enum import StrEnum
from typing import TYPE_CHECKING

from kg.output import format_table
from kg.terms import local_id

if TYPE_CHECKING:
    from kg.sparql import Results
    from kg.terms import Term


class ResultFormat(StrEnum):
    table = "table"
    csv = "csv"
    tsv = "tsv"
    json = "json"
    markdown = "markdown"


def display(term: Term | None, base: str) -> str:
    """A readable cell: our own resources by id, concepts by notation, literals as text."""
    if term is None:
        return ""
    text = term.value
    if term.kind == "uri" and (text.startswith(base) or "/ai-legislation-kg/concept/" in text):
        return local_id(text)
    return text


def render(results: Results, fmt: ResultFormat, *, base: str) -> str:
    """Results in ``fmt``; JSON is the standard SPARQL 1.1 results format."""
    if fmt is ResultFormat.json:
        return json.dumps(results.to_json(), ensure_ascii=False, indent=2) + "\n"
    headers = list(results.variables)
    cells = [[display(t, base) for t in row] for row in results.rows]
    if fmt is ResultFormat.table:
        typed = [
            [_number_or_text(t, c) for t, c in zip(row, crow, strict=True)]
            for row, crow in zip(results.rows, cells, strict=True)
        ]
        return format_table(headers, typed) + f"\n({len(cells)} row{'s' if len(cells) != 1 else ''})\n"
    if fmt is ResultFormat.markdown:

        def esc(value: str) -> str:
            return value.replace("|", "\\|").replace("\n", "<br>")

        lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
        lines += ["| " + " | ".join(esc(c) for c in row) + " |" for row in cells]
        return "\n".join(lines) + "\n"
    out = io.StringIO()
    if fmt is ResultFormat.tsv:
        writer = csv.writer(out, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    else:
        writer = csv.writer(out, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows(cells)
    return out.getvalue()


def _number_or_text(term: Term | None, text: str) -> object:
    return int(text) if term is not None and term.is_integer else text
