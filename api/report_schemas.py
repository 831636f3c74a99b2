"""Request schemas of the Situation and Control reports, and the objectives' schemas."""

import math
from datetime import datetime

from pydantic import BaseModel, Field, field_validator

from api.params import Moment
from api.schemas import StrictModel
from models.report_types import ControlPublic, Direction, Metric, SituationPublic

# The report responses are the typed reports themselves (models.report_types).
__all__ = ["ControlPublic", "SituationPublic"]


class SituationQuery(StrictModel):
    since: Moment | None = Field(default=None, description="Inclusive; default until - 30 days")
    until: Moment | None = Field(default=None, description="Exclusive; default now")


class StoriesQuery(SituationQuery):
    limit: int = Field(default=20, ge=1, le=100)


def _finite(value: object) -> object:
    """NaN and infinities are refused as a string input, so the 422 answer (which echoes
    the input) stays valid JSON."""
    if isinstance(value, float) and not math.isfinite(value):
        return f"{value} is not a finite number"
    return value


class ObjectiveFields(StrictModel):
    @field_validator("target", mode="before", check_fields=False)
    @classmethod
    def finite(cls, value: object) -> object:
        return _finite(value)


class ObjectiveCreate(ObjectiveFields):
    name: str = Field(min_length=1, max_length=200)
    metric: Metric
    target: float
    direction: Direction = "at_least"
    start: Moment
    deadline: Moment


class ObjectiveUpdate(ObjectiveFields):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    metric: Metric | None = None
    target: float | None = None
    direction: Direction | None = None
    start: Moment | None = None
    deadline: Moment | None = None


class ObjectivePublic(BaseModel):
    id: int
    brand_id: int
    name: str
    metric: str
    target: float
    direction: str
    start: datetime
    deadline: datetime
    created_at: datetime


class ControlQuery(StrictModel):
    as_of: Moment | None = Field(default=None, description="Default now; not in the future")
    known_at: Moment | None = Field(
        default=None,
        description="Count only mentions fetched by then (default: all, whenever fetched); "
        "not after as_of",
    )
