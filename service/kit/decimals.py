"""Exact decimal arithmetic for derived figures (rates, balances)."""

from decimal import ROUND_HALF_UP, Decimal

# Rates are percentages to four places: enough to round to any published precision.
RATE_PLACES = Decimal("0.0001")


def percent(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    """part / whole as a percentage; None when either is missing or whole is zero."""
    if part is None or whole is None or whole == 0:
        return None
    return (part * 100 / whole).quantize(RATE_PLACES, rounding=ROUND_HALF_UP)


def round_to(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def total(*values: Decimal | None) -> Decimal | None:
    """Sum of the present values; None when none is present (a blank is not a zero)."""
    present = [v for v in values if v is not None]
    return sum(present, Decimal(0)) if present else None
