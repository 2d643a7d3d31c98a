"""The compiled form of one operation and the walk that makes it.

A plan is SQL text with positional parameters and, for each parameter, how to read its
value from the request's arguments: the text depends on the document, the operation and
which variables are given (null, or booleans that @skip, @include or a flag decide on),
never on their values, so it is made once per such shape and the database prepares it
once per connection."""

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from itertools import count
from typing import Any

from graphql import (
    FieldNode,
    GraphQLField,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    OperationDefinitionNode,
    get_named_type,
)
from graphql.execution.collect_fields import (
    FieldDetailsList,
    FragmentDetails,
    collect_fields,
    collect_subfields,
)
from graphql.execution.values import VariableValues, get_argument_values

from service.graphql_compiler import json_text
from service.kit.graphql_inputs import refuse_bad_arguments
from service.kit.sql_params import SqlParams

Arguments = list[dict[str, Any]]  # coerced arguments, one dict per slot
Getter = Callable[[Arguments], Any]


class Unsupported(Exception):
    """The selection leaves the compiled subset: the ordinary execution answers."""


@dataclass(frozen=True)
class Plan:
    sql: str
    slots: list[tuple[GraphQLField, FieldNode]]
    params: list[Getter]
    # run per request before the statement; a ProblemError sends the request to the
    # ordinary path, which raises it where and as it always does
    checks: list[Callable[[Arguments], None]]

    def arguments(self, variables: VariableValues) -> Arguments:
        return [get_argument_values(d, n, variables) for d, n in self.slots]


class Sym:
    """An argument's value to come, standing in a filter record while its SQL is built:
    the store asks the binding for a placeholder with it (`.value` of an enum too)."""

    def __init__(self, get: Getter) -> None:
        self.get = get

    @property
    def value(self) -> "Sym":
        return self


def text(value: Any) -> Any:
    """An enum argument's code, whether the schema types it as an enum or a string."""
    return value.value if isinstance(value, Enum) else value


@dataclass
class Field:
    key: str
    name: str
    details: FieldDetailsList
    definition: GraphQLField

    @property
    def node(self) -> FieldNode:
        return self.details[0].node

    @property
    def type(self) -> GraphQLNamedType:
        return get_named_type(self.definition.type)


class Args:
    """One field's arguments: their values in this request decide the SQL's shape, and
    every value reaches the SQL as a parameter read again for each request."""

    def __init__(self, compiler: "Compiler", slot: int, values: dict[str, Any]) -> None:
        self._compiler = compiler
        self._slot = slot
        self.values = values

    def given(self, name: str) -> bool:
        return self.values.get(name) is not None

    def getter(self, name: str, convert: Callable[[Any], Any] = text) -> Getter:
        slot = self._slot
        return lambda arguments: convert(arguments[slot].get(name))

    def sym(self, name: str, convert: Callable[[Any], Any] = text) -> Sym | None:
        return Sym(self.getter(name, convert)) if self.given(name) else None

    def param(self, name: str, cast: str, convert: Callable[[Any], Any] = text) -> str:
        return self._compiler.bind(self.getter(name, convert), cast)

    def derived(self, get: Callable[[dict[str, Any]], Any], cast: str) -> str:
        slot = self._slot
        return self._compiler.bind(lambda arguments: get(arguments[slot]), cast)

    def check(self, check: Callable[[dict[str, Any]], object]) -> None:
        slot = self._slot

        def run(arguments: Arguments) -> None:
            check(arguments[slot])

        self._compiler.checks.append(run)


# (type name, field name) → the JSON expression of that field on a row of that type
FieldBuilder = Callable[["Compiler", Any, Field], str]
BUILDERS: dict[str, dict[str, FieldBuilder]] = {}


def builds(type_name: str, *field_names: str) -> Callable[[FieldBuilder], FieldBuilder]:
    def register(builder: FieldBuilder) -> FieldBuilder:
        for name in field_names:
            BUILDERS.setdefault(type_name, {})[name] = builder
        return builder

    return register


class Bindings(SqlParams):
    """The store's parameter list, holding how to read each value instead of the value."""

    def __init__(self) -> None:
        super().__init__()

    def __call__(self, value: Any, cast: str) -> str:
        get: Getter = value.get if isinstance(value, Sym) else (lambda _arguments: value)
        self.values.append(get)
        return f"${len(self.values)}::{cast}"


class Compiler:
    def __init__(
        self,
        schema: GraphQLSchema,
        operation: OperationDefinitionNode,
        fragments: dict[str, FragmentDetails],
        variables: VariableValues,
    ) -> None:
        self.schema = schema
        self.operation = operation
        self.fragments = fragments
        self.variables = variables
        self.binding = Bindings()
        self.slots: list[tuple[GraphQLField, FieldNode]] = []
        self.checks: list[Callable[[Arguments], None]] = []
        # conditions the whole answer needs (an indicator that exists): when one fails
        # the statement answers NULL and the ordinary path reports the error
        self.guards: list[str] = []
        self._names = count()

    def bind(self, get: Getter, cast: str) -> str:
        return self.binding(Sym(get), cast)

    def alias(self, prefix: str) -> str:
        """A name for a row source, unique in the statement."""
        return f"{prefix}{next(self._names)}"

    def args(self, field: Field) -> Args:
        self.slots.append((field.definition, field.node))
        values = get_argument_values(field.definition, field.node, self.variables)
        args = Args(self, len(self.slots) - 1, values)
        args.check(refuse_bad_arguments)
        return args

    def root(self) -> str:
        query = self.schema.query_type
        if query is None:
            raise Unsupported("no query type")
        collected = collect_fields(
            self.schema, self.fragments, self.variables, query, self.operation
        )
        return self._object(query, None, collected.grouped_field_set)

    def object(self, type_: GraphQLNamedType, row: Any, parent: Field) -> str:
        """The JSON object of `type_` for `row` with the selection under `parent`."""
        if not isinstance(type_, GraphQLObjectType):
            raise Unsupported(f"{type_.name} is abstract")
        collected = collect_subfields(
            self.schema, self.fragments, self.variables, self.operation, type_, parent.details
        )
        return self._object(type_, row, collected.grouped_field_set)

    def _object(
        self, type_: GraphQLObjectType, row: Any, grouped: dict[str, FieldDetailsList]
    ) -> str:
        builders = BUILDERS.get(type_.name, {})
        pairs: list[tuple[str, str]] = []
        for key, details in grouped.items():
            if any(d.defer_usage is not None or d.fragment_variable_values for d in details):
                raise Unsupported("deferred or parametrised fragments")
            name = details[0].node.name.value
            if name == "__typename":
                pairs.append((key, json_text.literal(f'"{type_.name}"')))
                continue
            builder = builders.get(name)
            definition = type_.fields.get(name)
            if builder is None or definition is None:
                raise Unsupported(f"{type_.name}.{name}")
            pairs.append((key, builder(self, row, Field(key, name, details, definition))))
        return json_text.obj(pairs)

    def plan(self) -> Plan:
        body = self.root()
        if self.guards:
            body = f"case when {' and '.join(self.guards)} then {body} end"
        return Plan(f"select {body}", self.slots, list(self.binding.values), self.checks)
