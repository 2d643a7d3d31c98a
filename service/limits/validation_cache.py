"""Validation kept per document and variables: with the limits' rules it was half of a
small query's CPU time. The cost rule reads the variables (a `limit: $n` counts what `$n`
asks for), so they are part of the key; nothing else a rule reads varies per request."""

import json
from collections import OrderedDict
from collections.abc import Callable, Iterator

from strawberry.extensions import SchemaExtension

# A document and its variables longer than this are validated each time, never kept.
MAX_KEY_CHARS = 100_000


class PassedValidations:
    """The requests (document text, variables) that passed every rule, newest last."""

    def __init__(self, maxsize: int) -> None:
        self._maxsize = maxsize
        self._passed: OrderedDict[tuple[str, str], None] = OrderedDict()

    def __contains__(self, key: tuple[str, str]) -> bool:
        if key not in self._passed:
            return False
        self._passed.move_to_end(key)
        return True

    def add(self, key: tuple[str, str]) -> None:
        self._passed[key] = None
        if len(self._passed) > self._maxsize:
            self._passed.popitem(last=False)


def _key(query: str | None, variables: object) -> tuple[str, str] | None:
    if query is None:
        return None
    try:
        values = json.dumps(variables, sort_keys=True, separators=(",", ":"))
    except (TypeError, ValueError):
        return None
    if len(query) + len(values) > MAX_KEY_CHARS:
        return None
    return query, values


def cached_validation(maxsize: int) -> Callable[[], SchemaExtension]:
    """An extension that skips validation for a request that passed it before. Only
    passes are kept: a refusal is validated again, so its errors are built afresh."""
    passed = PassedValidations(maxsize)

    class CachedValidation(SchemaExtension):
        def on_validate(self) -> Iterator[None]:
            context = self.execution_context
            key = _key(context.query, context.variables)
            if key is not None and context.pre_execution_errors is None and key in passed:
                context.pre_execution_errors = []  # Strawberry then skips its validation
                yield
                return
            yield
            if key is not None and context.pre_execution_errors == []:
                passed.add(key)

    return CachedValidation
