"""The brands of the workspace, and one brand's Situation overview."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from api.deps import SessionDep
from models.brands import list_brands
from models.types import utcnow
from pages.context import day_reader, formats_for
from pages.deps import ViewerDep
from pages.periods import PRESETS, form_days, iso_days_url, local_days, read_period
from pages.render import language_of, render
from pages.views.home import build_home
from pages.views.overview import build_overview
from services.brands import get_brand_or_404

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, viewer: ViewerDep, session: SessionDep) -> HTMLResponse:
    now = utcnow()
    language = language_of(request)
    cards = [
        build_home(session, brand, now=now, fmt=formats_for(request, brand), language=language)
        for brand in list_brands(session, workspace_id=viewer.workspace_id)
    ]
    return render(request, "home.html", {"viewer": viewer, "cards": cards, "section": "home"})


@router.get("/brands/{brand_id}", response_class=HTMLResponse, response_model=None)
def brand_overview(
    request: Request,
    brand_id: int,
    viewer: ViewerDep,
    session: SessionDep,
    since: str | None = None,
    until: str | None = None,
    days: int | None = None,
) -> HTMLResponse | RedirectResponse:
    brand = get_brand_or_404(session, workspace_id=viewer.workspace_id, brand_id=brand_id)
    read_day = day_reader(request, brand)
    if iso := iso_days_url(request.url, read_day):
        return RedirectResponse(iso, status_code=303)
    now = utcnow()
    params = request.query_params
    period = read_period(
        since=since,
        until=until,
        from_day=params.get("from"),
        to_day=params.get("to"),
        days=days,
        timezone=brand.timezone,
        now=now,
        read_day=read_day,
    )
    fmt = formats_for(request, brand)
    overview = build_overview(
        session, brand, period=period, now=now, fmt=fmt, language=language_of(request)
    )
    context = {
        "viewer": viewer,
        "brand": brand,
        "period": period,
        "presets": PRESETS,
        "overview": overview,
        "fmt": fmt,
        "days": form_days(period, fmt),
        "range_shown": fmt.date_range(*local_days(period.since, period.until, brand.timezone)),
        "section": "overview",
    }
    return render(request, "overview.html", context)
