"""kg query: listing, parameters, errors and output formats."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from rdflib import Graph

from kg.cli import main
from kg.presets import PresetError, bind, load_presets, parse_preset, set_values, values_blocks

from .conftest import DATA


def kg(*args: str):
    return CliRunner().invoke(main, ["query", *args, "--data", str(DATA)] if "--list" not in args else ["query", *args])


def test_list_shows_every_preset_with_its_parameters():
    result = kg("--list")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split() == ["preset", "title", "parameters"]
    names = [line.split()[0] for line in lines[2:]]
    assert names == sorted(load_presets())
    assert len(names) == 19
    timeline = next(line for line in lines if line.startswith("timeline "))
    assert timeline.endswith("instrument:instrument, lang:lang?")


def test_every_preset_declares_title_description_and_documented_parameters():
    for preset in load_presets().values():
        assert preset.title and preset.description, preset.name
        for param in preset.parameters:
            if param.name != "lang":
                assert param.example and param.description, (preset.name, param.name)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["timeline"], "preset 'timeline' needs parameter 'instrument' (e.g. -p instrument='EO 14110')\n"),
        (
            ["timeline", "-p", "instrument=eu-ai-act", "-p", "year=2024"],
            "unknown parameter 'year' for preset 'timeline'; its parameters: instrument, lang\n",
        ),
        (
            ["timeline", "-p", "instrument=no such law"],
            "no instrument matches 'no such law'; give an id, an official identifier or a title fragment\n",
        ),
        (
            ["status-on-date", "-p", "jurisdiction=eu", "-p", "date=2025-3-1"],
            "parameter 'date': '2025-3-1' is not a date; use YYYY-MM-DD\n",
        ),
        (
            ["status-on-date", "-p", "jurisdiction=eu", "-p", "date=2025-02-30"],
            "parameter 'date': '2025-02-30' is not a real date\n",
        ),
        (["nonesuch"], "unknown preset 'nonesuch'; available: activity, bodies, by-topic,"),
        (["timelin"], "unknown preset 'timelin' (did you mean 'timeline'?); available: activity, bodies,"),
    ],
)
def test_bad_parameters_exit_2_with_a_clear_message(args, message):
    result = kg(*args)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert result.stderr.startswith(message)


def test_a_name_found_by_a_fragment_is_reported():
    result = kg("timeline", "-p", "instrument=2024/1689", "--format", "csv")
    assert result.exit_code == 0
    assert result.stderr == "instrument '2024/1689': eu-ai-act (AI Act)\n"
    assert result.stdout.splitlines()[0].startswith("date,event,part,")
    exact = kg("timeline", "-p", "instrument=eu-ai-act", "--format", "csv")
    assert exact.stderr == ""  # an id needs no word


def test_ambiguous_instrument_lists_the_candidates():
    result = kg("timeline", "-p", "instrument=Executive Order")
    assert result.stderr == (
        "instrument 'Executive Order' is ambiguous; candidates: us-eo-13859 (Executive Order 13859: Maintaining"
        " American Leadership in Artificial Intelligence); us-eo-13960 (Executive Order 13960: Promoting the Use of"
        " Trustworthy Artificial Intelligence in the Federal Government); us-eo-14110 (Executive Order 14110: Safe,"
        " Secure, and Trustworthy Development and Use of Artificial Intelligence); us-eo-14141 (Executive Order 14141:"
        " Advancing United States Leadership in Artificial Intelligence Infrastructure); us-eo-14148 (Executive Order"
        " 14148: Initial Rescissions of Harmful Executive Orders and Actions); us-eo-14179 (Executive Order 14179:"
        " Removing Barriers to American Leadership in Artificial Intelligence); us-eo-14277 (Executive Order 14277:"
        " Advancing Artificial Intelligence Education for American Youth); us-eo-14318 (Executive Order 14318:"
        " Accelerating Federal Permitting of Data Center Infrastructure); us-eo-14319 (Executive Order 14319:"
        " Preventing Woke AI in the Federal Government); us-eo-14320 (Executive Order 14320: Promoting the Export of"
        " the American AI Technology Stack); us-eo-14363 (Executive Order 14363: Launching the Genesis Mission);"
        " us-eo-14365 (Executive Order 14365: Ensuring a National Policy Framework for Artificial Intelligence)\n"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("eu-ai-act", "eu-ai-act"),
        ("EO 14110", "us-eo-14110"),
        ("14110", "us-eo-14110"),
        ("2024/1689", "eu-ai-act"),
        ("Regulation (EU) 2024/1689", "eu-ai-act"),
        ("个人信息保护法", "cn-pipl"),
        ("deep synthesis", "cn-deep-synthesis-provisions"),
        ("网络数据安全条例", "cn-network-data-security-regulations"),
    ],
)
def test_instruments_are_found_by_id_identifier_or_title(real_graph, text, expected):
    from kg.presets import local_id, resolve
    from kg.sparql import LocalBackend

    assert local_id(resolve("instrument", text, LocalBackend(real_graph))) == expected


@pytest.mark.parametrize(("text", "expected"), [("eu", "eu"), ("新加坡", "sg"), ("united states", "us")])
def test_jurisdictions_are_found_by_id_or_name(real_graph, text, expected):
    from kg.presets import local_id, resolve
    from kg.sparql import LocalBackend

    assert local_id(resolve("jurisdiction", text, LocalBackend(real_graph))) == expected


def test_parameters_are_bound_as_terms_not_pasted():
    preset = parse_preset(
        "p",
        "# title: t\n# param: name=text; type=text; required; example=x\n"
        'SELECT ?x WHERE { VALUES ?text { "x" } BIND(?text AS ?x) }',
    )
    hostile = '" } ; DROP ALL ; SELECT * { "'

    query = bind(preset, {"text": hostile}, backend=None)  # text parameters need no lookup
    assert 'VALUES ?text { "\\" } ; DROP ALL ; SELECT * { \\"" }' in query  # the bare form, kept bare
    result = Graph().query(query)
    assert [str(row[0]) for row in result] == [hostile]


def test_values_blocks_are_found_by_the_parser_not_in_comments_strings_or_iris():
    from kg.terms import Term

    query = (
        '# VALUES ?p { "in a comment" }\n'
        'SELECT ?a WHERE { VALUES ?p { "default" } FILTER(?a < ?b) ?s <http://x/VALUES?p=1> "VALUES ?p { }" .\n'
        "  { SELECT ?a WHERE { VALUES ?p # VALUES ?p { 1 }\n { UNDEF } BIND(?p AS ?a) } } }"
    )
    assert [block.variable for block in values_blocks(query)] == ["p", "p"]
    bound = set_values(query, {"p": Term.literal("v")})
    assert bound == (
        '# VALUES ?p { "in a comment" }\n'
        'SELECT ?a WHERE { VALUES ?p { "v" } FILTER(?a < ?b) ?s <http://x/VALUES?p=1> "VALUES ?p { }" .\n'
        '  { SELECT ?a WHERE { VALUES ?p # VALUES ?p { 1 }\n { "v" } BIND(?p AS ?a) } } }'
    )
    parenthesised = set_values('SELECT * WHERE { VALUES ( ?p ) { ("x") } }', {"p": Term.literal("v")})
    assert parenthesised == 'SELECT * WHERE { VALUES ( ?p ) { ("v") } }'
    empty = set_values("SELECT * WHERE { VALUES (?p) {} }", {"p": (Term.literal("v"), Term.literal("w"))})
    assert empty == 'SELECT * WHERE { VALUES (?p) { ("v") ("w")} }'


def test_a_preset_whose_comment_and_string_mention_the_parameter_binds_only_its_block(real_graph):
    from kg.sparql import LocalBackend

    preset = parse_preset(
        "p",
        "# title: t\n# param: name=j; type=jurisdiction; required; example=eu\n"
        "PREFIX kg: <https://w3id.org/ai-legislation-kg/ontology#>\n"
        "# VALUES (?j) { (<https://w3id.org/ai-legislation-kg/id/jurisdiction/cn>) }\n"
        'SELECT ?note ?n WHERE { BIND("VALUES (?j) { (UNDEF) } # not a block" AS ?note)\n'
        "  { SELECT (COUNT(?i) AS ?n) WHERE {\n"
        "    VALUES (?j) { (<https://w3id.org/ai-legislation-kg/id/jurisdiction/us>) }\n"
        "    ?i a kg:Instrument ; kg:jurisdiction ?j } } }",
    )
    backend = LocalBackend(real_graph)
    query = bind(preset, {"j": "sg"}, backend)
    assert "# VALUES (?j) { (<https://w3id.org/ai-legislation-kg/id/jurisdiction/cn>) }\n" in query
    assert '"VALUES (?j) { (UNDEF) } # not a block"' in query
    assert "VALUES (?j) { (<https://w3id.org/ai-legislation-kg/id/jurisdiction/sg>) }" in query
    rows = backend.select(query).rows
    singapore = backend.select(
        "SELECT (COUNT(?i) AS ?n) WHERE { ?i a <https://w3id.org/ai-legislation-kg/ontology#Instrument> ;"
        " <https://w3id.org/ai-legislation-kg/ontology#jurisdiction>"
        " <https://w3id.org/ai-legislation-kg/id/jurisdiction/sg> }"
    ).rows[0][0]
    assert [(r[0].value, r[1].value) for r in rows] == [("VALUES (?j) { (UNDEF) } # not a block", singapore.value)]
    assert int(singapore.value) > 0


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", True),
        ("SELECT * WHERE { { SELECT ?s WHERE { SERVICE SILENT ?endpoint { ?s ?p ?o } } } }", True),
        ("PREFIX x: <http://x/>\nCONSTRUCT { ?s ?p ?o } WHERE { OPTIONAL { service x:e { ?s ?p ?o } } }", True),
        ('# SERVICE <http://e/> { ?s ?p ?o }\nSELECT ?s WHERE { ?s ?p "SERVICE <http://e/> { }" }', False),
        ("SELECT ?s WHERE { ?s <http://example.org/SERVICE> ?o } # a SERVICE call", False),
        ("PREFIX service: <http://x/>\nSELECT ?s WHERE { ?s service:p ?o }", False),
    ],
)
def test_service_clauses_are_read_by_the_parser(query, expected):
    from kg.presets import uses_service

    assert uses_service(query) is expected


def test_a_query_rdflib_cannot_read_is_left_to_the_engine_unless_it_spells_service():
    from kg.errors import QueryError
    from kg.presets import uses_service

    assert uses_service("SELEC ?s") is False  # the engine says what is wrong, in its own words
    for spelt in ("SELEC * { SERVICE <http://e/> {} }", "SELEC * { \\u0053ERVICE <http://e/> {} }"):
        with pytest.raises(QueryError, match="query syntax error at line 1, column 1"):
            uses_service(spelt)
    result = CliRunner().invoke(main, ["query", "--sparql", "SELEC", "--data", DATA])
    assert (result.exit_code, result.output) == (2, "query syntax error at line 1, column 6: expected [_]\n")


def test_an_escape_beyond_unicode_is_a_syntax_error_not_a_traceback():
    query = 'SELECT * WHERE { ?s ?p "\\UFFFFFFFF" }'
    result = CliRunner().invoke(main, ["query", "--sparql", query, "--data", DATA])
    assert (result.exit_code, result.output) == (2, "query syntax error: Invalid unicode code point: FFFFFFFF\n")


def test_a_parameter_without_a_values_block_is_an_error():
    from kg.terms import Term

    with pytest.raises(
        PresetError, match=r"the query has no 'VALUES \(\?p\) \{ ... \}' block to bind parameter 'p' in"
    ):
        set_values("SELECT ?a WHERE { BIND(?p AS ?a) }", {"p": Term.literal("v")})


def test_every_preset_parameter_has_a_values_block_with_its_default():
    for preset in load_presets().values():
        blocks = {block.variable for block in values_blocks(preset.query)}
        assert {p.name for p in preset.parameters} <= blocks, preset.name


def test_query_syntax_error_reports_line_and_column():
    result = kg("--sparql", "SELECT ?x WHERE {\n  ?x ?y\n}")
    assert result.exit_code == 2
    assert result.stderr.startswith("query syntax error at line ")
    assert ", column " in result.stderr


def test_ad_hoc_query_from_file(tmp_path):
    path = tmp_path / "q.rq"
    path.write_text(
        "PREFIX kg: <https://w3id.org/ai-legislation-kg/ontology#>\n"
        "SELECT (COUNT(?i) AS ?n) WHERE { ?i a kg:Instrument }"
    )
    result = kg("--file", str(path), "--format", "csv")
    assert result.exit_code == 0
    assert result.output.splitlines()[0] == "n"
    assert int(result.output.splitlines()[1]) > 80


def test_a_query_file_that_cannot_be_read_is_one_line(tmp_path):
    result = kg("--file", str(tmp_path / "missing.rq"))
    assert result.exit_code == 2
    assert result.stderr == f"cannot read the query file {tmp_path / 'missing.rq'}: No such file or directory\n"


def test_json_output_is_standard_sparql_results():
    result = kg("timeline", "-p", "instrument=eu-ai-act", "--format", "json")
    data = json.loads(result.output)
    assert data["head"]["vars"][:4] == ["date", "event", "part", "body"]
    first = data["results"]["bindings"][0]
    assert first["date"] == {"type": "literal", "value": "2021-04"}
    assert first["body"] == {"type": "literal", "value": "European Commission", "xml:lang": "en"}


def test_lang_switches_labels():
    en = kg("timeline", "-p", "instrument=eu-ai-act", "--format", "csv")
    zh = kg("timeline", "-p", "instrument=eu-ai-act", "--format", "csv", "--lang", "zh")
    assert en.output.splitlines()[1].split(",")[3] == "European Commission"
    assert zh.output.splitlines()[1].split(",")[3] == "欧盟委员会"


def test_markdown_and_tsv_outputs():
    md = kg("risk-tiers", "--format", "markdown").output.splitlines()
    assert md[0].startswith("| framework | rank | tier |")
    assert md[1].startswith("|---|")
    tsv = kg("risk-tiers", "--format", "tsv").output.splitlines()
    assert tsv[0].split("\t")[:3] == ["framework", "rank", "tier"]


def test_construct_preset_prints_turtle(real_graph):
    result = kg("subgraph", "-p", "jurisdiction=sg")
    assert result.exit_code == 0
    from .test_presets_engines import canonical_numbers

    graph = Graph().parse(data=result.output, format="turtle")
    assert len(graph) == 1647  # the same on rdflib: test_both_local_stores_print_the_same
    assert set(canonical_numbers(graph)) <= set(canonical_numbers(real_graph))  # Oxigraph writes 5.0 as 5


def test_run_preset_returns_a_dataframe(real_graph):
    from kg.presets import run_preset

    frame = run_preset(real_graph, "timeline", instrument="EO 14110")
    assert list(frame.columns[:2]) == ["date", "event"]
    assert frame.to_dict("records")[0]["date"] == "2023-10-30"
    votes = run_preset(real_graph, "timeline", instrument="eu-ai-act")
    voted = votes[votes["event"] == "voted"][["date", "votes_for", "refines"]].fillna("").values.tolist()
    assert voted == [
        ["2023-06", 499, ""],
        ["2023-06-14", 499, "eu-ai-act.2023-06.voted"],
        ["2024-03-13", 523, ""],
        ["2024-03-13", 523, "eu-ai-act.2024-03-13.voted"],
    ]
    with pytest.raises(PresetError, match="unknown preset 'nope'"):
        run_preset(real_graph, "nope")


@pytest.mark.parametrize("value", ["-1", "0", "nan", "inf"])
def test_a_timeout_must_be_a_positive_finite_number_of_seconds(value):
    for command in (
        ["query", "table2", "--endpoint", "http://127.0.0.1:9/sparql"],
        ["push", "--endpoint", "http://127.0.0.1:9/store"],
    ):
        result = CliRunner().invoke(main, [*command, "--timeout", value, "--data", str(DATA)])
        assert result.exit_code == 2
        assert result.stderr.splitlines()[-1] == (
            f"Error: Invalid value for '--timeout': {value!r} is not a positive, finite number of seconds"
        )
        assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--sparql", "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 1", "--store", "memory"],
            "--store memory holds one graph, so GRAPH patterns cannot run on it; use --store oxigraph\n",
        ),
        (["table2", "--endpoint", "http://[::1"], "endpoint 'http://[::1' is not a valid URL: Invalid IPv6 URL\n"),
        (
            ["table2", "--endpoint", "http://h:99999/q"],
            "endpoint 'http://h:99999/q' is not a valid URL: Port out of range 0-65535\n",
        ),
        (["table2", "--endpoint", "http//bad url"], "endpoint must be an http(s) URL, got 'http//bad url'\n"),
    ],
)
def test_bad_stores_and_endpoints_get_one_line(args, message):
    result = kg(*args)
    assert result.exit_code == 2
    assert result.stderr == message


def test_service_is_refused_on_the_local_data_unless_allowed():
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    for store in ("oxigraph", "memory"):
        result = kg("--sparql", query, "--store", store)
        assert result.exit_code == 2
        assert result.stderr == (
            "the query has a SERVICE clause, which would contact another server from a query on the local data;"
            " pass --allow-service to let it\n"
        )
    # the word in a comment, a string or an IRI is no SERVICE clause
    harmless = '# SERVICE\nSELECT ?s WHERE { ?s <http://example.org/SERVICE> "service" } LIMIT 1'
    assert kg("--sparql", harmless, "--format", "csv").exit_code == 0
    # allowed, it runs: the engine tries port 9 (which it refuses to use for HTTP) and says so in one line
    allowed = kg("--sparql", query, "--allow-service")
    assert allowed.exit_code == 2
    assert allowed.stderr == (
        "query failed: The port 9 is not allowed for HTTP(S) because it is dedicated to an other use\n"
    )
