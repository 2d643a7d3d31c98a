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
