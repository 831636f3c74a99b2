"""Poll one source: take its lease, fetch through its adapter, store mentions, record state.

No database transaction is open while the adapter talks to the network.
"""

import os
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

import httpx
from sqlalchemy.exc import OperationalError

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
from sources.ratelimit import HostRateLimited
from sources.registry import adapter_for

log = get_logger(__name__)
PollStatus = Literal["ok", "failed", "skipped", "busy", "deferred", "missing"]
# Storing retries a unit of work that PostgreSQL aborted (a deadlock between two workers
# storing overlapping items) or that SQLite found locked, before giving up as a failure.
STORE_ATTEMPTS = 3

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
    # busy: seconds until the lease ends; deferred: until the host's rate limit has room
    retry_after: float | None = None


@dataclass(frozen=True)
class _Claim:
    config: SourceConfig
    brand: BrandContext
    kind: str
    cursor: dict[str, object]


def _lease_seconds(settings: Settings) -> float:
    """Longer than any poll: a fetch ends within twice its deadline, plus parse and store."""
    if settings.poll_lease_seconds is not None:
        return settings.poll_lease_seconds
    return settings.fetch_timeout_seconds * 4 + 60


def _claim(
    source_id: int, *, now: datetime, force: bool, settings: Settings
) -> _Claim | PollReport:
    with session_scope() as session:
        source = session.get(Source, source_id)
        if source is None:
            return PollReport(source_id, "missing")
        if not force and source.status != "ok":
            return PollReport(source_id, "skipped", error=f"source is {source.status}")
        lease = _lease_seconds(settings)
        held_until = source.lease_until
        if not take_lease(session, source_id=source_id, now=now, seconds=lease):
            left = (held_until - now).total_seconds() if held_until and held_until > now else lease
            return PollReport(source_id, "busy", retry_after=left)
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


def poll_source(
    source_id: int, *, force: bool = False, client: httpx.Client | None = None
) -> PollReport:
    settings = get_settings()
    claim = _claim(source_id, now=utcnow(), force=force, settings=settings)
    if isinstance(claim, PollReport):
        return claim
    # Taken once the lease is ours, so the recorded [started, finished] of two polls of one
    # source never overlap unless a lease ran out under a poll.
    started = utcnow()
    began = time.monotonic()
    try:
        outcome = adapter_for(claim.kind).poll(
            client or shared_client(), claim.config, claim.cursor
        )
    except HostRateLimited as exc:
        return _defer(source_id, exc.message, exc.retry_after or 1.0)
    except SourceError as exc:
        return _record_failure(source_id, started, exc.message, exc.retry_after, settings)
    except Exception as exc:  # an adapter bug must not kill the worker or hide the source
        log.exception("poll.crashed", source_id=source_id)
        message = f"internal error while polling: {type(exc).__name__}: {exc}"
        return _record_failure(source_id, started, message[:500], None, settings)
    report = _store(source_id, started, claim, outcome, settings)
    log.info(
        "poll.done",
        source_id=source_id,
        items=report.items,
        new=report.new,
        not_modified=report.not_modified,
        seconds=round(time.monotonic() - began, 3),
    )
    return report


def _store(
    source_id: int, started: datetime, claim: _Claim, outcome: PollOutcome, settings: Settings
) -> PollReport:
    """Record the success, retrying a unit of work the database aborted; if it keeps failing,
    or storing hits a bug, the attempt is recorded as a failure (the items come again next
    poll, as the cursor is not advanced) and the source's lease is released."""
    error = ""
    for attempt in range(1, STORE_ATTEMPTS + 1):
        if attempt > 1:
            time.sleep(0.05 * 2**attempt)
        try:
            return _record_success(source_id, started, claim, outcome)
        except OperationalError as exc:
            error = f"could not store the items: {type(exc.orig).__name__}: {exc.orig}"
            log.warning("poll.store_retry", source_id=source_id, attempt=attempt, error=error)
        except Exception as exc:  # a bug in ingest must not hide the source either
            log.exception("poll.store_crashed", source_id=source_id)
            error = f"internal error while storing: {type(exc).__name__}: {exc}"[:500]
            break
    return _record_failure(source_id, started, error, None, settings)


def _defer(source_id: int, message: str, retry_after: float) -> PollReport:
    """Our own rate limit for the host says not now: no request was sent, so this is no
    attempt and no failure; the source is due again when its host has room."""
    with session_scope() as session:
        source = session.get(Source, source_id)
        if source is None:
            return PollReport(source_id, "missing")
        source.lease_until = None
        source.next_poll_at = utcnow() + timedelta(seconds=retry_after)
    log.info("poll.deferred", source_id=source_id, reason=message)
    return PollReport(source_id, "deferred", error=message, retry_after=retry_after)


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
                source_id=source_id,
                started_at=started,
                finished_at=finished,
                ok=False,
                error=message[:2000],
            ),
        )
    log.warning("poll.failed", source_id=source_id, error=message)
    return PollReport(source_id, "failed", error=message)
