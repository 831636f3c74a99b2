"""Sending work to the workers. Callers send only after the commit the task depends on."""

from datetime import datetime

from core.settings import get_settings
from services.errors import ServiceUnavailableError
from workers.app import celery_app


def queue_poll(source_id: int, *, force: bool) -> None:
    try:
        celery_app.send_task("source.poll", args=[source_id], kwargs={"force": force}, retry=False)
    except Exception as exc:  # kombu raises several connection error types
        raise ServiceUnavailableError(f"the task queue is unreachable: {exc}") from exc


def broker_reachable() -> str | None:
    """None when the broker answers, else a short reason."""
    try:
        with celery_app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:
        return type(exc).__name__
    return None


def queue_relevance_training(brand_id: int, *, marked_at: datetime) -> None:
    """Train the brand's model a few seconds after this mark (marks closer together are
    trained on once: the task of an earlier mark sees a later one and leaves it the work)."""
    celery_app.send_task(
        "relevance.train",
        args=[brand_id, marked_at.isoformat()],
        countdown=get_settings().relevance_train_delay_seconds,
        retry=False,
    )
