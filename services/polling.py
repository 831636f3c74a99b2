"""Poll sources: take their leases, fetch through their adapters, store mentions, record state.

Sources are polled in batches (``poll_sources``; ``poll_source`` is a batch of one): one
statement claims the batch's leases, the fetches run on a pool of threads, and every success
of the batch is stored in one transaction: parse, match, language and sentiment are per item,
but the database work is per batch, which is what makes a round of many small feeds fast
(benchmarks/polling.py). No database transaction is open while an adapter talks to the network.
"""

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from queue import Empty, SimpleQueue
from typing import Literal, cast

import httpx
from sqlalchemy.exc import OperationalError
from sqlmodel import col, select

from core.db import commit_asynchronously, session_scope
from core.logging import get_logger
from core.resources import fetch_pool, http_client
from core.settings import Settings, get_settings
from domain.poll_state import (
    Deferred,
    Failed,
    FailurePolicy,
    Polled,
    PollResult,
    PollState,
    SourceStatus,
    transition,
)
from domain.stories import StoryPrint, StoryTerms
from models.sources import (
    LeasedSource,
    PollRecord,
    existing_source_ids,
    lease_states,
    record_polls,
    take_leases,
)
from models.tables import Brand
from models.types import utcnow
from services.ingest import BrandContext, IngestResult, PolledItems, store_polls
from services.stories import reconcile_stories
from sources.base import PollOutcome, SourceError
from sources.ratelimit import HostRateLimited
from sources.registry import FIELD_KINDS, adapter_for, source_config

log = get_logger(__name__)
PollStatus = Literal["ok", "failed", "skipped", "busy", "deferred", "missing"]
# Storing retries a unit of work that PostgreSQL aborted (a deadlock between two workers
# storing overlapping items) or that SQLite found locked, before giving up as a failure.
STORE_ATTEMPTS = 3


@dataclass(frozen=True)
class PollReport:
    source_id: int
    status: PollStatus
    items: int = 0
    matched: int = 0
    new: int = 0
    error: str | None = None
    not_modified: bool = False
    skipped: int = 0  # items the source sent that could not be read (left out)
    # busy: seconds until the lease ends; deferred: until the host's rate limit has room
    retry_after: float | None = None


@dataclass(frozen=True)
class _Claim:
    source_id: int
    source: LeasedSource
    brand: BrandContext
    kind: str
    cursor: dict[str, object]
    state: PollState


@dataclass(frozen=True)
class _Fetched:
    claim: _Claim
    # Taken once the lease is ours, so the recorded [started, finished] of two polls of one
    # source never overlap unless a lease ran out under a poll.
    started: datetime
    outcome: PollOutcome | BaseException


def _lease_seconds(settings: Settings) -> float:
    """Longer than any poll: a fetch ends within twice its deadline, plus parse and store."""
    if settings.poll_lease_seconds is not None:
        return settings.poll_lease_seconds
    return settings.fetch_timeout_seconds * 4 + 60


def poll_source(
    source_id: int, *, force: bool = False, client: httpx.Client | None = None
) -> PollReport:
    return poll_sources([source_id], force=force, client=client)[0]


def poll_sources(
    source_ids: Sequence[int], *, force: bool = False, client: httpx.Client | None = None
) -> list[PollReport]:
    """Poll each source once (one report per id, in order). ``force`` polls sources that are
    failing or disabled too, as a manual poll does."""
    settings = get_settings()
    unique = list(dict.fromkeys(source_ids))
    claims, reports = _claim(unique, now=utcnow(), force=force, settings=settings)
    if claims:
        began = time.monotonic()
        fetched = _fetch_all(client or http_client(), claims, settings.poll_fetch_threads)
        reports.update(_settle(fetched, settings))
        log.info(
            "poll.batch_done",
            sources=len(claims),
            new=sum(reports[c.source_id].new for c in claims),
            seconds=round(time.monotonic() - began, 3),
        )
    return [reports[source_id] for source_id in source_ids]


def _claim(
    source_ids: list[int], *, now: datetime, force: bool, settings: Settings
) -> tuple[list[_Claim], dict[int, PollReport]]:
    """Take the leases of the sources that may be polled now, in one unit of work."""
    reports: dict[int, PollReport] = {}
    lease = _lease_seconds(settings)
    with session_scope() as session:
        commit_asynchronously(session)  # a lease lost in a crash frees its source: harmless
        leased = {
            source.id: source
            for source in take_leases(
                session, source_ids=source_ids, now=now, seconds=lease, only_ok=not force
            )
        }
        left = [source_id for source_id in source_ids if source_id not in leased]
        states = lease_states(session, left) if left else {}
        for source_id in left:
            if source_id not in states:
                reports[source_id] = PollReport(source_id, "missing")
                continue
            status, held = states[source_id]
            if not force and status != SourceStatus.OK:
                reports[source_id] = PollReport(source_id, "skipped", error=f"source is {status}")
            else:
                left_seconds = (held - now).total_seconds() if held and held > now else lease
                reports[source_id] = PollReport(source_id, "busy", retry_after=left_seconds)
        if not leased:
            return [], reports
        brand_ids = {source.brand_id for source in leased.values()}
        brands = {
            brand.id: BrandContext.of(brand)
            for brand in session.exec(select(Brand).where(col(Brand.id).in_(brand_ids)))
        }
        claims = [
            _claim_of(leased[source_id], brands[leased[source_id].brand_id])
            for source_id in source_ids
            if source_id in leased
        ]
    return claims, reports


def _claim_of(source: LeasedSource, brand: BrandContext) -> _Claim:
    return _Claim(source.id, source, brand, source.kind, dict(source.cursor), source.state())


def _fetch_all(client: httpx.Client, claims: list[_Claim], threads: int) -> list[_Fetched]:
    """Fetch every claim on up to `threads` of the fetch pool's threads, each taking the next
    claim not yet taken until none is left (a task per thread rather than per claim: a
    Future and two thread hand-offs per source were a tenth of a 304 poll's CPU)."""
    if len(claims) == 1:
        return [_fetch(client, claims[0])]
    fetched: list[_Fetched | None] = [None] * len(claims)
    todo: SimpleQueue[int] = SimpleQueue()
    for n in range(len(claims)):
        todo.put(n)

    def drain() -> None:
        while True:
            try:
                n = todo.get_nowait()
            except Empty:
                return
            fetched[n] = _fetch(client, claims[n])

    pool = fetch_pool()
    for running in [pool.submit(drain) for _ in range(min(threads, len(claims)))]:
        running.result()  # a fetch that raised raises here: every slot is filled otherwise
    return cast(list[_Fetched], fetched)


def _fetch(client: httpx.Client, claim: _Claim) -> _Fetched:
    started = utcnow()
    try:
        # The row was checked when saved; one that no longer fits its kind fails this poll.
        row = {name: getattr(claim.source, name) for name in FIELD_KINDS}
        config = source_config(claim.kind, claim.brand.query.source, row)
        outcome: PollOutcome | BaseException = adapter_for(claim.kind).poll(
            client, config, claim.cursor
        )
    except Exception as exc:
        outcome = exc
    return _Fetched(claim, started, outcome)


def _policy(settings: Settings) -> FailurePolicy:
    return FailurePolicy(
        backoff_base_seconds=settings.backoff_base_seconds,
        backoff_max_seconds=settings.backoff_max_seconds,
        max_consecutive_failures=settings.max_consecutive_failures,
    )


def _settle(fetched: list[_Fetched], settings: Settings) -> dict[int, PollReport]:
    """Store what came back; record what failed or was deferred (one write for those)."""
    successes = []
    others: list[tuple[_Fetched, Failed | Deferred]] = []
    for one in fetched:
        source_id, outcome = one.claim.source_id, one.outcome
        if isinstance(outcome, PollOutcome):
            successes.append(one)
        elif isinstance(outcome, HostRateLimited):
            log.info("poll.deferred", source_id=source_id, reason=outcome.message)
            others.append((one, Deferred(outcome.retry_after or 1.0, outcome.message)))
        elif isinstance(outcome, SourceError):
            others.append((one, Failed(outcome.message, outcome.retry_after)))
        else:  # an adapter bug must not kill the worker or hide the source
            log.error("poll.crashed", source_id=source_id, exc_info=outcome)
            message = f"internal error while polling: {type(outcome).__name__}: {outcome}"
            others.append((one, Failed(message[:500])))
    reports = _record_others(others, settings)
    if successes:
        reports.update(_store(successes, settings))
    return reports


def _store(successes: list[_Fetched], settings: Settings) -> dict[int, PollReport]:
    """Record the successes in one unit of work, retrying one the database aborted. If it
    keeps failing, each attempt is recorded as a failure (the items come again next poll, as
    the cursors are not advanced) and the leases are released. If storing hits a bug, the
    sources of the batch are stored one by one, so one bad source cannot hold back the rest."""
    error = ""
    for attempt in range(1, STORE_ATTEMPTS + 1):
        if attempt > 1:
            time.sleep(0.05 * 2**attempt)
        try:
            return _record_successes(successes, settings)
        except OperationalError as exc:
            error = f"could not store the items: {type(exc.orig).__name__}: {exc.orig}"
            log.warning("poll.store_retry", sources=len(successes), attempt=attempt, error=error)
        except Exception as exc:
            if len(successes) > 1:
                log.warning("poll.store_batch_crashed", error=f"{type(exc).__name__}: {exc}")
                reports: dict[int, PollReport] = {}
                for one in successes:
                    reports.update(_store([one], settings))
                return reports
            log.exception("poll.store_crashed", source_id=successes[0].claim.source_id)
            error = f"internal error while storing: {type(exc).__name__}: {exc}"[:500]
            break
    return _record_others([(one, Failed(error)) for one in successes], settings)


def _record_successes(successes: list[_Fetched], settings: Settings) -> dict[int, PollReport]:
    finished = utcnow()
    policy = _policy(settings)
    reports: dict[int, PollReport] = {}
    with session_scope() as session:
        locked: set[int] | None = None
        stored = successes
        if any(_outcome(one).items for one in successes):
            # Lock the rows before mentions refer to them: a source deleted meanwhile gets none.
            locked = existing_source_ids(session, [one.claim.source_id for one in successes])
            stored = [one for one in successes if one.claim.source_id in locked]
        outcomes = [_outcome(one) for one in stored]
        if not any(outcome.items for outcome in outcomes):
            # Only the sources' state (304s, empty feeds): lost in a database crash, the
            # lease runs out and the source is polled again. Items keep a durable commit.
            commit_asynchronously(session)
        polls = [
            PolledItems(one.claim.source_id, one.claim.kind, one.claim.brand, outcome.items)
            for one, outcome in zip(stored, outcomes, strict=True)
        ]
        results = store_polls(session, polls, now=finished)
        recorded = record_polls(
            session,
            [
                PollRecord(
                    source_id=one.claim.source_id,
                    transition=transition(one.claim.state, Polled(), finished, policy),
                    started_at=one.started,
                    cursor=outcome.cursor,
                    not_modified=outcome.not_modified,
                    items=len(outcome.items),
                    new_mentions=result.new,
                    items_skipped=outcome.skipped,
                )
                for one, outcome, result in zip(stored, outcomes, results, strict=True)
            ],
            locked=locked,
        )
    _reconcile_stories(stored, results, stored_at=finished)
    for one in successes:
        if one.claim.source_id not in recorded:  # deleted while we polled it
            reports[one.claim.source_id] = PollReport(one.claim.source_id, "missing")
    for one, outcome, result in zip(stored, outcomes, results, strict=True):
        if one.claim.source_id in recorded:
            reports[one.claim.source_id] = PollReport(
                one.claim.source_id,
                "ok",
                items=len(outcome.items),
                matched=result.matched,
                new=result.new,
                not_modified=outcome.not_modified,
                skipped=outcome.skipped,
            )
    return reports


def _reconcile_stories(
    stored: list[_Fetched], results: list[IngestResult], *, stored_at: datetime
) -> None:
    """Once committed, the stories this unit of work started are merged with twins other
    workers started at the same moment (``services.stories``). A failure here loses
    nothing: the mentions are stored, the stories merely stay split."""
    starts: dict[int, list[tuple[int, StoryPrint]]] = {}
    terms: dict[int, StoryTerms] = {}
    for one, result in zip(stored, results, strict=True):
        if result.story_starts:
            brand = one.claim.brand
            starts.setdefault(brand.brand_id, []).extend(result.story_starts)
            terms[brand.brand_id] = brand.story_terms
    if not starts:
        return
    try:
        with session_scope() as session:
            reconcile_stories(session, starts, terms, stored_at=stored_at)
    except OperationalError as exc:
        log.warning("stories.reconcile_failed", error=f"{type(exc.orig).__name__}: {exc.orig}")


def _outcome(one: _Fetched) -> PollOutcome:
    assert isinstance(one.outcome, PollOutcome)
    return one.outcome


def _record_others(
    others: list[tuple[_Fetched, Failed | Deferred]], settings: Settings
) -> dict[int, PollReport]:
    """Failures (an attempt, backoff, `failing` at the limit) and deferrals (our own rate
    limit for the host said not now: no request was sent, so no attempt and no failure; the
    source is due again when its host has room), in one write."""
    if not others:
        return {}
    finished = utcnow()
    policy = _policy(settings)
    records = [
        PollRecord(
            one.claim.source_id, transition(one.claim.state, result, finished, policy), one.started
        )
        for one, result in others
    ]
    with session_scope() as session:
        commit_asynchronously(session)  # no items: a failure lost in a crash is tried again
        recorded = record_polls(session, records)
    return {
        one.claim.source_id: _report(one.claim.source_id, result, recorded)
        for one, result in others
    }


def _report(source_id: int, result: PollResult, recorded: set[int]) -> PollReport:
    if source_id not in recorded:
        return PollReport(source_id, "missing")
    if isinstance(result, Deferred):
        return PollReport(
            source_id, "deferred", error=result.reason, retry_after=result.retry_after
        )
    assert isinstance(result, Failed)
    log.warning("poll.failed", source_id=source_id, error=result.message)
    return PollReport(source_id, "failed", error=result.message)
