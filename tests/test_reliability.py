"""Reliability gates: SHACL contract, nothing curated lost, property-based round trips, atomic builds."""

from __future__ import annotations

import csv
import datetime
import json
import re
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS

from kg import DEFAULT_BASE_IRI
from kg.cache import cached_build
from kg.cli import main
from kg.graph import build_graph
from kg.ontology import graph_prefixes
from kg.output import RdfFormat, serialize
from kg.shacl import check_shapes_are_local, load_shapes, shacl_problems
from kg.tables import MARKUP_RE, load_dataset
from kg.viz import render_html
from kg.vocab import ELI, KG

from .conftest import DATA, TINY, edit_csv, same_graph

ID = "https://w3id.org/ai-legislation-kg/id/"


# --- SHACL ---------------------------------------------------------------------------


@pytest.mark.long
def test_real_data_conforms_to_the_shapes(real_build):
    result = CliRunner().invoke(main, ["validate", "--data", str(DATA)])
    assert result.exit_code == 0
    assert result.output == (
        f"OK: 4099 rows in 15 tables are valid, and the graph ({real_build.triples} triples) conforms to the SHACL"
        " shapes.\n"
    )
    assert real_build.triples == 56433


XSD_NS = "http://www.w3.org/2001/XMLSchema#"
INTEGER = XSD_NS + "integer"


def shacl_after(
    tiny_dir: Path, *, remove: list[tuple[str, str, ox.Literal | None]], add: list[ox.Quad], batch: int = 1000
) -> list[str]:
    """The SHACL problems of the tiny data's cached build after removing (node, predicate, value or any) and adding."""
    cached = cached_build(tiny_dir)
    store = ox.Store()
    store.bulk_load(path=str(cached.ntriples), format=ox.RdfFormat.N_TRIPLES)
    for node, predicate, value in remove:
        for quad in list(store.quads_for_pattern(ox.NamedNode(node), ox.NamedNode(predicate), value)):
            store.remove(quad)
    for quad in add:
        store.add(quad)
    problems = shacl_problems(
        store,
        locate=lambda nodes: cached.locate(nodes, tiny_dir),
        prefixes=graph_prefixes(DEFAULT_BASE_IRI),
        batch=batch,
    )
    return [str(p) for p in problems]


def test_shacl_violations_are_reported_at_their_rows(tiny_dir):
    vote, proposed = ID + "event/xa-ai-law.2024-03.vote", ID + "event/xa-bill.2023.proposed"
    edits = dict(
        remove=[
            (ID + "instrument/xa-ai-law", str(KG.jurisdiction), None),
            (ID + "article/xa-ai-law.art5", str(ELI.is_part_of), None),
            (ID + "claim/claim.xa.unified", str(KG.quote), None),
            (vote, str(KG.votesFor), None),
            (proposed, str(DCTERMS.date), None),
        ],
        add=[
            ox.Quad(
                ox.NamedNode(vote),
                ox.NamedNode(KG.votesFor),
                ox.Literal("ten", datatype=ox.NamedNode(XSD_NS + "integer")),
            ),
            ox.Quad(
                ox.NamedNode(proposed),
                ox.NamedNode(DCTERMS.date),
                ox.Literal("2023-13", datatype=ox.NamedNode(XSD_NS + "gYearMonth")),
            ),
        ],
    )
    problems = shacl_after(tiny_dir, **edits)
    assert shacl_after(tiny_dir, **edits, batch=1) == problems  # batches see all a shape looks at, whatever their size
    assert problems == [
        f"{tiny_dir}/articles.csv:2: SHACL: <{ID}article/xa-ai-law.art5> eli:is_part_of must be part of exactly one"
        " instrument",
        f"{tiny_dir}/classifications.csv:2: SHACL: <{ID}claim/claim.xa.unified> kg:quote needs a verbatim quote"
        " tagged @en or @zh",
        f'{tiny_dir}/events.csv:2: <{ID}event/xa-ai-law.2024-03.vote> ill-typed literal "ten"^^xsd:integer on'
        " kg:votesFor",
        f"{tiny_dir}/events.csv:2: SHACL: <{ID}event/xa-ai-law.2024-03.vote> kg:votesFor votes for must be one"
        ' non-negative integer (value "ten"^^xsd:integer)',
        f'{tiny_dir}/events.csv:4: <{ID}event/xa-bill.2023.proposed> ill-typed literal "2023-13"^^xsd:gYearMonth on'
        " dcterms:date",
        f"{tiny_dir}/instruments.csv:2: SHACL: <{ID}instrument/xa-ai-law> kg:jurisdiction needs exactly one"
        " jurisdiction",
    ]


def test_language_tags_are_part_of_the_contract(tiny_dir):
    jurisdiction, label = ID + "jurisdiction/xa", "http://www.w3.org/2000/01/rdf-schema#label"
    problems = shacl_after(
        tiny_dir,
        remove=[(jurisdiction, label, ox.Literal("仙那度", language="zh"))],
        add=[ox.Quad(ox.NamedNode(jurisdiction), ox.NamedNode(label), ox.Literal("仙那度"))],
    )
    assert problems == [
        f"{tiny_dir}/jurisdictions.csv:2: SHACL: <{ID}jurisdiction/xa> rdfs:label needs one English and one Chinese"
        ' name (value "仙那度")'
    ]


def test_the_shapes_only_look_where_a_batch_can_see():
    """Checking in batches is exact only while the shapes stay local; a non-local shape is named."""
    assert check_shapes_are_local(load_shapes()) == []
    shapes = load_shapes()
    shapes.parse(
        data="""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
        ex:Deep a sh:NodeShape ; sh:targetClass ex:A ;
            sh:property [ sh:path ( ex:p ex:q ) ] ;
            sh:property [ sh:path ex:r ; sh:node ex:Inner ] .
        ex:Inner a sh:NodeShape ; sh:property [ sh:path ex:s ; sh:class ex:B ] .
        ex:Loose a sh:NodeShape ; sh:targetNode ex:x ; sh:closed true .""",
        format="turtle",
    )
    faults = check_shapes_are_local(shapes)
    assert (
        faults[0] == "http://example.org/Inner follows a path from its value further (http://www.w3.org/ns/shacl#class)"
    )
    assert faults[1] == "http://example.org/Loose has no sh:targetClass"
    assert faults[2] == "http://example.org/Loose is closed"
    assert faults[3] == "http://example.org/Loose uses http://www.w3.org/ns/shacl#targetNode, not sh:targetClass"
    assert faults[4].startswith("sh:path ") and faults[4].endswith(" is not a single predicate")
    assert len(faults) == 5


# --- nothing curated is lost ---------------------------------------------------------


@pytest.mark.long
def test_csv_export_rebuilds_an_isomorphic_graph(tmp_path, real_graph):
    out = tmp_path / "tables"
    result = CliRunner().invoke(main, ["export", "--data", str(DATA), "--format", "csv", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stderr == f"Wrote 16 files to {out} ({len(real_graph)} triples as tables).\n"
    rebuilt = build_graph(load_dataset(out))
    assert len(rebuilt) == len(real_graph)
    assert same_graph(rebuilt, real_graph)
    for path in DATA.glob("*.csv"):  # the same rows come back (in key order)
        with path.open(encoding="utf-8") as a, (out / path.name).open(encoding="utf-8") as b:
            assert len(list(csv.reader(a))) == len(list(csv.reader(b))), path.name


def test_csv_export_needs_a_folder():
    result = CliRunner().invoke(main, ["export", "--data", str(DATA), "--format", "csv"])
    assert result.exit_code == 2
    assert "--format csv writes a folder of tables: give it with --output DIR" in result.stderr


# --- atomic outputs ----------------------------------------------------------------------


def test_a_build_failing_halfway_leaves_the_previous_build_intact(tmp_path, monkeypatch):
    out = tmp_path / "build"
    assert CliRunner().invoke(main, ["build", "--data", str(DATA), "--out", str(out), "-q"]).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def broken_page(*args: object, **kwargs: object) -> str:
        raise RuntimeError("disk full while rendering the page")

    monkeypatch.setattr("kg.viz.render_html", broken_page)
    with pytest.raises(RuntimeError, match="disk full"):
        from kg.pipeline import build

        build(DATA, out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # graph.ttl was not replaced either


# --- property-based round trips ---------------------------------------------------------------

TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufeff")
    | st.sampled_from("\n\t\"\\'"),
    min_size=1,
    max_size=40,
).filter(lambda s: s == s.strip() and not MARKUP_RE.search(s))
DATES = st.dates(min_value=datetime.date(1990, 1, 1), max_value=datetime.date(2030, 12, 31))


@st.composite
def datasets(draw: st.DrawFn) -> dict[str, object]:
    titles = draw(st.lists(st.tuples(TEXT, TEXT), min_size=1, max_size=4))
    events = [
        (draw(st.integers(0, len(titles) - 1)), draw(DATES), draw(st.sampled_from(["year", "month", "day"])),
         draw(st.none() | st.integers(0, 10_000)))
        for _ in range(draw(st.integers(0, 5)))
    ]  # fmt: skip
    return {"titles": titles, "events": events, "quote": draw(TEXT), "note": draw(st.none() | TEXT)}


def write_rows(path: Path, rows: list[dict[str, str]], *, append: bool = True) -> None:
    """Add rows (by column name; missing columns stay empty) to a table, or replace its rows."""
    header = next(csv.reader(path.open(encoding="utf-8")))
    with path.open("a" if append else "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n", restval="")
        if not append:
            writer.writeheader()
        writer.writerows(rows)


def make_folder(base: Path, data: dict[str, object]) -> Path:
    """The tiny fixture plus generated instruments, events and a claim."""
    folder = base / "data"
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(TINY, folder, ignore=shutil.ignore_patterns("expected.ttl"))
    shutil.copy(DATA / "datapackage.json", folder / "datapackage.json")
    provenance = {"source": "src-a", "locator": "一", "verification": "secondary-single"}
    instruments = [
        {"id": f"xa-gen-{i}", "jurisdiction": "xa", "type": "law", "binding_force": "hard_law", "title_zh": zh,
         "title_en": en, "title_en_translated": "yes", "title_zh_translated": "yes", "unnamed": "yes",
         "note": data["note"] or "", **provenance}
        for i, (zh, en) in enumerate(data["titles"])  # type: ignore[arg-type]
    ]  # fmt: skip
    write_rows(folder / "instruments.csv", instruments)
    events = [
        {"id": f"gen-event-{n}", "instrument": f"xa-gen-{index}", "type": "adopted",
         "date": day.isoformat()[: {"year": 4, "month": 7, "day": 10}[precision]],
         "votes_for": "" if votes is None else str(votes), **provenance}
        for n, (index, day, precision, votes) in enumerate(data["events"])  # type: ignore[misc]
    ]  # fmt: skip
    events += [  # every instrument has a dated event
        {"id": f"gen-first-{i}", "instrument": f"xa-gen-{i}", "type": "published", "date": "2020", **provenance}
        for i in range(len(data["titles"]))  # type: ignore[arg-type]
    ]
    write_rows(folder / "events.csv", events)
    claim = {"id": "claim.gen", "jurisdiction": "xa", "concept": "unified", "role": "primary", "quote": data["quote"]}
    write_rows(folder / "classifications.csv", [{**claim, **provenance}], append=False)
    return folder


def rows_graph(graph: Graph) -> Graph:
    """The triples built from the rows (subjects under id/), without the fixed ontology and schemes.

    The ontology's own round trips are checked on the real graph (test_build); here each
    example round-trips only what its random rows made, which is ten times quicker.
    """
    rows = Graph()
    for prefix, namespace in graph.namespaces():
        rows.bind(prefix, namespace)
    for triple in graph:
        if str(triple[0]).startswith(ID):
            rows.add(triple)
    return rows


@pytest.mark.long
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=datasets())
def test_random_valid_rows_round_trip_through_every_format(tmp_path, data):
    graph = rows_graph(build_graph(load_dataset(make_folder(tmp_path, data))))
    assert len(graph) > 100
    for fmt in RdfFormat:
        parsed = Graph().parse(data=serialize(graph, fmt).decode("utf-8"), format=fmt.plugin)
        assert same_graph(parsed, graph), fmt


def page_nodes(html: str) -> dict[str, dict[str, object]]:
    block = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', html, re.S)
    assert block is not None
    return {n["id"]: n for n in json.loads(block.group(1))["nodes"]}


@pytest.mark.long
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=TEXT, title_zh=TEXT)
def test_arbitrary_unicode_survives_turtle_jsonld_and_the_page(tmp_path, title, title_zh):
    data = {"titles": [(title_zh, title)], "events": [], "quote": "引语", "note": None}
    graph = build_graph(load_dataset(make_folder(tmp_path, data)))
    node = URIRef(ID + "instrument/xa-gen-0")
    for fmt in (RdfFormat.turtle, RdfFormat.jsonld):
        parsed = Graph().parse(data=serialize(rows_graph(graph), fmt).decode("utf-8"), format=fmt.plugin)
        titles = {(str(t), t.language) for t in parsed.objects(node, DCTERMS.title)}
        assert titles == {(title, "en"), (title_zh, "zh")}
    html = render_html(graph)
    assert "</script" not in html.split('id="kg-data">', 1)[1].split("</script>", 1)[0]
    shown = page_nodes(html)["instrument:xa-gen-0"]
    assert (shown["label_en"], shown["label_zh"]) == (title, title_zh)


def test_fixed_unicode_examples_survive(tmp_path):
    samples = ['人工智能 🤖 "quoted" back\\slash', "line one\nline two", "tab\there", "emoji 🇪🇺 and ' apostrophe"]
    for sample in samples:
        test_arbitrary_unicode_survives_turtle_jsonld_and_the_page.hypothesis.inner_test(tmp_path, sample, sample)


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)])
def test_written_files_follow_the_umask(tiny_dir, tmp_path, umask, mode):
    """Files kg writes are readable by whom the umask allows (a web server, a colleague), not always 0600."""
    import os

    previous = os.umask(umask)
    try:
        out = tmp_path / "build"
        result = CliRunner().invoke(main, ["build", "--data", str(tiny_dir), "--out", str(out), "-q"])
        assert result.exit_code == 0, result.output
        export = tmp_path / "graph.nt"
        result = CliRunner().invoke(
            main, ["export", "--format", "ntriples", "--output", str(export), "--data", str(tiny_dir)]
        )
        assert result.exit_code == 0, result.output
    finally:
        os.umask(previous)
    written = sorted((p for p in [*out.iterdir(), export] if p.is_file()), key=lambda p: p.name)
    assert [p.name for p in written] == ["graph.html", "graph.nt", "graph.ttl"]
    assert {p.name: p.stat().st_mode & 0o777 for p in written} == dict.fromkeys(
        ("graph.html", "graph.nt", "graph.ttl"), mode
    )


def test_a_failed_build_changes_no_output_and_says_why_in_one_line(tiny_dir, tmp_path, monkeypatch):
    """A full disk while writing graph.html leaves graph.ttl and graph.html as they were."""
    import errno
    import os

    out = tmp_path / "build"
    first = CliRunner().invoke(main, ["build", "--data", str(tiny_dir), "--out", str(out), "-q"])
    assert first.exit_code == 0, first.output
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    edit_csv(tiny_dir / "bodies.csv", "Parliament of Xanadu", "Great Parliament of Xanadu")
    real_fsync, calls = os.fsync, []

    def full_disk(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 2:  # the second file: graph.html
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", full_disk)
    result = CliRunner().invoke(main, ["build", "--data", str(tiny_dir), "--out", str(out), "-q"])
    assert result.exit_code == 1
    assert result.stderr == f"cannot write {out / 'graph.html'}: No space left on device; no file was changed\n"
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # and no temporary file is left


def test_a_killed_writes_leftovers_go_with_the_next_write(tiny_dir, tmp_path):
    out = tmp_path / "build"
    out.mkdir()
    abandoned = out / ".graph.html.k1ll3d.tmp"  # what a killed build leaves: nobody holds it
    abandoned.write_bytes(b"<html>half")
    result = CliRunner().invoke(main, ["build", "--data", str(tiny_dir), "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["graph.html", "graph.ttl"]


def test_kg_validate_reports_a_shape_violation_at_its_row(tiny_dir, tmp_path, monkeypatch):
    """End to end: tables that pass, a stricter contract, and each breach named at its CSV row, exit 2."""
    import kg.shacl

    stricter = tmp_path / "shapes.ttl"
    stricter.write_text(
        Path(kg.shacl.shapes_path()).read_text(encoding="utf-8")
        + "\nkgsh:Counted a sh:NodeShape ; sh:targetClass kg:LifecycleEvent ;\n"
        '    sh:property [ sh:path kg:votesFor ; sh:minCount 1 ; sh:message "needs its votes" ] .\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(kg.shacl, "shapes_path", lambda: str(stricter))
    result = CliRunner().invoke(main, ["validate", "--data", str(tiny_dir)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"{tiny_dir}/events.csv:3: SHACL: <{ID}event/xa-ai-law.2024-06-28.published> kg:votesFor needs its votes",
        f"{tiny_dir}/events.csv:4: SHACL: <{ID}event/xa-bill.2023.proposed> kg:votesFor needs its votes",
        f"{tiny_dir}/events.csv:5: SHACL: <{ID}event/xa-ai-law.2024-03-14.voted> kg:votesFor needs its votes",
        "3 problems found; nothing was written.",
    ]
