"""Pick the importer of a document by the form of its number.

A kind of document comes again: next year's plan (赣建保〔2025〕…号), or a corrected
reissue under a new number. An importer is chosen by the number's pattern, not by one
number, and reads the year from the document's title, so neither needs a code change.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from service.ingest import jiangxi_plan, jincheng_report
from service.ingest.errors import SeedImportError
from service.ingest.records import SeedData
from service.ingest.regions import RegionDirectory
from service.ingest.tables import SourceText, split_document, squeeze

Importer = Callable[[SourceText, RegionDirectory, str], SeedData]


@dataclass(frozen=True)
class DocumentKind:
    name: str
    number: re.Pattern[str]  # the document number, alone on its line
    parse: Importer


KINDS = (
    DocumentKind("Jiangxi province plan", jiangxi_plan.NUMBER_PATTERN, jiangxi_plan.parse),
    DocumentKind("Jincheng city report", jincheng_report.NUMBER_PATTERN, jincheng_report.parse),
)


def parse_seed_source(text: str, directory: RegionDirectory | None = None) -> SeedData:
    source = split_document(text)
    # Only the prose counts, and only a line holding a number alone: a table, an annex
    # title or a sentence could cite another document.
    lines = [squeeze(line) for _, line in source.prose]
    found = [(kind, line) for kind in KINDS for line in lines if kind.number.fullmatch(line)]
    if len(found) != 1:
        numbers = [line for _, line in found] or "none"
        raise SeedImportError(f"expected one known document number, found {numbers}")
    kind, number = found[0]
    return kind.parse(source, directory or RegionDirectory.load(), number)


def parse_seed_text(path: Path | str, directory: RegionDirectory | None = None) -> SeedData:
    """Read a converted seed document (.txt) into records."""
    return parse_seed_source(Path(path).read_text(encoding="utf-8"), directory)
