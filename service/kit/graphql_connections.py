"""Cursor connections on every paginated GraphQL list, as GitHub's, PostGraphile's and
Hasura's APIs have them: `first`/`after`, `last`/`before`, `totalCount`, `nodes`,
`edges { cursor node }` and `pageInfo`.

They sit beside the offset fields (`items`, `total`, `limit`, `offset`, `nextOffset`),
which keep working: a cursor is the item's position in the list, opaque to clients, so
the arguments translate to the same limit and offset the services already take.
"""

import base64
import binascii
import inspect
from collections.abc import Awaitable, Callable
from typing import Any, Generic, Protocol, TypeVar, get_args, get_origin

import strawberry
from strawberry.annotation import StrawberryAnnotation
from strawberry.extensions.field_extension import AsyncExtensionResolver, FieldExtension
from strawberry.types.arguments import StrawberryArgument
from strawberry.types.base import StrawberryContainer, has_object_definition
from strawberry.types.field import StrawberryField
from strawberry.types.lazy_type import LazyType

from service.config import get_settings
from service.kit.errors import InvalidInput
from service.kit.inputs import MAX_PAGE_SIZE

T = TypeVar("T")
_PREFIX = "offset:"


def encode_cursor(position: int) -> str:
    return base64.urlsafe_b64encode(f"{_PREFIX}{position}".encode()).decode()


def decode_cursor(cursor: str, argument: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor.encode("ascii")).decode()
        position = int(text.removeprefix(_PREFIX)) if text.startswith(_PREFIX) else -1
    except (UnicodeError, ValueError, binascii.Error):
        position = -1
    if not 0 <= position < 2**31:
        raise InvalidInput(argument, f"not a cursor of this list: '{cursor[:60]}'")
    return position


@strawberry.type(name="PageInfo", description="Where a page sits in its list. 分页信息")
class PageInfo:
    has_next_page: bool = strawberry.field(
        description="More items follow the page's last. 是否有下一页"
    )
    has_previous_page: bool = strawberry.field(
        description="Items come before the page's first. 是否有上一页"
    )
    start_cursor: str | None = strawberry.field(
        description="The cursor of the page's first item; null for an empty page. 首项游标"
    )
    end_cursor: str | None = strawberry.field(
        description="The cursor of the page's last item, for `after`; null for an empty page."
        " 末项游标"
    )


@strawberry.type(description="An item of a list with its cursor. 带游标的列表项")
class Edge(Generic[T]):
    cursor: str = strawberry.field(description="Pass as `after` or `before`. 游标")
    node: T = strawberry.field(description="The item. 列表项")


class _Page(Protocol[T]):
    items: list[T]
    total: int
    offset: int


@strawberry.type
class ConnectionFields(Generic[T]):
    """The connection's fields of a page type (which holds `items`, `total`, `offset`)."""

    @strawberry.field(description="Items in the whole list, all pages together. 总数")
    def total_count(self: _Page[T]) -> int:
        return self.total

    @strawberry.field(description="The page's items (the same as `items`). 本页各项")
    def nodes(self: _Page[T]) -> list[T]:
        return self.items

    @strawberry.field(description="The page's items with their cursors. 本页各项及游标")
    def edges(self: _Page[T]) -> list[Edge[T]]:
        return [
            Edge(cursor=encode_cursor(self.offset + i), node=item)
            for i, item in enumerate(self.items)
        ]

    @strawberry.field(description="Where the page sits in the list. 分页信息")
    def page_info(self: _Page[T]) -> PageInfo:
        end = self.offset + len(self.items)
        return PageInfo(
            has_next_page=end < self.total,
            has_previous_page=self.offset > 0,
            start_cursor=encode_cursor(self.offset) if self.items else None,
            end_cursor=encode_cursor(end - 1) if self.items else None,
        )


def _argument(name: str, kind: type, description: str) -> StrawberryArgument:
    return StrawberryArgument(
        python_name=name,
        graphql_name=None,
        type_annotation=StrawberryAnnotation(kind | None),
        description=description,
        default=None,
    )


class CursorPaging(FieldExtension):
    """Adds `first`, `after`, `last`, `before` to a paginated field and answers them through
    the field's own `limit` and `offset`."""

    def apply(self, field: StrawberryField) -> None:
        size = f"1–{MAX_PAGE_SIZE}"
        field.arguments = [
            *field.arguments,
            _argument("first", int, f"The first n items ({size}), after `after`. 前n项"),
            _argument("after", str, "A cursor: items after it. 在此游标之后"),
            _argument("last", int, f"The last n items ({size}), before `before`. 后n项"),
            _argument("before", str, "A cursor: items before it. 在此游标之前"),
        ]

    async def resolve_async(  # type: ignore[override]
        self,
        next_: AsyncExtensionResolver,
        source: Any,
        info: strawberry.Info,
        /,  # a field may have arguments named `source` or `info` (fundAccounts does)
        *,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if first is None and after is None and last is None and before is None:
            return await _awaited(next_(source, info, **kwargs))
        if kwargs.get("limit") is not None or kwargs.get("offset") is not None:
            raise InvalidInput("first", "give first/after/last/before or limit/offset, not both")

        async def fetch(limit: int, offset: int) -> Any:
            return await _awaited(
                next_(source, info, **{**kwargs, "limit": limit, "offset": offset})
            )

        start = decode_cursor(after, "after") + 1 if after is not None else 0
        end = decode_cursor(before, "before") if before is not None else None
        if first is not None:
            size = _size(first, "first")
            if end is not None:
                size = min(size, end - start)
            return _trimmed(await fetch(max(size, 1), start), size)
        if last is not None:
            size = _size(last, "last")
            if end is None:  # from the list's end: its length first
                end = (await fetch(1, 0)).total
            offset = max(start, end - size)
            return _trimmed(await fetch(max(end - offset, 1), offset), end - offset)
        # only cursors: everything between them, one default page at most
        default = get_settings().default_page_size
        size = default if end is None else min(end - start, MAX_PAGE_SIZE)
        return _trimmed(await fetch(max(size, 1), start), size)


def _size(value: int, argument: str) -> int:
    most = min(get_settings().max_page_size, MAX_PAGE_SIZE)
    if not 1 <= value <= most:
        raise InvalidInput(argument, f"must be between 1 and {most}, got {value}")
    return value


def _trimmed(page: Any, size: int) -> Any:
    """An empty window (`after` at or past `before`) still answers the list's total."""
    if size <= 0:
        page.items = []
    return page


async def _awaited(value: Any | Awaitable[Any]) -> Any:
    return await value if inspect.isawaitable(value) else value


def _named(kind: Any) -> Any:
    while True:
        if isinstance(kind, LazyType):
            kind = kind.resolve_type()
        elif isinstance(kind, StrawberryContainer):
            kind = kind.of_type
        else:
            return kind


def with_cursor_paging(root: type, is_page: Callable[[type], bool]) -> None:
    """Give every field under `root` that returns a page the cursor arguments."""
    seen: set[type] = set()

    def visit(kind: type) -> None:
        if kind in seen or not has_object_definition(kind):
            return
        seen.add(kind)
        for field in kind.__strawberry_definition__.fields:
            named = _named(field.type)
            origin = get_origin(named) or named
            paged = isinstance(origin, type) and is_page(origin)
            if paged and not any(isinstance(e, CursorPaging) for e in field.extensions):
                field.extensions.append(CursorPaging())
            for candidate in (named, *get_args(named)):
                if isinstance(candidate, type):
                    visit(candidate)

    visit(root)
