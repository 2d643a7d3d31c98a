"""Pick the importer of a seed document by the document number found in its text."""

from collections.abc import Callable
from pathlib import Path

from service.ingest import jiangxi_plan, jincheng_report
from service.ingest.errors import SeedImportError
from service.ingest.records import SeedData
from service.ingest.regions import RegionDirectory
from service.ingest.tables import SourceText, split_document, squeeze

Importer = Callable[[SourceText, RegionDirectory], SeedData]

IMPORTERS: dict[str, Importer] = {
    jiangxi_plan.NUMBER: jiangxi_plan.parse,
    jincheng_report.NUMBER: jincheng_report.parse,
}


def parse_seed_source(text: str, directory: RegionDirectory | None = None) -> SeedData:
    source = split_document(text)
    # Only the prose counts: a table or an annex title could cite another document.
    prose = squeeze("".join(line for _, line in source.prose))
    found = [number for number in IMPORTERS if number in prose]
    if len(found) != 1:
        raise SeedImportError(f"expected one known document number, found {found or 'none'}")
    return IMPORTERS[found[0]](source, directory or RegionDirectory.load())


def parse_seed_text(path: Path | str, directory: RegionDirectory | None = None) -> SeedData:
    """Read a converted seed document (.txt) into records."""
    return parse_seed_source(Path(path).read_text(encoding="utf-8"), directory)
