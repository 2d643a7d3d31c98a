"""Arguments of a field coerced once per request, not once per parent object.

A nested read asks `figures(year: 2024, programme: …)` on each of a hundred counties
through the same field node: graphql-core coerces the literals and Strawberry converts
them to Python for every county, which cost more than the SQL. Within one operation
the node and the variables are fixed, so the result is too; `ArgumentMemo` keeps it
for the operation and both libraries' functions are wrapped to look there first.
Outside an operation run with the extension the wrappers call straight through.
"""

from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any

import graphql.execution.executor as executor
import strawberry.schema.schema_converter as converter
from strawberry.extensions import SchemaExtension

# (field definition or argument list id, field node id) → coerced / converted arguments
_Memo = dict[tuple[str, int, int], dict[str, Any]]
_memo: ContextVar[_Memo | None] = ContextVar("anju_graphql_argument_memo", default=None)


def _memoized_coercion(coerce: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    def get_argument_values(
        definition: Any, node: Any, variable_values: Any = None, *rest: Any, **named: Any
    ) -> dict[str, Any]:
        memo = _memo.get()
        # fragment arguments would make the node's values vary within the operation
        if memo is None or any(r is not None for r in rest[:1]) or named:
            return coerce(definition, node, variable_values, *rest, **named)
        key = ("coerced", id(definition), id(node))
        if (found := memo.get(key)) is None:
            found = memo[key] = coerce(definition, node, variable_values, *rest)
        return found

    return get_argument_values


def _memoized_conversion(convert: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    def convert_arguments(
        value: dict[str, Any], arguments: Any, *rest: Any, **named: Any
    ) -> dict[str, Any]:
        memo = _memo.get()
        info = named.get("info")
        raw = getattr(info, "_raw_info", None)
        if memo is None or raw is None:
            return convert(value, arguments, *rest, **named)
        key = ("converted", id(arguments), id(raw.field_nodes[0]))
        if (found := memo.get(key)) is None:
            found = memo[key] = convert(value, arguments, *rest, **named)
        # the caller adds root and info to the dict it gets
        return dict(found)

    return convert_arguments


# The executor and the converter call these through their module globals.
executor.get_argument_values = _memoized_coercion(vars(executor)["get_argument_values"])  # type: ignore[attr-defined]
converter.convert_arguments = _memoized_conversion(vars(converter)["convert_arguments"])  # type: ignore[attr-defined]


class ArgumentMemo(SchemaExtension):
    """Keeps coerced arguments for the length of one operation."""

    def on_execute(self) -> Iterator[None]:
        token = _memo.set({})
        try:
            yield
        finally:
            _memo.reset(token)
