"""Milestone reads shared by both doors."""

from service.catalogue import service as catalogue
from service.documents import service as documents
from service.kit.db import Session
from service.kit.pagination import Page, PageRequest
from service.milestones import store
from service.milestones.schemas import Milestone, MilestoneFilter


async def milestones(db: Session, flt: MilestoneFilter, page: PageRequest) -> Page[Milestone]:
    if flt.programme is not None:
        await catalogue.check_programme(db, flt.programme)
    if flt.document is not None:
        await documents.get(db, flt.document)  # an unknown document is a 404, not an empty list
    items, total = await store.page(db, flt, page.limit, page.offset)
    if total is None:
        total = await store.count(db, flt) if page.offset else 0
    return Page(items, total, page.limit, page.offset)
