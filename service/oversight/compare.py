"""How two numbers are judged: by the intervals their published precision allows."""

from decimal import Decimal, localcontext

from service.kit.decimals import round_to
from service.oversight.intervals import Interval
from service.oversight.schemas import FindingStatus


def judge_sum(value: Interval, computed: Interval) -> FindingStatus:
    """Two values that differ: rounding when what each may truly be overlaps. Counts are
    exact (points), so any difference between them is a mismatch."""
    return FindingStatus.ROUNDING if value.meets(computed) else FindingStatus.MISMATCH


def judge_stated(
    stated: Decimal, decimals: int, derived: Decimal, interval: Interval
) -> tuple[Decimal, FindingStatus | None]:
    """None when the derivation rounds to the stated value; otherwise rounding when the
    stated value (± its own half unit) meets the interval the inputs' precision allows."""
    difference = round_to(derived, decimals) - stated
    if difference == 0:
        return difference, None
    return difference, judge_sum(Interval.stated(stated, decimals), interval)


def tolerance(own_half: Decimal, computed: Interval, centre: Decimal) -> Decimal | None:
    """The largest difference rounding explains on the wider side: the compared value's
    own half unit plus the computation's spread; None when the computation is unbounded."""
    spread = computed.half_width_from(centre)
    return None if spread is None else own_half + spread


def ratio_percent(part: Decimal, whole: Decimal) -> Decimal:
    """part / whole in percent, unrounded (28 digits): rounding it twice could turn
    a last-digit tie the wrong way."""
    with localcontext() as context:
        context.prec = 28
        return part * 100 / whole


def plain(value: Decimal) -> Decimal:
    """10000 as 10000, not 1E+4: asyncpg decodes a numeric without trailing zero digits
    with a positive exponent. Adding zero keeps every published decimal place."""
    exponent = value.as_tuple().exponent
    return value + 0 if isinstance(exponent, int) and exponent > 0 else value
