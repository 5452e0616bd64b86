"""An interactive, offline HTML page of the graph, based on pyvis's vis-network.

The page is one self-contained file: vis-network's JavaScript and CSS (shipped by
pyvis) are inlined, nothing is fetched from a network, and a Content-Security-Policy
forbids it. Data travels as JSON in a ``<script type="application/json">`` block
with ``<``, ``>`` and ``&`` escaped, and the page writes text with ``textContent``
only, so titles from the data can never become markup. Links are http(s) only.
"""

from __future__ import annotations

import json
import math
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import RDF, RDFS, Literal
from rdflib.namespace import DCTERMS, PROV, SDO

from kg.network import node_id, to_networkx
from kg.shape import label_in, literal_in, local_id, mapped_provisions
from kg.vocab import ELI, KG

if TYPE_CHECKING:
    import networkx as nx
    from rdflib import Graph, URIRef

CONCEPT_SCHEME = "https://w3id.org/ai-legislation-kg/concept/comparison-concept"
PHYSICS_LIMIT = 1000  # above this many nodes the layout is precomputed and physics is off

CLASS_STYLE = {
    # kind: (shape, colour, border, English label, Chinese label)
    "jurisdiction": ("diamond", "#4e79a7", "#2b4a6f", "Jurisdiction", "法域"),
    "body": ("star", "#b07aa1", "#7a4f70", "Body", "机构"),
    "article": ("triangleDown", "#bab0ac", "#8c8480", "Article / provision", "条款"),
    "topic": ("hexagon", "#59a14f", "#3b6e34", "Topic / scenario", "主题/场景"),
    "model": ("hexagon", "#edc948", "#a88d20", "Legislative model", "立法模式"),
    "orientation": ("hexagon", "#f1ce63", "#a88d20", "Orientation", "逻辑导向"),
}
TYPE_COLOURS = {
    "law": "#e15759",
    "administrative_regulation": "#f28e2b",
    "departmental_rule": "#ff9d9a",
    "executive_order": "#d37295",
    "national_security_memorandum": "#9c755f",
    "local_law": "#fabfd2",
    "convention": "#b6992d",
    "bill": "#ffbe7d",
    "resolution": "#86bcb6",
    "strategy": "#499894",
    "guideline": "#8cd17d",
    "framework": "#76b7b2",
    "principles": "#a0cbe8",
    "standard": "#79706e",
    "judicial_opinion": "#d4a6c8",
    "policy_document": "#9d7660",
    "toolkit": "#d7b5a6",
}
RELATION_LABELS = {
    "part_of": ("part of", "属于"),
    "jurisdiction": ("jurisdiction", "法域"),
    "passed_by": ("issued by", "发布机构"),
    "about": ("about", "主题"),
    "party_to": ("party to", "签署/缔约"),
    "based_on": ("based on", "上位法依据"),
    "amends": ("amends", "修改"),
    "repeals": ("repeals", "废止"),
    "implements": ("implements", "实施"),
    "cites": ("cites", "援引"),
    "complements": ("complements", "配套"),
    "precursor_of": ("precursor of", "先导"),
    "classified_as_primary": ("model (primary)", "立法模式（主要）"),
    "classified_as_secondary": ("model (secondary)", "立法模式（次要）"),
}
UI = {
    "en": {
        "title": "AI legislation knowledge graph",
        "search": "Search titles (中文 / English)",
        "filters": "Filters",
        "jurisdiction": "Jurisdiction",
        "model": "Legislative model",
        "type": "Instrument type",
        "force": "Binding force",
        "hard_law": "Hard law",
        "soft_law": "Soft law",
        "years": "Years (first event)",
        "undated": "Include undated instruments",
        "details": "Show articles, bodies and topics",
        "status_on": "Status on a date",
        "colour_by_status": "Colour instruments by their status on",
        "ended": "Ended (repealed, expired, vetoed, withdrawn, lapsed, invalidated)",
        "reset": "Reset",
        "legend": "Legend",
        "hint": "Click a node to see its titles, timeline, status, articles and sources.",
        "any": "(any)",
        "showing": "Showing",
        "matches": "Matches",
        "no_match": "No match",
        "kind": "Kind",
        "title_en": "English title",
        "title_zh": "Chinese title",
        "identifier": "Identifier",
        "status": "Status today",
        "status_none": "no dated event yet",
        "since": "since",
        "applying": "applying",
        "next": "next",
        "timeline": "Timeline",
        "articles": "Articles",
        "provisions": "Provisions by concept",
        "related": "Related instruments",
        "instruments": "Instruments by type",
        "classified": "Legislative model (as sources classify it)",
        "sources": "Sources",
        "link": "Official text",
        "official_text": "Open the official text",
        "instrument": "Instrument",
        "body": "Body",
        "article": "Article",
        "topic": "Topic",
        "orientation": "Orientation",
        "compare": "Compare provisions",
        "compare_concept": "Concept",
        "compare_open": "Side by side",
        "compare_close": "Back to the graph",
        "compare_none": "No provision is mapped to this concept.",
        "compare_note": (
            "Which provisions address a concept is the project's editorial classification;"
            " texts are verbatim unless marked."
        ),
        "actors": "Binds",
        "modality": "Modality",
        "applies_from": "Applies from",
        "original_text": "Original text",
        "kinds": {
            "original": "original wording",
            "official_translation": "official translation",
            "translation": "published translation",
            "own_translation": "our translation",
            "summary": "source's summary",
            "own_summary": "our summary",
            "own_translation_summary": "our translation of the source's summary",
        },
    },
    "zh": {
        "title": "人工智能立法知识图谱",
        "search": "搜索标题（中文 / English）",
        "filters": "筛选",
        "jurisdiction": "法域",
        "model": "立法模式",
        "type": "文件类型",
        "force": "约束力",
        "hard_law": "硬法",
        "soft_law": "软法",
        "years": "年份（首个事件）",
        "undated": "包括无日期的文件",
        "details": "显示条款、机构和主题",
        "status_on": "某日的状态",
        "colour_by_status": "按该日状态为文件着色",
        "ended": "已终止（废止、失效、否决、撤回、搁置、无效）",
        "reset": "重置",
        "legend": "图例",
        "hint": "点击节点查看标题、时间线、状态、条款和来源。",
        "any": "（全部）",
        "showing": "显示",
        "matches": "匹配",
        "no_match": "无匹配",
        "kind": "类别",
        "title_en": "英文标题",
        "title_zh": "中文标题",
        "identifier": "编号",
        "status": "今日状态",
        "status_none": "尚无有日期的事件",
        "since": "自",
        "applying": "已适用",
        "next": "下一阶段",
        "timeline": "时间线",
        "articles": "条款",
        "provisions": "按比较概念的条款",
        "related": "相关文件",
        "instruments": "按类型的法律文件",
        "classified": "立法模式（来源的归类）",
        "sources": "来源",
        "link": "官方文本",
        "official_text": "打开官方文本",
        "instrument": "法律文件",
        "body": "机构",
        "article": "条款",
        "topic": "主题",
        "orientation": "逻辑导向",
        "compare": "条款比较",
        "compare_concept": "比较概念",
        "compare_open": "并排比较",
        "compare_close": "返回图谱",
        "compare_none": "尚无条款归入该概念。",
        "compare_note": "条款归入哪一概念是本项目的编辑判断；除另有标注外，文本均为逐字引用。",
        "actors": "约束主体",
        "modality": "规范类型",
        "applies_from": "适用起始",
        "original_text": "原文",
        "kinds": {
            "original": "原文",
            "official_translation": "官方译文",
            "translation": "已发表的译文",
            "own_translation": "本项目译文",
            "summary": "来源的概括",
            "own_summary": "本项目的概括",
            "own_translation_summary": "本项目对来源概括的翻译",
        },
    },
}


def _json_for_script(data: Any) -> str:
    """JSON that is safe inside a <script> element: no '<', '>' or '&' survive."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for char, escape in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escape)
    return text


def _concept_labels(graph: Graph, scheme: str) -> dict[str, dict[str, str]]:
    """notation -> {en, zh} labels of a concept scheme, from the ontology in the graph."""
    from rdflib.namespace import SKOS

    from kg.vocab import scheme_iri

    out: dict[str, dict[str, str]] = {}
    for concept in graph.subjects(SKOS.inScheme, scheme_iri(scheme)):
        notation = str(graph.value(concept, SKOS.notation))
        labels = {lit.language: str(lit) for lit in graph.objects(concept, SKOS.prefLabel) if isinstance(lit, Literal)}
        out[notation] = labels
    return out


def _details(graph: Graph, instrument: URIRef) -> dict[str, Any]:
    """Timeline, status inputs, articles and sources of an instrument, for the side panel.

    ``events`` carries what the page needs to derive the status on any date exactly as
    the status-on-date preset does (a test checks that the two agree): date, type, part,
    the date of the event that supersedes it, whether another row refines it, the English
    description and the verification level.
    """
    lines: dict[tuple[str, ...], set[str]] = {}  # one timeline line per event, with all its sources
    events = []
    for event in graph.objects(instrument, KG.hasEvent):
        date = graph.value(event, DCTERMS.date)
        etype = local_id(graph.value(event, KG.eventType))
        body = graph.value(event, PROV.wasAssociatedWith)
        votes = [graph.value(event, p) for p in (KG.votesFor, KG.votesAgainst, KG.votesAbstain)]
        part = str(graph.value(event, KG.part) or "")
        superseding = graph.value(event, KG.supersededBy)
        if (None, KG.refines, event) not in graph:  # a row another source dates more precisely joins that row
            key = (
                str(date),
                etype,
                part,
                label_in(graph, body, "en", RDFS.label),
                label_in(graph, body, "zh", RDFS.label),
                node_id(body) if body is not None else "",
                "/".join(str(v) for v in votes) if any(v is not None for v in votes) else "",
            )
            lines.setdefault(key, set()).update(_event_sources(graph, event))
        events.append(
            {
                "d": str(date),
                "t": etype,
                "p": part,
                "s": str(graph.value(superseding, DCTERMS.date) or "") if superseding is not None else "",
                "r": (None, KG.refines, event) in graph,
                "w": literal_in(graph, event, DCTERMS.description, "en"),
                "v": local_id(graph.value(event, KG.verification)),
            }
        )
    names = ("date", "type", "part", "body_en", "body_zh", "body", "votes")
    timeline = [{**dict(zip(names, key, strict=True)), "sources": sorted(found)} for key, found in lines.items()]
    timeline.sort(key=lambda e: (e["date"], e["type"], e["part"], e["body"], e["votes"]))
    events.sort(key=lambda e: (e["d"], e["t"], e["p"]))
    articles = []
    for article in graph.objects(instrument, ELI.has_part):
        texts = {lit.language: str(lit) for lit in graph.objects(article, SDO.text) if isinstance(lit, Literal)}
        heads = {lit.language: str(lit) for lit in graph.objects(article, DCTERMS.title) if isinstance(lit, Literal)}
        number = str(graph.value(article, ELI.number) or "")
        articles.append(
            {
                "id": local_id(article),
                "number": number,
                "text_en": heads.get("en", "")
                + (": " if heads.get("en") else "")
                + texts.get("en", texts.get("zh", "")),
                "text_zh": heads.get("zh", "")
                + ("：" if heads.get("zh") else "")
                + texts.get("zh", texts.get("en", "")),
            }
        )
    articles.sort(key=lambda a: (a["number"], a["text_en"]))
    sources = set()
    for node in [instrument, *graph.objects(instrument, KG.hasEvent), *graph.objects(instrument, ELI.has_part)]:
        source = graph.value(node, DCTERMS.source)
        if source is not None:
            title = graph.value(source, DCTERMS.title)
            sources.add(f"{title} — {graph.value(node, KG.locator)}")
    return {"timeline": timeline, "events": events, "articles": articles, "sources": sorted(sources)}


def _event_sources(graph: Graph, event: URIRef) -> set[str]:
    """Titles of the sources of an event and of the rows it refines (the same event, dated less precisely)."""
    found: set[str] = set()
    todo, seen = [event], set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for source in (*graph.objects(node, DCTERMS.source), *graph.objects(node, KG.corroboratedBy)):
            title = str(graph.value(source, DCTERMS.title) or local_id(source))
            found.add(title if len(title) <= 70 else title[:69] + "…")
        todo.extend(graph.objects(node, KG.refines))
    return found


def _provisions(graph: Graph, node_of: dict[str, str]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The comparison concepts and the provisions mapped to them, for the side-by-side view.

    ``node_of`` maps an instrument's IRI to its node id on the page, so that a column can
    open the instrument's panel.
    """
    from rdflib import URIRef
    from rdflib.namespace import SKOS

    scheme = URIRef(CONCEPT_SCHEME)
    concepts = sorted(
        (
            {
                "id": local_id(c),
                "broader": local_id(graph.value(c, SKOS.broader)),
                "label_en": label_in(graph, c, "en", SKOS.prefLabel),
                "label_zh": label_in(graph, c, "zh", SKOS.prefLabel),
                "definition_en": literal_in(graph, c, SKOS.definition, "en"),
                "definition_zh": literal_in(graph, c, SKOS.definition, "zh"),
            }
            for c in graph.subjects(SKOS.inScheme, scheme)
        ),
        key=lambda c: c["id"],
    )
    provisions = []
    for provision in mapped_provisions(graph):
        article, instrument, jurisdiction = provision.article, provision.instrument, provision.jurisdiction
        if str(instrument) not in node_of:
            continue
        original = graph.value(article, KG.originalText)
        foreign = isinstance(original, Literal) and original.language not in ("en", "zh")
        applies = graph.value(article, KG.appliesFrom)
        provisions.append(
            {
                "id": local_id(article),
                "instrument": node_of[str(instrument)],
                "jurisdiction": node_id(jurisdiction),
                "number": str(graph.value(article, ELI.number) or ""),
                "heading_en": literal_in(graph, article, DCTERMS.title, "en"),
                "heading_zh": literal_in(graph, article, DCTERMS.title, "zh"),
                "text_en": literal_in(graph, article, SDO.text, "en"),
                "text_zh": literal_in(graph, article, SDO.text, "zh"),
                "kind_en": local_id(graph.value(article, KG.englishTextKind)),
                "kind_zh": local_id(graph.value(article, KG.chineseTextKind)),
                "original": str(original) if foreign else "",
                "original_lang": original.language if isinstance(original, Literal) else "",
                "concepts": sorted(local_id(c) for c in provision.concepts),
                "actors": sorted(local_id(a) for a in graph.objects(article, KG.bindsActor)),
                "modality": local_id(graph.value(article, KG.modality)),
                "from": str(graph.value(applies, DCTERMS.date) or "") if applies is not None else "",
            }
        )
    return concepts, provisions


def _aliases(graph: Graph, instrument: URIRef) -> list[str]:
    """Other names the search finds an instrument by: short titles, official identifiers, the original title, its id."""
    names = {
        str(v)
        for p in (DCTERMS.alternative, DCTERMS.identifier, KG.originalTitle)
        for v in graph.objects(instrument, p)
    }
    return sorted(names | {local_id(instrument)})


def layout(net: nx.MultiDiGraph, spacing: float = 28.0) -> dict[str, tuple[float, float]]:
    """Positions for large graphs, computed once in O(n) (deterministic, no physics needed).

    Each top-level jurisdiction is a cluster on a large circle: the jurisdiction at
    its centre, its instruments, articles and bodies on a golden-angle spiral around
    it. Topics and legislative concepts shared across clusters sit in the middle.
    """
    from collections import defaultdict

    def top(jurisdiction: str) -> str:
        seen = set()
        while jurisdiction not in seen:
            seen.add(jurisdiction)
            parents = [t for _, t, d in net.out_edges(jurisdiction, data=True) if d["relation"] == "part_of"]
            if not parents:
                break
            jurisdiction = parents[0]
        return jurisdiction

    anchor: dict[str, str] = {}
    for node, data in net.nodes(data=True):
        if data["kind"] == "jurisdiction":
            anchor[node] = top(node)
        elif data["kind"] == "instrument" and data.get("jurisdiction"):
            anchor[node] = top(data["jurisdiction"])
    for node, data in net.nodes(data=True):
        if node in anchor:
            continue
        linked = sorted(m for m in (*net.predecessors(node), *net.successors(node)) if m in anchor)
        if data["kind"] in ("article", "body") and linked:
            anchor[node] = anchor[linked[0]]
        else:
            anchor[node] = ""  # shared concepts: the middle
    groups: dict[str, list[str]] = defaultdict(list)
    for node in sorted(net.nodes):
        groups[anchor[node]].append(node)
    clusters = sorted(g for g in groups if g)
    biggest = max((len(groups[g]) for g in clusters), default=1)
    radius = spacing * math.sqrt(biggest) * 2.2 + spacing * math.sqrt(len(groups.get("", []))) + 200
    golden = math.pi * (3 - math.sqrt(5))
    positions: dict[str, tuple[float, float]] = {}
    for index, group in enumerate(["", *clusters]):
        if group:
            angle = 2 * math.pi * (index - 1) / max(len(clusters), 1)
            cx, cy = radius * math.cos(angle), radius * math.sin(angle)
        else:
            cx = cy = 0.0
        members = sorted(groups[group], key=lambda n: (n != group, n))  # the jurisdiction itself first
        for k, node in enumerate(members):
            r = spacing * math.sqrt(k)
            positions[node] = (round(cx + r * math.cos(k * golden), 1), round(cy + r * math.sin(k * golden), 1))
    return positions


def page_data(graph: Graph, *, lang: str = "en") -> dict[str, Any]:
    """Everything the page needs, as plain JSON-able data."""
    net = to_networkx(graph)
    physics = net.number_of_nodes() <= PHYSICS_LIMIT
    positions = {} if physics else layout(net)
    models_of: dict[str, list[str]] = {}
    for source, target, data in net.edges(data=True):
        if data["relation"].startswith("classified_as") and net.nodes[target]["kind"] == "model":
            models_of.setdefault(source, []).append(target)
    iri_of = {key: data["iri"] for key, data in net.nodes(data=True)}
    from rdflib import URIRef

    nodes = []
    for key, data in net.nodes(data=True):
        kind = data["kind"]
        if kind == "instrument":
            shape = "dot" if data["binding_force"] == "hard_law" else "square"
            colour = TYPE_COLOURS.get(data["instrument_type"], "#999999")
            border = "#444444"
        else:
            shape, colour, border = CLASS_STYLE[kind][:3]
        node: dict[str, Any] = {
            "id": key,
            "kind": kind,
            "label_en": data["label_en"],
            "label_zh": data["label_zh"],
            "shape": shape,
            "color": colour,
            "border": border,
            "size": round(8 + 4 * math.sqrt(net.degree(key)), 1),
        }
        if key in positions:
            node["x"], node["y"] = positions[key]
        if kind == "jurisdiction":
            parents = [t for _, t, d in net.out_edges(key, data=True) if d["relation"] == "part_of"]
            node["parent"] = parents[0] if parents else ""
            node["models"] = sorted(models_of.get(key, []))
        if kind == "instrument":
            node.update(
                instrument_type=data["instrument_type"],
                binding_force=data["binding_force"],
                jurisdiction=data["jurisdiction"],
                first_year=data["first_year"],
                identifier=data["identifier"],
                url=data["url"],
            )
            node.update(_details(graph, URIRef(iri_of[key])))
            node["aliases"] = _aliases(graph, URIRef(iri_of[key]))
        nodes.append(node)
    edges = []
    for index, (source, target, data) in enumerate(net.edges(data=True)):
        en, zh = RELATION_LABELS.get(data["relation"], (data["relation"], data["relation"]))
        edges.append(
            {
                "id": f"e{index}",
                "from": source,
                "to": target,
                "relation": data["relation"],
                "label_en": en,
                "label_zh": zh,
            }
        )
    years = [n["first_year"] for n in nodes if n.get("first_year")]
    types = _concept_labels(graph, "instrument-type")
    events = _concept_labels(graph, "event-type")
    statuses = _concept_labels(graph, "status")
    actors = _concept_labels(graph, "actor")
    modalities = _concept_labels(graph, "provision-modality")
    ui = {lang_: dict(strings) for lang_, strings in UI.items()}
    for lang_ in ui:
        ui[lang_]["types"] = {k: v.get(lang_, k) for k, v in types.items()}
        ui[lang_]["events"] = {k: v.get(lang_, k) for k, v in events.items()}
        ui[lang_]["statuses"] = {k: v.get(lang_, k) for k, v in statuses.items()}
        ui[lang_]["actor_names"] = {k: v.get(lang_, k) for k, v in actors.items()}
        ui[lang_]["modalities"] = {k: v.get(lang_, k) for k, v in modalities.items()}
    legend = [
        {
            "shape": style[0],
            "color": style[1],
            "label_en": style[3],
            "label_zh": style[4],
        }
        for kind, style in CLASS_STYLE.items()
        if any(n["kind"] == kind for n in nodes)
    ]
    legend.append(
        {
            "shape": "note",
            "color": "#ffffff",
            "label_en": "Instruments: circle = hard law, dashed square = soft law; colour = type:",
            "label_zh": "法律文件：圆形为硬法，虚线方形为软法；颜色表示类型：",
        }
    )
    used_types = sorted({n["instrument_type"] for n in nodes if n["kind"] == "instrument"})
    for t in used_types:
        labels = types.get(t, {})
        legend.append(
            {
                "shape": "dot",
                "color": TYPE_COLOURS.get(t, "#999999"),
                "label_en": labels.get("en", t),
                "label_zh": labels.get("zh", t),
            }
        )
    concepts, provisions = _provisions(graph, {iri: key for key, iri in iri_of.items()})
    return {
        "lang": lang,
        "physics": physics,
        "concepts": concepts,
        "provisions": provisions,
        "nodes": nodes,
        "edges": edges,
        "jurisdictions": sorted(n["id"] for n in nodes if n["kind"] == "jurisdiction"),
        "models": sorted(n["id"] for n in nodes if n["kind"] == "model"),
        "types": used_types,
        "years": [min(years), max(years)] if years else [0, 0],
        "legend": legend,
        "ui": ui,
    }


def _vis_asset(name: str) -> str:
    """vis-network's bundled file from the installed pyvis package."""
    import pyvis

    base = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2"
    return (base / name).read_text(encoding="utf-8")


def render_html(graph: Graph, *, lang: str = "en") -> str:
    """The whole self-contained page."""
    template = files("kg").joinpath("viz_template.html").read_text(encoding="utf-8")
    vis_js = _vis_asset("vis-network.min.js").replace("</script", "<\\/script")
    html = template.replace("/*__VIS_CSS__*/", _vis_asset("vis-network.css"))
    html = html.replace("/*__DATA__*/", _json_for_script(page_data(graph, lang=lang)))
    return html.replace("/*__VIS_JS__*/", vis_js)


def select_graph(
    graph: Graph,
    *,
    jurisdictions: list[str] | None = None,
    preset: str | None = None,
    params: dict[str, str] | None = None,
) -> Graph:
    """The part of the graph to draw: everything, some jurisdictions, or a preset's result."""
    from rdflib import Graph as RdfGraph
    from rdflib import URIRef

    from kg.presets import PresetError, bind, load_presets, resolve
    from kg.sparql import LocalBackend
    from kg.terms import rdflib_graph

    if not jurisdictions and not preset:
        return graph
    backend = LocalBackend(graph)
    presets = load_presets()
    out = RdfGraph()
    for name in jurisdictions or []:
        node = resolve("jurisdiction", name, backend)
        query = bind(presets["subgraph"], {"jurisdiction": local_id(node)}, backend)
        out += rdflib_graph(backend.construct(query))
    if preset:
        if preset not in presets:
            raise PresetError(f"unknown preset {preset!r}; available: {', '.join(presets)}")
        chosen = presets[preset]
        query = bind(chosen, params or {}, backend)
        if chosen.is_construct:
            out += rdflib_graph(backend.construct(query))
        else:
            results = backend.select(query)
            if "instrument" not in results.variables:
                raise PresetError(f"preset {preset!r} lists no 'instrument' column to draw")
            column = results.variables.index("instrument")
            for row in results.rows:
                if row[column] is not None:
                    node = resolve("instrument", str(row[column]), backend)
                    out += instrument_neighbourhood(graph, URIRef(node.value))
    _add_vocabulary(graph, out)
    return out


def instrument_neighbourhood(graph: Graph, instrument: URIRef) -> Graph:
    """An instrument's own triples, its events and articles, and the nodes it links to."""
    from rdflib import Graph as RdfGraph

    out = RdfGraph()
    nodes = {instrument, *graph.objects(instrument, KG.hasEvent), *graph.objects(instrument, ELI.has_part)}
    for node in list(nodes):
        for triple in graph.triples((node, None, None)):
            out.add(triple)
    for obj in set(graph.objects(instrument, None)):
        for triple in graph.triples((obj, None, None)):
            if triple[1] in (RDF.type, RDFS.label, DCTERMS.title, KG.jurisdictionKind, KG.parentJurisdiction):
                out.add(triple)
    return out


def _add_vocabulary(full: Graph, part: Graph) -> None:
    """Concept labels and schemes the page needs for a partial graph."""
    from rdflib.namespace import SKOS

    for concept in set(full.subjects(SKOS.inScheme, None)):
        for triple in full.triples((concept, None, None)):
            part.add(triple)
