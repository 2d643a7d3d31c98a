"""Region records as the services return them."""

from enum import StrEnum

from pydantic import BaseModel


class RegionLevel(StrEnum):
    PROVINCE = "PROVINCE"
    CITY = "CITY"
    COUNTY = "COUNTY"


LEVEL_NAMES_ZH = {
    RegionLevel.PROVINCE: "省",
    RegionLevel.CITY: "市（地级）",
    RegionLevel.COUNTY: "县级（县/区/县级市）",
}


class RegionKind(StrEnum):
    DIVISION = "DIVISION"
    ZONE = "ZONE"


KIND_NAMES_ZH = {
    RegionKind.DIVISION: "行政区划",
    RegionKind.ZONE: "统计片区（非行政区划）",
}


class Region(BaseModel):
    code: str
    name: str
    level: RegionLevel
    kind: RegionKind
    parent_code: str | None
    aliases: list[str] = []
    # the names people type besides the Chinese one (service.regions.names)
    pinyin: str | None = None
    name_en: str | None = None


class RegionTree(Region):
    children: list["RegionTree"] = []
