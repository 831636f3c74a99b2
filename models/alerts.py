"""Queries for alert rules, alerts and deliveries (idempotent inserts, atomic claims)."""

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from models.alert_tables import Alert, AlertDelivery, AlertRule

ALERTING_KINDS = ("spike", "negative_surge")


def _insert(session: Session) -> Any:
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def get_rule(session: Session, *, workspace_id: int, rule_id: int) -> AlertRule | None:
    rule = session.get(AlertRule, rule_id)
    return rule if rule is not None and rule.workspace_id == workspace_id else None


def list_rules(session: Session, *, workspace_id: int, brand_id: int | None) -> list[AlertRule]:
    statement = select(AlertRule).where(AlertRule.workspace_id == workspace_id)
    if brand_id is not None:
        statement = statement.where(AlertRule.brand_id == brand_id)
    return list(session.exec(statement.order_by(col(AlertRule.id))).all())


def lock_rule(session: Session, rule_id: int) -> AlertRule | None:
    """The rule row, locked until the unit of work ends: one evaluation per rule at a time."""
    statement = (
        select(AlertRule)
        .where(AlertRule.id == rule_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return session.exec(statement).first()


def rule_ids_due(session: Session, *, now: datetime) -> list[int]:
    """Spike-like rules (checked every tick) and digests whose send time has come."""
    statement = (
        select(AlertRule.id)
        .where(
            or_(
                col(AlertRule.kind).in_(ALERTING_KINDS),
                and_(col(AlertRule.kind) == "digest", col(AlertRule.next_run_at) <= now),
            )
        )
        .order_by(col(AlertRule.id))
    )
    return [rule_id for rule_id in session.exec(statement).all() if rule_id is not None]


def last_fired_at(session: Session, *, rule_id: int) -> datetime | None:
    """When the rule last fired for real (folded alerts count, tests do not)."""
    statement = select(func.max(Alert.fired_at)).where(
        Alert.rule_id == rule_id, col(Alert.test).is_(False)
    )
    value: datetime | None = session.exec(statement).one()
    return value


def alerts_sent_between(
    session: Session, *, brand_id: int, since: datetime, until: datetime
) -> int:
    """Spike-like alerts that went out (not folded, not tests) for a brand: its budget use."""
    statement = select(func.count()).where(
        Alert.brand_id == brand_id,
        col(Alert.kind).in_(ALERTING_KINDS),
        col(Alert.test).is_(False),
        col(Alert.folded_into_digest).is_(False),
        col(Alert.fired_at) >= since,
        col(Alert.fired_at) < until,
    )
    return int(session.exec(statement).one())


def insert_alert(session: Session, values: dict[str, Any]) -> Alert | None:
    """Insert unless (rule_id, dedup_key) exists; the new row, or None when it existed."""
    table = Alert.__table__  # type: ignore[attr-defined]
    statement = (
        _insert(session)(table)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["rule_id", "dedup_key"])
        .returning(table.c.id)
    )
    new_id = session.execute(statement).scalar_one_or_none()
    return None if new_id is None else session.get(Alert, new_id)


def overflow_to_fold(session: Session, *, brand_id: int, until: datetime) -> list[Alert]:
    """Alerts held back by the budget and not yet carried by a digest."""
    statement = (
        select(Alert)
        .where(
            Alert.brand_id == brand_id,
            col(Alert.folded_into_digest).is_(True),
            col(Alert.folded_into_id).is_(None),
            col(Alert.fired_at) < until,
        )
        .order_by(col(Alert.fired_at))
    )
    return list(session.exec(statement).all())


def add_deliveries(
    session: Session, *, alert_id: int, targets: Sequence[tuple[str, str]], now: datetime
) -> list[int]:
    """One pending delivery per (channel, recipient); existing ones are left alone."""
    if not targets:
        return []
    table = AlertDelivery.__table__  # type: ignore[attr-defined]
    rows = [
        {
            "alert_id": alert_id,
            "channel": channel,
            "recipient": recipient,
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        for channel, recipient in targets
    ]
    statement = (
        _insert(session)(table)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["alert_id", "channel", "recipient"])
        .returning(table.c.id)
    )
    return sorted(row[0] for row in session.execute(statement))


def claim_delivery(session: Session, *, delivery_id: int, now: datetime, lease: float) -> bool:
    """Take a delivery for sending: one conditional UPDATE, so only one worker wins it.

    A due `pending` row is claimable, and so is a `sending` row whose lease ran out (its
    worker died mid-send)."""
    due = or_(
        and_(col(AlertDelivery.status) == "pending", col(AlertDelivery.next_attempt_at) <= now),
        and_(col(AlertDelivery.status) == "sending", col(AlertDelivery.claimed_until) < now),
    )
    statement = (
        update(AlertDelivery)
        .where(col(AlertDelivery.id) == delivery_id, due)
        .values(
            status="sending",
            claimed_until=now + timedelta(seconds=lease),
            attempts=col(AlertDelivery.attempts) + 1,
        )
    )
    result: Any = session.execute(statement)
    return bool(result.rowcount == 1)


def finish_delivery(session: Session, *, delivery_id: int, values: dict[str, Any]) -> None:
    """Record the outcome of a claimed send (only while it is still ours: `sending`)."""
    statement = (
        update(AlertDelivery)
        .where(col(AlertDelivery.id) == delivery_id, col(AlertDelivery.status) == "sending")
        .values(claimed_until=None, **values)
    )
    session.execute(statement)


def due_delivery_ids(session: Session, *, now: datetime, limit: int) -> list[int]:
    statement = (
        select(AlertDelivery.id)
        .where(
            or_(
                and_(
                    col(AlertDelivery.status) == "pending",
                    col(AlertDelivery.next_attempt_at) <= now,
                ),
                and_(
                    col(AlertDelivery.status) == "sending", col(AlertDelivery.claimed_until) < now
                ),
            )
        )
        .order_by(col(AlertDelivery.id))
        .limit(limit)
    )
    return [i for i in session.exec(statement).all() if i is not None]


def cancel_pending(session: Session, *, rule_id: int, reason: str) -> None:
    alert_ids = select(Alert.id).where(Alert.rule_id == rule_id)
    statement = (
        update(AlertDelivery)
        .where(col(AlertDelivery.alert_id).in_(alert_ids), col(AlertDelivery.status) == "pending")
        .values(status="failed", last_error=reason)
    )
    session.execute(statement)


def list_alerts(
    session: Session,
    *,
    workspace_id: int,
    filters: dict[str, Any],
    before_id: int | None,
    limit: int,
) -> list[Alert]:
    """Newest first; `filters` may hold brand_id, rule_id, kind and test."""
    statement = select(Alert).where(Alert.workspace_id == workspace_id)
    for name, value in filters.items():
        if value is not None:
            statement = statement.where(getattr(Alert, name) == value)
    if before_id is not None:
        statement = statement.where(col(Alert.id) < before_id)
    statement = statement.order_by(col(Alert.id).desc()).limit(limit)
    return list(session.exec(statement).all())


def deliveries_for(session: Session, alert_ids: list[int]) -> dict[int, list[AlertDelivery]]:
    found: dict[int, list[AlertDelivery]] = {alert_id: [] for alert_id in alert_ids}
    if not alert_ids:
        return found
    statement = (
        select(AlertDelivery)
        .where(col(AlertDelivery.alert_id).in_(alert_ids))
        .order_by(col(AlertDelivery.id))
    )
    for delivery in session.exec(statement).all():
        found[delivery.alert_id].append(delivery)
    return found
