"""Request and response schemas (XCreate, XUpdate, XPublic), named as in the spec."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator

from api.params import Id, Moment
from core.i18n import bcp47_locale
from domain.names import check_name
from domain.query import QuerySyntaxError, parse_query
from models.mention_public import EngagementPublic, MentionPublic, SentimentPublic
from sources.registry import kind_literal, source_create_schema, source_update_schema

Label = Literal["positive", "neutral", "negative"]
MediaType = Literal["owned", "earned", "paid"]
MAX_TEXT_LENGTH = 10_000  # characters of one sample text (sentiment scoring, query checks)


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _check_query(value: str) -> str:
    try:
        parse_query(value)
    except QuerySyntaxError as exc:
        raise ValueError(f"invalid query at position {exc.position}: {exc.message}") from exc
    return value


def _check_timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown IANA timezone {value!r}, e.g. 'America/Mexico_City'") from exc
    return value


def _check_languages(values: list[str]) -> list[str]:
    for code in values:
        if len(code) != 2 or not code.isalpha():
            raise ValueError(f"languages are ISO 639-1 codes such as 'es' or 'en', not {code!r}")
    return [code.lower() for code in values]


class BrandFields(StrictModel):
    @field_validator("name", check_fields=False)
    @classmethod
    def name_is_visible(cls, value: str | None) -> str | None:
        return None if value is None else check_name(value)

    @field_validator("query", check_fields=False)
    @classmethod
    def query_parses(cls, value: str | None) -> str | None:
        return None if value is None else _check_query(value)

    @field_validator("timezone", check_fields=False)
    @classmethod
    def timezone_exists(cls, value: str | None) -> str | None:
        return None if value is None else _check_timezone(value)

    @field_validator("locale", check_fields=False)
    @classmethod
    def locale_is_known(cls, value: str | None) -> str | None:
        return None if value is None else bcp47_locale(value)

    @field_validator("languages", check_fields=False)
    @classmethod
    def languages_are_codes(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else _check_languages(value)


class BrandCreate(BrandFields):
    name: str = Field(min_length=1, max_length=200)
    query: str = Field(min_length=1, max_length=1000)
    timezone: str = "UTC"
    locale: str = Field(
        default="en-US",
        max_length=35,
        description="BCP 47 (es-MX, es-ES, es-AR, en-US...): how the brand's figures, dates "
        "and emails are written; stored in its canonical form (es_mx -> es-MX)",
    )
    languages: list[str] = Field(default_factory=list, max_length=20)
    owned_domains: list[str] = Field(default_factory=list, max_length=100)
    owned_handles: list[str] = Field(default_factory=list, max_length=100)
    competitor_ids: list[Id] = Field(default_factory=list, max_length=50)


class BrandUpdate(BrandFields):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    query: str | None = Field(default=None, min_length=1, max_length=1000)
    timezone: str | None = None
    locale: str | None = Field(default=None, max_length=35)
    languages: list[str] | None = Field(default=None, max_length=20)
    owned_domains: list[str] | None = Field(default=None, max_length=100)
    owned_handles: list[str] | None = Field(default=None, max_length=100)
    competitor_ids: list[Id] | None = Field(default=None, max_length=50)


class BrandPublic(BaseModel):
    id: int
    name: str
    query: str
    timezone: str
    locale: str
    languages: list[str]
    owned_domains: list[str]
    owned_handles: list[str]
    competitor_ids: list[int]
    created_at: datetime
    updated_at: datetime


class SourceFields(StrictModel):
    """What every source takes beside its kind's own fields (`sources.kind_config`)."""

    interval_seconds: int = Field(default=900, ge=60, le=7 * 86400)


class SourceUpdateFields(StrictModel):
    interval_seconds: int | None = Field(default=None, ge=60, le=7 * 86400)
    status: Literal["ok", "paused"] | None = None


# The kinds and what each takes come from the adapters' typed configs (sources.registry).
if TYPE_CHECKING:
    SourceKind = str
    SourceCreate = SourceFields
    SourceUpdate = SourceUpdateFields
else:
    SourceKind = kind_literal()
    SourceCreate = source_create_schema(SourceFields)
    SourceUpdate = source_update_schema(SourceUpdateFields)


class SourcePublic(BaseModel):
    id: int
    brand_id: int
    kind: str
    url: str | None
    search: str | None
    locale: str | None
    subreddit: str | None
    instance: str | None
    hashtag: str | None
    interval_seconds: int
    status: str
    last_polled_at: datetime | None
    next_poll_at: datetime | None
    last_error: str | None
    consecutive_failures: int
    mentions_found: int
    created_at: datetime


class PollQueued(BaseModel):
    source_id: int
    queued: bool = True


__all__ = ["EngagementPublic", "MentionPublic", "SentimentPublic"]  # defined with the reports


class MentionPage(BaseModel):
    items: list[MentionPublic]
    next_cursor: str | None


class MentionFilterQuery(StrictModel):
    """The filters of the mention list and of the export."""

    brand_id: Id | None = None
    since: Moment | None = None
    until: Moment | None = None
    source_kind: SourceKind | None = None
    label: Label | None = None
    language: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z]{2}$",
        description="The mention's detected language, an ISO 639-1 code such as es or en",
    )
    media_type: MediaType | None = None
    domain: str | None = Field(
        default=None, max_length=255, description="Exactly this domain (as `top_domains` names it)"
    )
    author: str | None = Field(
        default=None, max_length=300, description="Exactly this author (as `top_authors` names it)"
    )
    q: str | None = Field(default=None, max_length=1000)
    hidden: Literal["true", "false", "any"] = Field(
        default="false", description="hidden mentions (relevance): only them, none, or both"
    )

    @field_validator("language")
    @classmethod
    def language_is_lower_case(cls, value: str | None) -> str | None:
        return None if value is None else value.lower()

    @field_validator("q")
    @classmethod
    def q_parses(cls, value: str | None) -> str | None:
        return None if value is None else _check_query(value)

    def hidden_flag(self) -> bool | None:
        """`hidden` as ``MentionFilter`` takes it (None: both)."""
        return {"true": True, "false": False, "any": None}[self.hidden]


class MentionQuery(MentionFilterQuery):
    limit: int = Field(default=50, ge=1, le=500)
    cursor: str | None = Field(default=None, max_length=200)


class TrendsQuery(StrictModel):
    since: Moment | None = None
    until: Moment | None = None
    interval: Literal["hour", "day", "week"] = "day"
    source_kind: SourceKind | None = None
    label: Label | None = None


class TrendBucket(BaseModel):
    start: datetime
    mentions: int
    positive: int
    neutral: int
    negative: int
    avg_sentiment: float | None = Field(description="Mean compound; null in an empty bucket")
    net_sentiment: float


class TrendsPublic(BaseModel):
    interval: str
    timezone: str
    since: datetime
    until: datetime
    buckets: list[TrendBucket]


class QueryCheck(StrictModel):
    query: str = Field(min_length=1, max_length=1000)
    texts: list[Annotated[str, Field(max_length=MAX_TEXT_LENGTH)]] = Field(max_length=1000)

    @field_validator("query")
    @classmethod
    def query_parses(cls, value: str) -> str:
        return _check_query(value)


class QueryCheckResult(BaseModel):
    matches: list[bool]
