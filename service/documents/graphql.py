"""GraphQL door to documents."""

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

import strawberry
from strawberry.dataloader import DataLoader

from service.documents import service
from service.documents.schemas import Document, StatedFilter, StatedValue
from service.kit.db import Session
from service.kit.graphql import Context, LoaderKey, PageType, page_request

if False:  # pragma: no cover - typing only
    from service.regions.graphql import RegionType

RegionRef = Annotated["RegionType", strawberry.lazy("service.regions.graphql")]


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


StatedKey = tuple[int, StatedFilter]


def _stated_loader(db: Session) -> DataLoader[StatedKey, list[StatedValue]]:
    async def load(keys: list[StatedKey]) -> list[list[StatedValue]]:
        found: dict[StatedKey, list[StatedValue]] = {}
        for flt in {f for _, f in keys}:  # one statement per distinct filter
            ids = [i for i, f in keys if f == flt]
            for document_id, values in (await service.stated_values_of(db, ids, flt)).items():
                found[(document_id, flt)] = values
        return [found[k] for k in keys]

    return DataLoader(load_fn=load)


@strawberry.type(name="Document", description="A plan or report that figures are read from.")
class DocumentType:
    id: int
    number: str = strawberry.field(description="文号")
    issuer: str
    title: str
    issued_on: date
    region_code: str
    annexes: list[AnnexType]

    @strawberry.field(description="The issuing region.")
    async def region(self, info: strawberry.Info[Context, Any]) -> RegionRef:
        from service.regions.graphql import region_loader

        region = await region_loader(info.context).load(self.region_code)
        assert region is not None
        return region

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
        limit: int | None = None,
        offset: int | None = None,
    ) -> DocumentPage:
        page = await service.documents(
            info.context.db, page_request(limit, offset), region=region, descendants=descendants
        )
        return DocumentPage.from_page(page, DocumentType.from_record)

    @strawberry.field(description="One document by id or by number (文号).")
    async def document(
        self, info: strawberry.Info[Context, Any], id: int | None = None, number: str | None = None
    ) -> DocumentType:
        return DocumentType.from_record(await service.find(info.context.db, id=id, number=number))
