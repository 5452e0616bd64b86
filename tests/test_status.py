"""Point-in-time status derived from dated events, pinned on chosen dates, and the report's own voice."""

from __future__ import annotations

import csv

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.presets import load_presets, run

from .conftest import DATA


@pytest.fixture(scope="module")
def backend(real_build):
    from kg.sparql import OxigraphBackend

    return OxigraphBackend.open(real_build.store)


def status_on(backend, date: str, jurisdiction: str | None = None) -> dict[str, dict[str, str]]:
    values = {"date": date, **({"jurisdiction": jurisdiction} if jurisdiction else {})}
    results = run(load_presets()["status-on-date"], values, backend)
    rows = {}
    for row in results.rows:
        record = {
            name: ("" if value is None else str(value)) for name, value in zip(results.variables, row, strict=True)
        }
        assert record["instrument"] not in rows, f"duplicate row for {record['instrument']}"
        rows[record["instrument"]] = record
    return rows


# (instrument, date) -> (status, since, what the next scheduled stage starts with)
PINNED = {
    # China's Cybersecurity Law: enacted in 2016, so its 2025 amendment does not make it a draft
    ("cn-csl", "2016-12-01"): ("adopted", "2016-11-07", "2017-06-01: entered_into_force"),
    ("cn-csl", "2026-02-01"): ("in_force", "2017-06-01", ""),
    # Japan's AI Promotion Act: most of it in force on promulgation, the rest on 2025-09-01
    ("jp-ai-promotion-act", "2025-07-01"): ("partially_in_force", "2025-06-04", "2025-09-01: entered_into_force"),
    ("jp-ai-promotion-act", "2025-10-01"): ("in_force", "2025-06-04", ""),
    # Utah's AI Policy Act: in force until its sunset
    ("us-ut-ai-policy-act", "2026-11-29"): ("in_force", "2024-05-01", "2027-07-01: expired"),
    ("us-ut-ai-policy-act", "2027-08-01"): ("expired", "2027-07-01", ""),
    # Colorado's AI Act: its start postponed (superseded), then enjoined, then repealed
    ("us-co-ai-act", "2026-03-01"): ("adopted", "2024-05-17", "2026-05-14: repealed"),
    ("us-co-ai-act", "2026-05-01"): ("enjoined", "2026-04-27", "2026-05-14: repealed"),
    ("us-co-ai-act", "2026-06-01"): ("repealed", "2026-05-14", ""),
    # US executive orders
    ("us-eo-14110", "2024-06-01"): ("in_force", "2023-10-30", "2025-01-20: repealed"),
    ("us-eo-14110", "2025-06-01"): ("repealed", "2025-01-20", ""),
    # vetoes, courts, lapses, withdrawals
    ("us-ca-sb1047", "2024-12-01"): ("vetoed", "2024-09-29", ""),
    ("us-ca-ab2655", "2025-09-01"): ("invalidated", "2025-08-05", ""),
    ("us-ca-ab2839", "2025-09-01"): ("enjoined", "2024-10-02", ""),
    ("ca-aida", "2025-06-01"): ("lapsed", "2025-01-06", ""),
    ("eu-aild-proposal", "2025-11-01"): ("withdrawn", "2025-10-06", ""),
    # new laws of 2024-2026
    ("kr-ai-basic-act", "2025-06-01"): ("adopted", "2024-12-26", "2026-01-22: entered_into_force"),
    ("kr-ai-basic-act", "2026-02-01"): ("in_force", "2026-01-22", ""),
    ("tw-ai-basic-act", "2026-02-01"): ("in_force", "2026-01-14", ""),
    ("vn-ai-law", "2026-04-01"): ("in_force", "2026-03-01", ""),
    ("kz-ai-law", "2026-02-01"): ("in_force", "2026-01-18", ""),
    ("us-tx-hb149", "2026-02-01"): ("in_force", "2026-01-01", ""),
    ("us-ny-raise-act", "2026-11-29"): ("adopted", "2025-12-19", "2027-01-01: entered_into_force"),
    ("eu-digital-omnibus-ai", "2026-08-01"): ("in_force", "2026-07-27", ""),
    ("cn-ai-content-labelling-measures", "2025-10-01"): ("in_force", "2025-09-01", ""),
    # not in force: the Convention lacks its ratifications; Brazil's bill passed only the Senate
    ("coe-ai-convention", "2026-11-29"): ("adopted", "2024-05-17", ""),
    ("br-ai-bill", "2026-11-29"): ("draft", "2024-12-05", ""),
}


@pytest.fixture(scope="module")
def statuses(backend):
    return {date: status_on(backend, date) for date in sorted({date for _, date in PINNED})}


@pytest.mark.parametrize(("instrument", "date"), sorted(PINNED))
def test_status_on_a_chosen_date(statuses, instrument, date):
    row = statuses[date][instrument]
    status, since, upcoming = PINNED[instrument, date]
    assert (row["status"], row["since"]) == (status, since)
    assert row["next"].startswith(upcoming) and (upcoming or row["next"] == "")


def test_at_least_fifteen_instruments_are_pinned():
    assert len({instrument for instrument, _ in PINNED}) >= 15


def test_postponed_stages_of_the_ai_act_stop_counting(backend):
    """The Digital Omnibus (in force 2026-07-27) moved the high-risk stages: Article 6(1) no longer applies in 2027."""

    def act(date):
        row = status_on(backend, date, "eu")["eu-ai-act"]
        return row["status"], row["since"], row["applying"], row["next"]

    assert act("2024-07-15")[:2] == ("adopted", "2024-05-21")
    assert act("2025-03-01")[:3] == (
        "in_force",
        "2024-08-01",
        "2025-02-02: applies: Chapters I-II (prohibited practices; AI literacy)",
    )
    # before the Omnibus enters into force the next stage is the general date of application (Art. 113)
    assert act("2026-07-01")[3] == "2026-08-02: applies_from"
    after = act("2027-09-01")
    assert "Article 6(1)" not in after[2] and after[2].startswith("2026-12-02: Article 5(1)(ba)")
    assert after[3].startswith("2027-12-02: applies_from (High-risk AI systems under Article 6(2) / Annex III")
    assert act("2028-09-01")[2].startswith("2028-08-02: High-risk AI systems under Article 6(1) / Annex I")


def test_two_voices_side_by_side(backend):
    now = status_on(backend, "2026-07-24")
    eo = now["us-eo-14110"]
    assert (eo["status"], eo["since"]) == ("repealed", "2025-01-20")
    assert (eo["reported"], eo["reported_by"], eo["reported_as_of"]) == ("in_force", "seed-004", "2024-12")
    assert (now["eu-aild-proposal"]["status"], now["eu-aild-proposal"]["reported"]) == ("withdrawn", "draft")
    convention = now["coe-ai-convention"]
    assert (convention["reported"], convention["reported_by"], convention["reported_as_of"]) == (
        "not_in_force",
        "src-europe_intl-levellers-coe",
        "2026-06",
    )


def test_verification_is_the_weakest_level_the_status_rests_on(statuses):
    assert statuses["2026-02-01"]["jp-ai-promotion-act"]["verification"] == "secondary-corroborated"
    assert statuses["2026-02-01"]["cn-csl"]["verification"] == "secondary-corroborated"
    assert statuses["2025-06-01"]["us-eo-14110"]["verification"] == "secondary-single"


def test_default_reference_date_is_today(monkeypatch):
    monkeypatch.setattr("kg.presets.today", lambda: "2026-11-29")
    result = CliRunner().invoke(main, ["status", "--data", str(DATA), "--jurisdiction", "eu"])
    assert result.exit_code == 0
    assert result.output.splitlines()[0] == "Status as of 2026-11-29 (today; choose another date with --as-of)"
    pinned = CliRunner().invoke(main, ["status", "--data", str(DATA), "--as-of", "2024-07-15", "--format", "csv"])
    rows = {r["instrument"]: r for r in csv.DictReader(pinned.output.splitlines())}
    assert rows["eu-ai-act"]["status"] == "adopted"
