"""Documents: the plans and reports every imported figure points back to."""

from datetime import date
from decimal import Decimal

from pydantic import BaseModel


class Annex(BaseModel):
    annex: int
    title: str


class Document(BaseModel):
    id: int
    number: str  # 文号, e.g. 晋市保办字〔2025〕1号
    issuer: str
    title: str
    issued_on: date
    region_code: str  # the region that issued it
    annexes: list[Annex]
    # the number of the reissue that replaced it (docs/decisions/0011); None: in force
    superseded_by: str | None = None


class StatedValue(BaseModel):
    """A number the document states that the service derives (a rate, a balance, a total).

    Kept to check the derivation against, never served as the figure itself.
    """

    annex: int
    line: int
    region_code: str
    subject: str  # e.g. fund-closing:CENTRAL, loan-rate, figure-rate:SHANTYTOWN:COMPLETION:SET
    value: Decimal
    decimals: int  # published precision
    is_percent: bool


class StatedFilter(BaseModel, frozen=True):
    annex: int | None = None
    region: str | None = None


class DocumentDetail(Document):
    stated_values: list[StatedValue]
