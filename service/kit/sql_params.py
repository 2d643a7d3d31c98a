"""Positional parameters of a statement built from the filters that are set."""

from typing import Any


class SqlParams:
    """A filter left out is absent from the SQL, so every condition that is there can be
    an index condition: `arg(value, "int")` appends the value and returns `$n::int`."""

    def __init__(self) -> None:
        self.values: list[Any] = []

    def __call__(self, value: Any, cast: str) -> str:
        self.values.append(value)
        return f"${len(self.values)}::{cast}"
