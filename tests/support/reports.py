"""Helpers for the report tests: brands, sources and poll histories built by hand."""

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlmodel import col

from core.db import session_scope
from models.tables import Mention, PollAttempt, Source
from tests.api.conftest import Tenant


def make_brand(client: TestClient, tenant: Tenant, **fields: Any) -> int:
    response = client.post("/v1/brands", json=fields, headers=tenant.headers)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def make_source(
    client: TestClient, tenant: Tenant, brand_id: int, kind: str, created_at: datetime
) -> int:
    body: dict[str, Any] = {"kind": kind}
    if kind in ("rss", "google_alerts"):
        body["url"] = f"http://127.0.0.1:9/{kind}/{brand_id}"
    response = client.post(f"/v1/brands/{brand_id}/sources", json=body, headers=tenant.headers)
    assert response.status_code == 201, response.text
    source_id = int(response.json()["id"])
    with session_scope() as session:
        session.execute(
            update(Source).where(col(Source.id) == source_id).values(created_at=created_at)
        )
    return source_id


def add_polls(source_id: int, moments: Iterable[datetime], *, ok: bool = True) -> None:
    with session_scope() as session:
        session.add_all(
            PollAttempt(
                source_id=source_id,
                started_at=moment,
                finished_at=moment + timedelta(seconds=2),
                ok=ok,
                error=None if ok else "HTTP 503",
            )
            for moment in moments
        )


def hourly(since: datetime, until: datetime, minute: int = 10) -> list[datetime]:
    first = since.replace(minute=minute, second=0, microsecond=0)
    return [
        first + timedelta(hours=n)
        for n in range(int((until - first).total_seconds() // 3600) + 1)
        if first + timedelta(hours=n) < until
    ]


def set_fetched_at(url_prefix: str, fetched_at: datetime) -> None:
    """Mark mentions as fetched at a given moment (ingest stamps the real now)."""
    with session_scope() as session:
        session.execute(
            update(Mention)
            .where(col(Mention.url).startswith(url_prefix))
            .values(fetched_at=fetched_at)
        )
