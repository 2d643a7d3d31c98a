"""What a caller may send, stated once for both doors: integers the database's int4
columns hold, text without control characters, amounts of bounded size and places.

REST takes the pydantic types below (so the OpenAPI document carries the bounds);
GraphQL applies the same functions through `service.kit.graphql_inputs`.
"""

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from annotated_types import Ge, Le
from pydantic import BeforeValidator, StringConstraints, WithJsonSchema

from service.kit.years import FIRST_YEAR, LAST_YEAR

# The page size the contracts publish; Settings.max_page_size may lower it, not raise it.
MAX_PAGE_SIZE = 500

# The database's int columns are int4: nothing the contract takes may exceed them.
INT32_MAX = 2**31 - 1
# …and bigint, for what the service itself issued (a changes cursor's parts).
INT64_MAX = 2**63 - 1

# Codes, names, filters, header values: long enough for any of them, short enough for
# a btree index entry (about 2,700 bytes).
SHORT_TEXT = 200
# Free text kept in the history (reasons).
LONG_TEXT = 1000

# C0 controls and DEL, except tab, line feed and carriage return, which free text may hold.
# PostgreSQL's text cannot hold NUL at all; the others have no business in a figure's data.
TEXT_PATTERN = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F]*$"
_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")

# Amounts: the widest unit (万元) has 11 integer digits and the finest (亿元) 4 places, so
# every amount fits numeric(15, 4) and a spreadsheet's double; each unit narrows this
# (service.catalogue.schemas UNIT_DECIMALS and UNIT_INTEGER_DIGITS).
AMOUNT_INTEGER_DIGITS = 11
AMOUNT_PLACES = 4
AMOUNT_LIMIT = Decimal(10) ** AMOUNT_INTEGER_DIGITS
AMOUNT_PATTERN = rf"^-?[0-9]{{1,{AMOUNT_INTEGER_DIGITS}}}(\.[0-9]{{1,{AMOUNT_PLACES}}})?$"
_AMOUNT = re.compile(AMOUNT_PATTERN)
AMOUNT_DESCRIPTION = (
    f'An exact decimal, best sent as a string such as "1234.5": at most'
    f" {AMOUNT_INTEGER_DIGITS} digits before the point and {AMOUNT_PLACES} after"
    f" (pattern {AMOUNT_PATTERN}); the indicator's unit may allow fewer."
)


def text_problem(value: str, max_length: int = LONG_TEXT) -> str | None:
    """What is wrong with a string a caller sent, or None."""
    if len(value) > max_length:
        return f"must be at most {max_length} characters, got {len(value)}"
    if (found := _FORBIDDEN.search(value)) is not None:
        return f"must not contain control characters, found U+{ord(found.group()):04X}"
    return None


# What integer arguments of these names may be, on both doors (REST states it in its
# parameter types, GraphQL through service.kit.graphql_inputs); others: int4.
INT_BOUNDS: dict[str, tuple[int, int]] = {
    "year": (FIRST_YEAR, LAST_YEAR),
    "limit": (1, MAX_PAGE_SIZE),
    "offset": (0, INT32_MAX),
    # a cursor connection's page sizes (service.kit.graphql_connections)
    "first": (1, MAX_PAGE_SIZE),
    "last": (1, MAX_PAGE_SIZE),
    "document": (1, INT32_MAX),
    "expected_revision": (0, INT32_MAX),
    "rectified": (0, INT32_MAX),
    "expected_rectified": (0, INT32_MAX),
    "add": (0, INT32_MAX),
}


def int_problem(value: int, low: int = -INT32_MAX - 1, high: int = INT32_MAX) -> str | None:
    if not low <= value <= high:
        return f"must be between {low} and {high}, got {value}"
    return None


def parse_amount(value: Any) -> Decimal:
    """An amount from a JSON number or a decimal string; ValueError names what is wrong.

    Strings must match AMOUNT_PATTERN exactly (no exponent, no spaces); numbers must be
    finite and within AMOUNT_LIMIT. Places beyond what the unit allows are refused later,
    by the unit's own rule, never rounded."""
    if isinstance(value, bool):
        raise ValueError("must be a decimal number, not a boolean")
    if isinstance(value, str):
        if len(value) > 2 * AMOUNT_INTEGER_DIGITS or not _AMOUNT.match(value):
            raise ValueError(
                f"must be a decimal of at most {AMOUNT_INTEGER_DIGITS} digits before the point"
                f" and {AMOUNT_PLACES} after, like 1234.5"
            )
        return Decimal(value)
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, float):
        try:
            amount = Decimal(repr(value))  # the shortest text that reads back as this float
        except InvalidOperation as error:  # pragma: no cover - repr of a float always parses
            raise ValueError("must be a decimal number") from error
    elif isinstance(value, Decimal):
        amount = value
    else:
        raise ValueError("must be a decimal number")
    if not amount.is_finite():
        raise ValueError("must be a finite number")
    if abs(amount) >= AMOUNT_LIMIT:
        raise ValueError(f"must be less than {AMOUNT_LIMIT:,} in magnitude")
    return amount


# Pydantic types for REST parameters and bodies; the OpenAPI document shows their bounds.
ShortText = Annotated[str, StringConstraints(max_length=SHORT_TEXT, pattern=TEXT_PATTERN)]
LongText = Annotated[str, StringConstraints(max_length=LONG_TEXT, pattern=TEXT_PATTERN)]
Count = Annotated[int, Ge(0), Le(INT32_MAX)]
Id = Annotated[int, Ge(1), Le(INT32_MAX)]
YearValue = Annotated[int, Ge(FIRST_YEAR), Le(LAST_YEAR)]
Amount = Annotated[
    Decimal,
    BeforeValidator(parse_amount),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": AMOUNT_PATTERN},
                {
                    "type": "number",
                    "exclusiveMinimum": -int(AMOUNT_LIMIT),
                    "exclusiveMaximum": int(AMOUNT_LIMIT),
                },
            ],
            "description": AMOUNT_DESCRIPTION,
        }
    ),
]


def _iso_moment(value: Any) -> Any:
    # pydantic would read a bare number as seconds since 1970; the contract says
    # date-time, so only ISO 8601 text (or a datetime) is a moment here.
    if isinstance(value, str) and not re.match(r"^\d{4}-\d{2}-\d{2}", value):
        raise ValueError("must be an ISO 8601 date-time, e.g. 2026-11-24T08:00:00Z")
    return value


# A point in time from a query string; UTC when it has no offset (the service says so).
IsoMoment = Annotated[datetime, BeforeValidator(_iso_moment)]


def _iso_day(value: Any) -> Any:
    # as _iso_moment: 20240101 would be seconds since 1970, refused as "not a date"
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("must be an ISO 8601 date, e.g. 2024-12-31")
    return value


# A day from a query string.
IsoDay = Annotated[date, BeforeValidator(_iso_day)]
