"""Every argument of both doors, found from the contracts themselves, with a plausible
value for each so that a request reaches the argument under attack.

The caller is a city planner of 南昌市 holding every writing scope: refusals then come
from the inputs, not from the access rules."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    get_named_type,
)

from service.auth.principal import Scope
from service.graphql_schema import schema
from tests.auth.tokens import bearer, token_for

REGION = "360100"
CHILD = "360121"
WRITER = bearer(
    token_for(REGION, *(s for s in Scope if s is not Scope.AUDIT_READ), subject="input-prober")
)

# A value that passes each named argument's rules, so that only the one attacked is bad.
PLAUSIBLE: dict[str, Any] = {
    "code": REGION,
    "region": REGION,
    "parent": REGION,
    "root": REGION,
    "name": "南昌",
    "year": 2024,
    "indicator": "RENTAL_HOUSING:START:SET_OR_ROOM",
    "lender": "CDB",
    "campaign": "AUDIT_2016",
    "reason": "input probe",
    "value": "1",
    "amount": "1",
    "date": "2024-12-01",
    "document_id": 1,
    "document": 1,
    "limit": 10,
    "offset": 0,
}


@dataclass(frozen=True)
class RestTarget:
    """One argument of one REST operation: where it goes and what JSON type it has."""

    method: str
    path: str
    location: str  # path, query, header, body
    name: str
    kind: str  # string, integer, number
    params: dict[str, dict[str, Any]] = field(hash=False, compare=False)
    body: dict[str, Any] | None = field(default=None, hash=False, compare=False)
    item_field: str | None = None  # the attacked field sits in body.items[0]


def _resolve(spec: dict[str, Any], doc: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in spec:
        name = spec["$ref"].rsplit("/", 1)[1]
        spec = doc["components"]["schemas"][name]
    return spec


def _json_kind(spec: dict[str, Any], doc: dict[str, Any]) -> str | None:
    """string, integer or number: the kinds bad values exist for; None for the others."""
    kind = _any_kind(spec, doc)
    return kind if kind in ("string", "integer", "number") else None


def _any_kind(spec: dict[str, Any], doc: dict[str, Any]) -> str | None:
    spec = _resolve(spec, doc)
    options = [_resolve(s, doc) for s in spec.get("anyOf", [spec])]
    types = {o.get("type") for o in options} - {"null"}
    if "number" in types:
        return "number"
    if "enum" in spec or any("enum" in o for o in options):
        return "string"
    return next(iter(types), None) if len(types) == 1 else None


def _plausible(name: str, spec: dict[str, Any], doc: dict[str, Any]) -> Any:
    spec = _resolve(spec, doc)
    options = [_resolve(s, doc) for s in spec.get("anyOf", [spec])]
    for option in options:
        if "enum" in option:
            return option["enum"][0]
    if name in PLAUSIBLE:
        return PLAUSIBLE[name]
    if "default" in spec:
        return spec["default"]
    kinds = {o.get("type") for o in options}
    if "integer" in kinds:
        return 1
    if "boolean" in kinds:
        return False
    if "array" in kinds:
        return []
    return "x"


def _body(schema: dict[str, Any], doc: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """A plausible body and the properties it has (items: those of one item)."""
    spec = _resolve(schema, doc)
    body: dict[str, Any] = {}
    for name, prop in spec.get("properties", {}).items():
        if name == "items":
            item = _resolve(prop["items"], doc)
            body["items"] = [
                {
                    n: _plausible(n, p, doc)
                    for n, p in item["properties"].items()
                    if n in item.get("required", []) or n == "unit"
                }
            ]
            body["items"][0].pop("unit", None)
            continue
        if name in spec.get("required", []):
            body[name] = _plausible(name, prop, doc)
    return body, spec.get("properties", {})


def rest_targets(doc: dict[str, Any]) -> Iterator[RestTarget]:
    for path, operations in doc["paths"].items():
        if path.startswith("/graphql"):
            continue
        for method, op in operations.items():
            params = {p["name"]: p for p in op.get("parameters", [])}
            content = op.get("requestBody", {}).get("content", {})
            body = None
            properties: dict[str, Any] = {}
            if "application/json" in content:
                body, properties = _body(content["application/json"]["schema"], doc)
            for name, p in params.items():
                kind = _json_kind(p["schema"], doc)
                if kind is not None:
                    yield RestTarget(method, path, p["in"], name, kind, params, body)
            for name, prop in properties.items():
                if name == "items":
                    item = _resolve(_resolve(prop, doc)["items"], doc)
                    for item_name, item_prop in item["properties"].items():
                        if (kind := _json_kind(item_prop, doc)) is not None:
                            yield RestTarget(
                                method, path, "body", "items", kind, params, body, item_name
                            )
                elif (kind := _json_kind(prop, doc)) is not None:
                    yield RestTarget(method, path, "body", name, kind, params, body)


def plausible_param(target: RestTarget, name: str, doc: dict[str, Any]) -> Any:
    return _plausible(name, target.params[name]["schema"], doc)


@dataclass(frozen=True)
class GraphQLTarget:
    """One argument (or one field of an input-object argument) of one root field."""

    operation: str  # query or mutation
    field: str
    argument: str
    kind: str  # String, Int, Decimal
    input_field: str | None = None


_SCALAR_KINDS = {"String", "Int", "Decimal", "ID"}


def _named(t: GraphQLInputType) -> Any:
    return get_named_type(t)


def graphql_targets() -> Iterator[GraphQLTarget]:
    gql = schema._schema
    roots = (("query", gql.query_type), ("mutation", gql.mutation_type))
    for operation, root in roots:
        assert root is not None
        for name, definition in root.fields.items():
            for arg_name, arg in definition.args.items():
                named = _named(arg.type)
                if isinstance(named, GraphQLScalarType) and named.name in _SCALAR_KINDS:
                    yield GraphQLTarget(operation, name, arg_name, named.name)
                elif isinstance(named, GraphQLInputObjectType):
                    for field_name, input_field in named.fields.items():
                        inner = _named(input_field.type)
                        if isinstance(inner, GraphQLScalarType) and inner.name in _SCALAR_KINDS:
                            yield GraphQLTarget(operation, name, arg_name, inner.name, field_name)


def _type_text(t: GraphQLInputType) -> str:
    if isinstance(t, GraphQLNonNull):
        return f"{_type_text(t.of_type)}!"
    if isinstance(t, GraphQLList):
        return f"[{_type_text(t.of_type)}]"
    return str(t.name)


def _plausible_graphql(name: str, t: GraphQLInputType) -> Any:
    named = _named(t)
    if isinstance(named, GraphQLEnumType):
        value = next(iter(named.values))
    elif isinstance(named, GraphQLInputObjectType):
        value = {
            n: _plausible_graphql(n, f.type)
            for n, f in named.fields.items()
            if isinstance(f.type, GraphQLNonNull)
        }
    elif name in PLAUSIBLE:
        value = PLAUSIBLE[name] if named.name != "String" else str(PLAUSIBLE[name])
    else:
        value = {"Int": 1, "Boolean": False, "Decimal": "1", "Date": "2024-12-01"}.get(
            named.name, "x"
        )
    return (
        [value] if isinstance(t, GraphQLNonNull) and isinstance(t.of_type, GraphQLList) else value
    )


def graphql_request(target: GraphQLTarget, bad: Any) -> tuple[str, dict[str, Any]]:
    """A document calling the target's field with every argument a variable, and the
    variables: plausible ones, the target's carrying `bad`."""
    gql = schema._schema
    root = gql.query_type if target.operation == "query" else gql.mutation_type
    assert root is not None
    definition: GraphQLField = root.fields[target.field]
    variables: dict[str, Any] = {}
    for arg_name, arg in definition.args.items():
        if arg_name != target.argument and not isinstance(arg.type, GraphQLNonNull):
            continue
        value = _plausible_graphql(arg_name, arg.type)
        if arg_name == target.argument:
            if target.input_field is None:
                value = [bad] if isinstance(value, list) else bad
            else:
                item = value[0] if isinstance(value, list) else value
                item[target.input_field] = bad
        variables[arg_name] = value
    declared = ", ".join(f"${n}: {_type_text(definition.args[n].type)}" for n in variables)
    passed = ", ".join(f"{n}: ${n}" for n in variables)
    call = f"{target.field}({passed})" if passed else target.field
    named = get_named_type(definition.type)
    selection = "" if isinstance(named, GraphQLScalarType | GraphQLEnumType) else " { __typename }"
    head = f"{target.operation} Probe({declared})" if declared else target.operation
    return f"{head} {{ {call}{selection} }}", variables
