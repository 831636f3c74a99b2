from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query

from api.deps import SessionDep, WorkspaceIdDep
from api.report_schemas import (
    AuthorCount,
    DomainCount,
    ExplanationPublic,
    GapPublic,
    HealthPublic,
    MediaVolume,
    PeakPublic,
    PreviousPeriod,
    ScoresPublic,
    SentimentSummary,
    SituationPublic,
    SituationQuery,
    SourceIssue,
    SourceVolume,
    StoriesQuery,
    StoryPage,
    StoryPublic,
    TermCountPublic,
    VoiceShare,
)
from api.routes.mentions import to_public
from models.types import utcnow
from services import situation as service
from services import stories
from services.brands import get_brand_or_404
from services.source_health import HealthSummary
from services.stories import StoryExplanation, StoryRow

router = APIRouter(tags=["reports"])


def story_public(story: StoryRow) -> StoryPublic:
    return StoryPublic.model_validate(story, from_attributes=True)


def explanation_public(explained: StoryExplanation) -> ExplanationPublic:
    return ExplanationPublic(
        kind=explained.kind,  # type: ignore[arg-type]
        share=round(explained.share, 4),
        story=story_public(explained.story) if explained.story else None,
    )


def health_public(summary: HealthSummary) -> HealthPublic:
    return HealthPublic(
        ok=summary.ok,
        sources=summary.sources,
        failing=summary.failing,
        with_gaps=summary.with_gaps,
        issues=[
            SourceIssue(
                source_id=h.source_id,
                brand_id=h.brand_id,
                kind=h.kind,
                status=h.status,
                last_error=h.last_error,
                failed_hours=h.failed_hours,
                gaps=[GapPublic(since=g.since, until=g.until) for g in h.gaps],
            )
            for h in summary.issues
        ],
    )


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
      with its 3 most engaging mentions and its `explanation`: `story` when one story
      carries at least half of its mentions, else `broad` (conversation).
    - `stories`: distinct stories in the period (near copies of one news item, across
      outlets and sources, are one story); `top_stories`: the 5 with most mentions.
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
    report = service.build_situation(session, brand, since=since, until=until, now=now)
    zone = ZoneInfo(brand.timezone)
    return SituationPublic(
        brand_id=report.brand_id,
        timezone=report.timezone,
        since=report.since,
        until=report.until,
        mentions=report.mentions,
        health=health_public(report.health),
        previous_period=PreviousPeriod(
            since=report.previous_period.since,
            until=report.previous_period.until,
            mentions=report.previous_period.mentions,
            change_pct=report.previous_period.change_pct,
            health=health_public(report.previous_period.health),
        ),
        sentiment=SentimentSummary(**vars(report.sentiment)),
        share_of_voice=[
            VoiceShare(
                brand_id=v.brand_id,
                name=v.name,
                mentions=v.mentions,
                share=v.share,
                health=health_public(v.health),
            )
            for v in report.share_of_voice
        ],
        by_source=[
            SourceVolume(
                source_kind=s.source_kind,
                mentions=s.mentions,
                avg_sentiment=s.avg_sentiment,
                health=health_public(s.health),
            )
            for s in report.by_source
        ],
        by_media_type=[
            MediaVolume(media_type=m.media_type, mentions=m.mentions, share=m.share)  # type: ignore[arg-type]
            for m in report.by_media_type
        ],
        top_domains=[DomainCount(domain=d, mentions=n) for d, n in report.top_domains],
        top_authors=[
            AuthorCount(author=a, mentions=n, engagement=e) for a, n, e in report.top_authors
        ],
        top_terms=[TermCountPublic(term=t.term, count=t.count) for t in report.top_terms],
        top_mentions=[to_public(m) for m in report.top_mentions],
        peaks=[
            PeakPublic(
                start=p.start.astimezone(zone),
                end=p.end.astimezone(zone),
                mentions=p.mentions,
                top_mentions=[to_public(m) for m in p.top_mentions],
                explanation=explanation_public(p.explanation),
            )
            for p in report.peaks
        ],
        scores=ScoresPublic(**vars(report.scores)),
        stories=report.stories,
        top_stories=[story_public(story) for story in report.top_stories],
    )


@router.get("/v1/brands/{brand_id}/stories", response_model=StoryPage)
def get_stories(
    brand_id: int,
    params: Annotated[StoriesQuery, Query()],
    session: SessionDep,
    workspace_id: WorkspaceIdDep,
) -> StoryPage:
    """The brand's stories of [since, until) (default: the last 30 days), largest first
    (ties: the earliest). A story is one news item and its near copies: syndicated wire copy,
    the same press release, a headline lightly reworded, on any domain or source. Its `id` is
    the id of its first mention, and every mention carries its `story_id`."""
    brand = get_brand_or_404(session, workspace_id=workspace_id, brand_id=brand_id)
    assert brand.id is not None
    since, until = service.situation_window(params.since, params.until, utcnow())
    found = stories.top_stories(
        session, brand_id=brand.id, since=since, until=until, limit=params.limit
    )
    return StoryPage(items=[story_public(story) for story in found])
