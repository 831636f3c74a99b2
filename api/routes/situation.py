from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import SessionDep, WorkspaceIdDep
from api.report_schemas import SituationPublic, SituationQuery
from models.types import utcnow
from services import situation as service
from services.brands import get_brand_or_404

router = APIRouter(tags=["reports"])


@router.get("/v1/brands/{brand_id}/situation", response_model=SituationPublic)
def get_situation(
    brand_id: int,
    params: Annotated[SituationQuery, Query()],
    session: SessionDep,
    workspace_id: WorkspaceIdDep,
) -> SituationPublic:
    """SOSTAC's Situation over [since, until) (default: the last 30 days), against the
    previous period of the same length.

    - `sentiment`: counts per label, `avg` (mean compound) and `net` ((positive - negative) /
      mentions x 100).
    - `share_of_voice`: the brand and its competitors, each share = its mentions / all of
      theirs (they sum to 1 when any mention exists).
    - `by_source`: every source kind with mentions or with a source; `by_media_type`: owned,
      earned, paid.
    - `top_domains`, `top_authors` (by engagement = score + comments), `top_mentions` (most
      engaging, ties to the most recent): 10 each.
    - `top_terms`: the 20 words and two-word phrases most used with the brand (Spanish and
      English stop words and the brand's own query terms removed, found in 2 or more
      mentions), counted over about 500 mentions spread evenly over the period (title and
      first 300 characters).
    - `peaks`: the 3 busiest local days (local hours for a period of 3 days or less), each
      with its 3 most engaging mentions.
    - `scores` (Social Mention's): `strength` = share of the period's mentions in its last 24
      hours; `sentiment_ratio` = positive / negative (null without negatives); `passion` =
      share of mentions, among those with an author, by authors with more than one;
      `reach` = distinct authors / mentions.
    - `health` beside every volume (the total, the previous period, each brand's share of
      voice, each source kind): sources that failed in the period and gaps in polling (runs
      of whole UTC hours without a successful poll, at least 3 polling intervals long), so a
      blocked source is not read as a drop in conversation.
    """
    brand = get_brand_or_404(session, workspace_id=workspace_id, brand_id=brand_id)
    now = utcnow()
    since, until = service.situation_window(params.since, params.until, now)
    return service.build_situation(session, brand, since=since, until=until, now=now)
