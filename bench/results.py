"""Write one section of bench/RESULTS.md, replacing the previous figures of that section only."""

from __future__ import annotations

from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def write_section(title: str, lines: list[str]) -> None:
    """Replace (or append) the section ``## title`` with ``lines`` (which start with that heading)."""
    heading = f"## {title}"
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    if heading in text:
        head, _, rest = text.partition(heading)
        tail = rest.split("\n## ", 1)
        text = head + "\n".join(lines) + ("\n## " + tail[1] if len(tail) > 1 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + "\n".join(lines)
    RESULTS.write_text(text, encoding="utf-8")


def publish(title: str, lines: list[str]) -> None:
    """Write the section into RESULTS.md and print it."""
    write_section(title, lines)
    print("\n".join(lines))
