"""Brands, rules and mention bursts for the alert tests, through the real services."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

from sqlmodel import col, select

from core.db import session_scope
from models.alert_tables import Alert, AlertDelivery, AlertRule
from services.alert_rules import create_rule
from services.brands import create_brand
from services.sources import create_source
from services.workspaces import create_workspace_with_key
from tests.support.data import ingest, item


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


@dataclass(frozen=True)
class BrandSetup:
    workspace_id: int
    brand_id: int
    source_id: int
    api_key: str


def make_brand(
    *,
    name: str = "Acme",
    query: str = "acme",
    timezone: str = "UTC",
    workspace_id: int | None = None,
    competitor_ids: list[int] | None = None,
) -> BrandSetup:
    with session_scope() as session:
        key = ""
        if workspace_id is None:
            new = create_workspace_with_key(session, name=f"Acme marketing {uuid4().hex[:8]}")
            workspace_id, key = new.workspace_id, new.api_key
        fields: dict[str, Any] = {
            "name": name,
            "query": query,
            "timezone": timezone,
            "languages": [],
            "owned_domains": [],
            "owned_handles": [],
            "competitor_ids": competitor_ids or [],
        }
        brand = create_brand(session, workspace_id=workspace_id, fields=fields)
        assert brand.id is not None
        source = create_source(
            session,
            workspace_id=workspace_id,
            brand_id=brand.id,
            fields={"kind": "rss", "url": "http://127.0.0.1:9/feed"},
        )
        assert source.id is not None
        return BrandSetup(workspace_id, brand.id, source.id, key)


def make_rule(setup: BrandSetup, *, now: datetime, **fields: Any) -> int:
    with session_scope() as session:
        rule = create_rule(
            session,
            workspace_id=setup.workspace_id,
            fields={"brand_id": setup.brand_id, **fields},
            now=now,
        )
        assert rule.id is not None
        return rule.id


def burst(
    setup: BrandSetup,
    *,
    start: datetime,
    count: int,
    minutes: float,
    title: str = "Acme opens a store downtown",
    tag: str = "b",
) -> None:
    """`count` mentions spread evenly over `minutes` from `start`."""
    step = timedelta(minutes=minutes) / max(count, 1)
    items = [
        item(
            f"{title} ({tag}{i})",
            f"https://news.example/{tag}/{start.timestamp():.0f}/{i}",
            start + i * step,
            author=f"author{i % 3}",
        )
        for i in range(count)
    ]
    ingest(setup.brand_id, setup.source_id, items)


def daily_baseline(setup: BrandSetup, *, until: datetime, days: int = 28, per_day: int = 1) -> None:
    """A quiet history: `per_day` mentions a day for `days` days before `until`."""
    items = [
        item(
            f"Acme weekly note {d}-{i}",
            f"https://blog.example/{d}/{i}",
            until - timedelta(days=d + 1) + timedelta(hours=3 + i),
        )
        for d in range(days)
        for i in range(per_day)
    ]
    ingest(setup.brand_id, setup.source_id, items)


def alerts_of(rule_id: int) -> list[Alert]:
    with session_scope() as session:
        statement = select(Alert).where(Alert.rule_id == rule_id).order_by(col(Alert.id))
        return list(session.exec(statement).all())


def deliveries_of(alert_id: int) -> list[AlertDelivery]:
    with session_scope() as session:
        statement = (
            select(AlertDelivery)
            .where(AlertDelivery.alert_id == alert_id)
            .order_by(col(AlertDelivery.id))
        )
        return list(session.exec(statement).all())


def rule_row(rule_id: int) -> AlertRule:
    with session_scope() as session:
        rule = session.get(AlertRule, rule_id)
        assert rule is not None
        return rule
