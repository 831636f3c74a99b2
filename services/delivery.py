"""Send one delivery: claim it, send with no transaction open, record the outcome.

Exactly once, as far as a network allows:
* the claim is one conditional UPDATE (`pending` and due -> `sending`, with a lease),
  committed before anything is sent, so a redelivered or duplicated task finds nothing
  to claim and sends nothing;
* the outcome is recorded right after the send: `sent`, or back to `pending` with an
  exponential backoff (`failed` once attempts run out or the failure is permanent);
* a worker that dies mid-send leaves the row `sending`; when its lease ends the sweep
  claims it again, so nothing is dropped. Only a crash in the moment between the remote
  side accepting and our commit can repeat a send, and the repeat carries the same
  Message-ID (email) or X-Escucha-Delivery id (webhook), so receivers can drop it.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

import httpx

from core.db import session_scope
from core.i18n import message_language
from core.logging import get_logger
from core.mailer import MailError, parse_smtp_url, send_email
from core.resources import http_client
from core.settings import Settings, get_settings
from models import alerts as repo
from models.alert_tables import Alert, AlertDelivery, AlertRule
from models.tables import Brand
from models.types import utcnow
from services.alert_message import AlertMessage, build_message
from services.alert_rules import unsubscribe_url
from services.email_render import render_email
from services.webhook import WebhookError, post_webhook

log = get_logger(__name__)
Outcome = Literal["sent", "retry", "failed", "skipped"]


@dataclass(frozen=True)
class DeliveryReport:
    delivery_id: int
    outcome: Outcome
    error: str | None = None
    retry_at: datetime | None = None


@dataclass(frozen=True)
class _Job:
    delivery_id: int
    channel: str
    recipient: str
    attempts: int
    rule_id: int
    secret: str
    message: AlertMessage


class _Cancelled(Exception):
    pass


def retry_delay(attempts: int, settings: Settings) -> timedelta:
    seconds = settings.alert_retry_base_seconds * 2 ** min(max(attempts - 1, 0), 20)
    return timedelta(seconds=min(seconds, settings.alert_retry_max_seconds))


def _job(delivery: AlertDelivery, alert: Alert, rule: AlertRule | None, brand: Brand) -> _Job:
    if rule is None:
        raise _Cancelled("the alert rule was deleted")
    if delivery.channel == "email" and delivery.recipient not in rule.email:
        raise _Cancelled("the address was removed from the rule (unsubscribed) before sending")
    if delivery.channel == "webhook" and delivery.recipient != rule.webhook_url:
        raise _Cancelled("the rule's webhook_url changed before sending")
    assert delivery.id is not None and rule.id is not None
    return _Job(
        delivery_id=delivery.id,
        channel=delivery.channel,
        recipient=delivery.recipient,
        attempts=delivery.attempts,
        rule_id=rule.id,
        secret=rule.webhook_secret,
        message=build_message(
            alert,
            brand_name=brand.name,
            language=message_language(rule.language, brand.locale),
            locale=brand.locale,
        ),
    )


def _claim(delivery_id: int, now: datetime, settings: Settings) -> _Job | str | None:
    """The job to send, a reason it cannot be sent, or None when not ours to send."""
    with session_scope() as session:
        lease = settings.alert_send_lease_seconds
        if not repo.claim_delivery(session, delivery_id=delivery_id, now=now, lease=lease):
            return None
        delivery = session.get(AlertDelivery, delivery_id)
        assert delivery is not None
        alert = session.get(Alert, delivery.alert_id)
        assert alert is not None
        rule = session.get(AlertRule, alert.rule_id) if alert.rule_id is not None else None
        brand = session.get(Brand, alert.brand_id)
        assert brand is not None
        try:
            return _job(delivery, alert, rule, brand)
        except _Cancelled as exc:
            return str(exc)


def _send(job: _Job, *, now: datetime, settings: Settings, client: httpx.Client | None) -> None:
    if job.channel == "webhook":
        post_webhook(
            client or http_client(),
            job.recipient,
            secret=job.secret,
            message=job.message,
            delivery_id=job.delivery_id,
            now=now,
            timeout=settings.webhook_timeout_seconds,
        )
        return
    domain = settings.mail_from.rpartition("@")[2].strip(" >") or "escucha.local"
    email = render_email(
        job.message,
        recipient=job.recipient,
        mail_from=settings.mail_from,
        unsubscribe_url=unsubscribe_url(settings, rule_id=job.rule_id, address=job.recipient),
        message_id=f"<escucha.alert{job.message.alert_id}.d{job.delivery_id}@{domain}>",
        now=now,
    )
    send_email(parse_smtp_url(settings.smtp_url), email, timeout=settings.smtp_timeout_seconds)


def _finish(delivery_id: int, values: dict[str, object]) -> None:
    with session_scope() as session:
        repo.finish_delivery(session, delivery_id=delivery_id, values=values)


def _failed(
    delivery_id: int, attempts: int, error: str, *, permanent: bool, now: datetime, s: Settings
) -> DeliveryReport:
    if permanent or attempts >= s.alert_delivery_max_attempts:
        _finish(delivery_id, {"status": "failed", "last_error": error[:2000]})
        return DeliveryReport(delivery_id, "failed", error)
    retry_at = now + retry_delay(attempts, s)
    _finish(
        delivery_id, {"status": "pending", "last_error": error[:2000], "next_attempt_at": retry_at}
    )
    return DeliveryReport(delivery_id, "retry", error, retry_at)


def deliver(
    delivery_id: int,
    *,
    now: datetime | None = None,
    settings: Settings | None = None,
    client: httpx.Client | None = None,
) -> DeliveryReport:
    """Send delivery `delivery_id` if it is due and nobody else is sending it."""
    settings = settings or get_settings()
    now = now or utcnow()
    job = _claim(delivery_id, now, settings)
    if job is None:
        return DeliveryReport(delivery_id, "skipped")
    if isinstance(job, str):
        _finish(delivery_id, {"status": "failed", "last_error": job})
        return DeliveryReport(delivery_id, "failed", job)
    try:
        _send(job, now=now, settings=settings, client=client)
    except (MailError, WebhookError) as exc:
        log.warning("alerts.delivery_failed", delivery_id=delivery_id, error=str(exc))
        return _failed(
            delivery_id, job.attempts, str(exc), permanent=exc.permanent, now=now, s=settings
        )
    except Exception as exc:  # a bug must not leave the row claimed until the lease ends
        log.exception("alerts.delivery_crashed", delivery_id=delivery_id)
        error = f"{type(exc).__name__}: {exc}"
        return _failed(delivery_id, job.attempts, error, permanent=False, now=now, s=settings)
    _finish(delivery_id, {"status": "sent", "sent_at": now, "last_error": None})
    return DeliveryReport(delivery_id, "sent")


def due_deliveries(*, now: datetime, limit: int = 500) -> list[int]:
    with session_scope() as session:
        return repo.due_delivery_ids(session, now=now, limit=limit)
