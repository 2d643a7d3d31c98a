"""The indicator catalogue: programmes, phases, units and indicators.

Phases and units are a fixed vocabulary. Programmes and indicators are data, named in
Chinese and English: the rows of data/programmes.csv and data/indicators.csv, and any a
catalogue administrator adds at run time; no code lists them, so a new programme is a new
row, not new code.
"""

from enum import StrEnum

from pydantic import BaseModel, Field


class Phase(StrEnum):
    START = "START"
    COMPLETION = "COMPLETION"
    BASIC_COMPLETION = "BASIC_COMPLETION"
    RESETTLEMENT_START = "RESETTLEMENT_START"
    RESETTLEMENT_BASIC_COMPLETION = "RESETTLEMENT_BASIC_COMPLETION"
    DISBURSEMENT = "DISBURSEMENT"
    INVESTMENT = "INVESTMENT"


PHASE_NAMES_ZH = {
    Phase.START: "新开工（筹集）",
    Phase.COMPLETION: "竣工（完工）",
    Phase.BASIC_COMPLETION: "基本建成",
    Phase.RESETTLEMENT_START: "安置住房新开工",
    Phase.RESETTLEMENT_BASIC_COMPLETION: "安置住房基本建成",
    Phase.DISBURSEMENT: "发放",
    Phase.INVESTMENT: "投资",
}


PHASE_NAMES_EN = {
    Phase.START: "Construction started (or units raised)",
    Phase.COMPLETION: "Construction completed",
    Phase.BASIC_COMPLETION: "Basically completed",
    Phase.RESETTLEMENT_START: "Resettlement housing started",
    Phase.RESETTLEMENT_BASIC_COMPLETION: "Resettlement housing basically completed",
    Phase.DISBURSEMENT: "Disbursed",
    Phase.INVESTMENT: "Invested",
}


class Unit(StrEnum):
    SET = "SET"
    SET_OR_ROOM = "SET_OR_ROOM"
    HOUSEHOLD = "HOUSEHOLD"
    COMMUNITY = "COMMUNITY"
    BUILDING = "BUILDING"
    TEN_THOUSAND_SQM = "TEN_THOUSAND_SQM"
    HUNDRED_MILLION_YUAN = "HUNDRED_MILLION_YUAN"
    TEN_THOUSAND_YUAN = "TEN_THOUSAND_YUAN"


UNIT_NAMES_ZH = {
    Unit.SET: "套",
    Unit.SET_OR_ROOM: "套（间）",
    Unit.HOUSEHOLD: "户",
    Unit.COMMUNITY: "个小区",
    Unit.BUILDING: "栋",
    Unit.TEN_THOUSAND_SQM: "万平方米",
    Unit.HUNDRED_MILLION_YUAN: "亿元",
    Unit.TEN_THOUSAND_YUAN: "万元",
}

UNIT_NAMES_EN = {
    Unit.SET: "Sets",
    Unit.SET_OR_ROOM: "Sets or rooms",
    Unit.HOUSEHOLD: "Households",
    Unit.COMMUNITY: "Residential communities",
    Unit.BUILDING: "Buildings",
    Unit.TEN_THOUSAND_SQM: "10,000 square metres",
    Unit.HUNDRED_MILLION_YUAN: "100 million yuan",
    Unit.TEN_THOUSAND_YUAN: "10,000 yuan",
}

# Decimal places a value in this unit may carry: counts are whole.
UNIT_DECIMALS = {
    Unit.SET: 0,
    Unit.SET_OR_ROOM: 0,
    Unit.HOUSEHOLD: 0,
    Unit.COMMUNITY: 0,
    Unit.BUILDING: 0,
    Unit.TEN_THOUSAND_SQM: 2,
    Unit.HUNDRED_MILLION_YUAN: 4,
    Unit.TEN_THOUSAND_YUAN: 2,
}

# Digits a value in this unit may have before the point: a province's whole programme
# stays far below these, a typo of a few extra digits does not. Bounded by
# service.kit.inputs AMOUNT_INTEGER_DIGITS, which the contracts publish.
UNIT_INTEGER_DIGITS = {
    Unit.SET: 9,
    Unit.SET_OR_ROOM: 9,
    Unit.HOUSEHOLD: 9,
    Unit.COMMUNITY: 9,
    Unit.BUILDING: 9,
    Unit.TEN_THOUSAND_SQM: 7,  # 10^11 m²
    Unit.HUNDRED_MILLION_YUAN: 7,  # 10^15 yuan
    Unit.TEN_THOUSAND_YUAN: 11,  # 10^15 yuan
}


class Indicator(BaseModel):
    id: int = Field(exclude=True)  # internal key, never published
    code: str
    programme: str
    programme_zh: str
    phase: Phase
    unit: Unit
    breakdown: str | None
    breakdown_zh: str | None
    name_zh: str
    name_en: str | None  # the catalogue's own have one; one added at run time may not


class ProgrammeInfo(BaseModel):
    code: str
    name_zh: str
    name_en: str | None = None


class NewProgramme(BaseModel):
    code: str  # e.g. SALE_HOUSING: capitals, digits and underscores
    name_zh: str
    name_en: str | None = None


class NewIndicator(BaseModel):
    """An indicator to add; its code is PROGRAMME:PHASE:UNIT[:BREAKDOWN], as all others."""

    code: str
    programme: str  # a programme code: programmes are data, not this module's enum
    phase: Phase
    unit: Unit
    breakdown: str | None = None
    breakdown_zh: str | None = None
    name_zh: str
    name_en: str | None = None
