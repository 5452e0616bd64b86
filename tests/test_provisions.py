"""Provisions compared across jurisdictions: the concept scheme, the curated provisions, the presets and views."""

from __future__ import annotations

import csv
import io
from collections import Counter

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.coverage import provision_coverage
from kg.presets import run_preset

from .conftest import DATA


@pytest.fixture(scope="module")
def q(real_graph):
    def run(name: str, *columns: str, **params: str) -> list[tuple]:
        frame = run_preset(real_graph, name, **params).fillna("")
        return [tuple(row) for row in frame[list(columns)].itertuples(index=False)]

    return run


def test_the_concept_scheme(real_dataset):
    concepts = {c["id"]: c for c in real_dataset.rows("concepts")}
    assert len(concepts) == 38
    for c in concepts.values():
        assert all(c[k] for k in ("label_en", "label_zh", "definition_en", "definition_zh")), c["id"]
    assert {(c["id"], c["broader"]) for c in concepts.values() if c["broader"]} == {
        ("impact-assessment", "risk-management"),
        ("chatbot-disclosure", "transparency-obligations"),
        ("content-labelling", "transparency-obligations"),
        ("election-deepfakes", "content-labelling"),
        ("conformity-assessment", "high-risk-classification"),
    }
    assert concepts["content-labelling"]["label_zh"] == "生成合成内容标识"


def test_the_targets_hold(real_graph, real_dataset):
    """At least 400 provisions from at least 15 jurisdictions; at least 20 concepts each in at least 4."""
    cover = provision_coverage(real_graph)
    assert cover.total == 637
    assert dict(cover.per_jurisdiction) == {
        "cn": 128, "eu": 105, "kr": 74, "us-ca": 46, "kz": 42, "vn": 39, "jp": 31, "coe": 26, "us-co": 24,
        "it": 23, "us-ny": 22, "br": 19, "us-tx": 18, "tw": 14, "us-ut": 13, "us-il": 7,
        # the seed report's summaries, mapped to concepts too
        "sg": 2, "us": 2, "us-ms": 1, "us-nyc": 1,
    }  # fmt: skip
    assert sum(1 for n in cover.per_jurisdiction.values() if n >= 7) == 16
    wide = sorted(c for c, js in cover.jurisdictions_of.items() if len(js) >= 4)
    assert len(wide) == 35
    assert sorted(c for c, js in cover.jurisdictions_of.items() if len(js) < 4) == [
        "domestic-representative",
        "security-assessment",
        "whistleblower-protection",
    ]
    assert sum(cover.verbatim.values()) == 507
    # every curated provision (not a seed summary) has a modality, an actor and a source with a full address
    sources = {s["id"]: s for s in real_dataset.rows("sources")}
    curated = [a for a in real_dataset.rows("articles") if a["concepts"] and not a["source"].startswith("seed-")]
    assert len(curated) == 609
    assert [a["id"] for a in curated if not a["modality"]] == []
    # only definitions, scope and commencement rules bind no one, and one statement of principle
    assert [
        a["id"] for a in curated if not a["actors"] and a["modality"] not in ("definition", "scope", "commencement")
    ] == ["kr-ai-basic-act.art3-1"]
    assert all(sources[a["source"]]["url"].count("/") >= 3 for a in curated)


def test_text_kinds(real_dataset):
    kinds = Counter(
        (a["text_en_kind"] or "-", a["text_zh_kind"] or "-", "original" if a["text_original"] else "-")
        for a in real_dataset.rows("articles")
        if a["concepts"] and not a["source"].startswith("seed-")
    )
    assert kinds.most_common(6) == [
        (("original", "own_translation", "-"), 179),  # English originals (EU, US, CoE) with our Chinese
        (("own_translation", "own_translation", "original"), 102),  # ko/ja/ru/vi/it/pt originals, no English
        (("-", "-", "-"), 89),  # mapped from what a source says the article provides; no text read
        (("official_translation", "own_translation", "original"), 87),
        (("own_translation", "original", "-"), 87),  # Chinese originals with our English
        (("translation", "original", "-"), 26),
    ]


def test_compare_provisions_on_chatbot_disclosure(q):
    columns = ("jurisdiction", "instrument", "number", "text_kind", "actors", "modality", "applies_from")
    assert q("compare-provisions", *columns, concept="chatbot-disclosure") == [
        ("cn", "cn-deep-synthesis-provisions", "第十七条", "own_translation", "provider user", "obligation",
         "2023-01-10"),
        ("coe", "coe-ai-convention", "Article 15", "summary", "state individual", "obligation", ""),
        ("eu", "eu-ai-act", "Article 50(1)", "original", "provider", "obligation", "2026-08-02"),
        ("eu", "eu-ai-act", "Article 50(5)", "original", "provider deployer", "obligation", "2026-08-02"),
        ("kr", "kr-ai-basic-act", "제31조제1항", "official_translation", "operator", "obligation", "2026-01-22"),
        ("kr", "kr-ai-basic-act-enforcement-decree", "제23조제1항", "own_translation", "operator", "obligation",
         "2026-01-22"),
        ("us-ca", "us-ca-sb243", "Section 22602(a)", "original", "operator", "obligation", "2026-01-01"),
        ("us-ca", "us-ca-sb243", "Section 22602(c)", "original", "operator", "obligation", "2026-01-01"),
        ("us-co", "us-co-ai-act", "Sec. 6-1-1704", "original", "deployer developer", "obligation", ""),
        ("us-tx", "us-tx-hb149", "§ 552.051", "original", "deployer public_body", "obligation", "2026-01-01"),
        ("us-ut", "us-ut-ai-policy-act", "Sec. 13-2-12", "", "operator any_person", "obligation", "2024-05-01"),
        ("us-ut", "us-ut-hb452", "Sec. 13-72a-203", "original", "provider individual", "obligation", "2025-05-07"),
        ("us-ut", "us-ut-sb226", "Sec. 13-77-103", "original", "operator individual any_person", "obligation",
         "2025-05-07"),
        ("us-ut", "us-ut-sb226", "Sec. 13-77-104", "original", "operator regulator", "permission", "2025-05-07"),
        ("vn", "vn-ai-law", "Điều 11, khoản 1", "own_translation", "provider", "obligation", "2026-03-01"),
    ]  # fmt: skip


def test_compare_provisions_on_labelling_for_providers_in_four_jurisdictions(q):
    """The issue's example: how the EU, Korea, China and California make providers mark generated content."""
    columns = ("jurisdiction", "instrument", "number", "text_kind", "actors", "applies_from", "matched")
    rows = q(
        "compare-provisions", *columns, concept="content-labelling", jurisdictions="eu,kr,cn,us-ca", actor="provider"
    )
    assert rows == [
        ("cn", "cn-ai-content-labelling-measures", "第十一条", "own_translation", "provider", "2025-09-01",
         "content-labelling"),
        ("cn", "cn-ai-content-labelling-measures", "第十二条", "own_translation", "provider", "2025-09-01",
         "content-labelling"),
        ("cn", "cn-ai-content-labelling-measures", "第三条", "own_translation", "provider", "2025-09-01",
         "content-labelling"),
        ("cn", "cn-ai-content-labelling-measures", "第四条", "own_translation", "provider", "2025-09-01",
         "content-labelling"),
        ("cn", "cn-ai-content-labelling-measures", "第五条", "own_translation", "provider", "2025-09-01",
         "content-labelling"),
        ("cn", "cn-ai-content-labelling-measures", "第七条", "own_translation", "provider platform", "2025-09-01",
         "content-labelling"),
        ("cn", "cn-ai-content-labelling-measures", "第八条", "own_translation", "provider", "2025-09-01",
         "content-labelling"),
        ("cn", "cn-ai-content-labelling-measures", "第九条", "own_translation", "provider user", "2025-09-01",
         "content-labelling"),
        ("cn", "cn-algorithm-recommendation-provisions", "第九条第一款", "own_translation", "provider", "2022-03-01",
         "content-labelling"),
        ("cn", "cn-deep-synthesis-provisions", "第十六条", "own_translation", "provider", "2023-01-10",
         "content-labelling"),
        ("cn", "cn-deep-synthesis-provisions", "第十七条", "own_translation", "provider user", "2023-01-10",
         "content-labelling"),
        ("cn", "cn-genai-measures", "第十二条", "translation", "provider", "2023-08-15", "content-labelling"),
        ("eu", "eu-ai-act", "Annex III, point 8(b)", "original", "provider deployer", "2027-12-02",
         "election-deepfakes"),
        ("eu", "eu-ai-act", "Article 50(2)", "original", "provider", "2026-08-02", "content-labelling"),
        ("eu", "eu-digital-omnibus-ai", "Article 1(39)(b)", "", "provider", "2026-07-27", "content-labelling"),
        ("us-ca", "us-ca-sb942", "Section 22757.1(d)-(f) [2024 lettering]", "original", "provider", "",
         "content-labelling"),
        ("us-ca", "us-ca-sb942", "Section 22757.1(h)-(i) [2024 lettering]", "original", "provider", "",
         "content-labelling"),
        ("us-ca", "us-ca-sb942", "Section 22757.1(d)", "original", "provider", "2026-08-02", "content-labelling"),
        ("us-ca", "us-ca-sb942", "Section 22757.2(a)", "original", "provider", "2026-08-02", "content-labelling"),
        ("us-ca", "us-ca-sb942", "Section 22757.3(a)", "original", "provider user", "2026-08-02", "content-labelling"),
        ("us-ca", "us-ca-sb942", "Section 22757.3(b)", "original", "provider", "2026-08-02", "content-labelling"),
        ("us-ca", "us-ca-sb942", "Section 22757.3(c)(1)", "original", "provider deployer", "2026-08-02",
         "content-labelling"),
    ]  # fmt: skip
    # Korea binds an "AI business operator", not a provider
    korea = q("compare-provisions", "number", "actors", concept="content-labelling", jurisdictions="kr")
    assert Counter(actors for _, actors in korea) == {"operator": 5, "": 1}  # the one without is a definition
    assert len(korea) == 6


def test_compare_provisions_on_a_date_keeps_what_applies(q):
    rows = q(
        "compare-provisions", "jurisdiction", "number", "applies_from",
        concept="content-labelling", jurisdictions="eu,kr,cn,us-ca", actor="provider", date="2026-03-01",
    )  # fmt: skip
    # Article 50(2) of the AI Act and SB 942 apply from 2026-08-02; China's rules already apply
    assert {j for j, _, _ in rows} == {"cn"}
    assert len(rows) == 12
    assert all(day <= "2026-03-01" for _, _, day in rows)


def test_compare_provisions_on_whistleblowers_in_chinese(q):
    columns = ("jurisdiction", "number", "heading", "text_kind", "actors", "modality", "applies_from")
    assert q("compare-provisions", *columns, concept="whistleblower-protection", lang="zh") == [
        ("eu", "Article 87", "违法行为的举报和举报人的保护", "own_translation", "individual", "right", "2026-08-02"),
        ("us-ca", "Labor Code Section 1107.1(a)", "禁止以规则或合同阻止受保护雇员披露或对其打击报复（自拟标题）",
         "own_translation", "developer individual", "prohibition", "2026-01-01"),
        ("us-ca", "Labor Code Section 1107.1(b)-(d)", "合同限制、举报热线及向受保护雇员告知权利（自拟标题）",
         "own_translation", "developer individual", "obligation", "2026-01-01"),
        ("us-ca", "Labor Code Section 1107(a)", "举报人保护中“灾难性风险”的定义（自拟标题）", "own_translation",
         "developer individual", "definition", "2026-01-01"),
        ("us-ca", "Labor Code Section 1107(b)", "举报人保护中“受保护雇员”的定义（自拟标题）", "own_translation",
         "developer individual", "definition", "2026-01-01"),
    ]  # fmt: skip


def test_obligations_of_frontier_developers_in_california_and_new_york(q):
    columns = ("jurisdiction", "number", "modality", "systems", "concept", "applies_from")
    rows = q(
        "obligations", *columns,
        jurisdictions="us-ca,us-ny", actor="developer", system="general_purpose", date="2026-06-01",
    )  # fmt: skip
    assert rows == [
        ("us-ca", "Labor Code Section 1107.1(a)", "prohibition", "general_purpose", "whistleblower-protection",
         "2026-01-01"),
        ("us-ca", "Labor Code Section 1107.1(b)-(d)", "obligation", "general_purpose", "whistleblower-protection",
         "2026-01-01"),
        ("us-ca", "Section 22757.12(a)", "obligation", "general_purpose", "accuracy-robustness-security", "2026-01-01"),
        ("us-ca", "Section 22757.12(b)", "obligation", "general_purpose", "gpai-frontier-duties", "2026-01-01"),
        ("us-ca", "Section 22757.12(c)", "obligation", "general_purpose", "gpai-frontier-duties", "2026-01-01"),
        ("us-ca", "Section 22757.13(c)", "obligation", "general_purpose", "gpai-frontier-duties", "2026-01-01"),
    ]  # fmt: skip


def test_obligations_of_high_impact_operators_in_korea(q):
    rows = q("obligations", "number", "systems", jurisdictions="kr", actor="operator", system="high_risk",
             date="2026-06-01")  # fmt: skip
    assert rows == [
        ("제30조제3항", "high_risk"), ("제31조제1항", "any"), ("제33조제1항", "high_risk"),
        ("제34조제1항", "high_risk"), ("제35조제1항", "high_risk"), ("제36조제1항", "any"), ("제23조제1항", "any"),
        ("제25조제1항", "high_risk"), ("제27조제1항", "high_risk"), ("제27조제2항", "high_risk"),
        ("제28조제1항", "high_risk"),
    ]  # fmt: skip
    # before the act applied, nothing bound them
    assert q("obligations", "number", jurisdictions="kr", actor="operator", date="2026-01-21") == []


def test_a_misspelt_concept_or_actor_suggests_the_closest(tmp_path):
    runner = CliRunner()
    result = runner.invoke(
        main, ["query", "compare-provisions", "-p", "concept=content-labelling", "-p", "actor=provder", "--data", DATA]
    )
    assert result.exit_code == 2
    assert result.stderr == (
        "no actor matches 'provder'; give an id, an official identifier or a title fragment; did you mean 'provider'?\n"
    )


def test_compare_by_concept_lists_article_references(tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["compare", "--by", "concept", "--format", "csv", "--data", DATA])
    assert result.exit_code == 0, result.output
    rows = {r["jurisdiction"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    assert len(rows) == 20
    assert rows["eu"]["chatbot-disclosure"] == "ai-act Article 50(1); ai-act Article 50(5)"
    assert rows["kr"]["chatbot-disclosure"] == "ai-basic-act 제31조제1항; ai-basic-act-enforcement-decree 제23조제1항"
    assert rows["us-ca"]["whistleblower-protection"] == (
        "sb53 Labor Code Section 1107(a); sb53 Labor Code Section 1107(b); sb53 Labor Code Section 1107.1(a);"
        " sb53 Labor Code Section 1107.1(b)-(d)"
    )
    assert rows["jp"]["prohibited-practices"] == ""
    markdown = runner.invoke(main, ["compare", "--by", "concept", "--format", "markdown", "--data", DATA])
    assert markdown.stdout.splitlines()[0].startswith("| jurisdiction | accuracy-robustness-security | ai-literacy |")
    plot = tmp_path / "concepts.svg"
    result = runner.invoke(main, ["compare", "--by", "concept", "--plot", str(plot), "--format", "csv", "--data", DATA])
    assert result.exit_code == 0, result.output
    svg = plot.read_text(encoding="utf-8")
    # the heatmap labels its rows and columns with words and explains its values
    assert "Disclosure of interaction with an AI" in svg
    assert "South Korea" in svg and "Council of Europe" in svg
    assert "number of provisions on the concept (editorial mapping)" in svg
    assert "chatbot-disclosure" not in svg
