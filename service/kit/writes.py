"""Checks every write makes the same way: a reason, and amounts as exact decimals."""

from decimal import Decimal

from service.kit.errors import InvalidInput


def check_reason(reason: str) -> str:
    """The history triggers refuse a write without a reason; say so before they do."""
    reason = reason.strip()
    if not reason:
        raise InvalidInput("reason", "every write needs a reason")
    if len(reason) > 1000:
        raise InvalidInput("reason", "must be at most 1000 characters")
    return reason


def decimal_places(value: Decimal) -> int:
    """Places after the point that carry a digit: 5.20 has one, 5.21 two."""
    exponent = value.normalize().as_tuple().exponent
    assert isinstance(exponent, int)  # finite values only
    return max(0, -exponent)


def check_amount(field: str, amount: Decimal, places: int, unit_zh: str) -> Decimal:
    """A sum of money moved: finite, positive, at most `places` decimals in its unit."""
    if not amount.is_finite():
        raise InvalidInput(field, f"must be a number, got {amount}")
    if amount <= 0:
        raise InvalidInput(field, f"must be positive, got {amount}")
    if decimal_places(amount) > places:
        raise InvalidInput(
            field, f"amounts in {unit_zh} allow {places} decimal places, got {amount}"
        )
    return amount
