"""Resolve the region names of table rows to region codes.

Rows come in tree order: a city row opens the city, and the county rows after it
(中心城区, 经开区, 市本级 …) resolve among that city's children.
"""

import csv
import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from service.ingest.tables import Row, squeeze

REGIONS_DATA = Path(__file__).resolve().parents[1] / "regions" / "data"
# Names a table uses for the whole of the document's region.
TOTAL_NAMES = frozenset({"合计", "总计", "全省", "全市"})
_FULL_TO_HALF = str.maketrans("（）", "()")


def normalise_name(name: str) -> str:
    """Compare names without white space and with half-width brackets."""
    return squeeze(name).translate(_FULL_TO_HALF)


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    level: str  # PROVINCE, CITY, COUNTY
    kind: str  # DIVISION, ZONE
    parent_code: str | None


class RegionDirectory:
    """The known regions and aliases (from the CSV files the catalogue loads)."""

    def __init__(self, regions: Iterable[Region], aliases: Mapping[str, str]) -> None:
        self.regions = {region.code: region for region in regions}
        self.aliases = {normalise_name(alias): code for alias, code in aliases.items()}
        self._children: dict[str, list[Region]] = {}
        for region in self.regions.values():
            if region.parent_code is not None:
                self._children.setdefault(region.parent_code, []).append(region)
        for code in self.aliases.values():
            if code not in self.regions:
                raise ValueError(f"alias points to unknown region {code}")

    @classmethod
    def load(cls, data_dir: Path = REGIONS_DATA) -> "RegionDirectory":
        regions: list[Region] = []
        for name in ("divisions.csv", "zones.csv"):
            regions.extend(
                Region(
                    code=row["code"],
                    name=row["name"],
                    level=row["level"],
                    kind="DIVISION" if name == "divisions.csv" else "ZONE",
                    parent_code=row["parent_code"] or None,
                )
                for row in read_csv(data_dir / name)
            )
        aliases = {row["alias"]: row["region_code"] for row in read_csv(data_dir / "aliases.csv")}
        return cls(regions, aliases)

    def get(self, code: str) -> Region:
        return self.regions[code]

    def children(self, code: str) -> list[Region]:
        return self._children.get(code, [])

    def child_named(self, parent_code: str, name: str) -> Region | None:
        """The child of `parent_code` called `name` (or aliased so), if any."""
        wanted = normalise_name(name)
        for child in self.children(parent_code):
            if normalise_name(child.name) == wanted:
                return child
        aliased = self.aliases.get(wanted)
        if aliased is not None and self.regions[aliased].parent_code == parent_code:
            return self.regions[aliased]
        return None


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


class RegionResolver:
    """Resolves one table's rows in order; make a new one for every table."""

    def __init__(self, directory: RegionDirectory, root_code: str, name_label: str) -> None:
        self.directory = directory
        self.root = directory.get(root_code)
        self.name_label = name_label
        # The region whose children county rows name (the current city).
        self.scope: Region | None = self.root if self.root.level == "CITY" else None

    def resolve(self, row: Row) -> str:
        name = normalise_name(row.name)
        if name in TOTAL_NAMES or name == normalise_name(self.root.name):
            return self.root.code
        top = self.directory.child_named(self.root.code, name)
        if top is not None:
            if top.level == "CITY":  # a city row opens its counties
                self.scope = top
            return top.code
        if self.scope is not None and self.scope is not self.root:
            below = self.directory.child_named(self.scope.code, name)
            if below is not None:
                return below.code
        where = f" under {self.scope.name}" if self.scope is not None else ""
        hint = self._suggestion(name)
        raise row.error(f"unknown region '{row.name}'{where}{hint}", self.name_label)

    def _suggestion(self, name: str) -> str:
        """'; did you mean …?' with the nearest names a row here could have used."""
        parents = [self.root] + ([self.scope] if self.scope not in (None, self.root) else [])
        names = {
            normalise_name(child.name): child.name
            for parent in parents
            if parent is not None
            for child in self.directory.children(parent.code)
        }
        nearest = [names[n] for n in difflib.get_close_matches(name, names, n=3, cutoff=0.5)]
        return f"; did you mean {' or '.join(nearest)}?" if nearest else ""


def resolve_rows(
    directory: RegionDirectory, root_code: str, name_label: str, rows: Iterable[Row]
) -> list[tuple[Row, str]]:
    """Each row with its region code; a region named twice in one table is an error."""
    resolver = RegionResolver(directory, root_code, name_label)
    seen: dict[str, int] = {}
    resolved: list[tuple[Row, str]] = []
    for row in rows:
        code = resolver.resolve(row)
        if code in seen:
            raise row.error(f"region {code} already given on line {seen[code]}", name_label)
        seen[code] = row.line
        resolved.append((row, code))
    return resolved
