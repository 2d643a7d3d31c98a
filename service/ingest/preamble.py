"""Read a document's number, issuer, title and date from the prose before the annexes."""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from service.ingest.errors import SeedImportError
from service.ingest.records import AnnexInfo
from service.ingest.tables import SourceText, squeeze

DATE_LINE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
TITLE_YEAR = re.compile(r"((?:19|20)\d{2})年")


@dataclass(frozen=True)
class Preamble:
    number: str
    number_line: int
    issuer: str
    title: str
    issued_on: date


def read_preamble(prose: Sequence[tuple[int, str]], number: str) -> Preamble:
    """The letterhead (issuers, each line ending in 文件 or not) sits above the number,
    the title below it up to the addressee line (ending in a colon), and the date
    of issue is the first line that is a date alone.
    """
    lines = [(line_no, squeeze(text)) for line_no, text in prose if text.strip()]
    index = next((i for i, (_, text) in enumerate(lines) if text == number), None)
    if index is None:
        raise SeedImportError(f"document number {number} not found on a line of its own")
    issuers = [text.removesuffix("文件") for _, text in lines[:index]]
    title: list[str] = []
    for _, text in lines[index + 1 :]:
        if text.endswith(("：", ":")):
            break
        title.append(text)
    issued = next((m for _, text in lines if (m := DATE_LINE.match(text))), None)
    if not issuers or not title or issued is None:
        raise SeedImportError(f"cannot read the issuer, title or date of {number}")
    return Preamble(
        number=number,
        number_line=lines[index][0],
        issuer="、".join(issuers),
        title="".join(title),
        issued_on=date(int(issued[1]), int(issued[2]), int(issued[3])),
    )


def title_year(preamble: Preamble) -> int:
    """The year a document's figures belong to, as its title names it (2024年, 2024年度)."""
    found = TITLE_YEAR.search(preamble.title)
    if found is None:
        raise SeedImportError(f"cannot read the year from the title of {preamble.number}")
    return int(found[1])


def find_line(prose: Sequence[tuple[int, str]], fragment: str) -> int:
    """The line number of the prose line containing `fragment` (white space ignored)."""
    wanted = squeeze(fragment)
    for line_no, text in prose:
        if wanted in squeeze(text):
            return line_no
    raise SeedImportError(f"prose sentence not found: {fragment}")


def check_annexes(source: SourceText, titles: dict[int, str]) -> tuple[AnnexInfo, ...]:
    """The document must hold exactly the expected annexes, each with its expected title."""
    found = [annex.number for annex in source.annexes]
    if found != sorted(titles):
        raise SeedImportError(f"expected annexes {sorted(titles)}, found {found}")
    for annex in source.annexes:
        if titles[annex.number] not in annex.title:
            raise SeedImportError(
                f"title '{annex.title}' lacks '{titles[annex.number]}'",
                annex=annex.number,
                line=annex.line,
            )
    return tuple(AnnexInfo(annex.number, annex.title) for annex in source.annexes)
