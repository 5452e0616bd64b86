"""Matplotlib charts of the analysis results, with Chinese labels rendered correctly."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from kg.errors import KgError

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure
    from rdflib import Graph

# Fonts tried in order for Chinese text: Debian's fonts-noto-cjk first.
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Serif CJK SC", "WenQuanYi Zen Hei", "Source Han Sans SC")
FORMATS = (".png", ".svg")


class PlotError(KgError):
    exit_code = 2


def _setup() -> str:
    """Headless backend and a CJK-capable font; returns the font family used."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager, rcParams

    available = {f.name for f in font_manager.fontManager.ttflist}
    if not available.intersection(CJK_FONTS):  # a font installed after matplotlib cached its font list
        font_manager.fontManager = font_manager._load_fontmanager(try_read_cache=False)
        available = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FONTS:
        if family in available:
            rcParams["font.family"] = [family, "DejaVu Sans"]
            rcParams["axes.unicode_minus"] = False
            rcParams["svg.fonttype"] = "none"
            rcParams["svg.hashsalt"] = "ai-legislation-kg"
            return family
    raise PlotError("no Chinese font found; install Debian's fonts-noto-cjk (apt-get install fonts-noto-cjk)")


def _save(figure: Figure, path: Path) -> None:
    from io import BytesIO

    from kg.output import write_atomic

    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise PlotError(f"{path}: plots are written as .png or .svg, not {suffix or 'no suffix'}")
    buffer = BytesIO()
    metadata = {"Date": None} if suffix == ".svg" else {"Software": None}
    figure.savefig(buffer, format=suffix[1:], dpi=100, metadata=metadata, bbox_inches=None)
    write_atomic(path, buffer.getvalue())


def heatmap(
    matrix: pd.DataFrame, path: Path, *, title: str, legend: str = "", labels: dict[str, str] | None = None
) -> None:
    """A labelled heatmap of a comparison matrix (size grows with the matrix).

    ``legend`` says what the values mean (shown on the colour bar); ``labels`` maps column ids
    to readable labels.
    """
    _setup()
    import matplotlib.pyplot as plt

    rows, cols = matrix.shape
    figure, axes = plt.subplots(figsize=(max(6.0, 0.45 * cols + 3), max(3.0, 0.45 * rows + 2)))
    image = axes.imshow(matrix.values, cmap="Blues", aspect="auto")
    names = [(labels or {}).get(str(c), str(c)) for c in matrix.columns]
    axes.set_xticks(range(cols), names, rotation=60, ha="right", fontsize=8)
    axes.set_yticks(range(rows), [str(i) for i in matrix.index], fontsize=9)
    for y in range(rows):
        for x in range(cols):
            value = matrix.values[y, x]
            if value:
                colour = "white" if value > matrix.values.max() / 2 else "black"
                axes.text(x, y, str(value), ha="center", va="center", fontsize=7, color=colour)
    axes.set_title(title)
    bar = figure.colorbar(image, ax=axes, shrink=0.8)
    if legend:
        bar.set_label(legend, fontsize=8)
    figure.tight_layout()
    _save(figure, path)
    plt.close(figure)


def timeline_chart(graph: Graph, path: Path, *, jurisdictions: list[str] | None = None, lang: str = "en") -> None:
    """Events per jurisdiction over time, one row per jurisdiction, each event's instrument labelled."""
    _setup()
    import datetime

    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt
    from rdflib import Literal
    from rdflib.namespace import DCTERMS

    from kg.analysis import dated_events
    from kg.network import node_id

    points: dict[str, list[tuple[datetime.date, str, str]]] = {}
    for instrument, text, top in dated_events(graph, jurisdictions):
        month = int(text[5:7]) if len(text) >= 7 else 1
        day = datetime.date(int(text[:4]), month, int(text[8:10]) if len(text) == 10 else 1)
        titles = {t.language: str(t) for t in graph.objects(instrument, DCTERMS.title) if isinstance(t, Literal)}
        label = titles.get(lang) or titles.get("en") or titles.get("zh") or node_id(instrument).split(":", 1)[1]
        points.setdefault(top, []).append((day, label[:40], str(instrument)))
    if not points:
        raise PlotError("no dated events for the chosen jurisdictions")
    names = sorted(points)
    figure, axes = plt.subplots(figsize=(14, max(3.0, 1.1 * len(names) + 1.5)))
    for row, name in enumerate(names):
        events = sorted(points[name])
        axes.scatter([d for d, _, _ in events], [row] * len(events), s=18, zorder=3)
        labelled: set[str] = set()
        for day, label, instrument_iri in events:  # each instrument is labelled once, at its first event
            if instrument_iri in labelled:
                continue
            offset = 4 + 8 * (len(labelled) % 4)
            labelled.add(instrument_iri)
            axes.annotate(label, (day, row), xytext=(2, offset), textcoords="offset points", fontsize=6, rotation=15)
    axes.set_yticks(range(len(names)), names)
    axes.xaxis.set_major_locator(mdates.YearLocator())
    axes.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    axes.grid(axis="x", alpha=0.3)
    axes.set_ylim(-0.5, len(names) - 0.2)
    axes.set_title("人工智能立法事件时间线" if lang == "zh" else "AI legislation events over time", pad=12)
    figure.tight_layout()
    _save(figure, path)
    plt.close(figure)
