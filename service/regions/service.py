"""Region look-ups shared by both doors."""

import re

from service.kit.db import Session
from service.kit.errors import InvalidInput, NotFound
from service.regions import store
from service.regions.names import normalised
from service.regions.schemas import Region, RegionLevel, RegionTree

_CODE = re.compile(r"^[0-9]{6}(-[A-Z0-9]+)*$")


class RegionNotFound(NotFound):
    code = "region-not-found"
    title = "Unknown region"

    def __init__(self, key: str) -> None:
        super().__init__(f"no region with code or name '{key}'", field="region", region=key)


async def get(db: Session, code: str) -> Region:
    if not _CODE.match(code):
        raise RegionNotFound(code)
    found = await store.by_codes(db, [code])
    if not found:
        raise RegionNotFound(code)
    return found[0]


async def find(db: Session, *, code: str | None = None, name: str | None = None) -> Region:
    """One region by code, or by name or alias, or by the English name, pinyin or initials
    people type (`jinggangshan`, `jgs`); a name shared by several regions is refused."""
    if code is not None:
        return await get(db, code)
    if name is None:
        raise InvalidInput("code", "give a region code or a name")
    matches = await store.by_name(db, re.sub(r"\s", "", name))
    if not matches and (key := typed_key(name)):
        matches = await store.by_typed_name(db, key)
    if not matches:
        raise RegionNotFound(name)
    if len(matches) > 1:
        codes = ", ".join(r.code for r in matches)
        raise InvalidInput("name", f"'{name}' names several regions ({codes}); use a code")
    return matches[0]


def typed_key(text: str) -> str:
    """A typed name as the stored keys are: lower case, letters and digits only."""
    return re.sub(r"[^a-z0-9]", "", normalised(text))


async def search(db: Session, text: str, limit: int) -> list[Region]:
    """The regions a person may mean by `text`, best matches first."""
    text = re.sub(r"\s", "", text)
    if not text:
        raise InvalidInput("name", "give some of a region's name")
    return await store.search(db, text, typed_key(text), limit)


async def children(db: Session, code: str, level: RegionLevel | None = None) -> list[Region]:
    await get(db, code)
    return await store.children_of(db, [code], level.value if level else None)


async def descendants(db: Session, code: str, level: RegionLevel | None = None) -> list[Region]:
    await get(db, code)
    regions = await store.subtree(db, code, level.value if level else None)
    return [r for r in regions if r.code != code]


async def subtree_codes(db: Session, code: str) -> list[str]:
    await get(db, code)
    return [r.code for r in await store.subtree(db, code, None)]


async def codes(db: Session, code: str, descendants: bool) -> list[str]:
    """The codes a list reads: the region's own, or its whole subtree's."""
    if descendants:
        return await subtree_codes(db, code)
    return [(await get(db, code)).code]


async def tree(db: Session, code: str | None = None) -> list[RegionTree]:
    """The whole tree under `code`, or under every province when no code is given."""
    tops = [await get(db, code)] if code else await store.roots(db)
    nodes: dict[str, RegionTree] = {}
    result: list[RegionTree] = []
    for top in tops:
        for region in await store.subtree(db, top.code, None):
            node = RegionTree(**region.model_dump())
            nodes[node.code] = node
            parent = nodes.get(region.parent_code or "")
            if region.code == top.code or parent is None:
                result.append(node)
            else:
                parent.children.append(node)
    return result
