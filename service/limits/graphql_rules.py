"""GraphQL limits as Strawberry extensions whose refusals are problems.

Strawberry's own limiters (depth, aliases, tokens) report plain errors; here each
refusal carries a `LimitExceeded` problem naming the limit and its value, so that the
client reads `extensions.limit` / `extensions.limit_value` like any other problem.
"""

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from graphql import (
    ASTValidationRule,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSyntaxError,
    OperationDefinitionNode,
    ValidationContext,
    ValidationRule,
)
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)

from service.kit.errors import LimitExceeded, ProblemError
from service.limits.cost import (
    CostModel,
    Expansion,
    expand,
    operation_cost,
    root_field_counts,
)

# Root fields that scan a whole region tree: each at most once per request.
EXPENSIVE_ROOT_FIELDS = frozenset({"consistencyReport", "ranking", "laggards", "scorecard"})


def limit_error(error: ProblemError, nodes: Any = None) -> GraphQLError:
    """A refusal as a GraphQL error; ProblemExtensions puts the problem in `extensions`."""
    return GraphQLError(error.detail, nodes, original_error=error)


def _first_as_problem(
    rules: list[type[ASTValidationRule]], limit: str, value: int
) -> list[type[ASTValidationRule]]:
    """Strawberry's rules with their (first) report turned into a LimitExceeded problem:
    one error per limit, however many branches of the document break it."""

    def wrap(rule: type[ASTValidationRule]) -> type[ASTValidationRule]:
        class ProblemRule(rule):  # type: ignore[valid-type,misc]
            def __init__(self, context: ValidationContext) -> None:
                report = context.report_error
                reported = False

                def as_problem(error: GraphQLError) -> None:
                    nonlocal reported
                    if not reported:
                        reported = True
                        report(limit_error(LimitExceeded(limit, value, error.message), error.nodes))

                context.report_error = as_problem  # type: ignore[method-assign]
                try:
                    super().__init__(context)
                finally:
                    del context.report_error

        return ProblemRule

    return [wrap(r) for r in rules]


def depth_limiter(max_depth: int) -> Callable[[], SchemaExtension]:
    def make() -> SchemaExtension:
        limiter = QueryDepthLimiter(max_depth=max_depth)
        limiter.validation_rules = _first_as_problem(
            list(limiter.validation_rules), "depth", max_depth
        )
        return limiter

    return make


def alias_limiter(max_aliases: int) -> Callable[[], SchemaExtension]:
    def make() -> SchemaExtension:
        limiter = MaxAliasesLimiter(max_alias_count=max_aliases)
        limiter.validation_rules = _first_as_problem(
            list(limiter.validation_rules), "aliases", max_aliases
        )
        return limiter

    return make


class _TokenLimiter(MaxTokensLimiter):
    """The parser stops at the limit; its syntax error becomes the limit's problem.

    A document may not select, through its fragments, more fields than it may have
    tokens, nor chain fragments deeper than `max_fragment_depth`: both are refused here,
    before any validation rule walks the expanded document."""

    def __init__(self, max_token_count: int, max_fragment_depth: int) -> None:
        super().__init__(max_token_count)
        self.max_fragment_depth = max_fragment_depth

    def on_parse(self) -> Iterator[None]:
        yield
        context = self.execution_context
        if context.graphql_document is not None and not context.pre_execution_errors:
            problem = self._expansion_problem(
                expand(context.graphql_document, self.max_fragment_depth)
            )
            if problem is not None:
                context.pre_execution_errors = [limit_error(problem)]
        for error in context.pre_execution_errors or ():
            if isinstance(error, GraphQLSyntaxError) and "tokens" in error.message:
                problem = LimitExceeded(
                    "tokens",
                    self.max_token_count,
                    f"the document has more than {self.max_token_count} tokens",
                )
                error.message = problem.detail
                error.original_error = problem

    def _expansion_problem(self, expansion: Expansion) -> LimitExceeded | None:
        if expansion.fragment_depth > self.max_fragment_depth:
            detail = f"fragments spread fragments more than {self.max_fragment_depth} deep"
            return LimitExceeded("fragment_depth", self.max_fragment_depth, detail)
        if expansion.fields > self.max_token_count:
            detail = f"the document's fragments expand to more than {self.max_token_count} fields"
            return LimitExceeded("tokens", self.max_token_count, detail)
        return None


def token_limiter(max_tokens: int, max_fragment_depth: int) -> Callable[[], SchemaExtension]:
    return lambda: _TokenLimiter(max_tokens, max_fragment_depth)


class _CostLimiter(AddValidationRules):
    """Node cost and expensive root fields, from the document and the request's variables
    (a `limit: $n` counts what `$n` asks for), as a validation rule."""

    def __init__(self, max_cost: int, model: CostModel) -> None:
        super().__init__([])
        self.max_cost = max_cost
        self.model = model

    def on_operation(self) -> Iterator[None]:
        self.validation_rules = [self._rule(dict(self.execution_context.variables or {}))]
        yield from super().on_operation()

    def _rule(self, variables: Mapping[str, Any]) -> type[ValidationRule]:
        max_cost, model = self.max_cost, self.model

        class CostRule(ValidationRule):
            def __init__(self, context: ValidationContext) -> None:
                super().__init__(context)
                definitions = context.document.definitions
                fragments = {
                    d.name.value: d for d in definitions if isinstance(d, FragmentDefinitionNode)
                }
                for op in definitions:
                    if isinstance(op, OperationDefinitionNode):
                        self._check(context, op, fragments)

            def _check(
                self,
                context: ValidationContext,
                op: OperationDefinitionNode,
                fragments: Mapping[str, FragmentDefinitionNode],
            ) -> None:
                cost = operation_cost(context.schema, op, fragments, variables, model)
                if cost > max_cost:
                    detail = f"the query may return {cost} nodes; at most {max_cost}"
                    context.report_error(limit_error(LimitExceeded("cost", max_cost, detail), op))
                for name, count in sorted(root_field_counts(op, fragments).items()):
                    if name in EXPENSIVE_ROOT_FIELDS and count > 1:
                        detail = f"{name} is asked for {count} times; at most once per request"
                        problem = LimitExceeded(f"once:{name}", 1, detail)
                        context.report_error(limit_error(problem, op))

        return CostRule


def cost_limiter(max_cost: int, model: CostModel) -> Callable[[], SchemaExtension]:
    return lambda: _CostLimiter(max_cost, model)
