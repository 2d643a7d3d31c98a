"""REST door to documents."""

from typing import Annotated

from fastapi import APIRouter, Query

from service.auth.sessions import ReadDb
from service.documents import service
from service.documents.schemas import Document, DocumentDetail
from service.kit.inputs import Id, ShortText
from service.kit.rest import PROBLEM_RESPONSES, PageOut, PageParams

router = APIRouter(tags=["documents"], responses=PROBLEM_RESPONSES)


@router.get("/documents", summary="Source documents, newest first")
async def list_documents(
    db: ReadDb,
    page: PageParams,
    region: Annotated[ShortText | None, Query(description="Issuing region code")] = None,
    descendants: Annotated[bool, Query(description="Issued anywhere in the subtree")] = False,
) -> PageOut[Document]:
    return PageOut.of(await service.documents(db, page, region=region, descendants=descendants))


@router.get("/documents/{document_id}", summary="One document with its annexes and stated values")
async def get_document(db: ReadDb, document_id: Id) -> DocumentDetail:
    return await service.detail(db, document_id)
