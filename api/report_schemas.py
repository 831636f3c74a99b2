"""Request schemas of the Situation and Control reports, and the objectives' schemas."""

import math
from datetime import UTC, datetime

from pydantic import BaseModel, Field, field_validator

from api.schemas import StrictModel
from models.report_types import ControlPublic, Direction, Metric, SituationPublic

# The report responses are the typed reports themselves (models.report_types).
__all__ = ["ControlPublic", "SituationPublic"]


def as_utc(value: datetime | None) -> datetime | None:
    """A datetime without an offset is read as UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class SituationQuery(StrictModel):
    since: datetime | None = Field(default=None, description="Inclusive; default until - 30 days")
    until: datetime | None = Field(default=None, description="Exclusive; default now")

    @field_validator("since", "until")
    @classmethod
    def utc(cls, value: datetime | None) -> datetime | None:
        return as_utc(value)


def _finite(value: object) -> object:
    """NaN and infinities are refused as a string input, so the 422 answer (which echoes
    the input) stays valid JSON."""
    if isinstance(value, float) and not math.isfinite(value):
        return f"{value} is not a finite number"
    return value


class ObjectiveFields(StrictModel):
    @field_validator("start", "deadline", check_fields=False)
    @classmethod
    def utc(cls, value: datetime | None) -> datetime | None:
        return as_utc(value)

    @field_validator("target", mode="before", check_fields=False)
    @classmethod
    def finite(cls, value: object) -> object:
        return _finite(value)


class ObjectiveCreate(ObjectiveFields):
    name: str = Field(min_length=1, max_length=200)
    metric: Metric
    target: float
    direction: Direction = "at_least"
    start: datetime
    deadline: datetime


class ObjectiveUpdate(ObjectiveFields):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    metric: Metric | None = None
    target: float | None = None
    direction: Direction | None = None
    start: datetime | None = None
    deadline: datetime | None = None


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
    as_of: datetime | None = Field(default=None, description="Default now; not in the future")

    @field_validator("as_of")
    @classmethod
    def utc(cls, value: datetime | None) -> datetime | None:
        return as_utc(value)
