"""From validated tables to RDF: the mapping, determinism and round trips."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import XSD, Graph, Literal, URIRef
from rdflib.compare import graph_diff, to_isomorphic

from kg.build import date_term, language_of, nt_iri, nt_literal
from kg.graph import build_graph
from kg.ontology import ontology_path
from kg.output import RdfFormat, serialize
from kg.tables import PartialDate, load_dataset
from kg.vocab import ELI

from .conftest import TINY, edit_csv, same_graph

ID = "https://w3id.org/ai-legislation-kg/id/"


def data_triples(graph: Graph) -> Graph:
    """The graph without the ontology it embeds."""
    return graph - Graph().parse(ontology_path(), format="turtle")


def test_tiny_dataset_builds_the_expected_graph(tiny_dir):
    built = data_triples(build_graph(load_dataset(tiny_dir)))
    expected = Graph().parse(TINY / "expected.ttl", format="turtle")
    _, only_built, only_expected = graph_diff(to_isomorphic(built), to_isomorphic(expected))
    assert sorted(only_built) == []
    assert sorted(only_expected) == []
    assert len(built) == len(expected) == 247


def test_dates_keep_their_precision():
    assert date_term(PartialDate("2024")) == f'"2024"^^<{XSD.gYear}>'
    assert date_term(PartialDate("2024-06")) == f'"2024-06"^^<{XSD.gYearMonth}>'
    assert date_term(PartialDate("2024-06-28")) == f'"2024-06-28"^^<{XSD.date}>'


def test_ntriples_terms_are_escaped():
    assert nt_literal('say "hi"\\\n\r', lang="en") == '"say \\"hi\\"\\\\\\n\\r"@en'
    assert nt_literal("人工智能") == '"人工智能"'
    assert nt_iri("https://example.org/a{b}|c d") == "<https://example.org/a%7Bb%7D%7Cc%20d>"
    tricky = 'a\\"b\nc'
    parsed = Graph().parse(data=f"<urn:s> <urn:p> {nt_literal(tricky)} .", format="nt")
    assert parsed.value(URIRef("urn:s"), URIRef("urn:p")) == Literal(tricky)


def test_eli_dates_only_for_full_dates(tiny_dir):
    edit_csv(tiny_dir / "events.csv", "2024-06-28,published", "2024-06,published")
    graph = build_graph(load_dataset(tiny_dir))
    law = URIRef(ID + "instrument/xa-ai-law")
    assert list(graph.objects(law, ELI.date_publication)) == []


def test_language_detection():
    assert language_of("人工智能法") == "zh"
    assert language_of("AI Act (人工智能法案)") == "zh"
    assert language_of("AI Act") == "en"


def test_base_iri_is_configurable(tiny_dir):
    graph = build_graph(load_dataset(tiny_dir), base_iri="http://example.org/kg")
    assert (URIRef("http://example.org/kg/instrument/xa-ai-law"), None, None) in graph
    assert not any(str(s).startswith(ID) for s in graph.subjects())


def test_no_blank_nodes(real_graph):
    assert [t for t in real_graph if any(type(x).__name__ == "BNode" for x in t)] == []


@pytest.mark.parametrize("fmt", list(RdfFormat))
def test_exports_reparse_isomorphic(real_graph, fmt):
    data = serialize(real_graph, fmt)
    parsed = Graph().parse(data=data.decode("utf-8"), format=fmt.plugin)
    assert len(parsed) == len(real_graph)
    assert same_graph(parsed, real_graph)


def _build_in_fresh_process(tmp_path: Path, seed: str) -> bytes:
    out = tmp_path / f"out-{seed}"
    env = {**os.environ, "PYTHONHASHSEED": seed}
    code = "import sys; from kg.pipeline import build; build(sys.argv[1], sys.argv[2])"
    repo = Path(__file__).resolve().parent.parent
    subprocess.run([sys.executable, "-c", code, str(repo / "data"), str(out)], check=True, env=env)
    return (out / "graph.ttl").read_bytes()


def test_turtle_is_byte_identical_across_processes(tmp_path):
    first = _build_in_fresh_process(tmp_path, "1")
    second = _build_in_fresh_process(tmp_path, "2")
    assert hashlib.sha256(first).hexdigest() == hashlib.sha256(second).hexdigest()


@pytest.fixture(scope="module")
def second_build(real_dataset):
    """A second, independent build of the real data (the first is the session's real_graph)."""
    return build_graph(real_dataset)


@pytest.mark.parametrize("fmt", [RdfFormat.ntriples, RdfFormat.jsonld])
def test_other_exports_are_deterministic(real_graph, second_build, fmt):
    assert second_build is not real_graph
    assert serialize(real_graph, fmt) == serialize(second_build, fmt)


def test_exports_from_the_cache_equal_rdflibs(real_graph, real_build):
    from kg.pipeline import rdf_bytes

    for fmt in (RdfFormat.ntriples, RdfFormat.turtle):
        assert rdf_bytes(real_build, fmt) == serialize(real_graph, fmt), fmt


def test_turtle_from_ntriples_handles_awkward_terms():
    from kg.output import serialize_ntriples

    ntriples = (
        b'<https://ex.org/a/x.> <https://ex.org/ns#p> "ends ^^<https://ex.org/ns#q>"@en .\n'
        b"<https://ex.org/a/x.> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://ex.org/ns#C> .\n"
        b'_:b1 <https://ex.org/ns#p> "2024"^^<http://www.w3.org/2001/XMLSchema#gYear> .\n'
        b'_:b1 <https://ex.org/ns#p> "say \\"hi\\"\\n" .\n'
        b"<https://other.org/y> <https://ex.org/ns#p> <https://ex.org/a/ok-1> .\n"
        b"<https://other.org/y> <https://ex.org/ns#p> <https://ex.org/a/ok-1> .\n"
    )
    prefixes = {"ex": "https://ex.org/ns#", "a": "https://ex.org/a/", "xsd": "http://www.w3.org/2001/XMLSchema#"}
    turtle = serialize_ntriples(ntriples, RdfFormat.turtle, prefixes).decode()
    assert turtle == (
        "@prefix a: <https://ex.org/a/> .\n"
        "@prefix ex: <https://ex.org/ns#> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        "\n"
        "<https://ex.org/a/x.>\n"  # a local name may not end with "."
        "    a ex:C ;\n"
        '    ex:p "ends ^^<https://ex.org/ns#q>"@en .\n'
        "\n"
        "<https://other.org/y>\n"
        "    ex:p a:ok-1 .\n"
        "\n"
        "_:b1\n"
        '    ex:p "2024"^^xsd:gYear, "say \\"hi\\"\\n" .\n'
        "\n"
    )
    assert same_graph(Graph().parse(data=turtle, format="turtle"), Graph().parse(data=ntriples, format="nt"))


@pytest.mark.long
def test_jsonld_is_compact_with_a_context_and_expands_to_the_same_triples(real_build):
    import json

    from kg.pipeline import rdf_bytes

    cached = real_build
    data = rdf_bytes(cached, RdfFormat.jsonld)
    document = json.loads(data)
    context = document["@context"]
    assert context["dcterms"] == "http://purl.org/dc/terms/" and context["eli"] == "http://data.europa.eu/eli/ontology#"
    keys = {key for node in document["@graph"] for key in node}
    assert keys - {"@id", "@type"} and all(key.split(":", 1)[0] in context for key in keys - {"@id", "@type"})
    act = next(node for node in document["@graph"] if node["@id"] == "kgid:instrument/eu-ai-act")
    assert "eli:LegalResource" in act["@type"] and act["kg:jurisdiction"] == {"@id": "kgid:jurisdiction/eu"}
    # expanded by another JSON-LD processor than the one that wrote it (rdflib's reads it in test_exports_reparse_*)
    import pyoxigraph as ox

    expanded = {str(t) for t in ox.parse(data, format=ox.RdfFormat.JSON_LD)}
    built = {str(t) for t in ox.parse(cached.ntriples.read_bytes(), format=ox.RdfFormat.N_TRIPLES)}
    assert not any(t.startswith("_:") or " _:" in t for t in built)  # no blank nodes: equal sets are equal graphs
    assert len(expanded) == len(built) == cached.triples
    assert expanded == built
    assert rdf_bytes(cached, RdfFormat.jsonld) == data  # deterministic


def test_the_shipped_context_is_the_one_the_export_uses():
    import json
    from importlib.resources import files

    from kg import DEFAULT_BASE_IRI
    from kg.ontology import graph_prefixes
    from kg.output import jsonld_context

    shipped = json.loads(files("kg").joinpath("context.jsonld").read_text(encoding="utf-8"))
    assert shipped == {"@context": jsonld_context(graph_prefixes(DEFAULT_BASE_IRI))}
