"""A GraphQL document's cost in nodes, counted before execution as GitHub's API does.

A field with a page-size argument (`limit`, `first`) asks for that many nodes, or the
default page size when it names none; a list without one (`children`, `descendants`)
counts a declared nominal size. Either multiplies the cost of everything below it. A page
of one region's figures of one indicator counts what it can hold: a figure per year. Single
objects and scalars cost nothing of their own: depth bounds them.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    BooleanValueNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLCompositeType,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    NullValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_composite_type,
    is_list_type,
)

from service.kit.years import YEARS

SIZE_ARGUMENTS = ("limit", "first", "last")
# the arguments of a page of figures (Region.figures, Query.figures)
FIGURE_PAGE_ARGUMENTS = frozenset({"indicator", "year", "limit"})
# What a list without a size argument is taken to hold (a province has 11–21 cities, a
# city up to 20 counties and zones); lists not named here count DEFAULT_LIST_SIZE.
NOMINAL_LIST_SIZES: Mapping[str, int] = {
    "Region.children": 20,
    "Region.descendants": 200,
    "Query.provinces": 35,
    "Query.indicators": 100,
    "Query.figureHistory": 50,
    "Document.statedValues": 200,
    "ConsistencyReport.findings": 100,
    "Ranking.standings": 200,
    "Laggards.laggards": 200,
    "Query.measures": 100,
    "Scorecard.entries": 60,
    "Trends.trends": 40,
    "Trend.points": 30,
}
DEFAULT_LIST_SIZE = 10


@dataclass(frozen=True)
class CostModel:
    default_page_size: int
    # A larger page is refused by the field itself, naming the argument.
    max_page_size: int
    # Beyond this depth the depth limit refuses the document; the walk stops there.
    max_depth: int


def operation_cost(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: Mapping[str, Any],
    model: CostModel,
) -> int:
    root = schema.get_root_type(operation.operation)
    if root is None:
        return 0
    walk = _Walk(schema, fragments, variables, model)
    return walk.selections(operation.selection_set, root, 1, 0, sized=False, seen=frozenset())


class _Walk:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
        model: CostModel,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.model = model

    def selections(
        self,
        selection_set: SelectionSetNode,
        parent: GraphQLCompositeType,
        multiplier: int,
        depth: int,
        *,
        sized: bool,
        seen: frozenset[str],
    ) -> int:
        """`sized`: the field holding this selection already counted its page, so the
        page's own item list adds nothing."""
        if depth > self.model.max_depth:
            return 0
        cost = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                cost += self.field(selection, parent, multiplier, depth, sized=sized, seen=seen)
            elif isinstance(selection, InlineFragmentNode):
                cost += self.selections(
                    selection.selection_set,
                    self._condition(selection.type_condition, parent),
                    multiplier,
                    depth,
                    sized=sized,
                    seen=seen,
                )
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in seen:
                    continue  # validation reports unknown and cyclic fragments
                cost += self.selections(
                    fragment.selection_set,
                    self._condition(fragment.type_condition, parent),
                    multiplier,
                    depth,
                    sized=sized,
                    seen=seen | {name},
                )
        return cost

    def field(
        self,
        node: FieldNode,
        parent: GraphQLCompositeType,
        multiplier: int,
        depth: int,
        *,
        sized: bool,
        seen: frozenset[str],
    ) -> int:
        definition = _field(parent, node.name.value)
        if definition is None or node.selection_set is None:
            return 0  # scalars, __typename, introspection, unknown fields
        size = self._page_size(node, definition)
        own_size = size is not None
        if size is None and is_list_type(get_nullable_type(definition.type)):
            size = (
                1
                if sized
                else NOMINAL_LIST_SIZES.get(f"{parent.name}.{node.name.value}", DEFAULT_LIST_SIZE)
            )
        nodes = 0 if size is None or (sized and not own_size) else multiplier * size
        below = get_named_type(definition.type)
        if not is_composite_type(below):
            return nodes
        return nodes + self.selections(
            node.selection_set,
            below,
            multiplier * (size or 1),
            depth + 1,
            sized=own_size,
            seen=seen,
        )

    def _page_size(self, node: FieldNode, definition: GraphQLField) -> int | None:
        names = [a for a in SIZE_ARGUMENTS if a in definition.args]
        if not names:
            return None
        # whichever the query gives: `limit`, or a connection's `first` or `last`
        given = next((a.value for a in node.arguments or () if a.name.value in names), None)
        value: Any = None
        if isinstance(given, IntValueNode):
            value = int(given.value)
        elif isinstance(given, VariableNode):
            value = self.variables.get(given.name.value)
        size = self.model.default_page_size
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            size = min(value, self.model.max_page_size)
        bound = self._figures_bound(node, definition)
        return size if bound is None else min(size, bound)

    def _figures_bound(self, node: FieldNode, definition: GraphQLField) -> int | None:
        """A page of one region's figures of one indicator holds one figure per year (a
        figure carries all its kinds: target, 增补, actual): one, for a year."""
        if not definition.args.keys() >= FIGURE_PAGE_ARGUMENTS:
            return None
        if not self._given(node, "indicator") or self._given(node, "descendants", truthy=True):
            return None
        return 1 if self._given(node, "year") else len(YEARS)

    def _given(self, node: FieldNode, name: str, *, truthy: bool = False) -> bool:
        """Whether the argument has a value (a true one), named or through a variable."""
        given = next((a.value for a in node.arguments or () if a.name.value == name), None)
        if given is None or isinstance(given, NullValueNode):
            return False
        if isinstance(given, VariableNode):
            value = self.variables.get(given.name.value)
            return bool(value) if truthy else value is not None
        return not truthy or (isinstance(given, BooleanValueNode) and given.value)

    def _condition(self, condition: Any, parent: GraphQLCompositeType) -> GraphQLCompositeType:
        if condition is None:
            return parent
        named = self.schema.get_type(condition.name.value)
        return named if is_composite_type(named) else parent


def _field(parent: GraphQLCompositeType, name: str) -> GraphQLField | None:
    if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
        field: GraphQLField | None = parent.fields.get(name)
        return field
    return None  # a union has no fields of its own but __typename


def root_field_counts(
    operation: OperationDefinitionNode, fragments: Mapping[str, FragmentDefinitionNode]
) -> dict[str, int]:
    """How often each root field is asked for, aliases and fragments included."""
    counts: dict[str, int] = {}

    def visit(selection_set: SelectionSetNode, seen: frozenset[str]) -> None:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                counts[selection.name.value] = counts.get(selection.name.value, 0) + 1
            elif isinstance(selection, InlineFragmentNode):
                visit(selection.selection_set, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = fragments.get(name)
                if fragment is not None and name not in seen:
                    visit(fragment.selection_set, seen | {name})

    visit(operation.selection_set, frozenset())
    return counts


@dataclass(frozen=True)
class Expansion:
    fields: int  # selected once every fragment spread is spelt out
    fragment_depth: int  # the longest chain of fragments spreading fragments


def expand(document: DocumentNode, max_fragment_depth: int) -> Expansion:
    """What the operations select once every fragment spread is spelt out.

    Fragments spreading each other twice over double at every level: 30 lines of
    document expand to a billion fields, and so does any walk of the document (Strawberry's
    own limiters included). Here each fragment is sized once, and chains deeper than
    `max_fragment_depth` are not followed (nor recursed into by anything after)."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    sizes: dict[str, int] = {}
    deepest = 0

    def size(selection_set: SelectionSetNode, stack: tuple[str, ...]) -> int:
        nonlocal deepest
        deepest = max(deepest, len(stack))
        if len(stack) > max_fragment_depth:
            return 0
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += 1
                if selection.selection_set is not None:
                    total += size(selection.selection_set, stack)
            elif isinstance(selection, InlineFragmentNode):
                total += size(selection.selection_set, stack)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = fragments.get(name)
                if fragment is None or name in stack:
                    continue  # unknown or cyclic: validation says so
                if name not in sizes:
                    sizes[name] = size(fragment.selection_set, (*stack, name))
                total += sizes[name]
        return total

    fields = sum(
        size(d.selection_set, ())
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode)
    )
    return Expansion(fields, deepest)
