"""The rules a value in a unit obeys, for figures and for the money of funds and loans."""

from decimal import Decimal

from service.catalogue.schemas import UNIT_DECIMALS, UNIT_INTEGER_DIGITS, UNIT_NAMES_ZH, Unit
from service.kit.errors import InvalidInput
from service.kit.writes import decimal_places


def value_problem(value: Decimal, unit: Unit) -> str | None:
    """What is wrong with a value in `unit`, or None: the one statement of the rules,
    raised by a write and collected per cell by an upload."""
    if not value.is_finite():
        return f"must be a number, got {value}"
    if value < 0:
        return f"must not be negative, got {format(value, 'f')}"
    named = f"{UNIT_NAMES_ZH[unit]} ({unit.value})"
    digits = UNIT_INTEGER_DIGITS[unit]
    if value >= Decimal(10) ** digits:
        # the exponent form: a 401-digit number is not worth echoing in full
        return f"{named} allows at most {digits} digits before the point, got {value:.6e}"
    if decimal_places(value) > UNIT_DECIMALS[unit]:
        shown = format(value, "f")  # positional: 1000, never 1E+3
        return f"{named} allows {UNIT_DECIMALS[unit]} decimal places, got {shown}"
    return None


def check_value(field: str, value: Decimal, unit: Unit) -> Decimal:
    if (problem := value_problem(value, unit)) is not None:
        raise InvalidInput(field, problem)
    return value


def amount_problem(amount: Decimal, unit: Unit) -> str | None:
    """What is wrong with a sum of money moved, or None: positive, and a valid value in
    its unit."""
    if amount.is_finite() and amount <= 0:
        return f"must be positive, got {amount}"
    return value_problem(amount, unit)


def check_amount(field: str, amount: Decimal, unit: Unit) -> Decimal:
    if (problem := amount_problem(amount, unit)) is not None:
        raise InvalidInput(field, problem)
    return amount
