"""The typed reports: built once by the services, read by the JSON API (as its response
models: the names are the spec's), the pages, the digest and the alert messages, so mypy
checks every consumer. Situation, Control and a brand's relevance here; what alerts keep in
`alert.figures` in ``models.alert_figures``."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from models.mention_public import MentionPublic

Metric = Literal["mentions", "net_sentiment", "avg_sentiment", "positive_share", "share_of_voice"]
Direction = Literal["at_least", "at_most"]
Status = Literal["achieved", "on_track", "at_risk", "off_track"]
MediaType = Literal["owned", "earned", "paid"]


class GapPublic(BaseModel):
    since: datetime
    until: datetime


class SourceIssue(BaseModel):
    source_id: int
    brand_id: int
    kind: str
    status: str = Field(description="The source's status now: ok, failing or paused")
    last_error: str | None = Field(description="The source's last error now")
    failed_hours: int = Field(description="Hours of the period with at least one failed poll")
    gaps: list[GapPublic] = Field(description="Stretches of the period without a successful poll")


class HealthPublic(BaseModel):
    """The sources behind a volume: a failing or unpolled source explains a drop."""

    ok: bool
    sources: int
    failing: int
    with_gaps: int
    issues: list[SourceIssue]


class PreviousPeriod(BaseModel):
    since: datetime
    until: datetime
    mentions: int
    change_pct: float | None = Field(description="null when the previous period had none")
    health: HealthPublic


class SentimentSummary(BaseModel):
    positive: int
    neutral: int
    negative: int
    avg: float = Field(description="Mean compound score, 4 decimals")
    net: float = Field(description="(positive - negative) / mentions x 100, 2 decimals")


class VoiceShare(BaseModel):
    brand_id: int
    name: str
    mentions: int
    share: float
    health: HealthPublic


class SourceVolume(BaseModel):
    source_kind: str
    mentions: int
    avg_sentiment: float
    health: HealthPublic


class MediaVolume(BaseModel):
    media_type: MediaType
    mentions: int
    share: float


class DomainCount(BaseModel):
    domain: str
    mentions: int


class AuthorCount(BaseModel):
    author: str
    mentions: int
    engagement: int = Field(description="Sum of score plus comments of the author's mentions")


class TermCountPublic(BaseModel):
    term: str
    count: int = Field(description="Sampled mentions that use the term")


class StoryPublic(BaseModel):
    """One news item and its near copies (services.stories)."""

    id: int = Field(description="The story's id: the id of its first mention")
    title: str = Field(description="The title of its first copy")
    mentions: int = Field(description="Its mentions in the period")
    domains: int = Field(description="Distinct domains that carried it in the period")
    first_seen: datetime = Field(description="When its first copy was published")
    first_url: str
    avg_sentiment: float = Field(description="Mean compound of its mentions in the period")


class StoryPage(BaseModel):
    items: list[StoryPublic]


class ExplanationPublic(BaseModel):
    """Whether one story carries a peak or a spike, or it is broad conversation."""

    kind: Literal["story", "broad"] = Field(
        description="`story`: one story carries at least half of the mentions (and 2 or more "
        "of them); `broad`: broad conversation"
    )
    share: float = Field(description="Share of the mentions in the largest story")
    story: StoryPublic | None = Field(description="The largest story, if any")


class PeakPublic(BaseModel):
    start: datetime
    end: datetime
    mentions: int
    top_mentions: list[MentionPublic]
    explanation: ExplanationPublic


class ScoresPublic(BaseModel):
    strength: float = Field(
        description="Share of the period's mentions that fell in its last 24 hours"
    )
    sentiment_ratio: float | None = Field(
        description="Positive mentions per negative one; null without negative mentions"
    )
    passion: float = Field(
        description="Share of mentions (with a known author) by authors who mention the brand "
        "more than once in the period"
    )
    reach: float = Field(description="Distinct authors / mentions")


class SituationPublic(BaseModel):
    """SOSTAC's Situation of one brand over [since, until)."""

    brand_id: int
    timezone: str
    since: datetime
    until: datetime
    mentions: int
    health: HealthPublic
    previous_period: PreviousPeriod
    sentiment: SentimentSummary
    share_of_voice: list[VoiceShare]
    by_source: list[SourceVolume]
    by_media_type: list[MediaVolume]
    top_domains: list[DomainCount]
    top_authors: list[AuthorCount]
    top_terms: list[TermCountPublic]
    top_mentions: list[MentionPublic]
    peaks: list[PeakPublic]
    scores: ScoresPublic
    stories: int = Field(description="Distinct stories among the period's mentions")
    top_stories: list[StoryPublic] = Field(description="The 5 stories with most mentions")


class SeriesPointPublic(BaseModel):
    start: datetime = Field(description="The local day's start (the objective's start on day 1)")
    value: float = Field(description="The metric over that day alone")
    cumulative: float = Field(description="The metric from the objective's start to that day's end")


class ObjectiveControl(BaseModel):
    """One objective measured as of a moment."""

    id: int
    name: str
    metric: Metric
    direction: Direction
    start: datetime
    deadline: datetime
    target: float
    baseline: float
    current: float
    progress_pct: float
    projected: float
    status: Status
    series: list[SeriesPointPublic]


class ControlPublic(BaseModel):
    """SOSTAC's Control of one brand: every objective as of `as_of`."""

    brand_id: int
    as_of: datetime
    objectives: list[ObjectiveControl]


class WeightedPhrase(BaseModel):
    phrase: str
    weight: float


class RelevancePublic(BaseModel):
    """A brand's marks and the model trained from them (services.relevance)."""

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
