"""The Jincheng 2024 completion report (晋市保办字〔2025〕1号) read from the shared seed document."""

from datetime import date
from decimal import Decimal

import pytest

from service.ingest.errors import SeedImportError
from service.ingest.importers import parse_seed_source
from service.ingest.records import FundFlow, LoanFacility, RectificationTally, SeedData
from service.ingest.regions import RegionDirectory
from tests.ingest.conftest import JINCHENG, seed_path

D = Decimal


def test_document(jincheng: SeedData) -> None:
    doc = jincheng.document
    assert doc.number == "晋市保办字〔2025〕1号"
    assert doc.issuer == "晋城市保障性安居工程领导小组办公室"
    assert doc.title == "关于2024年度城镇住房保障主要工作完成情况的通报"
    assert doc.issued_on == date(2025, 2, 25)
    assert doc.region_code == "140500"
    assert [a.annex for a in doc.annexes] == list(range(1, 7))


def test_annex1_targets_actuals_and_stated_rates(jincheng: SeedData) -> None:
    got = {(f.region_code, f.indicator, f.kind): f.value for f in jincheng.figures if f.annex == 1}
    city = "140500"
    assert got[(city, "SHANTYTOWN:BASIC_COMPLETION:SET", "TARGET")] == 2822
    assert got[(city, "SHANTYTOWN:BASIC_COMPLETION:SET", "ACTUAL")] == 4394
    assert got[(city, "SHANTYTOWN:COMPLETION:SET", "TARGET")] == 3010
    assert got[(city, "SHANTYTOWN:COMPLETION:SET", "ACTUAL")] == 21422
    assert got[(city, "INVESTMENT:INVESTMENT:HUNDRED_MILLION_YUAN", "TARGET")] == D("7.8")
    assert got[(city, "INVESTMENT:INVESTMENT:HUNDRED_MILLION_YUAN", "ACTUAL")] == D("40.65")
    assert got[(city, "RENT_SUBSIDY:DISBURSEMENT:HOUSEHOLD", "ACTUAL")] == 775
    # 高平市: a 0 target stays a figure, the blank achieved cell does not.
    assert got[("140581", "SHANTYTOWN:BASIC_COMPLETION:SET", "TARGET")] == 0
    assert ("140581", "SHANTYTOWN:BASIC_COMPLETION:SET", "ACTUAL") not in got
    stated = {(s.region_code, s.subject): s for s in jincheng.stated_values if s.annex == 1}
    rate = stated[("140525", "figure-rate:INVESTMENT:INVESTMENT:HUNDRED_MILLION_YUAN")]
    assert (rate.value, rate.decimals, rate.is_percent, rate.line) == (D("228.6"), 1, True, 74)
    # 阳城县's completion rate is blank (target 0): nothing stated.
    assert ("140522", "figure-rate:SHANTYTOWN:COMPLETION:SET") not in stated


def test_annex2_cohort(jincheng: SeedData) -> None:
    got = {(f.region_code, f.indicator, f.kind): f.value for f in jincheng.figures if f.annex == 2}
    cohort = ":BASIC_COMPLETION:SET:COHORT_2020_2023"
    assert got[("140500", "SECURED_HOUSING" + cohort, "TARGET")] == 3466
    assert got[("140500", "SECURED_HOUSING" + cohort, "ACTUAL")] == 3226
    assert got[("140500", "SHANTYTOWN:RESETTLEMENT_" + cohort[1:], "ACTUAL")] == 2833
    assert got[("140525", "PUBLIC_RENTAL" + cohort, "ACTUAL")] == 213
    assert got[("140522", "ECONOMIC_HOUSING" + cohort, "ACTUAL")] == 180
    stated = {(s.region_code, s.subject): s.value for s in jincheng.stated_values}
    assert stated[("140500", "figure-rate:SECURED_HOUSING" + cohort)] == D("93.1")


def test_annex3_overdue_resettlement(jincheng: SeedData) -> None:
    tallies = [t for t in jincheng.rectification_tallies if t.annex == 3]
    # 高平市, 阳城县 and 陵川县 rows are blank: no records.
    assert {t.region_code for t in tallies} == {"140500", "140502", "140525"}
    assert RectificationTally(
        3, 103, "140525", "OVERDUE_RESETTLEMENT_2024", "UNPAID_FEE_HOUSEHOLDS", 27, 27, None,
        date(2024, 12, 31),
    ) in tallies  # fmt: skip
    by_item = {(t.region_code, t.item): (t.found, t.rectified) for t in tallies}
    assert by_item[("140500", "PROJECTS")] == (4, 4)
    assert by_item[("140500", "HOUSEHOLDS")] == (633, 633)
    assert by_item[("140502", "UNPAID_FEE_HOUSEHOLDS")] == (532, 532)
    stated = {(s.region_code, s.subject): s for s in jincheng.stated_values if s.annex == 3}
    rate = stated[("140500", "rectification-rate:OVERDUE_RESETTLEMENT_2024:HOUSEHOLDS")]
    assert (rate.value, rate.decimals) == (D("100.00"), 2)


def test_annex4_central_funds(jincheng: SeedData) -> None:
    accounts = {(a.region_code, a.source): a for a in jincheng.fund_accounts}
    city = accounts[("140500", "CENTRAL")]
    assert (city.annex, city.line, city.opening_balance, city.adjustment) == (
        4, 114, D("220.12"), D("0"),
    )  # fmt: skip
    assert city.flows == (
        FundFlow("INCOME", "RENT_SUBSIDY", D("99")),
        FundFlow("INCOME", "SHANTYTOWN", D("772")),
        FundFlow("EXPENDITURE", "PUBLIC_RENTAL", D("14.85")),
        FundFlow("EXPENDITURE", "RENT_SUBSIDY", D("250.73")),
        FundFlow("EXPENDITURE", "SHANTYTOWN", D("772.00")),
    )
    zezhou = accounts[("140525", "CENTRAL")]
    assert zezhou.adjustment is None  # blank, not 0
    # explicit zeros are flows; blank categories are not
    assert zezhou.flows == (
        FundFlow("INCOME", "RENT_SUBSIDY", D("0")),
        FundFlow("INCOME", "SHANTYTOWN", D("0")),
        FundFlow("EXPENDITURE", "RENT_SUBSIDY", D("4.39")),
    )
    stated = {(s.region_code, s.subject): s.value for s in jincheng.stated_values if s.annex == 4}
    assert stated[("140525", "fund-rate:CENTRAL")] == D("45.8")
    assert stated[("140500", "fund-income:CENTRAL")] == 871
    assert stated[("140500", "fund-expenditure:CENTRAL")] == D("1037.58")
    assert stated[("140500", "fund-closing:CENTRAL")] == D("53.54")
    # The closing balances reproduce the document: opening + adjustment + income − expenditure.
    for account in jincheng.fund_accounts:
        if account.source != "CENTRAL":
            continue
        signed = [f.amount if f.direction == "INCOME" else -f.amount for f in account.flows]
        closing = (account.opening_balance or 0) + (account.adjustment or 0) + sum(signed)
        assert closing == stated[(account.region_code, "fund-closing:CENTRAL")]


def test_provincial_subsidy_from_the_prose(jincheng: SeedData) -> None:
    provincial = [a for a in jincheng.fund_accounts if a.source == "PROVINCIAL"]
    assert len(provincial) == 1
    account = provincial[0]
    assert (account.annex, account.line, account.region_code) == (None, 33, "140500")
    assert account.flows == (
        FundFlow("INCOME", "SECURED_HOUSING", D("25")),
        FundFlow("EXPENDITURE", "SECURED_HOUSING", D("24.2")),
    )


def test_annex5_loans_and_bonds(jincheng: SeedData) -> None:
    loans = {(x.region_code, x.lender): x for x in jincheng.loan_facilities}
    assert loans[("140502", "CDB")] == LoanFacility(
        5, 131, "140502", 2024, "CDB", D("15.4"), D("13.6"), None
    )
    assert loans[("140500", "ADBC")].disbursed_in_year == D("0.9")
    assert loans[("140500", "CDB")].disbursed_in_year == 0
    # 市本级: CDB credit blank but cumulative 0 → a CDB facility with a 0 disbursement.
    assert loans[("140500-CITYGOV", "CDB")].credit_line is None
    assert loans[("140500-CITYGOV", "ADBC")].credit_line == D("1.748")
    # 陵川县: credit 0, 0, 0 and nothing else.
    assert loans[("140524", "CDB")].credit_line == 0
    assert ("140521", "ADBC") in loans and loans[("140521", "ADBC")].credit_line is None
    bonds = {b.region_code: b.amount for b in jincheng.bond_issues}
    assert bonds == {
        "140500": D("8.77"),
        "140502": D("0.6"),
        "140525": D("7.92"),
        "140522": D("0.25"),
    }
    stated = {(s.region_code, s.subject): s.value for s in jincheng.stated_values if s.annex == 5}
    assert stated[("140500", "loan-credit-total")] == D("46.43")
    assert stated[("140500", "loan-disbursed-total")] == D("41.6")
    assert stated[("140500", "loan-rate")] == D("89.6")
    assert stated[("140500", "loan-disbursed-in-year-total")] == D("0.9")


def test_annex6_audits(jincheng: SeedData) -> None:
    tallies = {
        (t.region_code, t.campaign): t for t in jincheng.rectification_tallies if t.annex == 6
    }
    assert {campaign for _, campaign in tallies} == {"AUDIT_2016", "AUDIT_2017", "AUDIT_2019"}
    total = tallies[("140500", "AUDIT_2016")]
    assert (total.found, total.rectified, total.in_progress, total.item) == (21, 21, 0, "FINDINGS")
    assert tallies[("140500-CITYGOV", "AUDIT_2019")].found == 5
    assert tallies[("140502", "AUDIT_2016")].found == 14
    assert ("140525", "AUDIT_2016") not in tallies  # blank cells
    found = sum(t.found for (region, _), t in tallies.items() if region == "140500")
    assert found == 83  # 2016–2019 审计发现的83个问题


def _text() -> str:
    return seed_path(JINCHENG).read_text(encoding="utf-8")


def test_shifted_header_row_with_a_cell_missing(directory: RegionDirectory) -> None:
    text = _text().replace(
        "泽州县\t9.59\t\t0\t0\t0\t4.39\t\t4.39\t\t5.20\t45.8%", "泽州县\t9.59\t\t0"
    )
    with pytest.raises(SeedImportError, match=r"^附件4 line 116: expected 12 cells, found 4$"):
        parse_seed_source(text, directory)


def test_partial_tally_is_an_error(directory: RegionDirectory) -> None:
    text = _text().replace("高平市\t4\t4\t0\t100.0%", "高平市\t4\t\t0\t100.0%")
    with pytest.raises(SeedImportError) as caught:
        parse_seed_source(text, directory)
    assert str(caught.value) == "附件6 line 148 column 2016年/已整改: incomplete tally: blank cell"


def test_percent_in_a_count_column_is_an_error(directory: RegionDirectory) -> None:
    text = _text().replace("城区\t25.4\t15.4", "城区\t25.4%\t15.4")
    with pytest.raises(SeedImportError) as caught:
        parse_seed_source(text, directory)
    assert str(caught.value) == (
        "附件5 line 131 column 有效授信金额/合计: expected a number without %, found '25.4%'"
    )
