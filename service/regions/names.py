"""The names people type for a region besides its Chinese name: pinyin in full
(`jinggangshan`), initials (`jgs`) and an English name (`Jinggangshan`, `Nanchang County`).

Computed with pypinyin when the regions are loaded and stored with them, so that a lookup
is one indexed query. The English name is the pinyin of the name without its
administrative suffix, with the suffix's English designation, as Chinese place names are
written in English (GB/T 16159); a few provinces have customary names of their own.
"""

import re
from dataclasses import dataclass

from pypinyin import Style, lazy_pinyin

from service.regions.schemas import RegionKind, RegionLevel

PROVINCE_NAMES_EN = {
    "陕西省": "Shaanxi",  # not Shanxi (山西)
    "内蒙古自治区": "Inner Mongolia",
    "香港特别行政区": "Hong Kong",
    "澳门特别行政区": "Macao",
}
# Names that stand for a group of divisions rather than a place: no search keys.
PLACEHOLDERS = {
    "市辖区": "Districts",
    "县": "Counties",
    "省直辖县级行政区划": "County-level divisions under the province",
    "自治区直辖县级行政区划": "County-level divisions under the autonomous region",
}
ZONE_NAMES_EN = {
    "中心城区": "Central urban area",
    "市本级": "City government",
    "经开区": "Economic and Technological Development Zone",
    "高新区": "High-tech Industrial Development Zone",
}
# Longest first: 自治县 before 县.
_SUFFIXES = (
    ("特别行政区", ""),
    ("自治区", ""),
    ("自治州", "Autonomous Prefecture"),
    ("自治县", "Autonomous County"),
    ("自治旗", "Autonomous Banner"),
    ("新区", "New Area"),
    ("林区", "Forestry District"),
    ("地区", "Prefecture"),
    ("矿区", "Mining District"),
    ("特区", "Special District"),
    ("省", ""),
    ("市", ""),
    ("盟", "League"),
    ("旗", "Banner"),
    ("县", "County"),
    ("区", "District"),
)
# The peoples an autonomous region, prefecture or county is named for come before its
# suffix (延边朝鲜族自治州 → 延边): they are not part of the place's own name.
_PEOPLES = (
    "蒙古|回|藏|维吾尔|苗|彝|壮|布依|朝鲜|满|侗|瑶|白|土家|哈尼|哈萨克|傣|黎|傈僳|佤|畲|"
    "高山|拉祜|水|东乡|纳西|景颇|柯尔克孜|土|达斡尔|仫佬|羌|布朗|撒拉|毛南|仡佬|锡伯|"
    "阿昌|普米|塔吉克|怒|乌孜别克|俄罗斯|鄂温克|德昂|保安|裕固|京|塔塔尔|独龙|鄂伦春|"
    "赫哲|门巴|珞巴|基诺"
)
_NAMED_PEOPLES = re.compile(f"(?:(?:{_PEOPLES})族)+$")
_NOT_TYPED = re.compile(r"[\s'’\-.·]")


@dataclass(frozen=True)
class Names:
    pinyin: str
    name_en: str
    # what a lookup matches besides the Chinese name and aliases, normalised, with the
    # rank of the match: 1 the English name or full pinyin, 2 pinyin without the
    # suffix, 3 initials
    keys: dict[str, int]


def normalised(text: str) -> str:
    """What people type, compared without case, spaces, apostrophes or hyphens."""
    return _NOT_TYPED.sub("", text).lower()


def _stem(name: str) -> tuple[str, str]:
    for suffix, designation in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            stem = name.removesuffix(suffix)
            if suffix.startswith("自治"):
                stem = _NAMED_PEOPLES.sub("", stem) or stem
            return stem, designation
    return name, ""


def _pinyin(text: str) -> str:
    return "".join(lazy_pinyin(text, errors="ignore"))


def _initials(text: str) -> str:
    return "".join(lazy_pinyin(text, style=Style.FIRST_LETTER, errors="ignore"))


def english_name(name: str, level: RegionLevel, kind: RegionKind) -> str:
    if name in PROVINCE_NAMES_EN:
        return PROVINCE_NAMES_EN[name]
    if name in PLACEHOLDERS:
        return PLACEHOLDERS[name]
    if kind is RegionKind.ZONE and name in ZONE_NAMES_EN:
        return ZONE_NAMES_EN[name]
    stem, designation = _stem(name)
    if level is RegionLevel.PROVINCE:
        designation = ""  # Jiangxi, Guangxi: provinces go by the stem alone
    return " ".join(p for p in (_pinyin(stem).capitalize(), designation) if p)


def names_of(name: str, level: RegionLevel, kind: RegionKind) -> Names:
    english = english_name(name, level, kind)
    pinyin = " ".join(lazy_pinyin(name, errors="ignore"))
    if name in PLACEHOLDERS:
        return Names(pinyin=pinyin, name_en=english, keys={})
    stem, _ = _stem(name)
    keys: dict[str, int] = {}
    for key, rank in (
        (normalised(english), 1),
        (_pinyin(name), 1),
        (_pinyin(stem), 2),
        (_initials(name), 3),
        (_initials(stem), 3),
    ):
        key = re.sub(r"[^a-z0-9]", "", key)
        if key and key not in keys:
            keys[key] = rank
    return Names(pinyin=pinyin, name_en=english, keys=keys)
