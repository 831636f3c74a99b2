"""Relevance in the dashboard: the user's word on a mention from any mention list (the
API's own feedback route, then back to the page it came from), and a brand's relevance
page: its report, the review queue, and its suggested exclusions applied to the query."""

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.deps import SessionDep
from api.relevance_schemas import FeedbackCreate
from api.routes.relevance import give_feedback
from api.schemas import BrandUpdate
from models.mention_public import to_public
from pages.context import formats_for, gettext_for
from pages.deps import CheckedFormDep, ViewerDep, first
from pages.render import language_of, render, safe_next
from pages.views.common import kind_labels, mention_row, sentiment_labels
from pages.views.forms import FormState, validate
from pages.views.relevance import relevance_view
from services import brands as brands_service
from services import relevance as service
from services.brands import get_brand_or_404
from services.errors import InvalidInputError

router = APIRouter(include_in_schema=False)

REVIEW_SIZE = 10
VERDICTS = {"true": True, "false": False}


@router.post("/mentions/{mention_id}/feedback", response_model=None)
def mark_mention(
    mention_id: int, viewer: ViewerDep, session: SessionDep, fields: CheckedFormDep
) -> Response:
    relevant = VERDICTS.get(first(fields, "relevant"))
    if relevant is None:
        raise InvalidInputError("relevant: true or false")
    mention = give_feedback(
        mention_id, FeedbackCreate(relevant=relevant), session, viewer.workspace_id
    )
    back = first(fields, "next")
    target = back if back and safe_next(back) == back else f"/brands/{mention.brand_id}/mentions"
    return RedirectResponse(target, status_code=status.HTTP_303_SEE_OTHER)


@router.get("/brands/{brand_id}/relevance", response_class=HTMLResponse)
def relevance_page(
    request: Request, brand_id: int, viewer: ViewerDep, session: SessionDep
) -> HTMLResponse:
    brand = get_brand_or_404(session, workspace_id=viewer.workspace_id, brand_id=brand_id)
    fmt, _, language = formats_for(request, brand), gettext_for(request), language_of(request)
    kinds, labels = kind_labels(language), sentiment_labels(language)
    report = service.relevance_report(session, brand=brand)
    queue = service.review_mentions(session, brand=brand, limit=REVIEW_SIZE)
    rows = [mention_row(to_public(m), fmt, _, labels, kinds) for m in queue]
    notices = {
        "query": _(
            "The query is saved: new mentions with these words are no longer collected. "
            "Those already stored stay as they are; hide them with “Not about this brand”."
        ),
        "stale": _(
            "The query changed after this page was shown: nothing was applied. "
            "Here are the suggestions for the query as it is now."
        ),
    }
    context = {
        "viewer": viewer,
        "brand": brand,
        "section": "relevance",
        "report": report,
        "view": relevance_view(report, rows, fmt, _),
        "rows": rows,
        "review": True,
        "notice": notices.get(request.query_params.get("saved") or ""),
    }
    return render(request, "relevance.html", context)


@router.post("/brands/{brand_id}/relevance/query", response_model=None)
def apply_exclusions(
    brand_id: int, viewer: ViewerDep, session: SessionDep, fields: CheckedFormDep
) -> Response:
    """The suggested query as the page showed it, saved as the API's PATCH saves it; refused
    when the brand's query changed since the page was shown (its suggestions were for the
    old one)."""
    brand = get_brand_or_404(session, workspace_id=viewer.workspace_id, brand_id=brand_id)
    saved = "stale"
    if first(fields, "from_query") == brand.query.strip():
        state = FormState(values={"query": first(fields, "query")})
        body = validate(BrandUpdate, {"query": first(fields, "query")}, state)
        if body is None:
            raise InvalidInputError("; ".join(state.errors.values()) or state.problem or "query")
        brands_service.update_brand(
            session,
            workspace_id=viewer.workspace_id,
            brand_id=brand_id,
            changes=body.model_dump(exclude_unset=True),
        )
        session.commit()
        saved = "query"
    return RedirectResponse(
        f"/brands/{brand_id}/relevance?saved={saved}", status_code=status.HTTP_303_SEE_OTHER
    )
