"""What a GraphQL request asked for, noted on the request for the metrics (operation
type and name) and the access log (root fields, regions, datasets)."""

from collections.abc import Iterator
from dataclasses import dataclass

from graphql import get_operation_ast
from strawberry.extensions import SchemaExtension

from service.accesslog.touched import Touched, graphql_touched

# Where the call is kept in the request's state (scope["state"]).
STATE_KEY = "graphql_call"


@dataclass(frozen=True)
class GraphQLCall:
    kind: str  # query, mutation; "invalid" when the document did not parse
    name: str | None
    touched: Touched

    @property
    def operation(self) -> str:
        return f"{self.kind} {self.name or '(anonymous)'}"


class NoteGraphQLCall(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        context = self.execution_context
        request = getattr(context.context, "request", None)
        if request is None:
            return
        document = context.graphql_document
        operation = get_operation_ast(document, context.operation_name) if document else None
        if document is None or operation is None:
            # the name the client sent matched nothing: it is not repeated anywhere
            call = GraphQLCall("invalid", None, Touched())
        else:
            touched = graphql_touched(
                context.schema._schema, document, operation, context.variables
            )
            # the parsed name, a GraphQL name: safe as a metric label and in a record
            name = operation.name.value if operation.name else None
            call = GraphQLCall(operation.operation.value, name, touched)
        setattr(request.state, STATE_KEY, call)
