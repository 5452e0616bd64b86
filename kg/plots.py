"""Matplotlib charts of the analysis results, with Chinese labels rendered correctly."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from kg.errors import PlotError

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure
    from rdflib import Graph

# Fonts tried in order for Chinese text: Debian's fonts-noto-cjk first, then what macOS, Windows and
# other distributions ship.
CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Noto Serif CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "PingFang SC",
    "Heiti SC",
    "Microsoft YaHei",
    "SimHei",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
)
FORMATS = (".png", ".svg")
CJK_RE = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")


def _cjk_font() -> str:
    """The first installed CJK font, rebuilding matplotlib's font list once if none is in it."""
    from matplotlib import font_manager

    available = {f.name for f in font_manager.fontManager.ttflist}
    if not available.intersection(CJK_FONTS):  # a font installed after matplotlib cached its font list
        font_manager.fontManager = font_manager._load_fontmanager(try_read_cache=False)
        available = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FONTS:
        if family in available:
            return family
    raise PlotError(
        "no Chinese font found for the Chinese labels; install one (Debian: apt-get install fonts-noto-cjk;"
        f" any of {', '.join(CJK_FONTS[:6])} ... works)"
    )


def _style(texts: Iterable[str]) -> dict[str, object]:
    """Matplotlib settings for a chart whose labels are ``texts``: a CJK font only when a label needs one.

    Used with ``matplotlib.rc_context``, so a notebook's own style is left as it was.
    """
    families = ["DejaVu Sans"]
    if any(CJK_RE.search(t) for t in texts):
        families.insert(0, _cjk_font())
    return {
        "font.family": families,
        "axes.unicode_minus": False,
        "svg.fonttype": "none",
        "svg.hashsalt": "ai-legislation-kg",
    }


def plot_format(path: Path) -> str:
    """The chart format a path asks for (``.png`` or ``.svg``); PlotError otherwise, before any drawing."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise PlotError(f"{path}: plots are written as .png or .svg, not {suffix or 'no suffix'}")
    return suffix


def _save(figure: Figure, path: Path) -> None:
    from io import BytesIO

    from kg.output import write_atomic

    suffix = plot_format(path)
    buffer = BytesIO()
    metadata = {"Date": None} if suffix == ".svg" else {"Software": None}
    figure.savefig(buffer, format=suffix[1:], dpi=100, metadata=metadata, bbox_inches=None)
    write_atomic(path, buffer.getvalue())


def heatmap(
    matrix: pd.DataFrame, path: Path, *, title: str, legend: str = "", labels: dict[str, str] | None = None
) -> None:
    """A labelled heatmap of a comparison matrix (size grows with the matrix).

    ``legend`` says what the values mean (shown on the colour bar); ``labels`` maps row and
    column ids to readable labels.
    """
    import matplotlib
    from matplotlib.figure import Figure

    rows, cols = matrix.shape
    names = [(labels or {}).get(str(c), str(c)) for c in matrix.columns]
    row_names = [(labels or {}).get(str(r), str(r)) for r in matrix.index]
    with matplotlib.rc_context(_style([title, legend, *names, *row_names])):
        figure = Figure(figsize=(max(6.0, 0.45 * cols + 3), max(3.0, 0.45 * rows + 2)))
        _draw_heatmap(figure, matrix, names, row_names, title, legend)
        _save(figure, path)


def _draw_heatmap(
    figure: Figure, matrix: pd.DataFrame, names: list[str], row_names: list[str], title: str, legend: str
) -> None:
    rows, cols = matrix.shape
    axes = figure.subplots()
    image = axes.imshow(matrix.values, cmap="Blues", aspect="auto")
    axes.set_xticks(range(cols), names, rotation=60, ha="right", fontsize=8)
    axes.set_yticks(range(rows), row_names, fontsize=9)
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


# Lifecycle markers of the timeline: event types -> (group, marker, colour, English, Chinese label).
LIFECYCLE = (
    (("proposed", "planned", "referred", "agreed", "voted"), "o", "#9c9c9c", "proposed or voted", "提出或表决"),
    (("adopted", "signed", "published", "opened_for_signature", "amended"), "s", "#4e79a7", "adopted or published",
     "通过或公布"),
    (("entered_into_force", "applies_from"), "^", "#59a14f", "in force or applies", "生效或适用"),
    (("repealed", "expired", "invalidated", "vetoed", "withdrawn", "lapsed", "enjoined"), "X", "#e15759",
     "ended or blocked", "终止或受阻"),
)  # fmt: skip
ROW_INCHES = 0.26  # height of one instrument's row


def timeline_chart(graph: Graph, path: Path, *, jurisdictions: list[str] | None = None, lang: str = "en") -> None:
    """One row per instrument, grouped by jurisdiction, with a marker per lifecycle event.

    Rows are sorted by first event within each jurisdiction; the label is the instrument's title
    in ``lang`` (cut at 60 characters) and markers say what kind of event each is, so labels
    never overlap however many events a year holds.
    """
    import datetime

    import matplotlib
    from matplotlib.figure import Figure
    from rdflib import URIRef
    from rdflib.namespace import DCTERMS, SKOS

    from kg.analysis import dated_events
    from kg.shape import jurisdiction_labels, label_in, local_id
    from kg.vocab import KG

    def day(text: str) -> datetime.date:  # a date known to the month or year counts from its first day
        return datetime.date(
            int(text[:4]), int(text[5:7]) if len(text) >= 7 else 1, int(text[8:10]) if len(text) == 10 else 1
        )

    tops = {str(instrument): top for instrument, _, top in dated_events(graph, jurisdictions)}
    if not tops:
        raise PlotError("no dated events for the chosen jurisdictions")
    rows: dict[tuple[str, str], list[tuple[datetime.date, str]]] = {}
    titles: dict[str, str] = {}
    for event in sorted(graph.subjects(KG.eventOf, None), key=str):
        instrument, date = str(graph.value(event, KG.eventOf)), graph.value(event, DCTERMS.date)
        if instrument not in tops or date is None:
            continue
        etype = str(graph.value(graph.value(event, KG.eventType), SKOS.notation))
        rows.setdefault((tops[instrument], instrument), []).append((day(str(date)), etype))
        if instrument not in titles:
            node = URIRef(instrument)
            title = label_in(graph, node, lang, DCTERMS.title) or local_id(node)
            titles[instrument] = title if len(title) <= 60 else title[:59] + "…"
    ordered = sorted(rows, key=lambda k: (k[0], min(rows[k])[0], titles[k[1]]))
    places = jurisdiction_labels(graph, lang)
    labels = [f"{places.get(top) or top} · {titles[iri]}" for top, iri in ordered]
    title = "人工智能立法时间线：每行一部文件" if lang == "zh" else "AI legislation timeline: one row per instrument"
    with matplotlib.rc_context(_style([title, *labels, *(g[4 if lang == "zh" else 3] for g in LIFECYCLE)])):
        figure = Figure(figsize=(14, max(3.0, ROW_INCHES * len(ordered) + 1.6)))
        _draw_timeline(figure, [rows[k] for k in ordered], labels, [k[0] for k in ordered], title, lang)
        _save(figure, path)


def _draw_timeline(
    figure: Figure, rows: list[list[tuple[object, str]]], labels: list[str], groups: list[str], title: str, lang: str
) -> None:
    import matplotlib.dates as mdates

    axes = figure.subplots()
    for y, points in enumerate(rows):
        days = sorted(d for d, _ in points)
        axes.plot([days[0], days[-1]], [y, y], color="#cfcfcf", linewidth=1, zorder=1)
        for types, marker, colour, _, _ in LIFECYCLE:
            chosen = [d for d, t in points if t in types]
            if chosen:
                axes.scatter(chosen, [y] * len(chosen), marker=marker, s=22, color=colour, zorder=3)
    for y in range(1, len(groups)):  # a rule between jurisdictions
        if groups[y] != groups[y - 1]:
            axes.axhline(y - 0.5, color="#888888", linewidth=0.6)
    axes.set_yticks(range(len(labels)), labels, fontsize=7)
    axes.set_ylim(len(labels) - 0.5, -0.5)  # the first row on top
    years = {d.year for points in rows for d, _ in points}
    axes.xaxis.set_major_locator(mdates.YearLocator(5 if max(years) - min(years) > 15 else 1))
    axes.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    axes.grid(axis="x", alpha=0.3)
    handles = [
        axes.scatter([], [], marker=marker, s=22, color=colour, label=zh if lang == "zh" else en)
        for _, marker, colour, en, zh in LIFECYCLE
    ]
    axes.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=4, fontsize=7, frameon=False)
    axes.set_title(title, pad=22)
    figure.tight_layout()
