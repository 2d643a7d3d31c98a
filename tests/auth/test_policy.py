"""The permission matrix: principal × action × target region → allowed or refused.

Regions (their strict ancestors checked against the catalogue in test_ancestors.py):
江西省 360000 > 南昌市 360100 > 南昌县 360121, 进贤县 360124; 江西省 > 景德镇市 360200 > 昌江区 360202;
山西省 140000 > 晋城市 140500 > 泽州县 140525.
"""

import pytest

from service.auth import policy
from service.auth.errors import Forbidden, MissingToken
from service.auth.principal import ANONYMOUS, Principal, Scope
from tests.auth.tokens import auditor, catalogue_admin, county_clerk, planner, reader

ANCESTORS: dict[str, list[str]] = {
    "360000": [],
    "360100": ["360000"],
    "360121": ["360100", "360000"],
    "360124": ["360100", "360000"],
    "360200": ["360000"],
    "360202": ["360200", "360000"],
    "140000": [],
    "140500": ["140000"],
    "140525": ["140500", "140000"],
}

PROVINCE = planner("360000")
CITY = planner("360100")
COUNTY = planner("360121")  # a county holding every figure scope still cannot assign upward
SIBLING = county_clerk("360124")
OTHER_PROVINCE_COUNTY = planner("140525")
AUDITOR = auditor("360000")
READ_ONLY = reader("360121")
# A mis-issued token: audit scopes plus figure scopes. Auditors still write no figures.
AUDITOR_WITH_FIGURE_SCOPES = Principal("auditor-2", "360100", AUDITOR.scopes | PROVINCE.scopes)

# (who, target region, relation, allowed)
REPORT_ACTUAL = [
    (PROVINCE, "360000", "own", True),
    (PROVINCE, "360100", "child", False),
    (CITY, "360100", "own", True),
    (CITY, "360121", "child", False),
    (CITY, "360200", "sibling", False),
    (CITY, "360000", "parent", False),
    (COUNTY, "360121", "own", True),
    (COUNTY, "360124", "sibling", False),
    (COUNTY, "360100", "parent", False),
    (SIBLING, "360124", "own", True),
    (SIBLING, "360121", "sibling", False),
    (OTHER_PROVINCE_COUNTY, "140525", "own", True),
    (OTHER_PROVINCE_COUNTY, "360121", "other province", False),
    (AUDITOR, "360000", "own", False),
    (AUDITOR, "360121", "descendant", False),
    (AUDITOR_WITH_FIGURE_SCOPES, "360100", "own", False),
    (READ_ONLY, "360121", "own", False),
    (READ_ONLY, "360124", "sibling", False),
    (ANONYMOUS, "360121", "anything", False),
]

ASSIGN_TARGET = [
    (PROVINCE, "360100", "child", True),
    (PROVINCE, "360121", "grandchild", True),
    (PROVINCE, "360000", "own", False),
    (PROVINCE, "140500", "other province's city", False),
    (CITY, "360121", "child", True),
    (CITY, "360124", "child", True),
    (CITY, "360100", "own", False),
    (CITY, "360202", "sibling's child", False),
    (CITY, "360200", "sibling", False),
    (CITY, "360000", "parent", False),
    (COUNTY, "360121", "own", False),
    (COUNTY, "360124", "sibling", False),
    (COUNTY, "360100", "parent", False),
    (SIBLING, "360121", "sibling", False),
    (OTHER_PROVINCE_COUNTY, "140525", "own", False),
    (OTHER_PROVINCE_COUNTY, "140500", "parent", False),
    (AUDITOR, "360100", "child", False),
    (AUDITOR_WITH_FIGURE_SCOPES, "360121", "child", False),
    (READ_ONLY, "360121", "own", False),
    (ANONYMOUS, "360121", "anything", False),
]

RECORD_RECTIFICATION = [
    (AUDITOR, "360000", "own", True),
    (AUDITOR, "360121", "descendant", True),
    (AUDITOR, "140525", "other province", False),
    (auditor("360100"), "360121", "child", True),
    (auditor("360100"), "360202", "sibling's child", False),
    (auditor("360100"), "360000", "parent", False),
    (PROVINCE, "360121", "descendant, no scope", False),
    (READ_ONLY, "360121", "own, no scope", False),
]


def _ids(rows: list[tuple[Principal, str, str, bool]]) -> list[str]:
    return [f"{p.region_code or 'anon'}:{p.subject}-{rel}-{code}" for p, code, rel, _ in rows]


@pytest.mark.parametrize(
    ("who", "region", "relation", "allowed"), REPORT_ACTUAL, ids=_ids(REPORT_ACTUAL)
)
def test_report_actual(who: Principal, region: str, relation: str, allowed: bool) -> None:
    assert policy.can_report_actual(who, region) is allowed
    assert policy.may_write_figure(who, region, "ACTUAL", ANCESTORS[region]) is allowed


@pytest.mark.parametrize(
    ("who", "region", "relation", "allowed"), ASSIGN_TARGET, ids=_ids(ASSIGN_TARGET)
)
def test_assign_target(who: Principal, region: str, relation: str, allowed: bool) -> None:
    assert policy.can_assign_target(who, region, ANCESTORS[region]) is allowed
    for kind in ("TARGET", "SUPPLEMENTARY_TARGET"):
        assert policy.may_write_figure(who, region, kind, ANCESTORS[region]) is allowed


@pytest.mark.parametrize(
    ("who", "region", "relation", "allowed"), RECORD_RECTIFICATION, ids=_ids(RECORD_RECTIFICATION)
)
def test_record_rectification(who: Principal, region: str, relation: str, allowed: bool) -> None:
    assert policy.can_record_rectification(who, region, ANCESTORS[region]) is allowed


@pytest.mark.parametrize(
    ("who", "figures", "audit_findings", "catalogue"),
    [
        (READ_ONLY, True, False, False),
        (COUNTY, True, False, False),
        (AUDITOR, True, True, False),
        (catalogue_admin("360000"), True, False, True),
        (ANONYMOUS, True, False, False),
        (Principal("no-scopes", "360121", frozenset()), False, False, False),
    ],
)
def test_reading_and_the_catalogue(
    who: Principal, figures: bool, audit_findings: bool, catalogue: bool
) -> None:
    assert policy.can_read_figures(who) is figures
    assert policy.can_read_audit_findings(who) is audit_findings
    assert policy.can_administer_catalogue(who) is catalogue


def test_ensure_raises_forbidden_for_a_known_caller() -> None:
    with pytest.raises(Forbidden) as caught:
        policy.ensure_can_report_actual(COUNTY, "360124")
    assert caught.value.status == 403
    assert caught.value.problem()["code"] == "forbidden"
    with pytest.raises(Forbidden):
        policy.ensure_may_write_figure(CITY, "360202", "TARGET", ANCESTORS["360202"])
    with pytest.raises(Forbidden):
        policy.require_scope(READ_ONLY, Scope.FIGURES_REPORT)
    with pytest.raises(Forbidden):
        policy.ensure_can_administer_catalogue(COUNTY)
    with pytest.raises(Forbidden):
        policy.ensure_can_read_audit_findings(COUNTY)
    with pytest.raises(Forbidden):
        policy.ensure_can_record_rectification(COUNTY, "360121", ANCESTORS["360121"])


def test_ensure_asks_the_anonymous_reader_to_authenticate() -> None:
    with pytest.raises(MissingToken) as caught:
        policy.ensure_can_report_actual(ANONYMOUS, "360121")
    assert caught.value.status == 401


def test_ensure_passes_silently_when_allowed() -> None:
    policy.ensure_can_report_actual(COUNTY, "360121")
    policy.ensure_can_assign_target(PROVINCE, "360121", ANCESTORS["360121"])
    policy.ensure_may_write_figure(CITY, "360124", "TARGET", ANCESTORS["360124"])
    policy.ensure_can_record_rectification(AUDITOR, "360202", ANCESTORS["360202"])
    policy.require_scope(READ_ONLY, Scope.FIGURES_READ)


def test_scope_for_figure() -> None:
    assert policy.scope_for_figure("ACTUAL") is Scope.FIGURES_REPORT
    assert policy.scope_for_figure("TARGET") is Scope.TARGETS_ASSIGN
    assert policy.scope_for_figure("SUPPLEMENTARY_TARGET") is Scope.TARGETS_ASSIGN
