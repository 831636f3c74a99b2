"""The mentions of a brand: the filters of /v1/mentions, cursor pages, and a CSV export of
the same filter (the export route's own function, called with the page's filter)."""

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, StreamingResponse
from pydantic import ValidationError

from api.deps import SessionDep
from api.routes.mentions import ExportQuery, export_mentions, mention_filter
from api.schemas import MentionQuery
from models.mention_public import to_public
from models.tables import Brand
from pages.context import day_reader, formats_for, gettext_for
from pages.deps import ViewerDep
from pages.periods import iso_days_url, local_days, read_range, shown_days
from pages.render import language_of, render
from pages.views.common import kind_labels, media_labels, mention_row, sentiment_labels
from pages.views.mentions import active_filters, language_choices
from services.brands import get_brand_or_404
from services.errors import InvalidInputError
from services.mentions import list_mentions

router = APIRouter(include_in_schema=False)

FILTERS = (
    "since", "until", "from", "to", "source_kind", "label", "language", "media_type", "domain",
    "author", "q", "limit", "hidden",
)  # fmt: skip
# Passed on to MentionQuery as given (the dates are read by read_range first).
PASSED = ("source_kind", "label", "language", "media_type", "domain", "author", "q")
PAGE_SIZE = 50


def _query(request: Request, brand: Brand) -> tuple[dict[str, Any], MentionQuery]:
    given = {name: request.query_params.get(name) or None for name in FILTERS}
    since, until = read_range(
        since=given["since"],
        until=given["until"],
        from_day=given["from"],
        to_day=given["to"],
        timezone=brand.timezone,
        read_day=day_reader(request, brand),
    )
    query = MentionQuery.model_validate(
        {
            "brand_id": brand.id,
            "since": since,
            "until": until,
            **{name: given[name] for name in PASSED},
            "hidden": given["hidden"] or "false",
            "limit": given["limit"] or PAGE_SIZE,
            "cursor": request.query_params.get("cursor") or None,
        }
    )
    return given, query


@router.get("/brands/{brand_id}/mentions", response_class=HTMLResponse, response_model=None)
def mentions_page(
    request: Request, brand_id: int, viewer: ViewerDep, session: SessionDep
) -> HTMLResponse | RedirectResponse:
    brand = get_brand_or_404(session, workspace_id=viewer.workspace_id, brand_id=brand_id)
    fmt, _, language = formats_for(request, brand), gettext_for(request), language_of(request)
    kinds, labels = kind_labels(language), sentiment_labels(language)
    given = {name: request.query_params.get(name) or "" for name in FILTERS}
    context: dict[str, Any] = {
        "viewer": viewer,
        "brand": brand,
        "section": "mentions",
        "given": given,
        "day_fields": shown_days(request.url, fmt),
        "kinds": kinds,
        "labels": labels,
        "media_types": media_labels(language),
        "languages": language_choices(language, brand.languages, given["language"]),
        "active": [],
        "range_shown": None,
        "rows": [],
        "error": None,
        "next_href": None,
        "export_href": None,
        "fmt": fmt,
        "window": (None, None),
    }
    try:
        if iso := iso_days_url(request.url, day_reader(request, brand)):
            return RedirectResponse(iso, status_code=303)
        _given, query = _query(request, brand)
    except ValidationError as exc:
        context["error"] = "; ".join(str(e["msg"]) for e in exc.errors())
        return render(request, "mentions.html", context, status_code=422)
    except InvalidInputError as exc:
        context["error"] = str(exc)
        return render(request, "mentions.html", context, status_code=422)
    f = mention_filter(query, workspace_id=viewer.workspace_id, timezone=brand.timezone)
    rows, cursor = list_mentions(session, f, q=query.q, limit=query.limit, cursor=query.cursor)
    kept = {k: v for k, v in given.items() if v}
    if f.since is not None and f.until is not None:
        context["range_shown"] = fmt.date_range(*local_days(f.since, f.until, brand.timezone))
    context |= {
        "active": active_filters(brand_id, kept, _),
        "rows": [mention_row(to_public(m), fmt, _, labels, kinds) for m in rows],
        "next_href": f"?{urlencode({**kept, 'cursor': cursor})}" if cursor else None,
        "export_href": f"/brands/{brand_id}/mentions/export?{urlencode(kept)}",
        "window": (f.since, f.until),
        "notice": _(
            "Hidden mentions: marked “not about this brand”, or judged off-topic by the brand's "
            "model. “About this brand” brings one back."
        )
        if query.hidden == "true"
        else None,
    }
    return render(request, "mentions.html", context)


@router.get("/brands/{brand_id}/mentions/export")
def export_page(
    request: Request, brand_id: int, viewer: ViewerDep, session: SessionDep
) -> StreamingResponse:
    """The same CSV as GET /v1/mentions/export?format=csv with the page's filter."""
    brand = get_brand_or_404(session, workspace_id=viewer.workspace_id, brand_id=brand_id)
    _given, query = _query(request, brand)
    params = ExportQuery(**query.model_dump(exclude={"limit", "cursor"}), format="csv")
    return export_mentions(params, session, viewer.workspace_id)
