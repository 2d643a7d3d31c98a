"""Date and date-time arguments refused by name: `asOf: 2024` is a 422 problem naming
`asOf`, as REST's `?asOf=2024` is.

graphql-core's ValuesOfCorrectTypeRule refuses a number given for a `Date` or `DateTime`
with "Value cannot represent a DateTime", naming no argument; here the same rule names
the argument and says what it takes. Every other literal is checked as before.
"""

from collections.abc import Iterator
from typing import Any

from graphql import (
    ArgumentNode,
    GraphQLError,
    GraphQLInputType,
    StringValueNode,
    ValueNode,
    ValuesOfCorrectTypeRule,
    get_named_type,
    print_ast,
)
from graphql.language.visitor import VisitorAction
from strawberry.extensions import SchemaExtension

from service.kit.errors import InvalidInput

EXPECTED = {
    "Date": 'an ISO 8601 date as a string, e.g. "2024-12-31"',
    "DateTime": 'an ISO 8601 date-time as a string, e.g. "2024-12-31T00:00:00Z"',
}


class _NamedValuesOfCorrectType(ValuesOfCorrectTypeRule):
    argument: str | None = None

    def enter_argument(self, node: ArgumentNode, *_args: Any) -> None:
        self.argument = node.name.value

    def is_valid_value_node(
        self, node: ValueNode, input_type: GraphQLInputType | None
    ) -> VisitorAction:
        named = get_named_type(input_type) if input_type is not None else None
        expected = EXPECTED.get(named.name) if named is not None else None
        if expected is None or isinstance(node, StringValueNode):
            return super().is_valid_value_node(node, input_type)
        field = self.argument or "argument"
        problem = InvalidInput(field, f"must be {expected}, not {print_ast(node)}")
        self.report_error(GraphQLError(problem.detail, node, original_error=problem))
        return None


class NamedMomentArguments(SchemaExtension):
    """Puts the naming rule in the place of graphql-core's own."""

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        context.validation_rules = tuple(
            _NamedValuesOfCorrectType if rule is ValuesOfCorrectTypeRule else rule
            for rule in context.validation_rules
        )
        yield
