"""Alerts: create digest, spike and negative-surge rules (email and webhook), send a test,
and read the history: why each alert fired and how each delivery went."""

from typing import Any

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from api.alert_schemas import AlertRuleCreate
from api.deps import SessionDep
from core.i18n import Formats
from models import alerts as repo
from models.brands import list_brands
from models.types import utcnow
from pages.context import formats_for, gettext_for
from pages.deps import CheckedFormDep, Viewer, ViewerDep, first
from pages.render import language_of, render
from pages.views.alerts import alert_view, rule_view
from pages.views.forms import FormState, save, validate
from services import alert_rules as service
from services.alerts import fire_test
from workers.alert_tasks import queue_deliveries

router = APIRouter(include_in_schema=False)

SPIKE = ("sensitivity", "window_minutes", "cooldown_minutes")
DIGEST = ("schedule", "time", "weekday")
HISTORY = 50


def _page(
    request: Request,
    viewer: Viewer,
    session: Session,
    form: FormState | None = None,
    code: int = 200,
) -> HTMLResponse:
    _, language = gettext_for(request), language_of(request)
    brands = {b.id: b for b in list_brands(session, workspace_id=viewer.workspace_id)}
    fmt = formats_for(request, None)

    def brand_fmt(brand_id: int) -> Formats:
        brand = brands.get(brand_id)
        return formats_for(request, brand) if brand else fmt

    rules = repo.list_rules(session, workspace_id=viewer.workspace_id, brand_id=None)
    alerts = repo.list_alerts(
        session, workspace_id=viewer.workspace_id, filters={}, before_id=None, limit=HISTORY
    )
    deliveries = repo.deliveries_for(session, [a.id for a in alerts if a.id is not None])
    names = {i: b.name for i, b in brands.items() if i is not None}
    context = {
        "viewer": viewer,
        "section": "alerts",
        "brands": list(brands.values()),
        "rules": [rule_view(r, names, brand_fmt(r.brand_id), _, language) for r in rules],
        "history": [
            alert_view(a, deliveries.get(a.id or 0, []), names, brand_fmt(a.brand_id), _, language)
            for a in alerts
        ],
        "form": form or FormState(values={"kind": "digest", "schedule": "daily", "time": "08:00"}),
        "notice": {
            "test": _("The test is queued: its delivery shows below."),
            "created": _("The rule is saved."),
            "removed": _("The rule is removed."),
        }.get(request.query_params.get("saved") or ""),
    }
    return render(request, "alerts.html", context, status_code=code)


@router.get("/alerts", response_class=HTMLResponse)
def alerts_page(request: Request, viewer: ViewerDep, session: SessionDep) -> HTMLResponse:
    return _page(request, viewer, session)


def _rule_data(fields: dict[str, list[str]]) -> dict[str, Any]:
    kind = first(fields, "kind")
    data: dict[str, Any] = {"kind": kind, "brand_id": first(fields, "brand_id")}
    emails = first(fields, "email").replace(";", ",").replace("\n", ",")
    data["email"] = [e.strip() for e in emails.split(",") if e.strip()]
    if first(fields, "webhook_url"):
        data["webhook_url"] = first(fields, "webhook_url")
    for name in DIGEST if kind == "digest" else SPIKE:
        if first(fields, name):
            data[name] = first(fields, name)
    return data


@router.post("/alerts/rules", response_model=None)
def create_rule(
    request: Request, viewer: ViewerDep, session: SessionDep, fields: CheckedFormDep
) -> Response:
    data = _rule_data(fields)
    state = FormState(values={**{k: first(fields, k) for k in fields}, "kind": data["kind"]})
    body = validate(AlertRuleCreate, data, state)
    if body is not None:
        save(
            session,
            state,
            lambda: service.create_rule(
                session, workspace_id=viewer.workspace_id, fields=body.model_dump()
            ),
        )
    if state.failed:
        return _page(request, viewer, session, state, code=422)
    return RedirectResponse("/alerts?saved=created", status_code=status.HTTP_303_SEE_OTHER)


@router.post("/alerts/rules/{rule_id}/test", response_model=None)
def test_rule(
    rule_id: int, viewer: ViewerDep, session: SessionDep, _fields: CheckedFormDep
) -> Response:
    rule = service.get_rule_or_404(session, workspace_id=viewer.workspace_id, rule_id=rule_id)
    _alert, delivery_ids = fire_test(session, rule, now=utcnow())
    session.commit()
    queue_deliveries(delivery_ids)
    return RedirectResponse("/alerts?saved=test", status_code=status.HTTP_303_SEE_OTHER)


@router.post("/alerts/rules/{rule_id}/delete", response_model=None)
def delete_rule(
    rule_id: int, viewer: ViewerDep, session: SessionDep, _fields: CheckedFormDep
) -> Response:
    service.delete_rule(session, workspace_id=viewer.workspace_id, rule_id=rule_id)
    session.commit()
    return RedirectResponse("/alerts?saved=removed", status_code=status.HTTP_303_SEE_OTHER)
