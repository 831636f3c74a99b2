"""Request and response schemas of relevance: marks and the review queue (the brand's
relevance report is ``models.report_types.RelevancePublic``, built by the service)."""

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from api.schemas import MentionPublic


class FeedbackCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    relevant: StrictBool = Field(
        description="true: the mention is about the brand; false: it is not (it is hidden)"
    )


class ReviewPage(BaseModel):
    items: list[MentionPublic]


class ReviewQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    limit: int = Field(default=20, ge=1, le=100)
