"""Locate the shared seed documents beside the repository (absent on a user's machine)."""

from pathlib import Path

import pytest

from service.ingest.importers import parse_seed_text
from service.ingest.records import SeedData
from service.ingest.regions import RegionDirectory

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / ".." / "shared" / "seeds"
SHIPPED = REPO / "service" / "seeds"
JIANGXI = "000_c7664583dfe9e5a5.txt"
JINCHENG = "003_05dee328e955cde5.txt"


def seed_path(name: str) -> Path:
    path = SEEDS / name
    if not path.is_file():
        pytest.skip(f"seed document {name} not found in {SEEDS.resolve()} (no shared folder)")
    return path


@pytest.fixture(scope="session")
def directory() -> RegionDirectory:
    return RegionDirectory.load()


@pytest.fixture(scope="session")
def jiangxi(directory: RegionDirectory) -> SeedData:
    return parse_seed_text(seed_path(JIANGXI), directory)


@pytest.fixture(scope="session")
def jincheng(directory: RegionDirectory) -> SeedData:
    return parse_seed_text(seed_path(JINCHENG), directory)
