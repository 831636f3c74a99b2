"""A brand's settings and sources: edit the brand, try its query, add sources of every
kind, read each one's health in plain words, poll it now, pause, resume or remove it."""

from typing import Any

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from api.deps import SessionDep
from api.schemas import SourceCreate
from models.brands import list_brands
from models.sources import list_sources
from pages.context import formats_for, gettext_for
from pages.deps import CheckedFormDep, Viewer, ViewerDep, first
from pages.render import language_of, render
from pages.views.forms import FormState, save, validate
from pages.views.sources import kind_forms, source_view
from services import sources as service
from services.brands import get_brand_or_404
from services.errors import ServiceUnavailableError
from workers.queue import queue_poll

router = APIRouter(include_in_schema=False)

SOURCE_FIELDS = ("url", "search", "locale", "subreddit", "instance", "hashtag")
NOTICES = ("brand", "source", "poll", "paused", "resumed", "removed", "queue_down")


def sources_page_response(
    request: Request,
    viewer: Viewer,
    session: Session,
    brand_id: int,
    *,
    brand_form: FormState | None = None,
    source_form: FormState | None = None,
    tester: dict[str, Any] | None = None,
    code: int = 200,
) -> HTMLResponse:
    from pages.routes.brands import brand_values, has_locale

    brand = get_brand_or_404(session, workspace_id=viewer.workspace_id, brand_id=brand_id)
    fmt, _, language = formats_for(request, brand), gettext_for(request), language_of(request)
    saved = request.query_params.get("saved")
    notices = {
        "brand": _("The brand is saved."),
        "source": _(
            "The source is added: it is polled within its interval, or now with “Poll now”."
        ),
        "poll": _("A poll is queued; reload in a few seconds to see its result."),
        "paused": _("The source is paused."),
        "resumed": _("The source is resumed."),
        "removed": _("The source is removed."),
        "queue_down": _("The task queue is unreachable: the poll was not queued."),
    }
    context = {
        "viewer": viewer,
        "brand": brand,
        "section": "sources",
        "form": brand_form or FormState(values=brand_values(brand)),
        "source_form": source_form or FormState(),
        "others": [
            b for b in list_brands(session, workspace_id=viewer.workspace_id) if b.id != brand_id
        ],
        "has_locale": has_locale(),
        "tester": tester or {"state": FormState(values={"test_query": brand.query}), "results": []},
        "tester_action": f"/brands/{brand_id}/query-check",
        "sources": [
            source_view(s, fmt, _, language)
            for s in list_sources(session, workspace_id=viewer.workspace_id, brand_id=brand_id)
        ],
        "kind_forms": kind_forms(_, language),
        "notice": notices.get(saved) if saved in NOTICES else None,
    }
    return render(request, "sources.html", context, status_code=code)


@router.get("/brands/{brand_id}/sources", response_class=HTMLResponse)
def sources_page(
    request: Request, brand_id: int, viewer: ViewerDep, session: SessionDep
) -> HTMLResponse:
    return sources_page_response(request, viewer, session, brand_id)


def _back(brand_id: int, saved: str) -> Response:
    return RedirectResponse(
        f"/brands/{brand_id}/sources?saved={saved}", status_code=status.HTTP_303_SEE_OTHER
    )


@router.post("/brands/{brand_id}/sources", response_model=None)
def add_source(
    request: Request,
    brand_id: int,
    viewer: ViewerDep,
    session: SessionDep,
    fields: CheckedFormDep,
) -> Response:
    get_brand_or_404(session, workspace_id=viewer.workspace_id, brand_id=brand_id)
    data: dict[str, Any] = {"kind": first(fields, "kind")}
    for name in SOURCE_FIELDS:
        if first(fields, name):
            data[name] = first(fields, name)
    if first(fields, "interval_minutes"):
        minutes = first(fields, "interval_minutes")
        data["interval_seconds"] = int(minutes) * 60 if minutes.isdigit() else minutes
    state = FormState(values={**data, "interval_minutes": first(fields, "interval_minutes")})
    body = validate(SourceCreate, data, state)
    if body is not None:
        save(
            session,
            state,
            lambda: service.create_source(
                session,
                workspace_id=viewer.workspace_id,
                brand_id=brand_id,
                fields=body.model_dump(),
            ),
        )
    if state.failed:
        return sources_page_response(
            request, viewer, session, brand_id, source_form=state, code=422
        )
    return _back(brand_id, "source")


@router.post("/sources/{source_id}/poll", response_model=None)
def poll_now(
    source_id: int, viewer: ViewerDep, session: SessionDep, _fields: CheckedFormDep
) -> Response:
    source = service.get_source_or_404(
        session, workspace_id=viewer.workspace_id, source_id=source_id
    )
    try:
        queue_poll(source_id, force=True)
    except ServiceUnavailableError:
        return _back(source.brand_id, "queue_down")
    return _back(source.brand_id, "poll")


@router.post("/sources/{source_id}/status", response_model=None)
def pause_or_resume(
    source_id: int, viewer: ViewerDep, session: SessionDep, fields: CheckedFormDep
) -> Response:
    wanted = "paused" if first(fields, "status") == "paused" else "ok"
    source = service.update_source(
        session, workspace_id=viewer.workspace_id, source_id=source_id, changes={"status": wanted}
    )
    session.commit()
    return _back(source.brand_id, "paused" if wanted == "paused" else "resumed")


@router.post("/sources/{source_id}/delete", response_model=None)
def remove_source(
    source_id: int, viewer: ViewerDep, session: SessionDep, _fields: CheckedFormDep
) -> Response:
    source = service.get_source_or_404(
        session, workspace_id=viewer.workspace_id, source_id=source_id
    )
    brand_id = source.brand_id
    service.delete_source(session, workspace_id=viewer.workspace_id, source_id=source_id)
    session.commit()
    return _back(brand_id, "removed")
