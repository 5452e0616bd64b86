"""The bad-input corpus: every case exits 2 with its exact located message and leaves build/ untouched."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.errors import Problem

from .conftest import edit_csv


def replace(file: str, old: str, new: str) -> Callable[[Path], None]:
    return lambda data: edit_csv(data / file, old, new)


def append(file: str, line: str) -> Callable[[Path], None]:
    def mutate(data: Path) -> None:
        with (data / file).open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")

    return mutate


def raw_bytes(file: str, old: bytes, new: bytes) -> Callable[[Path], None]:
    def mutate(data: Path) -> None:
        path = data / file
        content = path.read_bytes()
        assert content.count(old) == 1
        path.write_bytes(content.replace(old, new))

    return mutate


def remove(file: str) -> Callable[[Path], None]:
    return lambda data: (data / file).unlink()


def truncate(file: str) -> Callable[[Path], None]:
    return lambda data: (data / file).write_text("", encoding="utf-8")


@dataclass(frozen=True)
class Case:
    name: str
    mutate: Callable[[Path], None]
    expected: tuple[str, ...]  # lines of the report, with {d} for the data folder


ALLOWED_TYPES = (
    "law, administrative_regulation, departmental_rule, regulation, decree, executive_order, memorandum,"
    " national_security_memorandum, implementing_act, delegated_act, resolution, convention, declaration,"
    " recommendation, strategy, action_plan, guideline, code_of_practice, template, framework, principles, standard,"
    " judicial_opinion, bill, local_law, policy_document, toolkit"
)

CASES = [
    # broken CSV
    Case(
        "quote-after-closing-quote",
        replace("bodies.csv", "Parliament of Xanadu", '"Parliament" of Xanadu'),
        (
            "{d}/bodies.csv:2:3: malformed quoting: a closing '\"' must be followed by ',' or the end of the line;"
            " write a '\"' inside a quoted field as '\"\"'",
        ),
    ),
    Case(
        "quote-inside-unquoted-field",
        replace("bodies.csv", "Parliament of Xanadu", 'Parliament "of" Xanadu'),
        (
            "{d}/bodies.csv:2:3: malformed quoting: '\"' inside an unquoted field; quote the whole field and double"
            " the '\"'",
        ),
    ),
    Case(
        "unclosed-quote",
        replace("bodies.csv", ",二,\n", ',"二,\n'),
        ("{d}/bodies.csv:2:8: malformed quoting: a quoted field is never closed",),
    ),
    Case(
        "non-utf8-bytes",
        raw_bytes("bodies.csv", "仙那度议会".encode(), "仙那度议会".encode("gb18030")),
        ("{d}/bodies.csv:2:4: invalid UTF-8 byte 0xcf; save the file as UTF-8",),
    ),
    Case(
        "latin1-byte-in-title",
        raw_bytes("instruments.csv", b"Deepfake bill", b"Deepfake b\xe9ll"),
        ("{d}/instruments.csv:3:7: invalid UTF-8 byte 0xe9; save the file as UTF-8",),
    ),
    Case(
        "extra-column-in-row",
        replace("bodies.csv", ",src-a,二,\n", ",src-a,二,,extra\n"),
        ("{d}/bodies.csv:2:10: row has 10 fields but the header has 9",),
    ),
    Case(
        "missing-columns-in-row",
        append("topics.csv", "elections,,Elections"),
        ("{d}/topics.csv:4:4: row has 3 fields but the header has 5 (missing: label_zh, note)",),
    ),
    Case(
        "unknown-header-column",
        replace("bodies.csv", "id,jurisdiction,name_en,", "id,jurisdiction,name,"),
        (
            "{d}/bodies.csv:1:3: unknown column 'name'; expected columns: id, jurisdiction, name_en, name_zh,"
            " verification, corroborated_by, source, locator, note",
            "{d}/bodies.csv:1:10: missing column 'name_en'",
        ),
    ),
    Case(
        "oversized-field",
        replace("articles.csv", "第五条 国家鼓励人工智能。", "长" * 10001),
        ("{d}/articles.csv:2:10: value in column 'text_zh' is 10001 characters long; the limit is 10000",),
    ),
    Case(
        "empty-file", truncate("topics.csv"), ("{d}/topics.csv:1:1: file is empty; the first line must be the header",)
    ),
    Case(
        "missing-file",
        remove("findings.csv"),
        ("{d}/findings.csv: file is missing; datapackage.json declares table 'findings'",),
    ),
    # duplicate ids
    Case(
        "duplicate-id-in-table",
        append("bodies.csv", "xa-parliament,xa,Second parliament,,secondary-single,,src-a,二,"),
        ("{d}/bodies.csv:3:1: duplicate key 'xa-parliament' in bodies; first defined at {d}/bodies.csv:2",),
    ),
    Case(
        "duplicate-id-across-tables",
        append("topics.csv", "xa,,Xanadu topic,仙那度主题,"),
        ("{d}/topics.csv:4:1: id 'xa' is already used at {d}/jurisdictions.csv:2; ids are unique across all tables",),
    ),
    Case(
        "duplicate-relation",
        append("relations.csv", "xa-bill,cites,xa-ai-law,secondary-single,,src-a,三,again"),
        (
            "{d}/relations.csv:3:1: duplicate key 'xa-bill/cites/xa-ai-law' in relations; first defined at"
            " {d}/relations.csv:2",
        ),
    ),
    # dangling references
    Case(
        "dangling-jurisdiction",
        replace("instruments.csv", "xa-ai-law,xa,law", "xa-ai-law,xb,law"),
        (
            "{d}/instruments.csv:2:2: 'xb' in column 'jurisdiction' is not an id in jurisdictions.csv (did you mean"
            " 'xa'?)",
        ),
    ),
    Case(
        "dangling-topic-in-list",
        replace("instruments.csv", ",deepfakes,,", ",deepfakes|elections,,"),
        ("{d}/instruments.csv:2:15: 'elections' in column 'topics' is not an id in topics.csv",),
    ),
    Case(
        "dangling-source",
        replace("bodies.csv", ",src-a,二,", ",src-b,二,"),
        ("{d}/bodies.csv:2:7: 'src-b' in column 'source' is not an id in sources.csv (did you mean 'src-a'?)",),
    ),
    # dates
    Case(
        "impossible-date",
        replace("events.csv", "2024-06-28,published", "2024-02-30,published"),
        ("{d}/events.csv:3:3: '2024-02-30' in column 'date' is not a real date: 2024-02 has no day 30",),
    ),
    Case(
        "date-wrong-format",
        replace("events.csv", "2024-06-28,published", "28/06/2024,published"),
        ("{d}/events.csv:3:3: '28/06/2024' in column 'date' is not a date; use YYYY, YYYY-MM or YYYY-MM-DD",),
    ),
    Case(
        "month-13",
        replace("events.csv", "2024-03,voted", "2024-13,voted"),
        ("{d}/events.csv:2:3: '2024-13' in column 'date' has no month 13",),
    ),
    Case(
        "event-before-proposal",
        append("events.csv", "xa-bill.2021.voted,xa-bill,2021-05,voted,,,,,,,,,,secondary-single,,src-a,二,"),
        (
            "{d}/events.csv:6:3: event dated 2021-05 is before its instrument 'xa-bill' was proposed (2023,"
            " {d}/events.csv:4)",
        ),
    ),
    # bad values
    Case(
        "negative-votes",
        replace("events.csv", "xa-parliament,10,2,0", "xa-parliament,-10,2,0"),
        ("{d}/events.csv:2:7: '-10' in column 'votes_for' is not a non-negative whole number",),
    ),
    Case(
        "votes-not-a-number",
        replace("events.csv", "xa-parliament,10,2,0", "xa-parliament,10,two,0"),
        ("{d}/events.csv:2:8: 'two' in column 'votes_against' is not a non-negative whole number",),
    ),
    Case(
        "unknown-enum-value",
        replace("instruments.csv", "xa-ai-law,xa,law,", "xa-ai-law,xa,lawz,"),
        (
            "{d}/instruments.csv:2:3: unknown value 'lawz' in column 'type' (did you mean 'law'?); allowed: "
            + ALLOWED_TYPES,
        ),
    ),
    Case(
        "unknown-binding-force",
        replace("instruments.csv", "xa-ai-law,xa,law,hard_law,", "xa-ai-law,xa,law,binding,"),
        ("{d}/instruments.csv:2:4: unknown value 'binding' in column 'binding_force'; allowed: hard_law, soft_law",),
    ),
    Case(
        "empty-required-cell",
        replace("events.csv", "xa-bill.2023.proposed,xa-bill,2023,proposed", "xa-bill.2023.proposed,xa-bill,,proposed"),
        ("{d}/events.csv:4:3: missing required value in column 'date'",),
    ),
    Case(
        "id-with-space",
        replace("articles.csv", "xa-ai-law.art5,", "xa ai law art5,"),
        (
            "{d}/articles.csv:2:1: 'xa ai law art5' in column 'id' is not a valid id: use lower-case ASCII letters"
            " and digits, joined by single '-', '_' or '.'",
        ),
    ),
    Case(
        "id-non-ascii",
        replace("articles.csv", "xa-ai-law.art5,", "第五条,"),
        (
            "{d}/articles.csv:2:1: '第五条' in column 'id' is not a valid id: use lower-case ASCII letters and"
            " digits, joined by single '-', '_' or '.'",
        ),
    ),
    Case(
        "boolean-not-yes-no",
        replace("instruments.csv", "AI Law,no,人工智能法,yes,", "AI Law,no,人工智能法,true,"),
        ("{d}/instruments.csv:2:10: 'true' in column 'title_zh_translated' must be 'yes' or 'no'",),
    ),
    Case(
        "table-path-is-a-folder",
        lambda d: ((d / "topics.csv").unlink(), (d / "topics.csv").mkdir()),
        ("{d}/topics.csv: is a folder, not a file; table 'topics' needs a CSV file here",),
    ),
    Case(
        "field-over-the-csv-modules-limit",
        replace("instruments.csv", "AI Law,no,人工智能法", '"' + "x" * 140_000 + '",no,人工智能法'),
        (
            "{d}/instruments.csv:2: a field is too long to read (field larger than field limit (131072)); the limit"
            " is 10000 characters",
        ),
    ),
    Case(
        "year-zero",
        replace("events.csv", "2024-06-28,published", "0000-06-28,published"),
        (
            "{d}/events.csv:3:3: '0000-06-28' in column 'date' has year 0000, which no calendar has; years start at"
            " 0001",
        ),
    ),
    Case(
        "nul-byte-in-a-title",
        raw_bytes("instruments.csv", b"AI Law,no,", b"AI\x00Law,no,"),
        (
            "{d}/instruments.csv:2:7: value in column 'title_en' contains the control character U+0000, which RDF/XML"
            " and GraphML cannot hold; remove it (line breaks and tabs are fine)",
        ),
    ),
    # articles: each text with its kind and language, applying from one of its act's own dates
    Case(
        "article-text-without-kind",
        replace("articles.csv", "人工智能。,original,", "人工智能。,,"),
        ("{d}/articles.csv:2:11: text_zh_kind is required with text_zh",),
    ),
    Case(
        "article-own-translation-of-nothing",
        replace("articles.csv", "人工智能。,original,", "人工智能。,own_translation,"),
        (
            "{d}/articles.csv:2:11: text_zh is the project's own translation, but the row has no other text it"
            " translates",
        ),
    ),
    Case(
        "article-original-in-chinese-as-text-original",
        replace("articles.csv", "article,,,,,,第五条", "article,,,,第五条 原文,zh,第五条"),
        ("{d}/articles.csv:2:9: an original in 'zh' goes in text_zh with text_zh_kind=original, not in text_original",),
    ),
    Case(
        "article-applies-from-a-publication",
        replace("articles.csv", "generative,obligation,,", "generative,obligation,xa-ai-law.2024-06-28.published,"),
        (
            "{d}/articles.csv:2:18: event 'xa-ai-law.2024-06-28.published' is of type 'published'; an article"
            " applies from an entered_into_force or applies_from event",
        ),
    ),
    Case(
        "article-unknown-concept-and-actor",
        replace("articles.csv", ",labelling,provider|platform,", ",labeling,provider|platfrom,"),
        (
            "{d}/articles.csv:2:14: 'labeling' in column 'concepts' is not an id in concepts.csv (did you mean"
            " 'labelling'?)",
            "{d}/articles.csv:2:15: unknown value 'platfrom' in column 'actors' (did you mean 'platform'?); allowed:"
            " provider, deployer, developer, operator, importer, distributor, authorised_representative, platform,"
            " user, public_body, state, regulator, individual, any_person",
        ),
    ),
    Case(
        "no-title",
        replace("instruments.csv", ",,Deepfake bill,yes,深度伪造法案,", ",,,yes,,"),
        (
            "{d}/instruments.csv:3:7: missing required value in column 'title_en'",
            "{d}/instruments.csv:3:9: missing required value in column 'title_zh'",
        ),
    ),
    # graph rules
    Case(
        "based-on-cycle",
        append(
            "relations.csv",
            "xa-bill,based_on,xa-ai-law,secondary-single,,src-a,三,\nxa-ai-law,based_on,xa-bill,secondary-single,,src-a,三,",
        ),
        ("{d}/relations.csv:3:1: cycle in based_on relations: xa-ai-law -> xa-bill -> xa-ai-law",),
    ),
    Case(
        "jurisdiction-parent-cycle",
        replace("jurisdictions.csv", "xa,country,,", "xa,country,xa-north,"),
        (
            "{d}/jurisdictions.csv:2:3: 'parent' chain from 'xa' loops back through 'xa'",
            "{d}/jurisdictions.csv:3:3: 'parent' chain from 'xa-north' loops back through 'xa-north'",
        ),
    ),
    # hostile content
    Case(
        "javascript-url",
        replace("instruments.csv", "https://example.org/law", "javascript:alert(document.cookie)"),
        ("{d}/instruments.csv:2:14: 'javascript:alert(document.cookie)' in column 'url' is not an http(s) URL",),
    ),
    Case(
        "html-in-title",
        replace("instruments.csv", "en,AI Law,no,", "en,<img src=x onerror=alert(1)>,no,"),
        (
            "{d}/instruments.csv:2:7: value in column 'title_en' contains HTML markup '<img src=x onerror=alert(1)>';"
            " text columns hold plain text",
        ),
    ),
    Case(
        "script-in-title",
        replace("instruments.csv", "no,人工智能法,yes,", "no,</script><script>alert(1)</script>,yes,"),
        (
            "{d}/instruments.csv:2:9: value in column 'title_zh' contains HTML markup '</script>'; text columns hold"
            " plain text",
        ),
    ),
    # several at once, in file order
    Case(
        "several-problems",
        lambda d: (
            replace("events.csv", "2024-06-28,published", "2024-02-30,publish")(d),
            replace("bodies.csv", "xa-parliament,xa,", "xa-parliament,xx,")(d),
        ),
        (
            "{d}/bodies.csv:2:2: 'xx' in column 'jurisdiction' is not an id in jurisdictions.csv (did you mean 'xa'?)",
            "{d}/events.csv:3:3: '2024-02-30' in column 'date' is not a real date: 2024-02 has no day 30",
            "{d}/events.csv:3:4: unknown value 'publish' in column 'type' (did you mean 'published'?); allowed:"
            " proposed, planned, referred, agreed, voted, adopted, signed, published, opened_for_signature,"
            " entered_into_force, applies_from, amended, enjoined, invalidated, repealed, expired, vetoed, withdrawn,"
            " lapsed",
        ),
    ),
]


def snapshot(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture
def previous_build(tiny_dir, tmp_path) -> Path:
    out = tmp_path / "build"
    result = CliRunner().invoke(main, ["build", "--data", str(tiny_dir), "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    return out


# The code of each problem of each case, as `kg validate --format json` reports it (kg.errors.Problem.code).
CODES = {
    "quote-after-closing-quote": ("quoting",),
    "quote-inside-unquoted-field": ("quoting",),
    "unclosed-quote": ("quoting",),
    "non-utf8-bytes": ("encoding",),
    "latin1-byte-in-title": ("encoding",),
    "extra-column-in-row": ("field-count",),
    "missing-columns-in-row": ("field-count",),
    "unknown-header-column": ("header", "header"),
    "oversized-field": ("too-long",),
    "empty-file": ("empty-file",),
    "missing-file": ("missing-file",),
    "duplicate-id-in-table": ("duplicate-key",),
    "duplicate-id-across-tables": ("duplicate-id",),
    "duplicate-relation": ("duplicate-key",),
    "dangling-jurisdiction": ("foreign-key",),
    "dangling-topic-in-list": ("foreign-key",),
    "dangling-source": ("foreign-key",),
    "impossible-date": ("not-a-date",),
    "date-wrong-format": ("not-a-date",),
    "month-13": ("not-a-date",),
    "event-before-proposal": ("event-order",),
    "negative-votes": ("not-a-number",),
    "votes-not-a-number": ("not-a-number",),
    "unknown-enum-value": ("unknown-value",),
    "unknown-binding-force": ("unknown-value",),
    "empty-required-cell": ("required",),
    "id-with-space": ("invalid-id",),
    "id-non-ascii": ("invalid-id",),
    "boolean-not-yes-no": ("not-yes-or-no",),
    "table-path-is-a-folder": ("not-a-file",),
    "field-over-the-csv-modules-limit": ("too-long",),
    "year-zero": ("not-a-date",),
    "nul-byte-in-a-title": ("control-character",),
    "article-text-without-kind": ("article-text",),
    "article-own-translation-of-nothing": ("article-text",),
    "article-original-in-chinese-as-text-original": ("original-language",),
    "article-applies-from-a-publication": ("applies-from",),
    "article-unknown-concept-and-actor": ("foreign-key", "unknown-value"),
    "no-title": ("required", "required"),
    "based-on-cycle": ("cycle",),
    "jurisdiction-parent-cycle": ("cycle", "cycle"),
    "javascript-url": ("not-a-url",),
    "html-in-title": ("markup",),
    "script-in-title": ("markup",),
    "several-problems": ("foreign-key", "not-a-date", "unknown-value"),
}


def test_the_corpus_has_at_least_30_cases():
    assert len(CASES) >= 30
    assert len({c.name for c in CASES}) == len(CASES)
    assert set(CODES) == {c.name for c in CASES}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input(case, tiny_dir, previous_build, tmp_path):
    before = snapshot(previous_build)
    case.mutate(tiny_dir)
    fresh = tmp_path / "fresh"
    for out in (previous_build, fresh):
        result = CliRunner().invoke(main, ["build", "--data", str(tiny_dir), "--out", str(out)])
        assert result.exit_code == 2
        assert "Traceback" not in result.output
        expected = [line.format(d=tiny_dir) for line in case.expected]
        count = len(expected)
        expected.append(f"{count} problem{'s' if count != 1 else ''} found; nothing was written.")
        assert result.stderr.splitlines() == expected
        assert result.stdout == ""
    assert snapshot(previous_build) == before
    assert not fresh.exists()
    validate = CliRunner().invoke(main, ["validate", "--data", str(tiny_dir), "--format", "json"])
    assert validate.exit_code == 2
    problems = json.loads(validate.stdout)["problems"]
    assert [str(Problem(**p)) for p in problems] == [line.format(d=tiny_dir) for line in case.expected]
    assert tuple(p["code"] for p in problems) == CODES[case.name]


def test_missing_schema_file(tiny_dir):
    (tiny_dir / "datapackage.json").unlink()
    result = CliRunner().invoke(main, ["validate", "--data", str(tiny_dir)])
    assert result.exit_code == 2
    assert result.stderr == f"{tiny_dir}/datapackage.json: no schema file; a data folder needs datapackage.json\n"


def test_bom_and_crlf_are_valid_input(tiny_dir, tmp_path):
    for path in tiny_dir.glob("*.csv"):
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    result = CliRunner().invoke(main, ["build", "--data", str(tiny_dir), "--out", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 0, result.output


def test_validate_reports_json_for_programs(tiny_dir):
    result = CliRunner().invoke(main, ["validate", "--data", str(tiny_dir), "--format", "json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"valid": True, "rows": 22, "tables": 15, "triples": 2296, "problems": []}
    edit_csv(tiny_dir / "instruments.csv", "xa-ai-law,xa,law,", "xa-ai-law,xa,lawx,")
    result = CliRunner().invoke(main, ["validate", "--data", str(tiny_dir), "--format", "json"])
    assert result.exit_code == 2
    (problem,) = json.loads(result.stdout)["problems"]
    assert {k: problem[k] for k in ("path", "line", "column", "code")} == {
        "path": f"{tiny_dir}/instruments.csv",
        "line": 2,
        "column": 3,
        "code": "unknown-value",
    }
    assert problem["message"].startswith("unknown value 'lawx' in column 'type' (did you mean 'law'?); allowed: law,")
