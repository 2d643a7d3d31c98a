"""The GraphQL `Programme` type: a programme code, checked against the catalogue per request.

Programmes are data (a catalogue administrator adds them at run time), so the type is a
scalar, not an enum fixed at start-up. Its literal parser takes a string
(`programme: "RENTAL_HOUSING"`) and, so that queries written for the old enum stay valid,
an enum-value literal too (`programme: RENTAL_HOUSING`): graphql-core's
ValuesOfCorrectTypeRule hands a custom scalar any literal node and accepts whatever its
parser does not refuse. Here only the code's shape is checked; whether the catalogue has
it is the resolver's question (`catalogue.service.check_programme`), asked at request time.
"""

import re
from typing import Any, NewType

import strawberry
from graphql import EnumValueNode, StringValueNode, ValueNode

CODE = re.compile(r"^[A-Z][A-Z0-9_]{0,63}$")

ProgrammeCode = NewType("ProgrammeCode", str)


def _code(value: object) -> ProgrammeCode:
    if not isinstance(value, str) or not CODE.match(value):
        raise ValueError(
            f"Programme must be a programme code (capitals, digits, underscores), got {value!r}"
        )
    return ProgrammeCode(value)


def _literal(node: ValueNode, _variables: dict[str, Any] | None = None) -> ProgrammeCode:
    if isinstance(node, StringValueNode | EnumValueNode):
        return _code(node.value)
    raise ValueError("Programme must be a programme code, as a string or a bare name")


Programme: Any = strawberry.scalar(
    ProgrammeCode,
    name="Programme",
    description="保障类型 (housing programme): a code of the catalogue (`programmes`), e.g."
    " RENTAL_HOUSING, written as a string or a bare name; programmes added at run time"
    " are valid at once.",
    serialize=str,
    parse_value=_code,
    parse_literal=_literal,
)
