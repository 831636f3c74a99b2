"""Sending work to the workers. Callers send only after the commit the task depends on."""

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
