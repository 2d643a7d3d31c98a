"""Milestones: deadlines a plan sets per programme, used to flag laggards."""

from datetime import date
from decimal import Decimal
from enum import Enum

from pydantic import BaseModel

from service.catalogue.schemas import PHASE_NAMES_ZH, Phase

# A plan's deadlines count what indicators count, plus preparatory work (前期工作),
# which has no indicator; so milestones have their own phase vocabulary.
MilestonePhase = Enum(  # type: ignore[misc]
    "MilestonePhase", {**{p.value: p.value for p in Phase}, "PREPARATION": "PREPARATION"}, type=str
)
MILESTONE_PHASE_NAMES_ZH: dict[str, str] = {
    **{p.value: zh for p, zh in PHASE_NAMES_ZH.items()},
    "PREPARATION": "前期工作",
}


class MilestoneFilter(BaseModel, frozen=True):
    programme: str | None = None
    document: int | None = None  # a document id


class Milestone(BaseModel):
    id: int
    document_id: int
    document_number: str
    programme: str
    programme_zh: str
    phase: MilestonePhase
    scope_zh: str  # which projects the deadline covers
    due_on: date
    required_rate: Decimal | None  # percent of the target due by then; None = all of it
