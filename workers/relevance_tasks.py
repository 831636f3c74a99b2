"""Thin relevance tasks: `relevance.train` (a few seconds after a mark, debounced),
`relevance.rescore_recent` (a later pass over the mentions stored around a training) and
`relevance.sweep` (beat: brands whose marks no task trained on, the queue having been
unreachable when they were made). All idempotent: training twice on the same marks gives
the same model, rescoring twice the same scores."""

from datetime import datetime, timedelta

from core.db import session_scope
from core.logging import get_logger
from core.settings import get_settings
from models import relevance as repo
from models.types import utcnow
from services.relevance import rescore_recent, train_brand
from workers.app import celery_app

log = get_logger(__name__)

STRAGGLER_PASS_SECONDS = 60.0
SWEEP_SECONDS = 30.0


@celery_app.task(name="relevance.train", acks_late=True)
def train_relevance_task(brand_id: int, marked_at: str) -> bool:
    settings = get_settings()
    with session_scope() as session:
        trained = train_brand(
            session,
            brand_id=brand_id,
            marked_at=datetime.fromisoformat(marked_at),
            now=utcnow(),
            max_delay=settings.relevance_train_max_delay_seconds,
        )
    if trained:
        log.info("relevance.trained", brand_id=brand_id)
        rescore_recent_task.apply_async(args=(brand_id,), countdown=STRAGGLER_PASS_SECONDS)
    return trained


@celery_app.task(name="relevance.rescore_recent", acks_late=True)
def rescore_recent_task(brand_id: int) -> int:
    with session_scope() as session:
        return rescore_recent(session, brand_id=brand_id, now=utcnow())


@celery_app.task(name="relevance.sweep", acks_late=True)
def sweep_relevance_task() -> int:
    settings = get_settings()
    now = utcnow()
    with session_scope() as session:
        waiting = repo.brands_waiting(
            session,
            marked_before=now - timedelta(seconds=settings.relevance_train_delay_seconds),
        )
    for brand_id, marked_at in waiting:
        train_relevance_task.delay(brand_id, marked_at.isoformat())
    return len(waiting)
