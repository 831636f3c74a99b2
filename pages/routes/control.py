"""Control: objectives with progress, status and chart; create, edit and delete them."""

from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from api.deps import SessionDep
from api.report_schemas import ObjectiveCreate, ObjectiveUpdate
from models.tables import Brand
from models.types import utcnow
from pages.context import day_reader, formats_for
from pages.deps import CheckedFormDep, Viewer, ViewerDep, first
from pages.periods import local_day_start
from pages.render import language_of, render
from pages.views.control import METRICS, metric_names, objective_view
from pages.views.forms import FormState, save, validate
from services import objectives as service
from services.brands import get_brand_or_404
from services.control import build_control
from services.errors import InvalidInputError

router = APIRouter(include_in_schema=False)

FIELDS = ("name", "metric", "target", "direction", "start", "deadline")


def _page(
    request: Request,
    viewer: Viewer,
    session: Session,
    brand: Brand,
    new: FormState | None = None,
    edits: dict[int, FormState] | None = None,
    code: int = 200,
) -> HTMLResponse:
    fmt, language = formats_for(request, brand), language_of(request)
    now = utcnow()
    reports = build_control(session, brand, as_of=now, now=now)
    context = {
        "viewer": viewer,
        "brand": brand,
        "section": "control",
        "objectives": [objective_view(r, fmt, language) for r in reports],
        "new": new or FormState(values={"metric": "mentions", "direction": "at_least"}),
        "edits": edits or {},
        "blank": FormState(),
        "metrics": METRICS,
        "metric_names": metric_names(language),
        "as_of": fmt.datetime(now),
        "fmt": fmt,
    }
    return render(request, "control.html", context, status_code=code)


@router.get("/brands/{brand_id}/control", response_class=HTMLResponse)
def control_page(
    request: Request, brand_id: int, viewer: ViewerDep, session: SessionDep
) -> HTMLResponse:
    brand = get_brand_or_404(session, workspace_id=viewer.workspace_id, brand_id=brand_id)
    return _page(request, viewer, session, brand)


def _data(
    request: Request, fields: dict[str, list[str]], brand: Brand, state: FormState, *, partial: bool
) -> dict[str, Any]:
    """The form's fields for the schema; its dates, typed as the locale writes them, are the
    start of that day in the brand's timezone (one that is no date is refused next to it)."""
    zone, read_day = ZoneInfo(brand.timezone), day_reader(request, brand)
    data: dict[str, Any] = {}
    for name in FIELDS:
        value = first(fields, name)
        if partial and not value:
            continue
        if name in ("start", "deadline") and value:
            try:
                data[name] = local_day_start(value, zone, read_day)
            except InvalidInputError as exc:
                state.errors[name] = str(exc)
        else:
            data[name] = value
    return data


@router.post("/brands/{brand_id}/objectives", response_model=None)
def create_objective(
    request: Request,
    brand_id: int,
    viewer: ViewerDep,
    session: SessionDep,
    fields: CheckedFormDep,
) -> Response:
    brand = get_brand_or_404(session, workspace_id=viewer.workspace_id, brand_id=brand_id)
    state = FormState(values={name: first(fields, name) for name in FIELDS})
    body = validate(ObjectiveCreate, _data(request, fields, brand, state, partial=False), state)
    if body is not None and not state.failed:
        save(
            session,
            state,
            lambda: service.create_objective(
                session,
                workspace_id=viewer.workspace_id,
                brand_id=brand_id,
                fields=body.model_dump(),
            ),
        )
    if state.failed:
        return _page(request, viewer, session, brand, new=state, code=422)
    return RedirectResponse(f"/brands/{brand_id}/control", status_code=status.HTTP_303_SEE_OTHER)


@router.post("/objectives/{objective_id}/edit", response_model=None)
def edit_objective(
    request: Request,
    objective_id: int,
    viewer: ViewerDep,
    session: SessionDep,
    fields: CheckedFormDep,
) -> Response:
    objective = service.get_objective_or_404(
        session, workspace_id=viewer.workspace_id, objective_id=objective_id
    )
    brand = get_brand_or_404(session, workspace_id=viewer.workspace_id, brand_id=objective.brand_id)
    state = FormState(values={name: first(fields, name) for name in FIELDS})
    body = validate(ObjectiveUpdate, _data(request, fields, brand, state, partial=True), state)
    if body is not None and not state.failed:
        save(
            session,
            state,
            lambda: service.update_objective(
                session,
                workspace_id=viewer.workspace_id,
                objective_id=objective_id,
                changes=body.model_dump(exclude_unset=True),
            ),
        )
    if state.failed:
        return _page(request, viewer, session, brand, edits={objective_id: state}, code=422)
    return RedirectResponse(f"/brands/{brand.id}/control", status_code=status.HTTP_303_SEE_OTHER)


@router.post("/objectives/{objective_id}/delete", response_model=None)
def delete_objective(
    objective_id: int, viewer: ViewerDep, session: SessionDep, _fields: CheckedFormDep
) -> Response:
    objective = service.get_objective_or_404(
        session, workspace_id=viewer.workspace_id, objective_id=objective_id
    )
    brand_id = objective.brand_id
    service.delete_objective(session, workspace_id=viewer.workspace_id, objective_id=objective_id)
    session.commit()
    return RedirectResponse(f"/brands/{brand_id}/control", status_code=status.HTTP_303_SEE_OTHER)
