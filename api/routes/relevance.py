"""Relevance: the user's marks on mentions, the review queue and the brand's model."""

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import SessionDep, WorkspaceIdDep
from api.relevance_schemas import FeedbackCreate, ReviewPage, ReviewQuery
from api.schemas import MentionPublic
from core.logging import get_logger
from models.mention_public import to_public
from models.report_types import RelevancePublic
from models.types import utcnow
from services import relevance as service
from services.brands import get_brand_or_404
from workers.queue import queue_relevance_training

router = APIRouter(tags=["relevance"])
log = get_logger(__name__)


@router.post("/v1/mentions/{mention_id}/feedback", response_model=MentionPublic)
def give_feedback(
    mention_id: int, body: FeedbackCreate, session: SessionDep, workspace_id: WorkspaceIdDep
) -> MentionPublic:
    """The user's word on a mention, which always wins: `relevant: false` hides it from
    every list, count, report, trend, digest and alert at once; `relevant: true` keeps it
    visible whatever the model says. The brand's model is retrained a few seconds later."""
    now = utcnow()
    mention = service.mark(
        session, workspace_id=workspace_id, mention_id=mention_id, relevant=body.relevant, now=now
    )
    session.commit()
    try:
        queue_relevance_training(mention.brand_id, marked_at=now)
    except Exception as exc:  # the mark stands; the beat's sweep trains the brand later
        log.warning("relevance.train_not_queued", brand_id=mention.brand_id, error=str(exc))
    return to_public(mention)


@router.get("/v1/brands/{brand_id}/relevance", response_model=RelevancePublic)
def get_relevance(
    brand_id: int, session: SessionDep, workspace_id: WorkspaceIdDep
) -> RelevancePublic:
    """The brand's marks so far and its model: precision and recall estimated by
    cross-validation on the marks, the words and phrases that weigh most for and against,
    and query exclusions suggested from the marks (words found only in mentions marked
    irrelevant, at least twice): `suggested_query` is the query with them, to PATCH onto
    the brand."""
    brand = get_brand_or_404(session, workspace_id=workspace_id, brand_id=brand_id)
    return service.relevance_report(session, brand=brand)


@router.get("/v1/brands/{brand_id}/relevance/to-review", response_model=ReviewPage)
def get_to_review(
    brand_id: int,
    params: Annotated[ReviewQuery, Query()],
    session: SessionDep,
    workspace_id: WorkspaceIdDep,
) -> ReviewPage:
    """Unmarked mentions whose marks would teach the brand's model most, best first: those
    it is least sure of, and those unlike anything marked so far (a batch covers different
    senses of the brand's name). Hidden-by-model mentions are included (a mark brings one
    back); an empty list when there is nothing to ask."""
    brand = get_brand_or_404(session, workspace_id=workspace_id, brand_id=brand_id)
    queue = service.review_mentions(session, brand=brand, limit=params.limit)
    return ReviewPage(items=[to_public(m) for m in queue])
