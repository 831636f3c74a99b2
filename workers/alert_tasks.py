"""Thin alert tasks: `alerts.evaluate` (beat, every minute) and `alerts.deliver` (one each).

Evaluation and sending are separate tasks. Both are idempotent, so acks_late is safe:
evaluating twice inserts nothing twice (unique dedup key per rule and window), and a
delivery is claimed atomically before it is sent, so a redelivered task sends nothing.
Every tick also re-queues deliveries that are due (retries whose backoff ended, and
sends whose worker died), so a lost message or a dead worker never drops one.
"""

from core.logging import get_logger
from models.types import utcnow
from services.alerts import evaluate_due
from services.delivery import deliver, due_deliveries
from workers.app import celery_app

log = get_logger(__name__)


@celery_app.task(name="alerts.evaluate", acks_late=True)
def evaluate_alerts_task() -> int:
    now = utcnow()
    created = evaluate_due(now=now)  # committed: deliveries exist before they are queued
    due = sorted(set(created) | set(due_deliveries(now=now)))
    queue_deliveries(due)
    return len(due)


@celery_app.task(name="alerts.deliver", acks_late=True)
def deliver_alert_task(delivery_id: int) -> str:
    report = deliver(delivery_id)
    if report.retry_at is not None:
        countdown = max((report.retry_at - utcnow()).total_seconds(), 0.0)
        deliver_alert_task.apply_async(args=(delivery_id,), countdown=countdown)
    return report.outcome


def queue_deliveries(delivery_ids: list[int]) -> None:
    """Queue sends after the commit that created them. If the broker is down they stay
    `pending` and the next `alerts.evaluate` tick queues them."""
    for delivery_id in delivery_ids:
        try:
            celery_app.send_task("alerts.deliver", args=[delivery_id], retry=False)
        except Exception as exc:  # kombu raises several connection error types
            log.warning("alerts.queue_failed", delivery_id=delivery_id, error=str(exc))
            return
