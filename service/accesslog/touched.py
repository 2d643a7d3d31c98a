"""What a request touched: the region codes it named and the datasets it read or wrote.

Regions are taken from arguments that name a region (`region`, `code`, `root`,
`parent`) in the path, the query string or GraphQL arguments, when their value is a
region code; datasets are the domains of the routes (REST) or of the types selected
(GraphQL), which are the OpenAPI tags too: figures, funds, loans, …"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLSchema,
    InlineFragmentNode,
    NamedTypeNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
    value_from_ast_untyped,
)

REGION_ARGUMENTS = frozenset({"region", "code", "root", "parent"})
# A GB/T 2260 code, or a statistical zone under one (360100-CORE)
_REGION_CODE = re.compile(r"^[0-9]{6}(?:-[A-Z0-9]{1,16})?$")
_DOMAIN_MODULE = re.compile(r"^service\.(\w+)\.(?:rest|graphql)$")
# Bounds what one record holds, whatever a request names.
MAX_REGIONS = 100


@dataclass
class Touched:
    regions: list[str] = field(default_factory=list)
    data: list[str] = field(default_factory=list)
    root_fields: list[str] = field(default_factory=list)

    def add_region(self, value: Any) -> None:
        values = value if isinstance(value, list) else [value]
        for v in values:
            if (
                isinstance(v, str)
                and len(self.regions) < MAX_REGIONS
                and _REGION_CODE.match(v)
                and v not in self.regions
            ):
                self.regions.append(v)

    def add_data(self, name: str | None) -> None:
        if name and name not in self.data:
            self.data.append(name)


def domain_of(module: str) -> str | None:
    """`service.figures.rest` → figures; shared modules (kit) name no dataset."""
    match = _DOMAIN_MODULE.match(module)
    return match.group(1) if match and match.group(1) != "kit" else None


def rest_touched(
    module: str | None, path_params: Mapping[str, Any], query_string: bytes
) -> Touched:
    """What a REST call named: the route's domain (and an export's dataset), its regions."""
    touched = Touched()
    touched.add_data(domain_of(module) if module else None)
    dataset = path_params.get("dataset")
    touched.add_data(dataset if isinstance(dataset, str) and dataset.isidentifier() else None)
    for name, value in path_params.items():
        if name in REGION_ARGUMENTS:
            touched.add_region(value)
    for name, value in parse_qsl(query_string.decode("latin-1")):
        if name in REGION_ARGUMENTS:
            touched.add_region(value)
    return touched


def _domain(extensions: Mapping[str, Any] | None) -> str | None:
    """The domain whose module defines a GraphQL type or field (Strawberry keeps its origin)."""
    origin = getattr((extensions or {}).get("strawberry-definition"), "origin", None)
    return domain_of(origin.__module__) if origin is not None else None


def graphql_touched(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: Mapping[str, Any] | None,
) -> Touched:
    """What a GraphQL operation named: root fields, the domains of the fields and types it
    selects, the region codes in its arguments (variables resolved).

    An explicit stack, not recursion (however deep the document), and each fragment is
    walked once per kind of place (root or not), so that a document spreading fragments
    within fragments costs its size, not the size of its expansion."""
    touched = Touched()
    values = dict(variables or {})
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    root = schema.get_root_type(operation.operation)
    walked: set[tuple[str, bool]] = set()
    stack: list[tuple[SelectionSetNode, Any, bool]] = [(operation.selection_set, root, True)]
    while stack:
        selections, parent, at_root = stack.pop()
        for node in selections.selections:
            if isinstance(node, FieldNode):
                _field(touched, node, parent, at_root, values, stack)
                continue
            if isinstance(node, FragmentSpreadNode):
                fragment = fragments.get(node.name.value)
                if fragment is None or (node.name.value, at_root) in walked:
                    continue
                walked.add((node.name.value, at_root))
                condition: NamedTypeNode | None = fragment.type_condition
                inner = fragment.selection_set
            elif isinstance(node, InlineFragmentNode):
                condition, inner = node.type_condition, node.selection_set
            else:
                continue
            typed = schema.get_type(condition.name.value) if condition else parent
            stack.append((inner, typed, at_root))
    return touched


def _field(
    touched: Touched,
    node: FieldNode,
    parent: Any,
    at_root: bool,
    values: dict[str, Any],
    stack: list[tuple[SelectionSetNode, Any, bool]],
) -> None:
    name = node.name.value
    if at_root and name not in touched.root_fields:
        touched.root_fields.append(name)
    for argument in node.arguments or ():
        if argument.name.value in REGION_ARGUMENTS:
            touched.add_region(value_from_ast_untyped(argument.value, values))
    definition = getattr(parent, "fields", {}).get(name)
    if definition is None:
        return
    named = get_named_type(definition.type)
    # the field's own domain (a mutation's), and that of what it returns
    touched.add_data(_domain(definition.extensions))
    touched.add_data(_domain(named.extensions))
    if node.selection_set is not None:
        stack.append((node.selection_set, named, False))
