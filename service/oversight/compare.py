"""How two numbers are judged: exact for counts, within rounding for published decimals."""

from decimal import Decimal, localcontext

from service.kit.decimals import round_to
from service.oversight.schemas import FindingStatus

HALF = Decimal("0.5")


def places(value: Decimal) -> int:
    """Decimal places the value was published with (numeric keeps the scale it was given)."""
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def sum_tolerance(values: list[Decimal], terms: int) -> Decimal:
    """The most a total and the sum of `terms` parts can differ when every one of them
    was rounded to the published precision: half a unit of the last place each."""
    last = max(places(v) for v in values)
    return (terms + 1) * HALF * Decimal(1).scaleb(-last)


def judge_sum(value: Decimal, computed: Decimal, tolerance: Decimal) -> FindingStatus | None:
    """None when they agree; counts pass tolerance 0, so any difference is a mismatch."""
    difference = abs(computed - value)
    if difference == 0:
        return None
    return FindingStatus.ROUNDING if difference <= tolerance else FindingStatus.MISMATCH


def stated_tolerance(decimals: int) -> Decimal:
    """One unit of the stated value's last published digit."""
    return Decimal(1).scaleb(-decimals)


def judge_stated(
    stated: Decimal, decimals: int, derived: Decimal
) -> tuple[Decimal, FindingStatus | None]:
    """Round the derivation to the stated precision; off by the last digit only is
    rounding (the document computed from unrounded parts), more is a mismatch."""
    difference = round_to(derived, decimals) - stated
    if difference == 0:
        return difference, None
    tolerance = stated_tolerance(decimals)
    return difference, FindingStatus.ROUNDING if abs(
        difference
    ) <= tolerance else FindingStatus.MISMATCH


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
