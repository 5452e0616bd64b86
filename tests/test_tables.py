"""Validation of the tables: every kind of problem, reported with its exact message and location."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.errors import DataError
from kg.tables import PartialDate, _locate_quoting_error, _quoting_is_valid, load_dataset

from .conftest import edit_csv


def problems_of(data_dir: Path) -> list[str]:
    with pytest.raises(DataError) as info:
        load_dataset(data_dir)
    return [str(p) for p in info.value.problems]


def test_tiny_fixture_is_valid(tiny_dir):
    dataset = load_dataset(tiny_dir)
    assert dataset.row_count() == 22
    assert {name: len(rows) for name, rows in dataset.tables.items()} == {
        "sources": 1,
        "jurisdictions": 2,
        "bodies": 1,
        "topics": 2,
        "concepts": 2,
        "instruments": 2,
        "events": 4,
        "articles": 1,
        "relations": 1,
        "classifications": 1,
        "risk_tiers": 1,
        "findings": 1,
        "parties": 1,
        "status_claims": 1,
        "links": 1,
    }
    event = dataset.rows("events")[0]
    assert event["date"] == PartialDate("2024-03")
    assert event["date"].precision == "month"
    assert (event["votes_for"], event["votes_against"], event["votes_abstain"]) == (10, 2, 0)
    assert event.location == f"{tiny_dir}/events.csv:2"
    assert dataset.rows("instruments")[1]["unnamed"] is True
    assert dataset.rows("instruments")[0]["topics"] == ("deepfakes",)


def test_unknown_reference_names_the_table_and_suggests(tiny_dir):
    edit_csv(tiny_dir / "instruments.csv", "xa-ai-law,xa,law", "xa-ai-law,xb,law")
    assert problems_of(tiny_dir) == [
        f"{tiny_dir}/instruments.csv:2:2: 'xb' in column 'jurisdiction' is not an id in jurisdictions.csv"
        " (did you mean 'xa'?)"
    ]


def test_unknown_item_in_a_list_reference(tiny_dir):
    edit_csv(tiny_dir / "instruments.csv", ",deepfakes,,", ",deepfakes|elections,,")
    assert problems_of(tiny_dir) == [
        f"{tiny_dir}/instruments.csv:2:15: 'elections' in column 'topics' is not an id in topics.csv"
    ]


def test_impossible_date(tiny_dir):
    edit_csv(tiny_dir / "events.csv", "2024-06-28,published", "2024-02-30,published")
    assert problems_of(tiny_dir) == [
        f"{tiny_dir}/events.csv:3:3: '2024-02-30' in column 'date' is not a real date: 2024-02 has no day 30"
    ]


@pytest.mark.parametrize("bad", ["2024/06/28", "28.06.2024", "2024-6", "24-06-28", "2024-06-28T00:00"])
def test_date_in_the_wrong_format(tiny_dir, bad):
    edit_csv(tiny_dir / "events.csv", "2024-06-28,published", f"{bad},published")
    assert problems_of(tiny_dir) == [
        f"{tiny_dir}/events.csv:3:3: {bad!r} in column 'date' is not a date; use YYYY, YYYY-MM or YYYY-MM-DD"
    ]


def test_month_out_of_range(tiny_dir):
    edit_csv(tiny_dir / "events.csv", "2024-03,voted", "2024-13,voted")
    assert problems_of(tiny_dir) == [f"{tiny_dir}/events.csv:2:3: '2024-13' in column 'date' has no month 13"]


def test_duplicate_id_within_a_table(tiny_dir):
    with (tiny_dir / "bodies.csv").open("a", encoding="utf-8") as f:
        f.write("xa-parliament,xa,Second parliament,,secondary-single,,src-a,二,\n")
    assert problems_of(tiny_dir) == [
        f"{tiny_dir}/bodies.csv:3:1: duplicate key 'xa-parliament' in bodies; first defined at {tiny_dir}/bodies.csv:2"
    ]


def test_duplicate_id_across_tables(tiny_dir):
    with (tiny_dir / "topics.csv").open("a", encoding="utf-8") as f:
        f.write("xa,,Xanadu topic,仙那度主题,\n")
    assert problems_of(tiny_dir) == [
        f"{tiny_dir}/topics.csv:4:1: id 'xa' is already used at {tiny_dir}/jurisdictions.csv:2;"
        " ids are unique across all tables"
    ]


def test_duplicate_compound_key(tiny_dir):
    with (tiny_dir / "relations.csv").open("a", encoding="utf-8") as f:
        f.write("xa-bill,cites,xa-ai-law,secondary-single,,src-a,三,again\n")
    assert problems_of(tiny_dir) == [
        f"{tiny_dir}/relations.csv:3:1: duplicate key 'xa-bill/cites/xa-ai-law' in relations;"
        f" first defined at {tiny_dir}/relations.csv:2"
    ]


def test_missing_required_value(tiny_dir):
    edit_csv(
        tiny_dir / "events.csv", "xa-bill.2023.proposed,xa-bill,2023,proposed", "xa-bill.2023.proposed,,2023,proposed"
    )
    assert problems_of(tiny_dir) == [f"{tiny_dir}/events.csv:4:2: missing required value in column 'instrument'"]


def test_unknown_enumeration_value_lists_the_allowed_ones(tiny_dir):
    edit_csv(tiny_dir / "instruments.csv", "xa-ai-law,xa,law,", "xa-ai-law,xa,lawz,")
    assert problems_of(tiny_dir) == [
        f"{tiny_dir}/instruments.csv:2:3: unknown value 'lawz' in column 'type' (did you mean 'law'?); allowed:"
        " law, administrative_regulation, departmental_rule, regulation, decree, executive_order, memorandum,"
        " national_security_memorandum, implementing_act, delegated_act, resolution, convention, declaration,"
        " recommendation, strategy, action_plan, guideline, code_of_practice, template, framework, principles,"
        " standard, judicial_opinion, bill, local_law, policy_document, toolkit"
    ]


def test_classification_concept_accepts_models_and_orientations_only(tiny_dir):
    edit_csv(tiny_dir / "classifications.csv", ",unified,", ",hard_law,")
    assert problems_of(tiny_dir) == [
        f"{tiny_dir}/classifications.csv:2:3: unknown value 'hard_law' in column 'concept'; allowed: unified,"
        " scenario_based, integrated, soft_law_first, safety_regulation, technology_development,"
        " balancing_development_security"
    ]


@pytest.mark.parametrize(
    ("votes", "message"),
    [
        ("-3", "'-3' in column 'votes_for' is not a non-negative whole number"),
        ("ten", "'ten' in column 'votes_for' is not a non-negative whole number"),
        ("4.5", "'4.5' in column 'votes_for' is not a non-negative whole number"),
        ("１０", "'１０' in column 'votes_for' is not a non-negative whole number"),
    ],
)
def test_bad_vote_counts(tiny_dir, votes, message):
    edit_csv(tiny_dir / "events.csv", "xa-parliament,10,2,0", f"xa-parliament,{votes},2,0")
    assert problems_of(tiny_dir) == [f"{tiny_dir}/events.csv:2:7: {message}"]


@pytest.mark.parametrize("bad_id", ["xa ai law", "Xa-law", "xa--law", "法律", "-xa"])
def test_ids_must_be_lower_case_ascii_slugs(tiny_dir, bad_id):
    edit_csv(tiny_dir / "articles.csv", "xa-ai-law.art5,", f"{bad_id},")
    assert problems_of(tiny_dir) == [
        f"{tiny_dir}/articles.csv:2:1: {bad_id!r} in column 'id' is not a valid id: use lower-case ASCII letters"
        " and digits, joined by single '-', '_' or '.'"
    ]


def test_boolean_must_be_yes_or_no(tiny_dir):
    edit_csv(
        tiny_dir / "instruments.csv",
        ",yes,secondary-single,,src-a,二,Not named",
        ",Y,secondary-single,,src-a,二,Not named",
    )
    assert problems_of(tiny_dir) == [f"{tiny_dir}/instruments.csv:3:16: 'Y' in column 'unnamed' must be 'yes' or 'no'"]


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.org/x", "example.org", "https://a b"])
def test_urls_must_be_http(tiny_dir, url):
    edit_csv(tiny_dir / "instruments.csv", "https://example.org/law", url)
    assert problems_of(tiny_dir) == [f"{tiny_dir}/instruments.csv:2:14: {url!r} in column 'url' is not an http(s) URL"]


def test_english_and_chinese_titles_are_required(tiny_dir):
    edit_csv(tiny_dir / "instruments.csv", ",,Deepfake bill,yes,深度伪造法案,", ",,,yes,,")
    assert problems_of(tiny_dir) == [
        f"{tiny_dir}/instruments.csv:3:7: missing required value in column 'title_en'",
        f"{tiny_dir}/instruments.csv:3:9: missing required value in column 'title_zh'",
    ]


def test_cycle_in_based_on_relations(tiny_dir):
    with (tiny_dir / "relations.csv").open("a", encoding="utf-8") as f:
        f.write(
            "xa-bill,based_on,xa-ai-law,secondary-single,,src-a,三,\n"
            "xa-ai-law,based_on,xa-bill,secondary-single,,src-a,三,\n"
        )
    assert problems_of(tiny_dir) == [
        f"{tiny_dir}/relations.csv:3:1: cycle in based_on relations: xa-ai-law -> xa-bill -> xa-ai-law"
    ]


def test_cycle_in_jurisdiction_parents(tiny_dir):
    edit_csv(tiny_dir / "jurisdictions.csv", "xa,country,,", "xa,country,xa-north,")
    assert problems_of(tiny_dir) == [
        f"{tiny_dir}/jurisdictions.csv:2:3: 'parent' chain from 'xa' loops back through 'xa'",
        f"{tiny_dir}/jurisdictions.csv:3:3: 'parent' chain from 'xa-north' loops back through 'xa-north'",
    ]


def test_non_utf8_bytes_are_located(tiny_dir):
    path = tiny_dir / "bodies.csv"
    path.write_bytes(path.read_bytes().replace("仙那度议会".encode(), "仙那度议会".encode("gb18030")))
    assert problems_of(tiny_dir) == [f"{path}:2:4: invalid UTF-8 byte 0xcf; save the file as UTF-8"]


def test_malformed_quoting_after_closing_quote(tiny_dir):
    edit_csv(tiny_dir / "bodies.csv", "Parliament of Xanadu", '"Parliament" of Xanadu')
    assert problems_of(tiny_dir) == [
        f"{tiny_dir}/bodies.csv:2:3: malformed quoting: a closing '\"' must be followed by ',' or the end of the"
        " line; write a '\"' inside a quoted field as '\"\"'"
    ]


def test_quote_inside_unquoted_field(tiny_dir):
    edit_csv(tiny_dir / "bodies.csv", "Parliament of Xanadu", 'Parliament "of" Xanadu')
    assert problems_of(tiny_dir) == [
        f"{tiny_dir}/bodies.csv:2:3: malformed quoting: '\"' inside an unquoted field; quote the whole field and"
        " double the '\"'"
    ]


def test_unclosed_quote(tiny_dir):
    edit_csv(tiny_dir / "bodies.csv", ",二,\n", ',"二,\n')
    assert problems_of(tiny_dir) == [f"{tiny_dir}/bodies.csv:2:8: malformed quoting: a quoted field is never closed"]


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet='a,"\r\n', max_size=12))
def test_fast_quoting_check_agrees_with_the_locating_scanner(text):
    assert _quoting_is_valid(text) == (_locate_quoting_error(text) is None)


def test_quoted_fields_with_commas_quotes_and_newlines_are_fine(tiny_dir):
    edit_csv(tiny_dir / "bodies.csv", "Parliament of Xanadu", '"Parliament, the ""Great"",\nof Xanadu"')
    body = load_dataset(tiny_dir).rows("bodies")[0]
    assert body["name_en"] == 'Parliament, the "Great",\nof Xanadu'
    assert body.line == 2


def test_extra_and_missing_fields_in_a_row(tiny_dir):
    edit_csv(tiny_dir / "bodies.csv", ",src-a,二,\n", ",src-a,二,,extra\n")
    with (tiny_dir / "topics.csv").open("a", encoding="utf-8") as f:
        f.write("elections,,Elections\n")
    assert problems_of(tiny_dir) == [
        f"{tiny_dir}/bodies.csv:2:10: row has 10 fields but the header has 9",
        f"{tiny_dir}/topics.csv:4:4: row has 3 fields but the header has 5 (missing: label_zh, note)",
    ]


def test_unknown_and_missing_columns_in_the_header(tiny_dir):
    edit_csv(tiny_dir / "bodies.csv", "id,jurisdiction,name_en,name_zh,", "id,jurisdiction,name,name_zh,")
    assert problems_of(tiny_dir) == [
        f"{tiny_dir}/bodies.csv:1:3: unknown column 'name'; expected columns: id, jurisdiction, name_en, name_zh,"
        " verification, corroborated_by, source, locator, note",
        f"{tiny_dir}/bodies.csv:1:10: missing column 'name_en'",
    ]


def test_oversized_field(tiny_dir):
    edit_csv(tiny_dir / "articles.csv", "第五条 国家鼓励人工智能。", "长" * 10001)
    assert problems_of(tiny_dir) == [
        f"{tiny_dir}/articles.csv:2:10: value in column 'text_zh' is 10001 characters long; the limit is 10000"
    ]


def test_missing_table_file(tiny_dir):
    (tiny_dir / "findings.csv").unlink()
    assert problems_of(tiny_dir) == [
        f"{tiny_dir}/findings.csv: file is missing; datapackage.json declares table 'findings'"
    ]


def test_all_problems_are_reported_at_once_in_file_order(tiny_dir):
    edit_csv(tiny_dir / "events.csv", "2024-06-28,published", "2024-02-30,publish")
    edit_csv(tiny_dir / "bodies.csv", "xa-parliament,xa,", "xa-parliament,xx,")
    assert problems_of(tiny_dir) == [
        f"{tiny_dir}/bodies.csv:2:2: 'xx' in column 'jurisdiction' is not an id in jurisdictions.csv"
        " (did you mean 'xa'?)",
        f"{tiny_dir}/events.csv:3:3: '2024-02-30' in column 'date' is not a real date: 2024-02 has no day 30",
        f"{tiny_dir}/events.csv:3:4: unknown value 'publish' in column 'type' (did you mean 'published'?); allowed:"
        " proposed, planned, referred, agreed, voted, adopted, signed, published, opened_for_signature,"
        " entered_into_force, applies_from, amended, enjoined, invalidated, repealed, expired, vetoed, withdrawn,"
        " lapsed",
    ]


def test_error_report_ends_with_a_count():
    from kg.errors import DataError, Problem

    error = DataError([Problem("b.csv", 2, 1, "two"), Problem("a.csv", 9, 3, "one")])
    assert str(error) == "a.csv:9:3: one\nb.csv:2:1: two\n2 problems found; nothing was written."


def test_bom_and_crlf_are_accepted(tiny_dir):
    for path in tiny_dir.glob("*.csv"):
        text = path.read_text(encoding="utf-8").replace("\n", "\r\n")
        path.write_bytes(codecs.BOM_UTF8 + text.encode("utf-8"))
    dataset = load_dataset(tiny_dir)
    assert dataset.row_count() == 22
    assert dataset.rows("sources")[0]["id"] == "src-a"
    assert dataset.rows("findings")[0]["note"] is None


def test_verification_must_be_borne_out_by_the_sources(tiny_dir):
    edit_csv(tiny_dir / "bodies.csv", ",secondary-single,,src-a,二,", ",official,,src-a,二,")
    edit_csv(tiny_dir / "relations.csv", ",secondary-single,,src-a,二,", ",secondary-corroborated,,src-a,二,")
    assert problems_of(tiny_dir) == [
        f"{tiny_dir}/bodies.csv:2:5: verification 'official' needs an official source in source or corroborated_by",
        f"{tiny_dir}/relations.csv:2:4: verification 'secondary-corroborated' needs a second, independent source in"
        " corroborated_by",
    ]


def test_a_corroborating_source_must_exist(tiny_dir):
    edit_csv(tiny_dir / "relations.csv", ",secondary-single,,src-a,二,", ",secondary-corroborated,src-b,src-a,二,")
    assert problems_of(tiny_dir) == [
        f"{tiny_dir}/relations.csv:2:5: 'src-b' in column 'corroborated_by' is not an id in sources.csv"
        " (did you mean 'src-a'?)"
    ]


def test_a_postponement_comes_before_the_date_it_postpones(tiny_dir):
    edit_csv(
        tiny_dir / "events.csv",
        "xa-bill.2023.proposed,xa-bill,2023,proposed,,,,,,,,,,",
        "xa-bill.2023.proposed,xa-bill,2023,proposed,,,,,,,,,xa-ai-law.2024-06-28.published,",
    )
    edit_csv(
        tiny_dir / "events.csv",
        "xa-ai-law.2024-06-28.published,xa-ai-law,2024-06-28,published,,",
        "xa-ai-law.2024-06-28.published,xa-ai-law,2024-06-28,published,Article 5,",
    )
    assert problems_of(tiny_dir) == [
        f"{tiny_dir}/events.csv:3:5: 'part' applies to entered_into_force, applies_from, repealed, expired,"
        " invalidated events, not to 'published'",
        f"{tiny_dir}/events.csv:4:13: superseded by 'xa-ai-law.2024-06-28.published' dated 2024-06-28, after this"
        " event's own date 2023; a postponement happens before the date it postpones",
    ]


def test_original_titles_come_with_their_language(tiny_dir):
    edit_csv(tiny_dir / "instruments.csv", "hard_law,AI Law,en,AI Law,", "hard_law,AI Law,,AI Law,")
    edit_csv(tiny_dir / "instruments.csv", "hard_law,,,Deepfake bill,", "hard_law,Ley,ES,Deepfake bill,")
    assert problems_of(tiny_dir) == [
        f"{tiny_dir}/instruments.csv:2:6: title_original_lang is required with the other original-title column",
        f"{tiny_dir}/instruments.csv:3:6: 'ES' is not a lower-case language tag such as en, zh, ko, pt or zh-hant",
    ]


@pytest.mark.parametrize(
    ("scheme", "value", "message"),
    [
        ("wikidata", "q42", "'q42' is not a wikidata identifier (such as Q42)"),
        ("celex", "2024/1689", "'2024/1689' is not a celex identifier (such as 32024R1689)"),
        ("iso3166", "usa", "'usa' is not a iso3166 identifier (such as KR or US-CA)"),
    ],
)
def test_links_have_the_form_of_their_scheme(tiny_dir, scheme, value, message):
    edit_csv(tiny_dir / "links.csv", "xa-ai-law,wikidata,Q99999999,", f"xa-ai-law,{scheme},{value},")
    assert problems_of(tiny_dir) == [f"{tiny_dir}/links.csv:2:3: {message}"]


def test_a_link_subject_may_be_an_instrument_a_jurisdiction_or_a_body(tiny_dir):
    with (tiny_dir / "links.csv").open("a", encoding="utf-8") as f:
        f.write(
            "xa,iso3166,XA,secondary-single,,src-a,二,\nxa-parliament,website,https://example.org/p,secondary-single,,src-a,二,\n"
        )
        f.write("src-a,website,https://example.org/s,secondary-single,,src-a,二,\n")
    assert problems_of(tiny_dir) == [
        f"{tiny_dir}/links.csv:5:1: 'src-a' in column 'subject' is not an id in instruments.csv or jurisdictions.csv"
        " or bodies.csv"
    ]


def test_based_on_cycles_are_found_in_a_dense_graph(tiny_dir):
    """36 instruments, each based on every later one, then one link back: every cycle is found once and quickly."""
    names = [f"xa-law-{n:02d}" for n in range(36)]
    with (tiny_dir / "instruments.csv").open("a", encoding="utf-8") as f:
        for name in names:
            f.write(f"{name},xa,law,hard_law,,,Law {name},yes,法律{name},yes,,,,,,yes,secondary-single,,src-a,二,\n")
    with (tiny_dir / "events.csv").open("a", encoding="utf-8") as f:
        for name in names:
            f.write(f"{name}.2020.published,{name},2020,published,,,,,,,,,,secondary-single,,src-a,二,\n")
    with (tiny_dir / "relations.csv").open("a", encoding="utf-8") as f:
        for i, a in enumerate(names):
            for b in names[i + 1 : i + 3]:
                f.write(f"{a},based_on,{b},secondary-single,,src-a,二,\n")
        f.write(f"{names[-1]},based_on,{names[0]},secondary-single,,src-a,二,\n")
    problems = problems_of(tiny_dir)
    assert len(problems) == 1
    assert problems[0].startswith(f"{tiny_dir}/relations.csv:72:1: cycle in based_on relations: xa-law-00 -> xa-law-01")
    assert problems[0].endswith("-> xa-law-35 -> xa-law-00")


def test_a_source_that_is_not_a_seed_is_a_page_with_its_publisher_and_date_read(tiny_dir):
    with (tiny_dir / "sources.csv").open("a", encoding="utf-8") as f:
        f.write("src-b,secondary,A news item,,,2025-01,https://example.org,,,\n")
    assert problems_of(tiny_dir) == [
        f"{tiny_dir}/sources.csv:3:5: source 'src-b' needs its publisher (every source that is not a seed document)",
        f"{tiny_dir}/sources.csv:3:7: source 'src-b' needs the full address of the page it was read on"
        " ('https://example.org' is not a page)",
        f"{tiny_dir}/sources.csv:3:8: source 'src-b' needs its consulted (every source that is not a seed document)",
    ]


def test_every_instrument_has_a_dated_event(tiny_dir):
    edit_csv(tiny_dir / "events.csv", "xa-bill.2023.proposed,xa-bill,", "xa-bill.2023.proposed,xa-ai-law,")
    assert problems_of(tiny_dir) == [
        f"{tiny_dir}/instruments.csv:3:1: instrument 'xa-bill' has no dated event; add one to events.csv (e.g. when it"
        " was adopted, published or proposed)"
    ]


def test_a_named_instrument_has_its_original_title(tiny_dir):
    edit_csv(tiny_dir / "instruments.csv", "hard_law,AI Law,en,AI Law,", "hard_law,,,AI Law,")
    assert problems_of(tiny_dir) == [
        f"{tiny_dir}/instruments.csv:2:5: title_original is required (the official title in the original language,"
        " with title_original_lang); an instrument a source does not name has unnamed=yes instead"
    ]
