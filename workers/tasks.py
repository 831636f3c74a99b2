"""Thin Celery tasks: parse arguments, call one service function."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from celery import Task

from core.db import commit_asynchronously, session_scope
from core.settings import get_settings
from models.sources import claim_due_source_ids, next_due_at
from models.types import utcnow
from services.polling import PollReport, poll_source, poll_sources
from workers.app import celery_app

ENQUEUE_BATCH = 500
MAX_CLAIMS_PER_TICK = 20
RETRY_MARGIN_SECONDS = 1.0
MAX_POLL_RETRIES = 3


@celery_app.task(name="source.poll", acks_late=True, bind=True)
def poll_source_task(self: "Task[Any, Any]", source_id: int, force: bool = False) -> dict[str, Any]:
    """Idempotent: mentions are unique per brand and URL, so a redelivered poll stores nothing
    twice. Tried again later, rather than dropped, when
    - it was redelivered (its worker died mid-poll) and finds the dead poll's lease still
      held: it runs once the lease has run out;
    - it is a manual poll deferred by the host's rate limit (a failing source has no
      schedule to bring it back)."""
    report = poll_source(source_id, force=force)
    if _should_retry(self, report, force=force):
        assert report.retry_after is not None
        raise self.retry(countdown=report.retry_after + RETRY_MARGIN_SECONDS)
    return {
        "status": report.status,
        "new": report.new,
        "skipped": report.skipped,
        "error": report.error,
    }


def _should_retry(task: "Task[Any, Any]", report: PollReport, *, force: bool) -> bool:
    if report.retry_after is None or task.request.retries >= MAX_POLL_RETRIES:
        return False
    redelivered = bool((task.request.delivery_info or {}).get("redelivered"))
    return (report.status == "busy" and redelivered) or (report.status == "deferred" and force)


@celery_app.task(name="sources.poll_batch", acks_late=True, bind=True)
def poll_batch_task(self: "Task[Any, Any]", source_ids: list[int]) -> dict[str, Any]:
    """The scheduler's polls, a batch per task (ESCUCHA_POLL_BATCH_SIZE). Idempotent as
    `source.poll` is; when redelivered, the sources still held by the dead poll's leases are
    tried again, alone, once those leases have run out."""
    reports = poll_sources(source_ids)
    held = [r for r in reports if _should_retry(self, r, force=False)]
    if held:
        countdown = max(r.retry_after or 0.0 for r in held) + RETRY_MARGIN_SECONDS
        raise self.retry(args=([r.source_id for r in held],), countdown=countdown)
    statuses: dict[str, int] = {}
    for report in reports:
        statuses[report.status] = statuses.get(report.status, 0) + 1
    return {"statuses": statuses, "new": sum(r.new for r in reports)}


@celery_app.task(name="sources.enqueue_due", acks_late=True)
def enqueue_due_sources() -> int:
    """What beat does every tick, in beat's own process (workers/beat.py); a task too, for
    whoever sends it."""
    return queue_due_sources()


def queue_due_sources() -> int:
    """Claim the sources that are due, ENQUEUE_BATCH per unit of work, and queue their polls
    in batches after each commit; up to MAX_CLAIMS_PER_TICK claims a tick."""
    return claim_and_queue().queued


@dataclass(frozen=True)
class Queued:
    queued: int
    next_due_at: datetime | None  # when the next source not yet due becomes due


def claim_and_queue() -> Queued:
    size = get_settings().poll_batch_size
    queued = 0
    for _ in range(MAX_CLAIMS_PER_TICK):
        now = utcnow()
        with session_scope() as session:
            commit_asynchronously(session)  # a claim lost in a crash is claimed again
            due = claim_due_source_ids(session, now=now, limit=ENQUEUE_BATCH)
            upcoming = next_due_at(session, now=now) if len(due) < ENQUEUE_BATCH else None
        with celery_app.producer_or_acquire() as producer:
            for start in range(0, len(due), size):
                poll_batch_task.apply_async((due[start : start + size],), producer=producer)
        queued += len(due)
        if len(due) < ENQUEUE_BATCH:
            return Queued(queued, upcoming)
    return Queued(queued, utcnow())
