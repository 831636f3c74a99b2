"""Evaluate alert rules: spike and negative-surge tests every tick, digests at their time.

Each rule is evaluated in its own unit of work with its row locked, so two evaluations of
one rule never overlap; the alert's dedup key (its window, or the digest's send time) is
unique per rule, so re-running an evaluation inserts nothing twice. Deliveries are created
with the alert, in the same unit of work, and queued only after it commits.

Budget: a brand sends at most `daily_budget` spike-like alerts per local day (the budget of
the rule that fires applies); alerts beyond it are stored `folded_into_digest` and listed in
the brand's next digest instead of being sent.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from core.db import session_scope
from core.logging import get_logger
from domain.schedule import covered_window, next_send_time, parse_hhmm
from domain.spikes import (
    BASELINE_DAYS,
    PRESETS,
    Counts,
    Verdict,
    Windows,
    in_cooldown,
    negative_surge,
    spike,
    windows_at,
)
from models import alerts as repo
from models.alert_figures import AlertFigures, FoldedAlert, SpikeFigures
from models.alert_stats import LabelCounts, label_counts
from models.alert_tables import Alert, AlertRule
from models.tables import Brand
from services.alert_message import local_text
from services.digest import build_digest, volume
from services.window_report import window_details

log = get_logger(__name__)
CHART_SPAN = timedelta(hours=24)  # a spike's email shows the day up to it, hour by hour


@dataclass(frozen=True)
class RuleParams:
    sensitivity: str = "medium"
    cooldown_minutes: int = 120
    window_minutes: int = 60
    schedule: str = "daily"
    time: str = "08:00"
    weekday: str = "monday"

    @classmethod
    def of(cls, rule: AlertRule) -> "RuleParams":
        known = {k: v for k, v in rule.params.items() if k in cls.__dataclass_fields__}
        return cls(**known)


def next_digest_time(rule: AlertRule, timezone: str, *, after: datetime) -> datetime:
    p = RuleParams.of(rule)
    return next_send_time(
        after,
        schedule="weekly" if p.schedule == "weekly" else "daily",
        at=parse_hhmm(p.time),
        timezone=timezone,
        weekday=p.weekday,
    )


def evaluate_due(*, now: datetime) -> list[int]:
    """Evaluate every rule that may fire at `now`; the ids of the deliveries created."""
    with session_scope() as session:
        rule_ids = repo.rule_ids_due(session, now=now)
    created: list[int] = []
    for rule_id in rule_ids:
        try:
            with session_scope() as session:
                created += evaluate_rule(session, rule_id=rule_id, now=now)
        except Exception:  # one broken rule must not stop the others
            log.exception("alerts.evaluate_failed", rule_id=rule_id)
    return created


def evaluate_rule(session: Session, *, rule_id: int, now: datetime) -> list[int]:
    rule = repo.lock_rule(session, rule_id)
    if rule is None:
        return []
    brand = session.get(Brand, rule.brand_id)
    assert brand is not None
    if rule.kind == "digest":
        return _evaluate_digest(session, rule, brand, now)
    return _evaluate_spike(session, rule, brand, now)


def _targets(rule: AlertRule) -> list[tuple[str, str]]:
    targets = [("email", address) for address in rule.email]
    if rule.webhook_url:
        targets.append(("webhook", rule.webhook_url))
    return targets


@dataclass(frozen=True)
class WindowTest:
    verdict: Verdict
    windows: Windows
    baseline: LabelCounts


def window_test(session: Session, rule: AlertRule, brand: Brand, now: datetime) -> WindowTest:
    """The rule's statistical test on the window ending at `now` (the minute)."""
    p = RuleParams.of(rule)
    windows = windows_at(now, p.window_minutes)
    scope = {"workspace_id": brand.workspace_id, "brand_id": rule.brand_id}
    current = label_counts(session, **scope, since=windows.window_start, until=windows.window_end)
    past = label_counts(session, **scope, since=windows.baseline_start, until=windows.window_start)
    check = negative_surge if rule.kind == "negative_surge" else spike
    verdict = check(
        Counts(current.mentions, current.negative),
        Counts(past.mentions, past.negative),
        windows.baseline_windows,
        PRESETS[p.sensitivity],
    )
    return WindowTest(verdict, windows, past)


def spike_figures(
    session: Session, rule: AlertRule, brand: Brand, test: WindowTest
) -> SpikeFigures:
    """The test's figures, what happened in the window, and the chart's hourly bars of the
    24 hours up to the window's end."""
    p, verdict, windows, baseline = RuleParams.of(rule), test.verdict, test.windows, test.baseline
    details = window_details(
        session,
        brand,
        since=windows.window_start,
        until=windows.window_end,
        negative_only=rule.kind == "negative_surge",
    )
    bars, interval = volume(
        session, brand, since=windows.window_end - CHART_SPAN, until=windows.window_end
    )
    return SpikeFigures(
        timezone=brand.timezone,
        observed=verdict.observed,
        expected=round(verdict.expected, 4),
        threshold=verdict.threshold,
        p_value=verdict.p_value,
        sensitivity=p.sensitivity,
        window_minutes=p.window_minutes,
        cooldown_minutes=p.cooldown_minutes,
        baseline_days=BASELINE_DAYS,
        baseline_mentions=baseline.mentions,
        baseline_negative=baseline.negative,
        negative_only=rule.kind == "negative_surge",
        observed_share=verdict.observed_share,
        baseline_share=verdict.baseline_share,
        top_sources=details.top_sources,
        top_authors=details.top_authors,
        top_terms=details.top_terms,
        sample_mentions=details.sample_mentions,
        volume=bars,
        volume_interval=interval,
    )


def _over_budget(session: Session, rule: AlertRule, brand: Brand, now: datetime) -> bool:
    zone = ZoneInfo(brand.timezone)
    day = now.astimezone(zone).date()
    start = datetime.combine(day, datetime.min.time()).replace(tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), datetime.min.time()).replace(tzinfo=zone)
    used = repo.alerts_sent_between(session, brand_id=brand.id or 0, since=start, until=end)
    return used >= rule.daily_budget


def _evaluate_spike(session: Session, rule: AlertRule, brand: Brand, now: datetime) -> list[int]:
    assert rule.id is not None
    test = window_test(session, rule, brand, now)
    verdict, windows = test.verdict, test.windows
    if not verdict.fired:
        return []
    p = RuleParams.of(rule)
    if in_cooldown(repo.last_fired_at(session, rule_id=rule.id), now, p.cooldown_minutes):
        return []
    folded = _over_budget(session, rule, brand, now)
    figures = spike_figures(session, rule, brand, test)
    alert = _insert(
        session,
        rule,
        dedup_key=f"{rule.kind}:{windows.window_end.isoformat()}",
        now=now,
        window=(windows.window_start, windows.window_end),
        reason=verdict.reason,
        figures=figures,
        folded=folded,
    )
    if alert is None or folded:
        return []
    assert alert.id is not None
    return repo.add_deliveries(session, alert_id=alert.id, targets=_targets(rule), now=now)


def _evaluate_digest(session: Session, rule: AlertRule, brand: Brand, now: datetime) -> list[int]:
    slot = rule.next_run_at
    if slot is None or slot > now:
        return []
    # After downtime, send one digest for the latest missed time, not one per missed time.
    while (following := next_digest_time(rule, brand.timezone, after=slot)) <= now:
        slot = following
    rule.next_run_at = following
    alert = _insert_digest(session, rule, brand, slot=slot, now=now, test=False)
    if alert is None:
        return []
    assert alert.id is not None
    return repo.add_deliveries(session, alert_id=alert.id, targets=_targets(rule), now=now)


def _insert_digest(
    session: Session, rule: AlertRule, brand: Brand, *, slot: datetime, now: datetime, test: bool
) -> Alert | None:
    schedule = RuleParams.of(rule).schedule
    since, until = covered_window(slot, "weekly" if schedule == "weekly" else "daily")
    figures = build_digest(session, brand, since=since, until=until, now=now)
    figures.schedule = "weekly" if schedule == "weekly" else "daily"
    overflow = [] if test else repo.overflow_to_fold(session, brand_id=rule.brand_id, until=now)
    figures.folded_alerts = [
        FoldedAlert(
            id=a.id,
            kind=a.kind,
            fired_at=a.fired_at,
            fired_at_local=local_text(a.fired_at, brand.timezone),
            reason=a.reason,
        )
        for a in overflow
    ]
    period = "7 days" if schedule == "weekly" else "24 hours"
    reason = (
        f"{schedule.capitalize()} digest of the {period} before {local_text(until, brand.timezone)}"
    )
    key = f"test:{now.isoformat()}:{secrets.token_hex(4)}" if test else f"digest:{slot.isoformat()}"
    window = (since, until)
    alert = _insert(
        session,
        rule,
        dedup_key=key,
        now=now,
        window=window,
        reason=reason,
        figures=figures,
        folded=False,
        test=test,
    )
    if alert is not None:
        for held in overflow:
            held.folded_into_id = alert.id
    return alert


def _insert(
    session: Session,
    rule: AlertRule,
    *,
    dedup_key: str,
    now: datetime,
    window: tuple[datetime, datetime],
    reason: str,
    figures: AlertFigures,
    folded: bool,
    test: bool = False,
) -> Alert | None:
    return repo.insert_alert(
        session,
        {
            "workspace_id": rule.workspace_id,
            "rule_id": rule.id,
            "brand_id": rule.brand_id,
            "kind": rule.kind,
            "dedup_key": dedup_key,
            "fired_at": now,
            "window_start": window[0],
            "window_end": window[1],
            "reason": reason[:1000],
            "figures": figures.model_dump(mode="json"),
            "sample_mention_ids": [m.id for m in figures.sample_mentions],
            "test": test,
            "folded_into_digest": folded,
        },
    )


def fire_test(session: Session, rule: AlertRule, *, now: datetime) -> tuple[Alert, list[int]]:
    """The rule's message built from current data, delivered now whatever the figures say."""
    brand = session.get(Brand, rule.brand_id)
    assert brand is not None and rule.id is not None
    if rule.kind == "digest":
        alert = _insert_digest(session, rule, brand, slot=now, now=now, test=True)
    else:
        test = window_test(session, rule, brand, now)
        would = "would fire" if test.verdict.fired else "would not fire"
        alert = _insert(
            session,
            rule,
            dedup_key=f"test:{now.isoformat()}:{secrets.token_hex(4)}",
            now=now,
            window=(test.windows.window_start, test.windows.window_end),
            reason=f"Test message: the rule {would} now. {test.verdict.reason}",
            figures=spike_figures(session, rule, brand, test),
            folded=False,
            test=True,
        )
    assert alert is not None and alert.id is not None
    return alert, repo.add_deliveries(session, alert_id=alert.id, targets=_targets(rule), now=now)
