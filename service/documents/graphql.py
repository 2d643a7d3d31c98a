"""GraphQL door to documents."""

from datetime import date
from decimal import Decimal
from typing import Any

import strawberry

from service.documents import service
from service.documents.schemas import Document, StatedFilter, StatedValue
from service.kit.graphql import Context, LoaderKey, PageType, batched_loader, page_request
from service.kit.graphql_inputs import Limit, Offset
from service.regions.ref import RegionRef, region_of


@strawberry.type(name="Annex", description="An annex (附件) of a document.")
class AnnexType:
    annex: int
    title: str


@strawberry.type(
    name="StatedValue",
    description="A number the document states that the service derives; kept for checking.",
)
class StatedValueType:
    annex: int
    line: int
    region_code: str
    subject: str
    value: Decimal
    decimals: int = strawberry.field(description="Published precision")
    is_percent: bool

    @classmethod
    def from_record(cls, v: StatedValue) -> "StatedValueType":
        return cls(**v.model_dump())


# one statement per distinct filter among the keys, whatever the number of documents
_stated_loader = batched_loader(service.stated_values_of)


@strawberry.type(name="Document", description="A plan or report that figures are read from.")
class DocumentType:
    id: int
    number: str = strawberry.field(description="文号")
    issuer: str
    title: str
    issued_on: date
    region_code: str
    annexes: list[AnnexType]
    superseded_by: str | None

    @strawberry.field(description="The issuing region.")
    async def region(self, info: strawberry.Info[Context, Any]) -> RegionRef:
        return await region_of(info, self.region_code)

    @strawberry.field(description="Numbers the document states, optionally of one annex or region.")
    async def stated_values(
        self,
        info: strawberry.Info[Context, Any],
        annex: int | None = None,
        region: str | None = None,
    ) -> list[StatedValueType]:
        loader = info.context.loader(LoaderKey.STATED_VALUES, _stated_loader)
        values = await loader.load((self.id, StatedFilter(annex=annex, region=region)))
        return [StatedValueType.from_record(v) for v in values]

    @classmethod
    def from_record(cls, d: Document) -> "DocumentType":
        return cls(
            id=d.id,
            number=d.number,
            issuer=d.issuer,
            title=d.title,
            issued_on=d.issued_on,
            region_code=d.region_code,
            annexes=[AnnexType(annex=a.annex, title=a.title) for a in d.annexes],
            superseded_by=d.superseded_by,
        )


@strawberry.type(name="DocumentPage")
class DocumentPage(PageType[DocumentType]):
    pass


@strawberry.type
class DocumentsQuery:
    @strawberry.field(description="Source documents, newest first, optionally by issuing region.")
    async def documents(
        self,
        info: strawberry.Info[Context, Any],
        region: str | None = None,
        descendants: bool = False,
        limit: Limit = None,
        offset: Offset = None,
    ) -> DocumentPage:
        page = await service.documents(
            info.context.db, page_request(limit, offset), region=region, descendants=descendants
        )
        return DocumentPage.from_page(page, DocumentType.from_record)

    @strawberry.field(
        description="One document by id or by number (文号); null, with the reason in `errors`,"
        " when there is none, so that the query's other fields still answer."
    )
    async def document(
        self, info: strawberry.Info[Context, Any], id: int | None = None, number: str | None = None
    ) -> DocumentType | None:
        return DocumentType.from_record(await service.find(info.context.db, id=id, number=number))
