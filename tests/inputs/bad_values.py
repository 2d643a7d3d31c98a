"""Values no argument may accept, by the JSON type the contract gives the argument."""

import json
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st


@dataclass(frozen=True)
class Raw:
    """JSON text sent as is, for what Python's json cannot write (1e400, NaN)."""

    text: str


def dumps(value: Any) -> str:
    """JSON text of `value`, each Raw spliced in verbatim."""
    raws: list[str] = []

    def mark(v: Any) -> Any:
        if isinstance(v, Raw):
            raws.append(v.text)
            return f"__raw_{len(raws) - 1}__"
        if isinstance(v, dict):
            return {k: mark(x) for k, x in v.items()}
        if isinstance(v, list):
            return [mark(x) for x in v]
        return v

    text = json.dumps(mark(value), ensure_ascii=False)
    for n, raw in enumerate(raws):
        text = text.replace(f'"__raw_{n}__"', raw)
    return text


def as_text(value: Any) -> str:
    """How a bad value travels in a path, a query or a header."""
    return value.text if isinstance(value, Raw) else str(value)


HUGE_INTS = st.sampled_from([10**30, -(10**30), 2**31, -(2**31) - 1, 2**63, 10**40, -1])
BAD_INTS = HUGE_INTS | st.integers(min_value=2**31, max_value=10**60) | st.integers(max_value=-1)
BAD_NUMBERS = st.sampled_from(
    [
        Raw("1e400"),
        Raw("-1e400"),
        Raw("NaN"),
        Raw("Infinity"),
        Raw(str(10**40)),
        "1e400",
        "NaN",
        "-Infinity",
        str(10**40),
        "1e-400",
        "0.30000000000000004",
        "-5",
        "١٢٣",  # Arabic-Indic digits: Decimal() reads them, the contract does not
        " 5",
        Raw("1" * 5000),  # more digits than Python's int() reads
    ]
)
_CONTROL = st.characters(min_codepoint=0, max_codepoint=31).filter(lambda c: c not in "\t\n\r")
BAD_STRINGS = (
    st.sampled_from(["\x00", "a\x00b", "360121\x00", "\x1f", "\x7f", "\x1b[31m", "x" * 20_000])
    | st.builds(lambda a, c, b: a + c + b, st.text(max_size=5), _CONTROL, st.text(max_size=5))
    # over every length limit (1,000 for free text), cheap to generate
    | st.builds(lambda c, n: c * n, st.sampled_from("x中\u00e9"), st.integers(1001, 1100))
)
BY_KIND = {
    "integer": BAD_INTS,
    "Int": BAD_INTS,
    "number": BAD_NUMBERS,
    "Decimal": BAD_NUMBERS,
    "string": BAD_STRINGS,
    "String": BAD_STRINGS,
    "ID": BAD_STRINGS,
}
