"""The shipped JSON data files equal what the importer reads from the seed documents."""

import json
from decimal import Decimal

import pytest

from service.ingest import seedfile
from service.ingest.records import SeedData
from tests.ingest.conftest import SHIPPED

CATALOGUE = SHIPPED.parent / "catalogue" / "data"


def _csv_column(name: str) -> set[str]:
    lines = (CATALOGUE / name).read_text(encoding="utf-8").splitlines()[1:]
    return {line.split(",", 1)[0] for line in lines if line}


@pytest.mark.parametrize(
    ("shipped", "fixture"),
    [("jiangxi-2024-plan.json", "jiangxi"), ("jincheng-2024-report.json", "jincheng")],
)
def test_shipped_file_equals_the_import(
    shipped: str, fixture: str, request: pytest.FixtureRequest
) -> None:
    imported: SeedData = request.getfixturevalue(fixture)
    assert seedfile.read(SHIPPED / shipped) == imported
    # Byte for byte too: regenerating the file must give no diff.
    assert (SHIPPED / shipped).read_text(encoding="utf-8") == seedfile.dumps(imported)


def test_decimals_are_exact_strings() -> None:
    raw = json.loads((SHIPPED / "jiangxi-2024-plan.json").read_text(encoding="utf-8"))
    values = {f["value"] for f in raw["figures"]}
    assert "169.90" in values  # the published trailing zero survives
    assert all(isinstance(v, str) for v in values)
    data = seedfile.read(SHIPPED / "jiangxi-2024-plan.json")
    assert all(isinstance(f.value, Decimal) for f in data.figures)


def test_shipped_files_use_known_codes() -> None:
    indicators = _csv_column("indicators.csv")
    for name in ("jiangxi-2024-plan.json", "jincheng-2024-report.json"):
        data = seedfile.read(SHIPPED / name)
        assert {f.indicator for f in data.figures} <= indicators


def test_round_trip_of_every_record_kind() -> None:
    data = seedfile.read(SHIPPED / "jincheng-2024-report.json")
    assert data.fund_accounts and data.loan_facilities and data.bond_issues
    assert data.rectification_tallies and data.stated_values
    assert seedfile.loads(seedfile.dumps(data)) == data


def test_unknown_field_is_refused() -> None:
    text = (SHIPPED / "jincheng-2024-report.json").read_text(encoding="utf-8")
    with pytest.raises(ValueError, match="fields"):
        seedfile.loads(text.replace('"amount": "8.77"', '"amount": "8.77", "extra": 1', 1))


def test_milestones() -> None:
    path = SHIPPED / "jiangxi-2024-milestones.json"
    data = seedfile.read_milestones(path)
    assert data.document == "赣建保〔2024〕3号"
    assert path.read_text(encoding="utf-8") == seedfile.dumps_milestones(data)
    assert {m.programme for m in data.milestones} <= _csv_column("programmes.csv")
    keys = [(m.programme, m.phase, m.scope, m.due_on) for m in data.milestones]
    assert len(set(keys)) == len(keys)
    assert all(m.due_on.year == 2024 for m in data.milestones)
    partial = [m for m in data.milestones if m.required_rate is not None]
    assert [(m.programme, m.phase, m.due_on.isoformat(), m.required_rate) for m in partial] == [
        ("OLD_COMMUNITY", "COMPLETION", "2024-12-31", Decimal("75"))
    ]
    due = {(m.programme, m.phase, m.due_on.isoformat()) for m in data.milestones}
    assert ("SALE_HOUSING", "START", "2024-08-31") in due
    assert ("OLD_COMMUNITY", "COMPLETION", "2024-06-30") in due
    assert ("OLD_COMMUNITY", "PREPARATION", "2024-05-31") in due
    assert ("RENTAL_HOUSING", "COMPLETION", "2024-10-31") in due
