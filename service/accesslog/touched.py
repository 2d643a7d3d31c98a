"""What a request touched: the region codes it named and the datasets it read or wrote.

Regions are taken from arguments that name a region (`region`, `code`, `root`,
`parent`) in the path, the query string or GraphQL arguments, when their value is a
region code; datasets are the domains of the routes (REST) or of the types selected
(GraphQL), which are the OpenAPI tags too: figures, funds, loans, …"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLSchema,
    OperationDefinitionNode,
    TypeInfo,
    TypeInfoVisitor,
    Visitor,
    get_named_type,
    value_from_ast_untyped,
    visit,
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


class _Collector(Visitor):
    def __init__(
        self, type_info: TypeInfo, roots: Iterable[Any], variables: Mapping[str, Any]
    ) -> None:
        super().__init__()
        self.type_info = type_info
        self.roots = set(roots)
        self.variables = dict(variables)
        self.touched = Touched()

    def enter_field(self, node: FieldNode, *_: Any) -> None:
        parent = self.type_info.get_parent_type()
        if parent in self.roots and node.name.value not in self.touched.root_fields:
            self.touched.root_fields.append(node.name.value)
        definition = self.type_info.get_field_def()
        if definition is not None:
            # the field's own domain (a mutation's), and that of what it returns
            self.touched.add_data(_domain(definition.extensions))
            self.touched.add_data(_domain(get_named_type(definition.type).extensions))
        for argument in node.arguments or ():
            if argument.name.value in REGION_ARGUMENTS:
                self.touched.add_region(value_from_ast_untyped(argument.value, self.variables))


def graphql_touched(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode | None,
    variables: Mapping[str, Any] | None,
) -> Touched:
    """What a GraphQL operation named: root fields, the domains of the types it selects,
    the region codes in its arguments (variables resolved). Fragments are followed."""
    type_info = TypeInfo(schema)
    roots = [t for t in (schema.query_type, schema.mutation_type) if t is not None]
    collector = _Collector(type_info, roots, variables or {})
    fragments = [d for d in document.definitions if not isinstance(d, OperationDefinitionNode)]
    for node in [operation, *fragments] if operation is not None else document.definitions:
        visit(node, TypeInfoVisitor(type_info, collector))
    return collector.touched
