"""Create and edit a brand (query, competitors, owned domains and handles, timezone,
locale), and try a query on sample texts with the API's own query check."""

from typing import Any

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from api.deps import SessionDep
from api.routes.query import check_query
from api.schemas import BrandCreate, BrandUpdate, QueryCheck
from models.brands import list_brands
from models.tables import Brand
from pages.deps import CheckedFormDep, Viewer, ViewerDep, first
from pages.render import render
from pages.routes.sources import sources_page_response
from pages.views.forms import FormState, save, validate
from services import brands as service

router = APIRouter(include_in_schema=False)

LIST_FIELDS = ("languages", "owned_domains", "owned_handles")
TEXT_FIELDS = ("name", "query", "timezone", "locale")
MAX_SAMPLES = 50


def has_locale() -> bool:
    return "locale" in BrandCreate.model_fields


def _lines(text: str) -> list[str]:
    return [part.strip() for part in text.replace(",", "\n").splitlines() if part.strip()]


def brand_data(fields: dict[str, list[str]]) -> dict[str, Any]:
    """The brand form as the API's BrandCreate / BrandUpdate body."""
    data: dict[str, Any] = {name: first(fields, name) for name in TEXT_FIELDS}
    if not has_locale() or not data["locale"]:
        data.pop("locale")
    for name in LIST_FIELDS:
        data[name] = _lines(first(fields, name))
    data["competitor_ids"] = [int(v) for v in fields.get("competitor_ids", []) if v.isdigit()]
    return data


def brand_values(brand: Brand | None) -> dict[str, Any]:
    if brand is None:
        return {"timezone": "UTC", "competitor_ids": []}
    values: dict[str, Any] = {name: getattr(brand, name, "") or "" for name in TEXT_FIELDS}
    for name in LIST_FIELDS:
        values[name] = "\n".join(getattr(brand, name))
    values["competitor_ids"] = list(brand.competitor_ids)
    return values


def tester_result(fields: dict[str, list[str]], workspace_id: int) -> dict[str, Any]:
    """The live tester: each sample text and whether the query matches it."""
    query = first(fields, "test_query")
    texts = [t for t in first(fields, "samples").splitlines() if t.strip()][:MAX_SAMPLES]
    state = FormState(values={"test_query": query, "samples": first(fields, "samples")})
    body = validate(QueryCheck, {"query": query, "texts": texts}, state)
    if body is None:
        return {"state": state, "results": []}
    matches = check_query(body, workspace_id).matches
    return {"state": state, "results": list(zip(texts, matches, strict=True))}


def _new_page(
    request: Request,
    viewer: Viewer,
    session: Session,
    form: FormState,
    tester: dict[str, Any] | None = None,
    code: int = 200,
) -> HTMLResponse:
    context = {
        "viewer": viewer,
        "brand": None,
        "section": "home",
        "form": form,
        "others": list_brands(session, workspace_id=viewer.workspace_id),
        "has_locale": has_locale(),
        "tester": tester or {"state": FormState(), "results": []},
        "tester_action": "/brands/new/query-check",
    }
    return render(request, "brand_new.html", context, status_code=code)


@router.get("/brands/new", response_class=HTMLResponse)
def new_brand_page(request: Request, viewer: ViewerDep, session: SessionDep) -> HTMLResponse:
    return _new_page(request, viewer, session, FormState(values=brand_values(None)))


@router.post("/brands/new/query-check", response_class=HTMLResponse)
def new_brand_tester(
    request: Request, viewer: ViewerDep, session: SessionDep, fields: CheckedFormDep
) -> HTMLResponse:
    tester = tester_result(fields, viewer.workspace_id)
    return _new_page(request, viewer, session, FormState(values=brand_values(None)), tester)


@router.post("/brands/new", response_model=None)
def create_brand(
    request: Request, viewer: ViewerDep, session: SessionDep, fields: CheckedFormDep
) -> Response:
    data = brand_data(fields)
    state = FormState(values={**data, **{n: first(fields, n) for n in LIST_FIELDS}})
    body = validate(BrandCreate, data, state)
    brand = None
    if body is not None:
        brand = save(
            session,
            state,
            lambda: service.create_brand(
                session, workspace_id=viewer.workspace_id, fields=body.model_dump()
            ),
        )
    if brand is None or state.failed:
        return _new_page(request, viewer, session, state, code=422)
    return RedirectResponse(f"/brands/{brand.id}/sources", status_code=status.HTTP_303_SEE_OTHER)


@router.post("/brands/{brand_id}/edit", response_model=None)
def edit_brand(
    request: Request,
    brand_id: int,
    viewer: ViewerDep,
    session: SessionDep,
    fields: CheckedFormDep,
) -> Response:
    service.get_brand_or_404(session, workspace_id=viewer.workspace_id, brand_id=brand_id)
    data = brand_data(fields)
    state = FormState(values={**data, **{n: first(fields, n) for n in LIST_FIELDS}})
    body = validate(BrandUpdate, data, state)
    if body is not None:
        save(
            session,
            state,
            lambda: service.update_brand(
                session,
                workspace_id=viewer.workspace_id,
                brand_id=brand_id,
                changes=body.model_dump(exclude_unset=True),
            ),
        )
    if state.failed:
        return sources_page_response(request, viewer, session, brand_id, brand_form=state, code=422)
    return RedirectResponse(
        f"/brands/{brand_id}/sources?saved=brand", status_code=status.HTTP_303_SEE_OTHER
    )


@router.post("/brands/{brand_id}/query-check", response_class=HTMLResponse)
def brand_tester(
    request: Request,
    brand_id: int,
    viewer: ViewerDep,
    session: SessionDep,
    fields: CheckedFormDep,
) -> HTMLResponse:
    tester = tester_result(fields, viewer.workspace_id)
    return sources_page_response(request, viewer, session, brand_id, tester=tester)
