"""Building pydantic records from database rows without validation, cheaply.

`BaseModel.model_construct` skips validation but still walks every field for defaults
and aliases (about 20 µs a record); a tree of the whole country builds tens of
thousands of records per request. The rows are typed by the tables' own checks, so a
record is made the way `model_construct` makes it at its core: its values as its
`__dict__`. Every field must be given.
"""

from typing import Any, TypeVar

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)


def construct(model: type[M], **values: Any) -> M:
    record = model.__new__(model)
    object.__setattr__(record, "__dict__", values)
    object.__setattr__(record, "__pydantic_fields_set__", set(values))
    object.__setattr__(record, "__pydantic_extra__", None)
    object.__setattr__(record, "__pydantic_private__", None)
    return record
