"""Alert rules and the alert history in plain words."""

from collections.abc import Mapping
from dataclasses import dataclass

from core.i18n import Formats, Language
from core.terms import name
from models.alert_tables import Alert, AlertDelivery, AlertRule
from pages.i18n import Gettext


@dataclass(frozen=True)
class RuleView:
    id: int
    brand: str
    kind: str
    kind_name: str
    channels: str
    when: str
    next_run: str | None


def rule_view(
    rule: AlertRule, brands: Mapping[int, str], fmt: Formats, _: Gettext, language: Language
) -> RuleView:
    assert rule.id is not None
    p = rule.params
    channels = [*rule.email, *([rule.webhook_url] if rule.webhook_url else [])]
    if rule.kind == "digest":
        when = _("{schedule} at {time}").format(
            schedule=_("daily")
            if p.get("schedule") == "daily"
            else _("weekly on {weekday}").format(weekday=p.get("weekday", "")),
            time=p.get("time", ""),
        )
    else:
        when = _("sensitivity {sensitivity}, windows of {minutes} minutes").format(
            sensitivity=p.get("sensitivity", "medium"), minutes=p.get("window_minutes", 60)
        )
    return RuleView(
        id=rule.id,
        brand=brands.get(rule.brand_id, str(rule.brand_id)),
        kind=rule.kind,
        kind_name=name(rule.kind, language),
        channels=", ".join(channels),
        when=when,
        next_run=fmt.datetime(rule.next_run_at) if rule.next_run_at else None,
    )


@dataclass(frozen=True)
class DeliveryView:
    channel: str
    recipient: str
    status: str
    detail: str


@dataclass(frozen=True)
class AlertView:
    id: int
    brand: str
    kind_name: str
    test: bool
    fired_at: str
    window: str
    reason: str
    figures: list[tuple[str, str]]
    deliveries: list[DeliveryView]
    folded: bool


FIGURES = ("observed", "expected", "threshold", "p_value", "mentions", "negative")


def alert_view(
    alert: Alert,
    deliveries: list[AlertDelivery],
    brands: Mapping[int, str],
    fmt: Formats,
    _: Gettext,
    language: Language,
) -> AlertView:
    assert alert.id is not None
    names = {
        "observed": _("observed"),
        "expected": _("expected"),
        "threshold": _("threshold"),
        "p_value": _("p-value"),
        "mentions": _("mentions"),
        "negative": _("negative"),
    }
    figures = []
    for key in FIGURES:
        value = alert.figures.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            shown = fmt.decimal(float(value), 6 if key == "p_value" else 2)
            figures.append((names[key], shown))
    rows = []
    for d in deliveries:
        detail = d.last_error or (fmt.datetime(d.sent_at) if d.sent_at else "")
        rows.append(DeliveryView(d.channel, d.recipient, d.status, detail))
    return AlertView(
        id=alert.id,
        brand=brands.get(alert.brand_id, str(alert.brand_id)),
        kind_name=name(alert.kind, language),
        test=alert.test,
        fired_at=fmt.datetime(alert.fired_at),
        window=f"{fmt.datetime(alert.window_start)} – {fmt.datetime(alert.window_end)}",
        reason=alert.reason,
        figures=figures,
        deliveries=rows,
        folded=alert.folded_into_digest,
    )
