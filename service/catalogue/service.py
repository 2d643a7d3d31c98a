"""Catalogue look-ups shared by both doors."""

from service.catalogue import store
from service.catalogue.schemas import Indicator, ProgrammeInfo
from service.kit.db import Session
from service.kit.errors import NotFound


class IndicatorNotFound(NotFound):
    code = "indicator-not-found"
    title = "Unknown indicator"

    def __init__(self, key: str) -> None:
        super().__init__(f"no indicator with code '{key}'", field="indicator", indicator=key)


async def indicators(db: Session, programme: str | None = None) -> list[Indicator]:
    return await store.indicators(db, programme=programme)


async def indicator(db: Session, code: str) -> Indicator:
    found = await store.indicators(db, codes=[code])
    if not found:
        raise IndicatorNotFound(code)
    return found[0]


async def programmes(db: Session) -> list[ProgrammeInfo]:
    return await store.programmes(db)
