"""Document reads shared by both doors."""

from collections import defaultdict

from service.documents import store
from service.documents.schemas import Document, DocumentDetail, StatedFilter, StatedValue
from service.kit.db import Session
from service.kit.errors import InvalidInput, NotFound
from service.kit.pagination import Page, PageRequest
from service.regions import service as regions


class DocumentNotFound(NotFound):
    code = "document-not-found"
    title = "Unknown document"

    def __init__(self, key: int | str) -> None:
        super().__init__(f"no document '{key}'", field="document", document=str(key))


async def documents(
    db: Session, page: PageRequest, *, region: str | None = None, descendants: bool = False
) -> Page[Document]:
    codes: list[str] | None = None
    if region is not None:
        codes = await regions.codes(db, region, descendants)
    items, total = await store.page(db, codes, page.limit, page.offset)
    if total is None:
        total = await store.count(db, codes) if page.offset else 0
    return Page(items, total, page.limit, page.offset)


async def get(db: Session, document_id: int) -> Document:
    found = await store.by_id(db, document_id)
    if found is None:
        raise DocumentNotFound(document_id)
    return found


async def find(db: Session, *, id: int | None = None, number: str | None = None) -> Document:
    """One document by id or by number (文号)."""
    if id is not None:
        return await get(db, id)
    if number is None:
        raise InvalidInput("id", "give a document id or a number")
    found = await store.by_number(db, number)
    if found is None:
        raise DocumentNotFound(number)
    return found


async def detail(db: Session, document_id: int) -> DocumentDetail:
    document = await get(db, document_id)
    stated = (await stated_values_of(db, [document.id], StatedFilter()))[document.id]
    return DocumentDetail(**document.model_dump(), stated_values=stated)


async def stated_values_of(
    db: Session, document_ids: list[int], flt: StatedFilter
) -> dict[int, list[StatedValue]]:
    """Stated values of many documents in one statement (the nested-read batch)."""
    found: dict[int, list[StatedValue]] = defaultdict(list)
    for document_id, value in await store.stated_values(db, document_ids, flt):
        found[document_id].append(value)
    return {i: found[i] for i in document_ids}
