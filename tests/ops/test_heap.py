"""What start-up made is frozen out of the collector's reach, unless turned off."""

import gc
from collections.abc import Iterator

import pytest

from service.config import Settings
from service.ops import heap


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()


@pytest.mark.usefixtures("unfrozen")
def test_start_up_objects_are_frozen() -> None:
    heap.settle(Settings(gc_freeze=True))
    # every object alive now: the modules, the app's schema and routes
    assert gc.get_freeze_count() > 10_000
    assert gc.get_count()[0] < 100  # the young generation starts empty


@pytest.mark.usefixtures("unfrozen")
def test_freezing_can_be_turned_off() -> None:
    heap.settle(Settings(gc_freeze=False))
    assert gc.get_freeze_count() == 0
