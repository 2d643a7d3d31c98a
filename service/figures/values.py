"""The rules of a figure's value, stated once: raised by a write, collected per cell by
an upload."""

from decimal import Decimal

from service.catalogue.schemas import UNIT_DECIMALS, UNIT_NAMES_ZH, Unit
from service.kit.writes import decimal_places


def value_problem(value: Decimal, unit: Unit) -> str | None:
    """What is wrong with a figure's value in `unit`, or None: the one statement of the
    rules, raised by a write and collected per cell by an upload."""
    shown = format(value, "f")  # positional: 1000, never 1E+3
    if not value.is_finite():
        return f"must be a number, got {shown}"
    if value < 0:
        return f"must not be negative, got {shown}"
    if decimal_places(value) > UNIT_DECIMALS[unit]:
        return (
            f"{UNIT_NAMES_ZH[unit]} ({unit.value}) allows {UNIT_DECIMALS[unit]} decimal places,"
            f" got {shown}"
        )
    return None
