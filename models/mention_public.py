"""A mention as every reader sees it (the API, the reports, the pages): ``MentionPublic``."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from models.tables import Mention


class SentimentPublic(BaseModel):
    compound: float
    positive: float
    neutral: float
    negative: float
    label: str
    model: str


class EngagementPublic(BaseModel):
    score: int | None
    comments: int | None


class MentionPublic(BaseModel):
    id: int
    brand_id: int
    source_id: int | None
    source_kind: str
    url: str
    domain: str
    title: str
    text: str
    author: str | None
    published_at: datetime
    fetched_at: datetime
    language: str | None
    sentiment: SentimentPublic
    engagement: EngagementPublic
    also_seen_in: list[dict[str, Any]]
    media_type: str


def public_fields(m: Mention) -> dict[str, Any]:
    """A mention as the API shows it (``MentionPublic``), in plain values."""
    return {
        "id": m.id,
        "brand_id": m.brand_id,
        "source_id": m.source_id,
        "source_kind": m.source_kind,
        "url": m.url,
        "domain": m.domain,
        "title": m.title,
        "text": m.text,
        "author": m.author,
        "published_at": m.published_at,
        "fetched_at": m.fetched_at,
        "language": m.language,
        "sentiment": {
            "compound": m.sentiment_compound,
            "positive": m.sentiment_positive,
            "neutral": m.sentiment_neutral,
            "negative": m.sentiment_negative,
            "label": m.sentiment_label,
            "model": m.sentiment_model,
        },
        "engagement": {"score": m.engagement_score, "comments": m.engagement_comments},
        "also_seen_in": m.also_seen_in,
        "media_type": m.media_type,
    }


def to_public(m: Mention) -> MentionPublic:
    return MentionPublic.model_validate(public_fields(m))
