"""Poll one source: take its lease, fetch through its adapter, store mentions, record state.

No database transaction is open while the adapter talks to the network.
"""

import os
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import httpx

from core.db import session_scope
from core.logging import get_logger
from core.settings import Settings, get_settings
from domain.query import parse_query
from domain.scheduling import next_poll_after_failure, next_poll_after_success
from models.sources import record_attempt, take_lease
from models.tables import Brand, PollAttempt, Source
from models.types import utcnow
from services.ingest import BrandContext, store_items
from sources.base import PollOutcome, SourceConfig, SourceError
from sources.http import make_client
from sources.registry import adapter_for

log = get_logger(__name__)
PollStatus = Literal["ok", "failed", "skipped", "busy", "missing"]

_client: httpx.Client | None = None
_client_pid: int | None = None


def shared_client() -> httpx.Client:
    """One pooled HTTP client per process (a forked worker child builds its own)."""
    global _client, _client_pid
    if _client is None or _client_pid != os.getpid():
        _client = make_client(get_settings())
        _client_pid = os.getpid()
    return _client


@dataclass(frozen=True)
class PollReport:
    source_id: int
    status: PollStatus
    items: int = 0
    matched: int = 0
    new: int = 0
    error: str | None = None
    not_modified: bool = False


@dataclass(frozen=True)
class _Claim:
    config: SourceConfig
    brand: BrandContext
    kind: str
    cursor: dict[str, object]


def _lease_seconds(settings: Settings) -> float:
    return settings.fetch_timeout_seconds * 4 + 60


def _claim(source_id: int, *, now: datetime, force: bool, settings: Settings) -> _Claim | PollReport:
    with session_scope() as session:
        source = session.get(Source, source_id)
        if source is None:
            return PollReport(source_id, "missing")
        if not force and source.status != "ok":
            return PollReport(source_id, "skipped", error=f"source is {source.status}")
        if not take_lease(session, source_id=source_id, now=now, seconds=_lease_seconds(settings)):
            return PollReport(source_id, "busy")
        brand = session.get(Brand, source.brand_id)
        assert brand is not None and brand.id is not None
        config = SourceConfig(
            kind=source.kind,
            brand_query=brand.query,
            url=source.url,
            search=source.search,
            locale=source.locale,
            subreddit=source.subreddit,
            instance=source.instance,
            hashtag=source.hashtag,
        )
        context = BrandContext(
            workspace_id=brand.workspace_id,
            brand_id=brand.id,
            query=parse_query(brand.query),
            languages=tuple(brand.languages),
            owned_domains=tuple(brand.owned_domains),
            owned_handles=tuple(brand.owned_handles),
        )
        return _Claim(config, context, source.kind, dict(source.cursor))


def poll_source(source_id: int, *, force: bool = False, client: httpx.Client | None = None) -> PollReport:
    settings = get_settings()
    started = utcnow()
    claim = _claim(source_id, now=started, force=force, settings=settings)
    if isinstance(claim, PollReport):
        return claim
    began = time.monotonic()
    try:
        outcome = adapter_for(claim.kind).poll(client or shared_client(), claim.config, claim.cursor)
    except SourceError as exc:
        return _record_failure(source_id, started, exc.message, exc.retry_after, settings)
    except Exception as exc:  # an adapter bug must not kill the worker or hide the source
        log.exception("poll.crashed", source_id=source_id)
        message = f"internal error while polling: {type(exc).__name__}: {exc}"
        return _record_failure(source_id, started, message[:500], None, settings)
    report = _record_success(source_id, started, claim, outcome)
    log.info(
        "poll.done",
        source_id=source_id,
        items=report.items,
        new=report.new,
        not_modified=report.not_modified,
        seconds=round(time.monotonic() - began, 3),
    )
    return report


def _record_success(
    source_id: int, started: datetime, claim: _Claim, outcome: PollOutcome
) -> PollReport:
    finished = utcnow()
    with session_scope() as session:
        source = session.get(Source, source_id)
        if source is None:
            return PollReport(source_id, "missing")
        result = store_items(
            session,
            outcome.items,
            claim.brand,
            source_id=source_id,
            source_kind=claim.kind,
            now=finished,
        )
        source.cursor = outcome.cursor
        source.last_polled_at = finished
        source.next_poll_at = next_poll_after_success(finished, source.interval_seconds)
        source.lease_until = None
        source.consecutive_failures = 0
        source.last_error = None
        source.status = "ok" if source.status == "failing" else source.status
        source.mentions_found += result.new
        record_attempt(
            session,
            PollAttempt(
                source_id=source_id,
                started_at=started,
                finished_at=finished,
                ok=True,
                not_modified=outcome.not_modified,
                items=len(outcome.items),
                new_mentions=result.new,
            ),
        )
    return PollReport(
        source_id,
        "ok",
        items=len(outcome.items),
        matched=result.matched,
        new=result.new,
        not_modified=outcome.not_modified,
    )


def _record_failure(
    source_id: int, started: datetime, message: str, retry_after: float | None, settings: Settings
) -> PollReport:
    finished = utcnow()
    with session_scope() as session:
        source = session.get(Source, source_id)
        if source is None:
            return PollReport(source_id, "missing")
        source.consecutive_failures += 1
        source.last_error = message[:2000]
        source.last_polled_at = finished
        source.lease_until = None
        source.next_poll_at = next_poll_after_failure(
            finished,
            consecutive_failures=source.consecutive_failures,
            retry_after=retry_after,
            base_seconds=settings.backoff_base_seconds,
            max_seconds=settings.backoff_max_seconds,
        )
        if source.consecutive_failures >= settings.max_consecutive_failures:
            source.status = "failing"
        record_attempt(
            session,
            PollAttempt(
                source_id=source_id, started_at=started, finished_at=finished, ok=False, error=message[:2000]
            ),
        )
    log.warning("poll.failed", source_id=source_id, error=message)
    return PollReport(source_id, "failed", error=message)
