"""The GraphQL door's side of service.kit.inputs: a bounded Decimal scalar and a guard
that checks every argument (strings and integers, inside input objects too) by the same
rules as REST, before a resolver runs."""

import dataclasses
import re
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Annotated, Any

import strawberry
from strawberry.exceptions import StrawberryInputCoercionError
from strawberry.extensions import SchemaExtension
from strawberry.types.base import has_object_definition

from service.kit.errors import InvalidInput
from service.kit.inputs import (
    AMOUNT_DESCRIPTION,
    INT32_MAX,
    INT_BOUNDS,
    MAX_PAGE_SIZE,
    int_problem,
    parse_amount,
    text_problem,
)
from service.kit.years import FIRST_YEAR, LAST_YEAR


def _parse_decimal(value: object) -> Decimal:
    try:
        return parse_amount(value)
    except ValueError as error:
        raise StrawberryInputCoercionError(f'Decimal cannot represent "{value}": {error}') from None


# Replaces Strawberry's unbounded Decimal under the same name: outputs are unchanged
# (decimal strings), inputs are held to the contract's pattern and magnitude.
BoundedDecimal = strawberry.scalar(
    name="Decimal",
    description=AMOUNT_DESCRIPTION,
    serialize=str,
    parse_value=_parse_decimal,
)


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _problems(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """(field, problem) for every string or integer in an argument value that breaks a rule."""
    if isinstance(value, bool) or value is None:
        return
    if isinstance(value, str):
        if (problem := text_problem(value)) is not None:
            yield path, problem
    elif isinstance(value, int):
        name = _snake(re.split(r"[.\[]", path)[-1])
        if (problem := int_problem(value, *INT_BOUNDS.get(name, ()))) is not None:
            yield path, problem
    elif isinstance(value, list | tuple):
        for n, item in enumerate(value):
            yield from _problems(item, f"{path}[{n}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _problems(item, f"{path}.{key}")
    elif has_object_definition(value) and dataclasses.is_dataclass(value):
        for field in dataclasses.fields(value):
            yield from _problems(getattr(value, field.name), f"{path}.{field.name}")


class InputGuard(SchemaExtension):
    """Refuses an argument with control characters, an over-long string or an integer
    beyond int4 with a 422 problem naming it; the resolver (and any write) never runs."""

    def resolve(self, _next: Any, root: Any, info: Any, *args: Any, **kwargs: Any) -> Any:
        refuse_bad_arguments(kwargs)
        return _next(root, info, *args, **kwargs)


def refuse_bad_arguments(arguments: Mapping[str, Any]) -> None:
    """The guard's check of one field's arguments (compiled reads make it too)."""
    for name, value in arguments.items():
        for field, problem in _problems(value, name):
            raise InvalidInput(field, problem)


# Argument types that state their bounds in the schema's descriptions.
Limit = Annotated[
    int | None,
    strawberry.argument(description=f"Page size, 1–{MAX_PAGE_SIZE} (default 100)"),
]
Offset = Annotated[int | None, strawberry.argument(description=f"Items to skip, 0–{INT32_MAX}")]
OptionalYear = Annotated[
    int | None, strawberry.argument(description=f"A year, {FIRST_YEAR}–{LAST_YEAR}")
]
Year = Annotated[int, strawberry.argument(description=f"A year, {FIRST_YEAR}–{LAST_YEAR}")]
