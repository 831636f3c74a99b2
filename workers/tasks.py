"""Thin Celery tasks: parse arguments, call one service function."""

from typing import Any

from core.db import session_scope
from models.sources import claim_due_sources
from models.types import utcnow
from services.polling import poll_source
from workers.app import celery_app

ENQUEUE_BATCH = 500


@celery_app.task(name="source.poll", acks_late=True)
def poll_source_task(source_id: int, force: bool = False) -> dict[str, Any]:
    """Idempotent: mentions are unique per brand and URL, so a redelivered poll stores nothing twice."""
    report = poll_source(source_id, force=force)
    return {"status": report.status, "new": report.new, "error": report.error}


@celery_app.task(name="sources.enqueue_due", acks_late=True)
def enqueue_due_sources() -> int:
    """Beat runs this every tick: claim the sources that are due and queue one poll each,
    after the commit that claimed them."""
    with session_scope() as session:
        due = [s.id for s in claim_due_sources(session, now=utcnow(), limit=ENQUEUE_BATCH)]
    for source_id in due:
        poll_source_task.delay(source_id)
    return len(due)
