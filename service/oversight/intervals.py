"""Where a published number truly lies, and what its derivations may be (interval arithmetic).

A document rounds what it prints: 2.29 亿元 stands for anything in 2.285–2.295. A sum,
balance or rate computed from such values is an interval too, and a value the document
states for it agrees with the service when the two intervals meet (the stated value is
itself rounded to its own places, so it widens the comparison by its own half unit).
See docs/decisions/0008-published-precision.md.
"""

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, localcontext

HALF = Decimal("0.5")


def places(value: Decimal) -> int:
    """Decimal places the value was published with (numeric keeps the scale it was given)."""
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def half_unit(decimals: int) -> Decimal:
    """Half a unit of the last of `decimals` places: how far rounding moves a value."""
    return HALF.scaleb(-decimals)


@dataclass(frozen=True)
class Interval:
    """[low, high]; high None: unbounded (a ratio over a base that may be zero)."""

    low: Decimal
    high: Decimal | None

    @classmethod
    def point(cls, value: Decimal) -> "Interval":
        return cls(value, value)

    @classmethod
    def published(cls, value: Decimal, decimals: int) -> "Interval":
        """A whole number is exact: a count, a zero, a round sum assigned or allocated (a
        target of 1 亿元, 871 万元 of subsidy); a measured amount is printed with places, and
        stands for anything within half a unit of the last of them."""
        if decimals <= 0:
            return cls.point(value)
        half = half_unit(decimals)
        return cls(value - half, value + half)

    @classmethod
    def stated(cls, value: Decimal, decimals: int) -> "Interval":
        """A value a document states for a derivation is always a rounding, whole or not."""
        half = half_unit(decimals)
        return cls(value - half, value + half)

    def __add__(self, other: "Interval") -> "Interval":
        high = None if self.high is None or other.high is None else self.high + other.high
        return Interval(self.low + other.low, high)

    def __sub__(self, other: "Interval") -> "Interval":
        if other.high is None:  # minus an unbounded value: no lower bound is known
            raise ValueError("cannot subtract an unbounded interval")
        high = None if self.high is None else self.high - other.low
        return Interval(self.low - other.high, high)

    def meets(self, other: "Interval") -> bool:
        below = self.high is not None and self.high < other.low
        above = other.high is not None and other.high < self.low
        return not (below or above)

    def half_width_from(self, centre: Decimal) -> Decimal | None:
        """The farther of the two ends from `centre`; None when unbounded."""
        if self.high is None:
            return None
        return max(self.high - centre, centre - self.low)

    def rounded_out(self, decimals: int) -> "Interval":
        """Widened to `decimals` places (low down, high up): shown, never judged."""
        unit = Decimal(1).scaleb(-decimals)
        high = None if self.high is None else self.high.quantize(unit, rounding=ROUND_CEILING)
        return Interval(self.low.quantize(unit, rounding=ROUND_FLOOR), high)


def total(intervals: list[Interval]) -> Interval:
    result = Interval.point(Decimal(0))
    for i in intervals:
        result = result + i
    return result


def ratio_percent(part: Interval, whole: Interval) -> Interval:
    """part / whole in percent over every value both may take; unbounded when the whole
    may be zero or less. 28 digits, unrounded: the ends are judged, then shown rounded."""
    with localcontext() as context:
        context.prec = 28
        if whole.high is None or part.high is None or whole.low <= 0:
            # the whole may be nothing: no upper bound (amounts are never negative)
            top = whole.high
            low = part.low * 100 / top if top is not None and top > 0 and part.low > 0 else 0
            return Interval(Decimal(low), None)
        corners = [p * 100 / w for p in (part.low, part.high) for w in (whole.low, whole.high)]
    return Interval(min(corners), max(corners))
