"""The shape every write takes, whatever it writes (figures, money, loans, rectification):

1. *check* the whole set of items at once — set-based SQL where a rule needs the data,
   under the locks that keep it true until commit — collecting every problem with the
   item's index and field, not only the first;
2. *apply* the set in set-based statements (history and the changes feed are written
   per statement by the database's triggers), only when nothing was found.

A domain gives its own check and apply (`WritePlan`); this module holds what they share:
the problem list, its rendering as one RFC 9457 problem listing every item's problem
(REST) or as typed GraphQL errors, the lock that also names the write's reason for the
history, and the frame (`run`) that runs both steps in the caller's write transaction
(a refusal raised here rolls the transaction back: nothing is written).
"""

import json
from collections.abc import Callable, Sized
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

import strawberry
from pydantic import BaseModel

from service.kit.db import Session
from service.kit.errors import InvalidInput, ProblemError

C = TypeVar("C")


def batch_field(index: int, name: str | None) -> str:
    """An item's field as a batch names it: `items[2].amount`, `items[2]`."""
    return f"items[{index}]" + (f".{name}" if name else "")


def single_field(index: int, name: str | None) -> str:
    """A request that writes one item names its fields as its body does: `amount`."""
    return name or "request"


Naming = Callable[[int, str | None], str]


@dataclass(frozen=True)
class ItemProblem:
    """What is wrong with one item: `field` is the item's own (None: the item as a
    whole); `error` is the problem a door reports for it."""

    index: int
    field: str | None
    error: ProblemError
    same_as: int | None = None  # a duplicate: the index of the item it repeats
    about: Any = None  # what the check found, for a caller that words it its own way

    def as_dict(self) -> dict[str, object]:
        return {
            "item": self.index,
            "field": self.field,
            "status": self.error.status,
            "code": self.error.code,
            "message": self.error.detail,
        }


@dataclass
class Problems:
    """The problems a check found, in the order it found them (`in_item_order` sorts
    them). `naming` turns an item's field into the field a door reports (`batch_field`,
    `single_field`)."""

    naming: Naming = batch_field
    items: list[ItemProblem] = field(default_factory=list)
    total: int = 0  # every problem, listed or not (a check may stop listing at a limit)

    def __len__(self) -> int:
        return len(self.items)

    def name(self, index: int, name: str | None) -> str:
        return self.naming(index, name)

    def add(self, problem: ItemProblem) -> None:
        self.items.append(problem)
        self.total += 1

    def invalid(self, index: int, name: str | None, message: str, **extra: Any) -> None:
        """An item's value breaks a rule (422)."""
        self.add(ItemProblem(index, name, InvalidInput(self.name(index, name), message, **extra)))

    def refuse(self, index: int, name: str | None, error: ProblemError) -> None:
        """An item refused for a reason of its own kind (403, 404, 409 …)."""
        self.add(ItemProblem(index, name, error))

    def in_item_order(self) -> None:
        """Sort by item, keeping the order of each item's own problems."""
        self.items.sort(key=lambda p: p.index)

    @property
    def bad(self) -> list[int]:
        """The items found wrong so far, for the later checks to leave out."""
        return sorted({p.index for p in self.items})

    def refusal(self) -> ProblemError | None:
        """The first problem, as the doors report it, listing every problem when there
        are several (`errors`: item, field, status, code, message), in the order the
        checks found them (`in_item_order` sorts them)."""
        if not self.items:
            return None
        first = self.items[0].error
        if len(self.items) > 1:
            first.extra["errors"] = [p.as_dict() for p in self.items]
        return first

    def raise_any(self) -> None:
        if (refusal := self.refusal()) is not None:
            raise refusal


class WritePlan(Protocol[C]):
    """A domain's write: `check` collects every problem of the set into `problems` and
    returns what `apply` needs (`C`); `apply` writes it set-based."""

    async def check(self, db: Session, problems: Problems) -> C: ...

    async def apply(self, db: Session, checked: C) -> None: ...


async def run(db: Session, plan: "WritePlan[C]", naming: Naming = batch_field) -> C:
    """Check the whole set, refuse it with every problem, or apply it; in `db`'s
    transaction, which the refusal rolls back."""
    problems = Problems(naming)
    checked = await plan.check(db, problems)
    problems.raise_any()
    await plan.apply(db, checked)
    return checked


def check_items(items: Sized, most: int) -> None:
    """A batch's own bounds: at least one item, at most `most`."""
    if not items:
        raise InvalidInput("items", "give at least one item")
    if len(items) > most:
        raise InvalidInput("items", f"at most {most} items in one batch, got {len(items)}")


async def lock_rows(db: Session, select: str, args: list[Any], reason: str) -> None:
    """Lock the rows `select` (a `select … for update`) finds until commit, and name the
    write's reason for the history triggers, in one statement. Rows that do not exist
    yet are not locked: their writes must be additive (`on conflict do update`)."""
    await db.execute(
        f"with locked as ({select})"
        f" select set_config('anju.reason', ${len(args) + 1}, true), (select count(*) from locked)",
        *args,
        reason,
    )


def json_rows(value: str | list[Any]) -> list[Any]:
    """A check statement's findings, aggregated as a JSON array (asyncpg gives jsonb as
    text)."""
    return json.loads(value) if isinstance(value, str) else value


class ItemProblemOut(BaseModel):
    """One item's problem in a refused write's problem details (`errors`)."""

    item: int
    field: str | None
    status: int
    code: str
    message: str


@strawberry.type(
    name="ItemProblem",
    description="What is wrong with one item of a refused write. 写入请求中某一项的问题。",
)
class ItemProblemType:
    item: int = strawberry.field(description="The item's index, from 0. 项的序号（从 0 起）。")
    field: str | None = strawberry.field(
        description="The item's field; null: the item as a whole. 出错的字段；为空指整项。"
    )
    status: int = strawberry.field(description="The HTTP status it means. 对应的 HTTP 状态码。")
    code: str = strawberry.field(description="The problem's code. 问题代码。")
    message: str = strawberry.field(description="What is wrong. 问题说明。")


def item_problems(error: ProblemError) -> list[ItemProblemType]:
    """The item problems a refusal lists, for a typed GraphQL error (none: one problem)."""
    listed = error.extra.get("errors") or []
    return [ItemProblemType(**ItemProblemOut.model_validate(p).model_dump()) for p in listed]
