"""Stories: which story each new mention joins at ingest, and a brand's stories of a period.

The decision is ``domain.stories``'; this module brings it the stored mentions that new ones
may copy (``models.stories``). Two workers storing two copies of one new story at the same
moment each start a story (neither sees the other's uncommitted row); the next copy joins
the first of them by key order, so the split is rare and stays small.
"""

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from sqlmodel import Session

from domain.query import prepare_text
from domain.stories import (
    Assignment,
    KnownStory,
    StoryPrint,
    StoryTerms,
    assign,
    explain_spike,
)
from models.report_types import ExplanationPublic, StoryPublic
from models.stories import count_mentions, story_candidates, top_stories
from models.stories import stories_count as count_in_period

STORY_WINDOW = timedelta(days=14)  # a copy published later than this starts a new story

__all__ = [
    "STORY_WINDOW",
    "ExplanationPublic",
    "StoryPublic",
    "count_in_period",
    "plan_stories",
    "story_explanation",
    "top_stories",
]


def plan_stories(
    session: Session,
    items: Sequence[tuple[int, StoryPrint]],
    terms: Mapping[int, StoryTerms],
    *,
    now: datetime,
) -> list[Assignment]:
    """The story of each new mention, given as (brand_id, print) in arrival order, ``terms``
    by brand id. ``copy_of`` positions index ``items``."""
    positions: dict[int, list[int]] = {}
    for position, (brand_id, _found) in enumerate(items):
        positions.setdefault(brand_id, []).append(position)
    found: list[Assignment] = [Assignment()] * len(items)
    for brand_id in sorted(positions):
        own = positions[brand_id]
        prints = [items[p][1] for p in own]
        known = _known(session, brand_id, prints, terms[brand_id], now=now)
        for local, assignment in enumerate(assign(prints, known)):
            if assignment.copy_of is not None:
                assignment = Assignment(copy_of=own[assignment.copy_of])
            found[own[local]] = assignment
    return found


def _known(
    session: Session,
    brand_id: int,
    prints: Sequence[StoryPrint],
    terms: StoryTerms,
    *,
    now: datetime,
) -> dict[str, list[KnownStory]]:
    words = {probe for found in prints for probe in found.probes}
    known: dict[str, list[KnownStory]] = {}
    printed: dict[int, StoryPrint] = {}  # a mention may be found by several of the words
    for candidate in story_candidates(
        session, brand_id=brand_id, words=sorted(words), since=now - STORY_WINDOW
    ):
        found = printed.get(candidate.id)
        if found is None:
            tokens = prepare_text(f"{candidate.title}\n{candidate.head}").tokens
            found = printed[candidate.id] = terms.print_of(tokens)
        known.setdefault(candidate.story_word, []).append(KnownStory(candidate.story_id, found))
    return known


def story_explanation(
    session: Session,
    *,
    brand_id: int,
    since: datetime,
    until: datetime,
    mentions: int | None = None,
) -> ExplanationPublic:
    """Whether one story carries the brand's mentions of [since, until) or they are broad
    conversation; ``mentions``: their count, when the caller has it."""
    largest = top_stories(session, brand_id=brand_id, since=since, until=until, limit=1)
    story = largest[0] if largest else None
    if mentions is None:
        mentions = count_mentions(session, brand_id=brand_id, since=since, until=until)
    explained = explain_spike(mentions, story.mentions if story else 0)
    return ExplanationPublic(
        kind=explained.kind,  # type: ignore[arg-type]
        share=round(explained.share, 4),
        story=story,
    )
