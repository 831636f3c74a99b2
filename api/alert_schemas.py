"""Schemas for alert rules and the alert history."""

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from domain.schedule import WEEKDAYS, parse_hhmm

RuleKind = Literal["spike", "negative_surge", "digest"]
Sensitivity = Literal["low", "medium", "high"]
Language = Literal["es", "en"]
Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
assert set(Weekday.__args__) == set(WEEKDAYS)  # type: ignore[attr-defined]


def _check_addresses(values: list[str] | None) -> list[str] | None:
    if values is None:
        return None
    checked = []
    for value in values:
        address = value.strip()
        local, at, domain = address.rpartition("@")
        bad = any(c.isspace() or ord(c) < 0x20 or c in '<>,;"()[]\\' for c in address)
        if bad or not at or not local or "." not in domain or len(address) > 254:
            raise ValueError(f"not an email address: {value!r}")
        checked.append(address)
    return checked


def _check_time(value: str | None) -> str | None:
    if value is not None:
        parse_hhmm(value)
    return value


class RuleFields(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @field_validator("email", check_fields=False)
    @classmethod
    def emails_are_addresses(cls, value: list[str] | None) -> list[str] | None:
        return _check_addresses(value)

    @field_validator("time", check_fields=False)
    @classmethod
    def time_is_hhmm(cls, value: str | None) -> str | None:
        return _check_time(value)


class AlertRuleCreate(RuleFields):
    """Channels: `email` addresses and/or a `webhook_url`. Spikes and negative surges take
    `sensitivity`, `window_minutes` and `cooldown_minutes`; digests `schedule`, a local
    `time` (HH:MM in the brand's timezone) and, for weekly ones, a `weekday`."""

    brand_id: int
    kind: RuleKind
    email: list[str] = Field(default_factory=list, max_length=50)
    webhook_url: str | None = Field(default=None, max_length=2048)
    webhook_secret: str | None = Field(default=None, min_length=16, max_length=128)
    sensitivity: Sensitivity = "medium"
    window_minutes: int = Field(default=60, ge=15, le=1440)
    cooldown_minutes: int = Field(default=120, ge=0, le=7 * 1440)
    schedule: Literal["daily", "weekly"] = "daily"
    time: str = "08:00"
    weekday: Weekday = "monday"
    daily_budget: int = Field(default=5, ge=1, le=1000)
    language: Language | None = Field(
        default=None,
        description="Language of the rule's emails and webhook text; null: the brand "
        "locale's language",
    )


class AlertRuleUpdate(RuleFields):
    email: list[str] | None = Field(default=None, max_length=50)
    webhook_url: str | None = Field(default=None, max_length=2048)
    webhook_secret: str | None = Field(default=None, min_length=16, max_length=128)
    sensitivity: Sensitivity | None = None
    window_minutes: int | None = Field(default=None, ge=15, le=1440)
    cooldown_minutes: int | None = Field(default=None, ge=0, le=7 * 1440)
    schedule: Literal["daily", "weekly"] | None = None
    time: str | None = None
    weekday: Weekday | None = None
    daily_budget: int | None = Field(default=None, ge=1, le=1000)
    language: Language | None = Field(default=None, description="null: the brand's language")


class AlertRulePublic(BaseModel):
    id: int
    brand_id: int
    kind: str
    email: list[str]
    webhook_url: str | None
    webhook_secret: str = Field(
        description="Key of the X-Escucha-Signature HMAC-SHA256 over each webhook body"
    )
    sensitivity: str | None
    window_minutes: int | None
    cooldown_minutes: int | None
    schedule: str | None
    time: str | None
    weekday: str | None
    daily_budget: int
    language: Language | None = Field(description="null: the brand locale's language")
    next_run_at: datetime | None = Field(description="When a digest goes out next (UTC)")
    created_at: datetime
    updated_at: datetime


class DeliveryPublic(BaseModel):
    id: int
    channel: str
    recipient: str
    status: str = Field(description="pending, sending, sent or failed")
    attempts: int
    last_error: str | None
    next_attempt_at: datetime | None
    sent_at: datetime | None


class WindowPublic(BaseModel):
    since: datetime
    until: datetime


class AlertPublic(BaseModel):
    id: int
    rule_id: int | None
    brand_id: int
    kind: str
    test: bool
    fired_at: datetime
    window: WindowPublic
    reason: str
    figures: dict[str, Any]
    sample_mentions: list[dict[str, Any]]
    folded_into_digest: bool
    folded_into_id: int | None
    deliveries: list[DeliveryPublic]


class AlertPage(BaseModel):
    items: list[AlertPublic]
    next_cursor: str | None


class AlertQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    brand_id: int | None = None
    rule_id: int | None = None
    kind: RuleKind | None = None
    test: bool | None = None
    limit: int = Field(default=50, ge=1, le=500)
    cursor: str | None = Field(default=None, max_length=20, pattern=r"^[0-9]+$")


class AlertRuleQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    brand_id: int | None = None
