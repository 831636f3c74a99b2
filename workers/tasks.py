"""Thin Celery tasks: parse arguments, call one service function."""

from typing import Any

from celery import Task

from core.db import session_scope
from models.sources import claim_due_sources
from models.types import utcnow
from services.polling import PollReport, poll_source
from workers.app import celery_app

ENQUEUE_BATCH = 500
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
    return {"status": report.status, "new": report.new, "error": report.error}


def _should_retry(task: "Task[Any, Any]", report: PollReport, *, force: bool) -> bool:
    if report.retry_after is None or task.request.retries >= MAX_POLL_RETRIES:
        return False
    redelivered = bool((task.request.delivery_info or {}).get("redelivered"))
    return (report.status == "busy" and redelivered) or (report.status == "deferred" and force)


@celery_app.task(name="sources.enqueue_due", acks_late=True)
def enqueue_due_sources() -> int:
    """Beat runs this every tick: claim the sources that are due and queue one poll each,
    after the commit that claimed them."""
    with session_scope() as session:
        due = [s.id for s in claim_due_sources(session, now=utcnow(), limit=ENQUEUE_BATCH)]
    for source_id in due:
        poll_source_task.delay(source_id)
    return len(due)
