"""How values are judged: exact counts, rounding tolerances tied to the published places."""

from decimal import Decimal as D

import httpx

from service.kit.db import Database
from service.oversight.compare import judge_stated, judge_sum, plain, sum_tolerance
from service.oversight.schemas import FindingStatus


def test_a_sum_of_rounded_amounts_may_be_off_by_half_a_unit_per_value() -> None:
    # 12 cities and the province, each to 0.01: up to 13 × 0.005 apart
    assert sum_tolerance([D("3718.28"), D("750.12"), D("135.6")], 12) == D("0.065")
    assert judge_sum(D("3718.28"), D("3718.29"), D("0.065")) is FindingStatus.ROUNDING
    assert judge_sum(D("3718.28"), D("3718.40"), D("0.065")) is FindingStatus.MISMATCH
    assert judge_sum(D("25066"), D("25067"), D("0")) is FindingStatus.MISMATCH  # counts
    assert judge_sum(D("40.65"), D("40.650"), D("0.03")) is None


def test_a_stated_value_may_be_off_by_its_last_digit_only() -> None:
    assert judge_stated(D("95.1"), 1, D("95.0933")) == (D("0.0"), None)
    assert judge_stated(D("95.1"), 1, D("95.0499")) == (D("-0.1"), FindingStatus.ROUNDING)
    assert judge_stated(D("228.6"), 1, D("229")) == (D("0.4"), FindingStatus.MISMATCH)
    # rounded once, half up, from the exact quotient: 0.05 is 0.1, not 0.0
    assert judge_stated(D("0.1"), 1, D("0.05")) == (D("0.0"), None)


def test_values_read_back_as_written() -> None:
    assert str(plain(D("1E+4"))) == "10000"
    assert str(plain(D("0.50"))) == "0.50"


async def test_a_stated_value_without_its_parts_is_not_derivable(
    wdb: Database, wclient: httpx.AsyncClient
) -> None:
    async with wdb.session(readonly=False) as s:
        # 陵川县 was assigned no 棚改基本建成 (0) and reported none: no rate to derive
        await s.execute(
            """insert into stated_values (document_id, annex, source_line, region_code, subject,
                   value, decimals, is_percent)
               values (2, 1, 77, '140524', 'figure-rate:SHANTYTOWN:BASIC_COMPLETION:SET',
                       50.0, 1, true),
                      (2, 1, 77, '140524', 'bond-rate', 1, 0, true)"""
        )
    response = await wclient.get("/api/v1/consistency", params={"region": "140524"})
    findings = response.json()["findings"]
    assert [(f["subject"], f["status"], f["note"]) for f in findings] == [
        ("bond-rate", "NOT_DERIVABLE",
         "the document states 1%; the service cannot derive it: no rule derives this subject"),
        ("figure-rate:SHANTYTOWN:BASIC_COMPLETION:SET", "NOT_DERIVABLE",
         "the document states 50.0%; the service cannot derive it: a part it needs is missing"),
    ]  # fmt: skip
    assert response.json()["summary"]["not_derivable"] == 2
