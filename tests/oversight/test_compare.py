"""How values are judged: by the intervals their published places allow."""

from decimal import Decimal as D

import httpx

from service.kit.db import Database
from service.oversight.compare import judge_stated, judge_sum, plain, tolerance
from service.oversight.intervals import Interval, places, ratio_percent, total
from service.oversight.schemas import FindingStatus


def published(text: str) -> Interval:
    return Interval.published(D(text), places(D(text)))


def test_a_published_value_stands_for_what_rounds_to_it() -> None:
    assert published("2.29") == Interval(D("2.285"), D("2.295"))
    assert published("135.6") == Interval(D("135.55"), D("135.65"))
    # whole numbers are exact: counts, zeros, round sums assigned (a target of 1 亿元)
    assert published("1") == Interval(D(1), D(1))
    assert published("1E+4") == Interval(D(10000), D(10000))
    # a stated rate is a rounding even when whole: 100% is 99.5–100.5
    assert Interval.stated(D("100"), 0) == Interval(D("99.5"), D("100.5"))


def test_sums_and_rates_carry_their_inputs_intervals() -> None:
    children = total([published(v) for v in ("35.49", "2.29", "0.50", "1.50", "0.88")])
    assert children == Interval(D("40.635"), D("40.685"))
    assert judge_sum(published("40.65"), children) is FindingStatus.ROUNDING
    assert tolerance(D("0.005"), children, D("40.66")) == D("0.030")
    assert judge_sum(published("25066"), published("27581")) is FindingStatus.MISMATCH  # counts
    # 泽州县: 2.29 亿元 of a target of 1 — anything from 228.5% to 229.5%
    rate = ratio_percent(published("2.29"), published("1"))
    assert rate == Interval(D("228.5"), D("229.5"))
    assert judge_stated(D("228.6"), 1, D("229"), rate) == (D("0.4"), FindingStatus.ROUNDING)
    assert judge_stated(D("228.4"), 1, D("229"), rate) == (D("0.6"), FindingStatus.MISMATCH)
    # the stated value's own half unit widens the comparison: 228.45 rounds to 228.5
    assert judge_stated(D("228.4"), 1, D("229"), Interval(D("228.45"), D("229.5")))[1] is (
        FindingStatus.ROUNDING
    )
    # rounded once, half up, from the exact quotient: 0.05 is 0.1, not 0.0
    assert judge_stated(D("0.1"), 1, D("0.05"), Interval.point(D("0.05"))) == (D("0.0"), None)
    # a base that may be zero leaves the rate unbounded above
    assert ratio_percent(published("0.4"), published("0.0")) == Interval(D("700"), None)


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
