"""Use cases for alert rules: create, edit, delete, and unsubscribe by signed link.

Unsubscribe tokens are `<base64url(rule id, address)>.<hex HMAC-SHA256>` keyed with
ESCUCHA_SECRET_KEY: no table, nothing to guess, and a link keeps working until the address
is removed (after which it answers that the address is already off the rule).
"""

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from datetime import datetime
from typing import Any

from sqlmodel import Session

from core.settings import Settings, get_settings
from models import alerts as repo
from models.alert_tables import AlertRule
from models.tables import Brand
from models.types import utcnow
from services.alerts import next_digest_time
from services.brands import get_brand_or_404
from services.errors import InvalidInputError, NotFoundError
from sources.netguard import InvalidURLError, UnsafeURLError, validate_feed_url

SPIKE_FIELDS = ("sensitivity", "cooldown_minutes", "window_minutes")
SCHEDULE_FIELDS = ("schedule", "time", "weekday")


def param_fields(kind: str) -> tuple[str, ...]:
    """The parameters that mean something for a kind of rule; the others are not stored."""
    return SCHEDULE_FIELDS if kind == "digest" else SPIKE_FIELDS


def get_rule_or_404(session: Session, *, workspace_id: int, rule_id: int) -> AlertRule:
    rule = repo.get_rule(session, workspace_id=workspace_id, rule_id=rule_id)
    if rule is None:
        raise NotFoundError(f"alert rule {rule_id} not found")
    return rule


def _checked_webhook(url: str | None) -> str | None:
    if url is None:
        return None
    try:
        return validate_feed_url(url, allow_private=get_settings().allow_private_hosts)
    except (InvalidURLError, UnsafeURLError) as exc:
        raise InvalidInputError(f"webhook_url: {exc}") from exc


def _check_channels(rule: AlertRule) -> None:
    if not rule.email and not rule.webhook_url:
        raise InvalidInputError("an alert rule needs at least one email address or a webhook_url")


def _schedule(rule: AlertRule, brand: Brand, now: datetime) -> None:
    rule.next_run_at = (
        next_digest_time(rule, brand.timezone, after=now) if rule.kind == "digest" else None
    )


def create_rule(
    session: Session, *, workspace_id: int, fields: dict[str, Any], now: datetime | None = None
) -> AlertRule:
    brand = get_brand_or_404(session, workspace_id=workspace_id, brand_id=fields["brand_id"])
    rule = AlertRule(
        workspace_id=workspace_id,
        brand_id=fields["brand_id"],
        kind=fields["kind"],
        email=list(dict.fromkeys(fields.get("email") or [])),
        webhook_url=_checked_webhook(fields.get("webhook_url")),
        webhook_secret=fields.get("webhook_secret") or secrets.token_urlsafe(32),
        params={k: fields[k] for k in param_fields(fields["kind"]) if fields.get(k) is not None},
        daily_budget=fields.get("daily_budget") or 5,
        language=fields.get("language"),
    )
    _check_channels(rule)
    _schedule(rule, brand, now or utcnow())
    session.add(rule)
    session.flush()
    return rule


def update_rule(
    session: Session,
    *,
    workspace_id: int,
    rule_id: int,
    changes: dict[str, Any],
    now: datetime | None = None,
) -> AlertRule:
    """PATCH semantics: absent fields stay; `webhook_url: null` removes the webhook,
    `language: null` goes back to the brand locale's language."""
    rule = get_rule_or_404(session, workspace_id=workspace_id, rule_id=rule_id)
    if "email" in changes:
        rule.email = list(dict.fromkeys(changes["email"] or []))
    if "webhook_url" in changes:
        rule.webhook_url = _checked_webhook(changes["webhook_url"])
    if changes.get("webhook_secret"):
        rule.webhook_secret = changes["webhook_secret"]
    if "language" in changes:
        rule.language = changes["language"]
    if changes.get("daily_budget") is not None:
        rule.daily_budget = changes["daily_budget"]
    params = {k: v for k, v in changes.items() if k in param_fields(rule.kind) and v is not None}
    rule.params = {**rule.params, **params}
    _check_channels(rule)
    if set(SCHEDULE_FIELDS) & params.keys():
        brand = session.get(Brand, rule.brand_id)
        assert brand is not None
        _schedule(rule, brand, now or utcnow())
    rule.updated_at = now or utcnow()
    session.flush()
    return rule


def delete_rule(session: Session, *, workspace_id: int, rule_id: int) -> None:
    """The rule goes; its history stays (rule_id becomes null), unsent deliveries stop."""
    rule = get_rule_or_404(session, workspace_id=workspace_id, rule_id=rule_id)
    repo.cancel_pending(session, rule_id=rule_id, reason="the alert rule was deleted")
    session.delete(rule)
    session.flush()


def _mac(settings: Settings, payload: bytes) -> str:
    key = settings.secret_key.get_secret_value().encode()
    return hmac.new(key, b"unsubscribe\x00" + payload, hashlib.sha256).hexdigest()


def unsubscribe_token(settings: Settings, *, rule_id: int, address: str) -> str:
    payload = json.dumps([rule_id, address], separators=(",", ":")).encode()
    encoded = base64.urlsafe_b64encode(payload).decode().rstrip("=")
    return f"{encoded}.{_mac(settings, payload)}"


def unsubscribe_url(settings: Settings, *, rule_id: int, address: str) -> str:
    token = unsubscribe_token(settings, rule_id=rule_id, address=address)
    return f"{settings.public_url.rstrip('/')}/v1/unsubscribe?token={token}"


def read_unsubscribe_token(settings: Settings, token: str) -> tuple[int, str]:
    encoded, _, mac = token.partition(".")
    try:
        payload = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        if not hmac.compare_digest(_mac(settings, payload), mac):
            raise ValueError("bad signature")
        rule_id, address = json.loads(payload)
        return int(rule_id), str(address)
    except (ValueError, TypeError, binascii.Error) as exc:
        raise InvalidInputError("this unsubscribe link is not valid") from exc


def unsubscribe(session: Session, *, token: str) -> tuple[str, bool]:
    """Take the address off the rule; (address, whether it was still on it)."""
    rule_id, address = read_unsubscribe_token(get_settings(), token)
    rule = session.get(AlertRule, rule_id)
    if rule is None:
        return address, False
    kept = [a for a in rule.email if a.lower() != address.lower()]
    removed = len(kept) != len(rule.email)
    rule.email = kept
    session.flush()
    return address, removed
