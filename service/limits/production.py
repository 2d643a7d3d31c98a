"""Production mode's GraphQL: no introspection, no schema hints, no internals in errors."""

from collections.abc import Iterator

from graphql import GraphQLError, validate
from strawberry.extensions import SchemaExtension

from service.kit.errors import ProblemError


def unexpected(error: GraphQLError) -> bool:
    """Errors to mask: not a domain problem, not a document's own fault (syntax and
    validation errors have no original error)."""
    return error.original_error is not None and not isinstance(error.original_error, ProblemError)


class HiddenSuggestions(SchemaExtension):
    """Validation without "Did you mean …?": with introspection off, suggestions would
    spell the schema out field by field. Runs the validation Strawberry would (every
    rule the other extensions added included), which then skips its own."""

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if context.pre_execution_errors is None and context.graphql_document is not None:
            context.pre_execution_errors = validate(
                context.schema._schema,
                context.graphql_document,
                context.validation_rules,
                hide_suggestions=True,
            )
        yield
