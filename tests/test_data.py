"""Exact facts and counts on the real curated data."""

from __future__ import annotations

from collections import Counter

from rdflib import XSD, Literal, URIRef
from rdflib.namespace import DCTERMS

from kg.vocab import ELI, KG

from .conftest import DATA

ID = "https://w3id.org/ai-legislation-kg/id/"


def rows_by_id(dataset, table):
    return {row["id"]: row for row in dataset.rows(table)}


def test_row_counts_per_table(real_dataset):
    assert {name: len(rows) for name, rows in real_dataset.tables.items()} == {
        "sources": 1381,
        "jurisdictions": 75,
        "bodies": 169,
        "topics": 52,
        "concepts": 38,
        "instruments": 393,
        "events": 864,
        "articles": 698,
        "relations": 136,
        "classifications": 21,
        "risk_tiers": 14,
        "findings": 80,
        "parties": 28,
        "status_claims": 5,
        "links": 145,
    }
    seed_rows = {
        name: sum(1 for row in rows if row.values.get("source", "").startswith("seed-"))
        for name, rows in real_dataset.tables.items()
        if name not in ("sources", "topics")
    }
    assert seed_rows == {
        "jurisdictions": 16,
        "concepts": 0,
        "bodies": 29,
        "instruments": 85,
        "events": 58,
        "articles": 89,
        "relations": 16,
        "classifications": 21,
        "risk_tiers": 14,
        "findings": 80,
        "parties": 3,
        "status_claims": 4,
        "links": 0,
    }


def test_coverage_targets_of_the_world_coverage_issue(real_dataset):
    """At least 300 instruments; 50+ jurisdictions with one; 25+ outside the seed's four with three or more."""
    counts = Counter(row["jurisdiction"] for row in real_dataset.rows("instruments"))
    parents = {row["id"]: row["parent"] for row in real_dataset.rows("jurisdictions")}

    def top(j: str) -> str:
        while parents.get(j):
            j = parents[j]
        return j

    assert sum(counts.values()) == 393
    assert len(counts) == 70
    outside = sorted(j for j, n in counts.items() if n >= 3 and top(j) not in ("eu", "us", "cn", "sg"))
    assert len(outside) == 35
    assert {"kr", "jp", "tw", "in", "au", "vn", "br", "ca", "gb", "tr", "un", "oecd", "african-union"} <= set(outside)


def test_instruments_per_jurisdiction(real_dataset):
    counts = Counter(row["jurisdiction"] for row in real_dataset.rows("instruments"))
    assert {j: counts[j] for j in ("cn", "us", "eu", "us-ca", "sg", "gb", "au", "kr", "in", "jp", "tw", "un")} == {
        "cn": 55,
        "us": 40,
        "eu": 39,
        "us-ca": 24,
        "sg": 18,
        "gb": 9,
        "au": 9,
        "kr": 8,
        "in": 8,
        "jp": 7,
        "tw": 3,
        "un": 5,
    }


def test_instruments_per_type_and_binding_force(real_dataset):
    rows = real_dataset.rows("instruments")
    assert Counter(row["type"] for row in rows) == {
        "law": 113,
        "guideline": 41,
        "strategy": 41,
        "bill": 36,
        "policy_document": 25,
        "framework": 16,
        "action_plan": 16,
        "executive_order": 13,
        "departmental_rule": 13,
        "resolution": 12,
        "principles": 12,
        "regulation": 9,
        "standard": 7,
        "decree": 6,
        "declaration": 5,
        "toolkit": 4,
        "administrative_regulation": 4,
        "code_of_practice": 4,
        "memorandum": 4,
        "local_law": 3,
        "recommendation": 3,
        "implementing_act": 2,
        "convention": 1,
        "national_security_memorandum": 1,
        "judicial_opinion": 1,
        "template": 1,
    }
    assert Counter(row["binding_force"] for row in rows) == {"hard_law": 208, "soft_law": 185}


def test_evidence_rules_hold_on_the_real_data(real_dataset):
    """Every non-seed source is a page with its publisher and date read; every statement has a level; every
    instrument has a dated event, and every enacted law its adoption and, where dated, its entry into force."""
    import re

    for row in real_dataset.rows("sources"):
        if row["kind"] != "seed":
            assert re.match(r"^https?://[^/\s]+/\S+$", row["url"]), row["id"]
            assert row["publisher"] and row["consulted"], row["id"]
    levels = Counter(
        row["verification"] for rows in real_dataset.tables.values() for row in rows if "verification" in row.values
    )
    assert levels == {"secondary-single": 1234, "secondary-corroborated": 1065, "official": 329}
    types = {}
    for event in real_dataset.rows("events"):
        types.setdefault(event["instrument"], set()).add(event["type"])
    assert [i["id"] for i in real_dataset.rows("instruments") if i["id"] not in types] == []
    enacted = [i for i in real_dataset.rows("instruments") if i["type"] == "law" and i["binding_force"] == "hard_law"]
    without_adoption = sorted(i["id"] for i in enacted if not types[i["id"]] & {"adopted", "signed", "published"})
    assert without_adoption == []
    # enacted laws whose entry into force no page read states (each note says what was searched and why)
    without_force = sorted(i["id"] for i in enacted if not types[i["id"]] & {"entered_into_force", "applies_from"})
    assert without_force == [
        "mx-slp-penal-code-ai-reform", "pe-ley-31814", "pe-ley-32314", "us-advancing-american-ai-act",
        "us-ai-in-government-act-2020", "us-az-hb2394", "us-az-sb1359", "us-co-sb21-169", "us-faa-reauth-2018",
        "us-nj-a3540", "us-va-hb2124",
    ]  # fmt: skip
    notes = {i["id"]: (i["note"] or "").lower() for i in enacted}
    words = ("entry-into-force", "entered_into_force", "entry into force", "effective")
    assert [i for i in without_force if not any(word in notes[i] for word in words)] == []


def test_eu_ai_act_timeline_and_votes(real_dataset):
    events = [
        (str(e["date"]), e["type"], e["body"], e["votes_for"], e["votes_against"], e["votes_abstain"])
        for e in real_dataset.rows("events")
        if e["instrument"] == "eu-ai-act" and e["source"] == "seed-004"
    ]
    assert sorted(events) == [
        ("2021-04", "proposed", "eu-commission", None, None, None),
        ("2022-12", "agreed", None, None, None, None),
        ("2023-06", "voted", "eu-parliament", 499, 28, 93),
        ("2023-12", "agreed", None, None, None, None),
        ("2024-02-02", "agreed", "eu-member-state-representatives", None, None, None),
        ("2024-03-13", "voted", "eu-parliament", 523, 46, 49),
    ]


def test_dates_keep_the_seed_precision_in_the_graph(real_graph):
    def date_of(event_id):
        return real_graph.value(URIRef(ID + "event/" + event_id), DCTERMS.date)

    assert date_of("eu-ai-act.2021-04.proposed") == Literal("2021-04", datatype=XSD.gYearMonth)
    assert date_of("cn-electronic-archives-measures.2024.published") == Literal("2024", datatype=XSD.gYear)
    assert date_of("cn-pipl.2021-08-20.published") == Literal("2021-08-20", datatype=XSD.date)


TABLE_2 = {
    # instrument id: (level, 公布时间, article number)
    "cn-emergency-response-law": ("law", "2024-06-28", "第五十六条"),
    "cn-pipl": ("law", "2021-08-20", "第六十二条"),
    "cn-basic-healthcare-law": ("law", "2019-12-28", "第四十九条"),
    "cn-sme-promotion-law": ("law", "2017-09-01", "第三十三条"),
    "cn-network-data-security-regulations": ("administrative_regulation", "2024-09-24", "第十九条"),
    "cn-cruise-ship-supply-provisions": ("administrative_regulation", "2024-04-22", "第五条"),
    "cn-minors-online-protection-regulations": ("administrative_regulation", "2023-10-16", "第二十六条"),
    "cn-uav-flight-regulations": ("administrative_regulation", "2023-05-31", "第五条"),
    "cn-customs-risk-management-measures": ("departmental_rule", "2024-07-30", "第四条"),
    "cn-online-violence-provisions": ("departmental_rule", "2024-06-12", "第十二条"),
    "cn-electronic-archives-measures": ("departmental_rule", "2024", "第三十五条"),
    "cn-emergency-discretion-provisions": ("departmental_rule", "2023-11-01", "第三十四条"),
    "cn-agri-enforcement-measures": ("departmental_rule", "2022-11-22", "第三十一条"),
    "cn-env-info-disclosure-measures": ("departmental_rule", "2021-12-11", "第二十四条"),
    "cn-medical-device-clinical-use-measures": ("departmental_rule", "2021-01-12", "第七条"),
}


def test_every_table_2_row(real_dataset):
    instruments = rows_by_id(real_dataset, "instruments")
    published = {e["instrument"]: str(e["date"]) for e in real_dataset.rows("events") if e["type"] == "published"}
    numbers = {a["instrument"]: a["number"] for a in real_dataset.rows("articles") if a["locator"].startswith("表2")}
    found = {
        key: (instruments[key]["type"], published[key], numbers[key])
        for key, row in instruments.items()
        if row["locator"].startswith("表2")
    }
    assert found == TABLE_2


def test_table_2_article_texts_are_verbatim(real_dataset):
    articles = {a["instrument"]: a for a in real_dataset.rows("articles") if a["locator"].startswith("表2")}
    assert articles["cn-network-data-security-regulations"]["text_zh"] == (
        "提供生成式人工智能服务的网络数据处理者应当加强对训练数据和训练数据处理活动的安全管理，"
        "采取有效措施防范和处置网络数据安全风险。"
    )
    assert articles["cn-pipl"]["text_zh"] == (
        "国家网信部门统筹协调有关部门依据本法推进下列个人信息保护工作： (三) 针对小型个人信息处理者、"
        "处理敏感个人信息以及人脸识别、人工智能等新技术、新应用，制定专门的个人信息保护规则、标准；"
    )
    assert articles["cn-medical-device-clinical-use-measures"]["text_zh"] == (
        "卫生健康主管部门应当逐步完善人工智能医疗器械临床使用规范，鼓励医疗机构加强人工智能医疗器械临床使用培训。"
    )
    assert all(a["text_zh_kind"] == "original" for a in articles.values())


def test_seed_errors_are_corrected_with_the_seed_form_kept(real_dataset):
    instruments = rows_by_id(real_dataset, "instruments")
    eo = instruments["us-eo-14110"]
    assert eo["title_zh"] == "安全、可靠和值得信赖地开发和使用人工智能"
    assert set(eo["alt_titles"]) >= {
        "安全、可靠和值得信赖地开发和人工智能",
        "安全、可靠和值得信赖地开发和使用权使用人工智能",
    }
    data_rules = instruments["cn-network-data-security-regulations"]
    assert data_rules["title_zh"] == "网络数据安全管理条例"
    assert "网络数据安全条例" in data_rules["alt_titles"]
    resolution = instruments["eu-ep-civil-liability-resolution"]
    assert resolution["title_zh"] == "关于人工智能民事责任制度的决议"
    assert "关于人工智能民生责任制度的决议" in resolution["alt_titles"]


def test_generative_ai_measures_upper_law_basis(real_graph):
    measures = URIRef(ID + "instrument/cn-genai-measures")
    basis = {str(o).rsplit("/", 1)[1] for o in real_graph.objects(measures, ELI.based_on)}
    assert basis == {"cn-csl", "cn-dsl", "cn-pipl", "cn-stpl"}


def test_classification_claims(real_dataset):
    claims = {(c["jurisdiction"], c["concept"], c["role"]) for c in real_dataset.rows("classifications")}
    assert claims == {
        ("eu", "safety_regulation", "primary"),
        ("eu", "unified", "primary"),
        ("eu", "integrated", "secondary"),
        ("eu", "scenario_based", "secondary"),
        ("eu", "soft_law_first", "secondary"),
        ("eu", "balancing_development_security", "secondary"),
        ("us", "soft_law_first", "secondary"),
        ("us", "balancing_development_security", "secondary"),
        ("cn", "soft_law_first", "secondary"),
        ("us", "technology_development", "primary"),
        ("us", "integrated", "primary"),
        ("us", "scenario_based", "primary"),
        ("sg", "technology_development", "primary"),
        ("sg", "soft_law_first", "primary"),
        ("cn", "balancing_development_security", "primary"),
        ("cn", "integrated", "primary"),
        ("cn", "scenario_based", "primary"),
        ("cn", "unified", "secondary"),
    }
    for claim in real_dataset.rows("classifications"):
        assert claim["quote"], claim["id"]


def test_risk_tiers_and_liability(real_dataset):
    tiers = {
        (t["framework"], t["rank"]): (t["label_zh"], t["liability_principle"]) for t in real_dataset.rows("risk_tiers")
    }
    assert [tiers[("eu_ai_act", r)][0] for r in (1, 2, 3, 4)] == ["不可接受风险", "高风险", "有限风险", "最小风险"]
    assert [tiers[("scholars_liability", r)] for r in (1, 2, 3)] == [
        ("高风险", "no_fault"),
        ("有限风险", "presumed_fault"),
        ("低风险", "fault"),
    ]
    assert [tiers[("eu_ep_civil_liability", r)][1] for r in (1, 2)] == ["no_fault", "fault"]


def test_quantitative_facts(real_dataset):
    findings = rows_by_id(real_dataset, "findings")
    assert findings["finding.fact.soft-law-programmes"]["value"] == "634"
    assert findings["finding.fact.soft-law-programmes-2017-2019"]["value"] == "0.9"
    goals = sorted((str(f["date"]), f["instrument"]) for f in real_dataset.rows("findings") if f["kind"] == "goal")
    assert goals == [("2020", "cn-ng-ai-plan"), ("2025", "cn-ng-ai-plan"), ("2030", "cn-ng-ai-plan")]


def test_convention_signatories_and_parties(real_dataset):
    parties = sorted(
        (p["party"], p["role"], str(p["date"]), p["verification"] or "")
        for p in real_dataset.rows("parties")
        if p["instrument"] == "coe-ai-convention"
    )
    assert parties == [
        ("ad", "signatory", "2024-09-05", "secondary-corroborated"),
        ("ca", "signatory", "2025-02-11", "official"),
        ("ch", "signatory", "2025-03-27", "secondary-single"),
        ("eu", "party", "2026-05-15", "secondary-single"),
        ("eu", "signatory", "2024-09-05", "secondary-single"),
        ("gb", "signatory", "2024-09-05", "secondary-single"),
        ("ge", "signatory", "2024-09-05", "secondary-corroborated"),
        ("il", "signatory", "2024-09-05", "secondary-corroborated"),
        ("is", "signatory", "2024-09-05", "secondary-corroborated"),
        ("jp", "signatory", "2025-02-11", "secondary-corroborated"),
        ("md", "signatory", "2024-09-05", "secondary-corroborated"),
        ("no", "signatory", "2024-09-05", "secondary-corroborated"),
        ("sm", "signatory", "2024-09-05", "secondary-corroborated"),
        ("us", "signatory", "2024-09-05", "secondary-single"),
    ]


def test_rows_the_audit_corrected(real_dataset):
    instruments = {row["id"]: row for row in real_dataset.rows("instruments")}
    events = {row["id"]: row for row in real_dataset.rows("events")}
    relations = {(r["subject"], r["relation"], r["object"]) for r in real_dataset.rows("relations")}
    assert instruments["us-ny-paid-act"]["identifier"] == ("A7106",)
    assert instruments["us-ny-s2414-paid-act-2025"]["identifier"] == ("S2414",)
    assert instruments["us-eo-14179"]["title_en"].endswith(
        "Removing Barriers to American Leadership in Artificial Intelligence"
    )
    assert instruments["us-eo-14365"]["title_en"].endswith(
        "Ensuring a National Policy Framework for Artificial Intelligence"
    )
    assert "Legge 23 settembre 2025, n. 132" in instruments["it-ai-law"]["identifier"]
    assert instruments["kr-ai-basic-act"]["identifier"] == ("Law No. 20676",)
    assert instruments["jp-ai-promotion-act"]["identifier"] == ("Act No. 53 of 2025",)
    assert instruments["un-ga-ai-resolution-2024"]["title_en"] == (
        "Seizing the opportunities of safe, secure and trustworthy artificial intelligence systems for sustainable"
        " development"
    )
    assert instruments["cn-ai-content-labelling-measures"]["title_zh"] == "人工智能生成合成内容标识办法"
    assert instruments["cn-ai-labelling-standard"]["title_zh"] == "网络安全技术 人工智能生成合成内容标识方法"
    assert instruments["cn-csl-2025-amendment"]["title_zh"] == (
        "全国人民代表大会常务委员会关于修改《中华人民共和国网络安全法》的决定"
    )
    assert str(events["us-ca-sb53.2026-01-01.entered_into_force"]["date"]) == "2026-01-01"
    assert events["jp-ai-promotion-act.2025-06-04.entered_into_force"]["part"].startswith("All provisions except")
    # the proposal repeals the 1985 directive (EUR-Lex), as does the 2024 directive adopted from it
    assert {
        ("eu-pld-proposal-2022", "repeals", "eu-pld"),
        ("eu-pld-proposal-2022", "precursor_of", "eu-pld-2024"),
        ("eu-pld-2024", "repeals", "eu-pld"),
    } <= relations
    assert ("eu-pld-proposal-2022", "amends", "eu-pld") not in relations
    assert str(events["cn-csl.2016-11-07.adopted"]["date"]) == "2016-11-07"
    assert events["eu-digital-omnibus-ai.2026-03-26.planned"]["type"] == "planned"  # Parliament's mandate
    assert [i for i, row in instruments.items() if not row["title_zh"]] == []


def test_every_node_with_a_source_row_has_provenance(real_graph, real_dataset):
    for table, segment in (("instruments", "instrument"), ("events", "event"), ("articles", "article")):
        for row in real_dataset.rows(table):
            node = URIRef(f"{ID}{segment}/{row['id']}")
            assert real_graph.value(node, DCTERMS.source) == URIRef(f"{ID}source/{row['source']}")
            assert real_graph.value(node, KG.locator) is not None
            assert real_graph.value(node, KG.verification) is not None


def test_data_readme_documents_every_column(real_dataset):
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    for table in real_dataset.schema.tables:
        heading = f"### `{table.path}`"
        assert heading in readme, heading
        section = readme.split(heading, 1)[1].split("\n### ", 1)[0]
        documented = [line.split("`")[1] for line in section.splitlines() if line.startswith("| `")]
        assert documented == list(table.column_names), table.name


def test_links_out_for_jurisdictions_and_bodies(real_dataset):
    """ISO 3166 codes and Wikidata items for every country, ISO 3166-2 for the states, sites for bodies."""
    links: dict[tuple[str, str], list[str]] = {}
    for row in real_dataset.rows("links"):
        links.setdefault((row["subject"], row["scheme"]), []).append(row["value"])
    countries = [j["id"] for j in real_dataset.rows("jurisdictions") if j["kind"] in ("country", "region")]
    assert len(countries) == 40
    assert [j for j in countries if len(links.get((j, "iso3166"), [])) != 1] == []
    assert [j for j in countries if len(links.get((j, "wikidata"), [])) != 1] == []
    assert [links[(j, "wikidata")][0] for j in ("jp", "kr", "tw", "us", "cn", "eu", "un", "coe")] == [
        "Q17", "Q884", "Q865", "Q30", "Q148", "Q458", "Q1065", "Q8908",
    ]  # fmt: skip
    states = [j["id"] for j in real_dataset.rows("jurisdictions") if j["kind"] == "state" and j["parent"] == "us"]
    assert {j: links[(j, "iso3166")] for j in states if j in ("us-tx", "us-ny", "us-ca")} == {
        "us-ny": ["US-NY"],
        "us-ca": ["US-CA"],
        "us-tx": ["US-TX"],
    }
    assert [j for j in states if (j, "iso3166") not in links] == []
    assert links[("cn-bj", "iso3166")] == ["CN-BJ"] and ("cn-sh", "iso3166") not in links  # CN-SH was not read
    websites = {s: v for (s, scheme), v in links.items() if scheme == "website"}
    assert len(websites) == 22
    assert websites["cn-npc"] == ["http://www.npc.gov.cn/"] and websites["sa-sdaia"] == ["https://sdaia.gov.sa/"]
    assert links[("eu-commission", "wikidata")] == ["Q8880"]
