"""The structured JSON data files the service ships (decimals as exact strings).

One record per line, so that a change to one figure is a one-line diff.
"""

import json
from dataclasses import asdict, fields, is_dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar, cast, get_args, get_type_hints

from service.ingest.records import (
    AnnexInfo,
    BondIssue,
    Campaign,
    DocumentInfo,
    Figure,
    FundAccount,
    FundFlow,
    LoanFacility,
    Milestone,
    MilestoneData,
    RectificationTally,
    SeedData,
    StatedValue,
)

T = TypeVar("T")

SECTIONS: dict[str, type[Any]] = {
    "figures": Figure,
    "stated_values": StatedValue,
    "fund_accounts": FundAccount,
    "loan_facilities": LoanFacility,
    "bond_issues": BondIssue,
    "rectification_tallies": RectificationTally,
    "campaigns": Campaign,
}


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


def _record(value: Any) -> dict[str, Any]:
    assert is_dataclass(value) and not isinstance(value, type)
    plain: dict[str, Any] = _plain(asdict(value))
    return plain


def _line(record: Any) -> str:
    return json.dumps(_record(record), ensure_ascii=False)


def _section(name: str, records: Any) -> str:
    body = ",\n".join(f"  {_line(record)}" for record in records)
    return f' "{name}": [\n{body}\n ]' if body else f' "{name}": []'


def dumps(data: SeedData) -> str:
    document = json.dumps(_record(data.document), ensure_ascii=False)
    parts = [f' "document": {document}']
    parts += [_section(name, getattr(data, name)) for name in SECTIONS]
    return "{\n" + ",\n".join(parts) + "\n}\n"


def _accepts(hint: Any, kind: type) -> bool:
    return hint is kind or kind in get_args(hint)


def _build(cls: type[T], raw: dict[str, Any]) -> T:
    """A record from its JSON object, converting by the dataclass field types."""
    hints = get_type_hints(cls)
    names = {field.name for field in fields(cast(Any, cls))}
    if set(raw) != names:
        raise ValueError(f"{cls.__name__}: fields {sorted(raw)} != {sorted(names)}")
    values: dict[str, Any] = {}
    for name in names:
        value, hint = raw[name], hints[name]
        if value is None:
            values[name] = None
        elif _accepts(hint, Decimal):
            values[name] = Decimal(value)
        elif _accepts(hint, date):
            values[name] = date.fromisoformat(value)
        elif name == "flows":
            values[name] = tuple(_build(FundFlow, flow) for flow in value)
        elif name == "annexes":
            values[name] = tuple(_build(AnnexInfo, annex) for annex in value)
        else:
            values[name] = value
    return cls(**values)


def loads(text: str) -> SeedData:
    raw = json.loads(text)
    return SeedData(
        document=_build(DocumentInfo, raw["document"]),
        **{name: tuple(_build(cls, item) for item in raw[name]) for name, cls in SECTIONS.items()},
    )


def write(path: Path | str, data: SeedData) -> None:
    Path(path).write_text(dumps(data), encoding="utf-8")


def read(path: Path | str) -> SeedData:
    return loads(Path(path).read_text(encoding="utf-8"))


def read_milestones(path: Path | str) -> MilestoneData:
    raw = json.loads(Path(path).read_text(encoding="utf-8"))
    return MilestoneData(
        document=raw["document"],
        milestones=tuple(_build(Milestone, item) for item in raw["milestones"]),
    )


def dumps_milestones(data: MilestoneData) -> str:
    body = ",\n".join(f"  {_line(milestone)}" for milestone in data.milestones)
    document = json.dumps(data.document, ensure_ascii=False)
    return f'{{\n "document": {document},\n "milestones": [\n{body}\n ]\n}}\n'
