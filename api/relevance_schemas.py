"""Request and response schemas of relevance: marks, the review queue, the brand's model."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from api.schemas import MentionPublic


class FeedbackCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    relevant: StrictBool = Field(
        description="true: the mention is about the brand; false: it is not (it is hidden)"
    )


class WeightedPhrase(BaseModel):
    phrase: str
    weight: float


class RelevancePublic(BaseModel):
    brand_id: int
    marks: int
    relevant_marks: int
    irrelevant_marks: int
    has_model: bool
    marks_needed: int = Field(
        description="marks still needed before a first model is trained (of each kind, 3)"
    )
    model_version: int
    trained_at: datetime | None
    threshold: float | None
    precision: float | None = Field(description="cross-validated on the marks")
    recall: float | None = Field(description="cross-validated on the marks")
    top_for: list[WeightedPhrase]
    top_against: list[WeightedPhrase]
    suggested_exclusions: list[str]
    suggested_query: str | None = Field(
        description="the brand's query with the exclusions: PATCH it to apply them"
    )
    hidden_by_model: int


class ReviewPage(BaseModel):
    items: list[MentionPublic]


class ReviewQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    limit: int = Field(default=20, ge=1, le=100)
