"""The fast path in the GraphQL execution: after parse and every validation rule (the
limits included), a query in the compiled subset is answered by its one statement on
the request's read snapshot; any other request, or one that would answer with an
error, is left to the ordinary execution."""

from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any

from graphql import (
    DirectiveNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    Visitor,
    get_operation_ast,
    located_error,
    visit,
)
from graphql import ExecutionResult as GraphQLExecutionResult
from graphql.execution.collect_fields import FragmentDetails
from graphql.execution.values import get_variable_values
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext, ExecutionResult

# the modules register the fields they compile
from service.graphql_compiler import figures, regions  # noqa: F401
from service.graphql_compiler.plan import Compiler, Plan, Unsupported
from service.graphql_compiler.raw import RawJson
from service.kit.errors import ProblemError
from service.kit.graphql import Context

_DIRECTIVES = frozenset({"skip", "include"})
_PlanKey = tuple[str, str | None, tuple[tuple[str, Any], ...]]


class _OtherDirectives(Visitor):
    found = False

    def enter_directive(self, node: DirectiveNode, *_args: Any) -> None:
        if node.name.value not in _DIRECTIVES:
            self.found = True


def _shape(variables: Mapping[str, Any]) -> tuple[tuple[str, Any], ...]:
    """What of the variables the SQL text depends on: which are null, and booleans."""
    return tuple(
        sorted((k, v if v is None or isinstance(v, bool) else ...) for k, v in variables.items())
    )


def compile_plan(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    raw_variables: Mapping[str, Any],
) -> Plan | None:
    """The operation's plan, or None when it leaves the compiled subset."""
    finder = _OtherDirectives()
    visit(document, finder)
    fragments = {
        d.name.value: FragmentDetails(d)
        for d in document.definitions
        if isinstance(d, FragmentDefinitionNode)
    }
    if finder.found or any(f.definition.variable_definitions for f in fragments.values()):
        return None
    variables = get_variable_values(
        schema, operation.variable_definitions or (), dict(raw_variables)
    )
    if isinstance(variables, list):
        return None
    try:
        return Compiler(schema, operation, fragments, variables).plan()
    except Unsupported:
        return None


class PlanCache:
    """Plans per (document, operation, variables' shape), the least recently used out."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._plans: OrderedDict[_PlanKey, Plan | None] = OrderedDict()

    def get(self, key: _PlanKey, make: Callable[[], Plan | None]) -> Plan | None:
        if key in self._plans:
            self._plans.move_to_end(key)
            return self._plans[key]
        plan = self._plans[key] = make()
        if len(self._plans) > self._size:
            self._plans.popitem(last=False)
        return plan


async def answer(context: ExecutionContext, cache: PlanCache) -> Any:
    """The result of the compiled statement, or None to execute the ordinary way."""
    document, request = context.graphql_document, context.context
    if document is None or context.query is None or not isinstance(request, Context):
        return None
    operation = get_operation_ast(document, context.operation_name)
    if operation is None or operation.operation != OperationType.QUERY:
        return None
    schema = context.schema._schema
    raw = context.variables or {}
    key = (context.query, context.operation_name, _shape(raw))
    plan = cache.get(key, lambda: compile_plan(schema, document, operation, raw))
    if plan is None:
        return None
    variables = get_variable_values(schema, operation.variable_definitions or (), dict(raw))
    if isinstance(variables, list):
        return None
    arguments = plan.arguments(variables)
    try:
        for check in plan.checks:
            check(arguments)
        db = request.db  # refused without the read scope
    except ProblemError:
        return None
    try:
        text = await db.fetchval_alone(plan.sql, *(get(arguments) for get in plan.params))
    except Exception as error:
        # the snapshot is spoilt for a second try: the failure is the answer, located at
        # the first field, so that its problem (a timeout: 503) or its masking applies
        first = next(
            (s for s in operation.selection_set.selections if isinstance(s, FieldNode)), None
        )
        located: GraphQLError = located_error(
            error,
            [first] if first else None,
            [(first.alias or first.name).value] if first else None,
        )
        return GraphQLExecutionResult(data=None, errors=[located])
    if text is None:
        return None
    data: Any = RawJson(text)  # sent as it is by the router (raw.encode)
    return ExecutionResult(data=data, errors=None)


def compiled_reads(cache_size: int) -> Callable[[], SchemaExtension]:
    cache = PlanCache(cache_size)

    class CompiledReads(SchemaExtension):
        async def on_execute(self) -> AsyncIterator[None]:
            context = self.execution_context
            if context.result is None:
                result = await answer(context, cache)
                if result is not None:
                    context.result = result
            yield

    return CompiledReads
