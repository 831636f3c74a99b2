"""What an alert keeps in `alert.figures`: the typed figures behind a spike, a negative surge
or a digest, built once by the services, stored as JSON with the alert (so a retry sends the
same message) and validated back into these models by the messages, the API and the pages.

Persisted, so readable across releases: every field added later has a default (`volume`
came with the emails' chart), and unknown keys of older or newer rows are ignored.
"""

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from domain.buckets import Interval
from models.report_types import SentimentSummary, TermCountPublic


class Figures(BaseModel):
    model_config = ConfigDict(extra="ignore")


class MentionSnapshot(Figures):
    """What an alert keeps of a mention, so its message does not change later."""

    id: int
    title: str = ""
    url: str = ""
    source_kind: str = ""
    domain: str = ""
    author: str | None = None
    published_at: datetime | None = None
    sentiment_label: str = "neutral"
    sentiment_compound: float = 0.0
    excerpt: str = ""
    engagement_score: int | None = None


class VolumeBucket(Figures):
    """One bar of the emails' volume-and-sentiment chart."""

    start: datetime
    positive: int
    neutral: int
    negative: int

    @property
    def mentions(self) -> int:
        return self.positive + self.neutral + self.negative


class KindCount(Figures):
    source_kind: str
    mentions: int


class AuthorMentions(Figures):
    author: str
    mentions: int


class AlertFigures(Figures):
    """What every alert carries: the brand's timezone, sample mentions, the volume chart."""

    timezone: str = "UTC"
    sample_mentions: list[MentionSnapshot] = []
    volume_interval: Interval = "hour"
    volume: list[VolumeBucket] = []


class SpikeFigures(AlertFigures):
    """Why a spike or a negative surge fired, and what happened in its window."""

    observed: int
    expected: float
    threshold: int
    p_value: float
    sensitivity: str
    window_minutes: int
    cooldown_minutes: int
    baseline_days: int
    baseline_mentions: int
    baseline_negative: int
    negative_only: bool = False
    observed_share: float | None = None
    baseline_share: float | None = None
    top_sources: list[KindCount] = []
    top_authors: list[AuthorMentions] = []
    top_terms: list[TermCountPublic] = []


class PeriodChange(Figures):
    mentions: int
    change_pct: float | None


class BrandVoice(Figures):
    brand_id: int
    name: str
    mentions: int
    share: float


class ObjectiveLine(Figures):
    id: int | None
    name: str
    metric: str
    direction: str
    target: float
    current: float
    projected: float
    progress_pct: float
    status: str


class SourceLine(Figures):
    id: int | None
    name: str  # kind and where, as stored by older releases
    kind: str = ""
    where: str = ""  # its URL, search, hashtag, subreddit or locale
    status: str
    health: str  # the period's polling record and the state now, in words
    last_error: str | None = None
    consecutive_failures: int = 0
    failed_hours: int = 0
    gaps: int = 0
    polled: bool = True


class FoldedAlert(Figures):
    id: int | None
    kind: str
    fired_at: datetime
    fired_at_local: str = ""
    reason: str = ""


class DigestFigures(AlertFigures):
    """A digest's content: the Situation of the period it covers and Control as of then."""

    mentions: int
    previous_period: PeriodChange
    sentiment: SentimentSummary
    share_of_voice: list[BrandVoice] = []
    top_terms: list[TermCountPublic] = []
    objectives: list[ObjectiveLine] = []
    sources: list[SourceLine] = []
    schedule: Literal["daily", "weekly"] = "daily"
    folded_alerts: list[FoldedAlert] = []


def read_figures(kind: str, stored: dict[str, Any]) -> DigestFigures | SpikeFigures:
    """A stored `alert.figures` as its model (ValidationError if it is not one)."""
    if kind == "digest":
        return DigestFigures.model_validate(stored)
    return SpikeFigures.model_validate(stored)
