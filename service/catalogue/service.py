"""Catalogue look-ups shared by both doors, and additions by a catalogue administrator.

Programmes and indicators are data: adding one is a row, not a code change. A programme
added at run time is valid at once in every filter of both doors (a `programme`
argument is checked against the table per request, `check_programme`) and can carry
indicators, figures and fund flows.
"""

import re

from service.auth import policy
from service.auth.principal import Principal
from service.catalogue import store
from service.catalogue.schemas import Indicator, NewIndicator, NewProgramme, ProgrammeInfo
from service.kit.db import Session
from service.kit.errors import Conflict, InvalidInput, NotFound
from service.kit.writes import check_reason

_CODE = re.compile(r"^[A-Z][A-Z0-9_]*$")
MAX_CODE = 64
MAX_NAME = 200


class IndicatorNotFound(NotFound):
    code = "indicator-not-found"
    title = "Unknown indicator"

    def __init__(self, key: str) -> None:
        super().__init__(f"no indicator with code '{key}'", field="indicator", indicator=key)


class CatalogueConflict(Conflict):
    code = "catalogue-conflict"
    title = "Already in the catalogue"


class ProgrammeNotFound(InvalidInput):
    """A programme filter naming no programme of the catalogue (422, naming the argument)."""

    def __init__(self, code: str, field: str) -> None:
        super().__init__(field, f"no programme with code '{code}' (see the programmes list)")


async def check_programme(db: Session, code: str, field: str = "programme") -> str:
    """The code, if the catalogue has it now: asked per request, so that a programme
    added at run time is valid at once in every filter of both doors."""
    if not await store.programme_exists(db, code):
        raise ProgrammeNotFound(code, field)
    return code


async def indicators(db: Session, programme: str | None = None) -> list[Indicator]:
    if programme is not None:
        await check_programme(db, programme)
    return await store.indicators(db, programme=programme)


async def indicator(db: Session, code: str) -> Indicator:
    found = await store.indicators(db, codes=[code])
    if not found:
        raise IndicatorNotFound(code)
    return found[0]


async def programmes(db: Session) -> list[ProgrammeInfo]:
    return await store.programmes(db)


def _check_code(field: str, code: str) -> str:
    if not _CODE.match(code) or len(code) > MAX_CODE:
        raise InvalidInput(
            field,
            f"must be capitals, digits and underscores, starting with a capital"
            f" (at most {MAX_CODE}), got '{code}'",
        )
    return code


def _check_name(field: str, name: str) -> str:
    name = name.strip()
    if not name:
        raise InvalidInput(field, "must not be empty")
    if len(name) > MAX_NAME:
        raise InvalidInput(field, f"must be at most {MAX_NAME} characters")
    return name


def _check_english_name(name: str | None) -> str | None:
    """An English name is optional; one given is checked as the Chinese name is."""
    return None if name is None else _check_name("name_en", name)


async def add_programme(
    db: Session, principal: Principal, new: NewProgramme, reason: str
) -> ProgrammeInfo:
    """Add a housing programme (保障类型) after the others, as `principal`."""
    reason = check_reason(reason)
    policy.ensure_can_administer_catalogue(principal)
    code = _check_code("code", new.code)
    name = _check_name("name_zh", new.name_zh)
    name_en = _check_english_name(new.name_en)
    for taken in await store.programmes_named(db, code, name):
        field = "code" if taken.code == code else "name_zh"
        raise CatalogueConflict(
            f"programme {taken.code} ({taken.name_zh}) is already in the catalogue", field=field
        )
    await db.set_claims(reason=reason)
    checked = NewProgramme(code=code, name_zh=name, name_en=name_en)
    if not await store.insert_programme(db, checked):
        raise CatalogueConflict(f"programme {code} was added meanwhile", field="code")
    return ProgrammeInfo(code=code, name_zh=name, name_en=name_en)


def _expected_code(new: NewIndicator) -> str:
    parts = [new.programme, new.phase.value, new.unit.value]
    return ":".join([*parts, new.breakdown] if new.breakdown else parts)


async def add_indicator(
    db: Session, principal: Principal, new: NewIndicator, reason: str
) -> Indicator:
    """Add an indicator of an existing programme, as `principal`.

    Its code is PROGRAMME:PHASE:UNIT[:BREAKDOWN], like every indicator's, so the code is
    taken exactly when the combination is.
    """
    reason = check_reason(reason)
    policy.ensure_can_administer_catalogue(principal)
    if new.programme not in {p.code for p in await store.programmes(db)}:
        raise InvalidInput("programme", f"no programme with code '{new.programme}'")
    if new.breakdown is not None:
        _check_code("breakdown", new.breakdown)
    if (new.breakdown is None) != (new.breakdown_zh is None):
        raise InvalidInput("breakdown_zh", "give breakdown and breakdown_zh together, or neither")
    breakdown_zh = _check_name("breakdown_zh", new.breakdown_zh) if new.breakdown_zh else None
    expected = _expected_code(new)
    if new.code != expected:
        raise InvalidInput(
            "code", f"must be {expected} for this programme, phase, unit and breakdown"
        )
    checked = new.model_copy(
        update={
            "breakdown_zh": breakdown_zh,
            "name_zh": _check_name("name_zh", new.name_zh),
            "name_en": _check_english_name(new.name_en),
        }
    )
    if await store.indicators(db, codes=[new.code]):
        raise CatalogueConflict(f"indicator {new.code} is already in the catalogue", field="code")
    await db.set_claims(reason=reason)
    if not await store.insert_indicator(db, checked):
        raise CatalogueConflict(f"indicator {new.code} was added meanwhile", field="code")
    return await indicator(db, new.code)
