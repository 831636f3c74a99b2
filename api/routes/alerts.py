"""Alert rules, the alert history, test sends, and the unsubscribe link (no auth)."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, status
from fastapi.responses import HTMLResponse

from api.alert_schemas import (
    AlertPage,
    AlertPublic,
    AlertQuery,
    AlertRuleCreate,
    AlertRulePublic,
    AlertRuleQuery,
    AlertRuleUpdate,
    DeliveryPublic,
    WindowPublic,
)
from api.deps import SessionDep, WorkspaceIdDep
from models import alerts as repo
from models.alert_tables import Alert, AlertDelivery, AlertRule
from models.types import utcnow
from services import alert_rules as service
from services.alerts import fire_test
from services.errors import InvalidInputError
from workers.alert_tasks import queue_deliveries

router = APIRouter(tags=["alerts"])


def rule_public(rule: AlertRule) -> AlertRulePublic:
    assert rule.id is not None
    p = rule.params
    return AlertRulePublic(
        id=rule.id,
        brand_id=rule.brand_id,
        kind=rule.kind,
        email=rule.email,
        webhook_url=rule.webhook_url,
        webhook_secret=rule.webhook_secret,
        sensitivity=p.get("sensitivity"),
        window_minutes=p.get("window_minutes"),
        cooldown_minutes=p.get("cooldown_minutes"),
        schedule=p.get("schedule"),
        time=p.get("time"),
        weekday=p.get("weekday"),
        daily_budget=rule.daily_budget,
        language=rule.language,  # type: ignore[arg-type]
        next_run_at=rule.next_run_at,
        created_at=rule.created_at,
        updated_at=rule.updated_at,
    )


def alert_public(alert: Alert, deliveries: list[AlertDelivery]) -> AlertPublic:
    assert alert.id is not None
    figures = {k: v for k, v in alert.figures.items() if k != "sample_mentions"}
    return AlertPublic(
        id=alert.id,
        rule_id=alert.rule_id,
        brand_id=alert.brand_id,
        kind=alert.kind,
        test=alert.test,
        fired_at=alert.fired_at,
        window=WindowPublic(since=alert.window_start, until=alert.window_end),
        reason=alert.reason,
        figures=figures,
        sample_mentions=alert.figures.get("sample_mentions", []),
        folded_into_digest=alert.folded_into_digest,
        folded_into_id=alert.folded_into_id,
        deliveries=[DeliveryPublic.model_validate(d, from_attributes=True) for d in deliveries],
    )


@router.post("/v1/alert-rules", status_code=status.HTTP_201_CREATED, response_model=AlertRulePublic)
def create_rule(body: AlertRuleCreate, session: SessionDep, workspace_id: WorkspaceIdDep) -> Any:
    """**spike** / **negative_surge**: every minute, the last `window_minutes` (default 60)
    are compared with the 28 days before, cut into windows of the same length. The count
    (of negative mentions, for a negative surge) fires when its Poisson upper-tail p-value
    is under the sensitivity's threshold, it reaches the minimum count and is at least the
    minimum ratio to the baseline mean; a negative surge also needs the negative share to
    rise above the baseline's. `high`: p < 0.01, >= 5 mentions, >= 1.5x (>= 3 negative,
    share +10 points); `medium`: p < 0.001, >= 10, >= 2x (>= 5, +15); `low`: p < 0.0001,
    >= 20, >= 3x (>= 10, +25). After firing, a rule holds for `cooldown_minutes`.

    **digest**: `daily` or `weekly` (on `weekday`) at the local `time` in the brand's
    timezone; daily covers the 24 hours before it is sent, weekly the 7 days. A local time
    skipped by a DST change goes out as many minutes later as the gap (02:30 -> 03:30); a
    repeated one goes out once, at its first occurrence.

    **Budget**: a brand sends at most the firing rule's `daily_budget` spike-like alerts
    per local day; the rest are kept (`folded_into_digest`) and listed in its next digest.

    **Webhooks** get a JSON POST with a Slack-compatible `text` plus the structured alert,
    signed `X-Escucha-Signature: sha256=<hex HMAC-SHA256 of the raw body keyed with
    webhook_secret>`, with `X-Escucha-Timestamp` (also the body's `timestamp`) and
    `X-Escucha-Delivery`; failures are retried with exponential backoff (30 s doubling,
    6 attempts). A `webhook_secret` is generated unless given. Private and local webhook
    targets are refused, as for feed URLs."""
    rule = service.create_rule(session, workspace_id=workspace_id, fields=body.model_dump())
    session.commit()
    return rule_public(rule)


@router.get("/v1/alert-rules", response_model=list[AlertRulePublic])
def list_rules(
    params: Annotated[AlertRuleQuery, Query()], session: SessionDep, workspace_id: WorkspaceIdDep
) -> Any:
    rules = repo.list_rules(session, workspace_id=workspace_id, brand_id=params.brand_id)
    return [rule_public(rule) for rule in rules]


@router.get("/v1/alert-rules/{rule_id}", response_model=AlertRulePublic)
def get_rule(rule_id: int, session: SessionDep, workspace_id: WorkspaceIdDep) -> Any:
    return rule_public(service.get_rule_or_404(session, workspace_id=workspace_id, rule_id=rule_id))


@router.patch("/v1/alert-rules/{rule_id}", response_model=AlertRulePublic)
def patch_rule(
    rule_id: int, body: AlertRuleUpdate, session: SessionDep, workspace_id: WorkspaceIdDep
) -> Any:
    changes = body.model_dump(exclude_unset=True)
    rule = service.update_rule(session, workspace_id=workspace_id, rule_id=rule_id, changes=changes)
    session.commit()
    return rule_public(rule)


@router.delete("/v1/alert-rules/{rule_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_rule(rule_id: int, session: SessionDep, workspace_id: WorkspaceIdDep) -> None:
    service.delete_rule(session, workspace_id=workspace_id, rule_id=rule_id)
    session.commit()


@router.post(
    "/v1/alert-rules/{rule_id}/test",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=AlertPublic,
)
def test_rule(rule_id: int, session: SessionDep, workspace_id: WorkspaceIdDep) -> Any:
    """Deliver the rule's message now, built from current data whatever the figures say
    (a spike rule's test shows the current window and whether it would fire). The send
    is queued; the answer is the test alert, listed in GET /v1/alerts with `test: true`,
    where each delivery's status shows how it went."""
    rule = service.get_rule_or_404(session, workspace_id=workspace_id, rule_id=rule_id)
    alert, delivery_ids = fire_test(session, rule, now=utcnow())
    session.commit()
    queue_deliveries(delivery_ids)
    assert alert.id is not None
    return alert_public(alert, repo.deliveries_for(session, [alert.id])[alert.id])


@router.get("/v1/alerts", response_model=AlertPage)
def list_alerts(
    params: Annotated[AlertQuery, Query()], session: SessionDep, workspace_id: WorkspaceIdDep
) -> Any:
    """What fired or was sent, newest first: when (`fired_at`), why (`reason`, `figures`
    with the baseline, observed count and threshold, top sources, authors and terms, and
    `sample_mentions`), and each delivery's status. Alerts held back by the daily budget
    have `folded_into_digest: true` and, once a digest carried them, `folded_into_id`."""
    filters = {"brand_id": params.brand_id, "rule_id": params.rule_id, "kind": params.kind}
    filters["test"] = params.test
    alerts = repo.list_alerts(
        session,
        workspace_id=workspace_id,
        filters=filters,
        before_id=int(params.cursor) if params.cursor else None,
        limit=params.limit + 1,
    )
    page = alerts[: params.limit]
    deliveries = repo.deliveries_for(session, [a.id for a in page if a.id is not None])
    more = len(alerts) > params.limit
    return AlertPage(
        items=[alert_public(a, deliveries[a.id or 0]) for a in page],
        next_cursor=str(page[-1].id) if more and page else None,
    )


def _page(title: str, text: str, code: int = 200) -> HTMLResponse:
    from html import escape

    body = (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}'
        '</title></head><body style="font-family:Arial,sans-serif;max-width:36em;margin:3em auto;">'
        f"<h1>{escape(title)}</h1><p>{escape(text)}</p></body></html>"
    )
    return HTMLResponse(body, status_code=code)


TokenQuery = Annotated[str, Query(max_length=2000)]


@router.get("/v1/unsubscribe", response_class=HTMLResponse)
def unsubscribe_link(session: SessionDep, token: TokenQuery) -> Any:
    """The link in every alert email: takes the address off the rule. No API key: the
    signed token is the authority."""
    return _unsubscribe(session, token)


@router.post("/v1/unsubscribe", response_class=HTMLResponse)
def unsubscribe_one_click(session: SessionDep, token: TokenQuery) -> Any:
    """RFC 8058 one-click unsubscribe, which mail clients POST to the List-Unsubscribe URL."""
    return _unsubscribe(session, token)


def _unsubscribe(session: SessionDep, token: str) -> HTMLResponse:
    try:
        address, removed = service.unsubscribe(session, token=token)
    except InvalidInputError as exc:
        return _page("Link not valid", str(exc), status.HTTP_400_BAD_REQUEST)
    session.commit()
    if removed:
        return _page("Unsubscribed", f"{address} will get no more emails from this alert rule.")
    return _page("Already unsubscribed", f"{address} is not on this alert rule any more.")
