"""Stories: which story each new mention joins at ingest, and a brand's stories of a period.

The decision is ``domain.stories``'; this module brings it the stored mentions that new ones
may copy (``models.stories``). Two workers storing two copies of one new story at the same
moment each start a story: neither sees the other's uncommitted row. So on PostgreSQL, once
a unit of work that started stories has committed, ``reconcile_stories`` looks again, in a
transaction of its own that sees everything committed, and merges each such story with a
twin started elsewhere into the one with the lower id. These transactions take a lock per
brand, so of two workers the second to reconcile sees both stories, whichever committed
first. (SQLite: one writer at a time, so a unit of work always sees the stories the previous
one started.)

Only a unit of work that stored beside another needs to look again. Planning claims each
brand for its transaction (``claim_brand_ingest``, which never waits); a unit that got the
claim stored alone from its planning to its commit, or beside units that did not get it.
Those are *contended*: they reconcile, and first wait for the claim's holder to commit
(``wait_for_brand_ingest``), so they see its rows, whichever of the two committed first.
One worker, or workers polling different brands, never reconcile.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
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
    same_story,
)
from models.report_types import ExplanationPublic, StoryPublic
from models.stories import (
    PeriodStories,
    claim_brand_ingest,
    concurrent_candidates,
    count_mentions,
    lock_brand_stories,
    merge_story,
    period_stories,
    story_candidates,
    top_stories,
    top_stories_each,
    wait_for_brand_ingest,
)

STORY_WINDOW = timedelta(days=14)  # a copy published later than this starts a new story
# How far apart two units of work storing at the same moment may have stored their rows:
# a unit of work takes seconds; one of over ten minutes has other problems.
CONCURRENT_WITHIN = timedelta(minutes=10)

__all__ = [
    "STORY_WINDOW",
    "ExplanationPublic",
    "PeriodStories",
    "StoryPlan",
    "StoryPublic",
    "period_stories",
    "plan_stories",
    "reconcile_stories",
    "story_explanation",
    "story_explanations",
    "top_stories",
]


@dataclass(frozen=True)
class StoryPlan:
    assignments: list[Assignment]  # one per new mention, in the order given
    contended: frozenset[int]  # brands another unit of work may be storing beside this one


def plan_stories(
    session: Session,
    items: Sequence[tuple[int, StoryPrint]],
    terms: Mapping[int, StoryTerms],
    *,
    now: datetime,
) -> StoryPlan:
    """The story of each new mention, given as (brand_id, print) in arrival order, ``terms``
    by brand id. ``copy_of`` positions index ``items``. Call it in the transaction that
    stores them: the brands' claims are held until it ends."""
    positions: dict[int, list[int]] = {}
    for position, (brand_id, _found) in enumerate(items):
        positions.setdefault(brand_id, []).append(position)
    claimed = claim_brand_ingest(session, list(positions))
    found: list[Assignment] = [Assignment()] * len(items)
    for brand_id in sorted(positions):
        own = positions[brand_id]
        prints = [items[p][1] for p in own]
        known = _known(session, brand_id, prints, terms[brand_id], now=now)
        for local, assignment in enumerate(assign(prints, known)):
            if assignment.copy_of is not None:
                assignment = Assignment(copy_of=own[assignment.copy_of])
            found[own[local]] = assignment
    return StoryPlan(found, frozenset(positions).difference(claimed))


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


def reconcile_stories(
    session: Session,
    starts: Mapping[int, Sequence[tuple[int, StoryPrint]]],
    terms: Mapping[int, StoryTerms],
    *,
    stored_at: datetime,
) -> int:
    """Merge the stories these new mentions started ((id, print) by brand id, stored at
    ``stored_at`` by a unit of work that was contended for these brands; ``terms`` by brand
    id) with same stories other units of work started meanwhile; how many merges were made.
    Only mentions stored by other units of work at about the same time are compared: any
    earlier one was there to be found at planning. Commits the session once the claims'
    holders have committed, before it reads anything."""
    if session.get_bind().dialect.name != "postgresql":
        return 0
    wait_for_brand_ingest(session, list(starts))
    session.commit()  # the shared claims let go at once: nobody storing next is refused one
    merges = 0
    for brand_id in sorted(starts):
        own = [(story, found) for story, found in starts[brand_id] if found.key is not None]
        words = sorted({probe for _story, found in own for probe in found.probes})
        if not words:
            continue
        lock_brand_stories(session, brand_id=brand_id)
        others: dict[str, list[tuple[int, StoryPrint]]] = {}
        for candidate in concurrent_candidates(
            session, brand_id=brand_id, words=words, since=stored_at - STORY_WINDOW,
            stored_at=stored_at, recent=stored_at - CONCURRENT_WITHIN,
        ):  # fmt: skip
            tokens = prepare_text(f"{candidate.title}\n{candidate.head}").tokens
            entry = (candidate.story_id, terms[brand_id].print_of(tokens))
            others.setdefault(candidate.story_word, []).append(entry)
        merged: dict[int, int] = {}
        for story, found in own:
            twin = _twin(found, others)
            if twin is not None and merged.get(twin, twin) != merged.get(story, story):
                low, high = sorted((merged.get(story, story), merged.get(twin, twin)))
                merge_story(session, brand_id=brand_id, into=low, merged=high)
                merged[high] = low
                merges += 1
    return merges


def _twin(found: StoryPrint, others: Mapping[str, Sequence[tuple[int, StoryPrint]]]) -> int | None:
    for probe in found.probes:
        for story, other in others.get(probe, ()):
            if same_story(found, other):
                return story
    return None


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
    if mentions is None:
        mentions = count_mentions(session, brand_id=brand_id, since=since, until=until)
    return _explanation(mentions, largest[0] if largest else None)


def story_explanations(
    session: Session, *, brand_id: int, windows: Sequence[tuple[datetime, datetime, int]]
) -> list[ExplanationPublic]:
    """``story_explanation`` of each (since, until, mentions), their stories read at once."""
    spans = [(since, until) for since, until, _ in windows]
    largest = top_stories_each(session, brand_id=brand_id, windows=spans, limit=1)
    return [
        _explanation(mentions, top[0] if top else None)
        for (_, _, mentions), top in zip(windows, largest, strict=True)
    ]


def _explanation(mentions: int, story: StoryPublic | None) -> ExplanationPublic:
    explained = explain_spike(mentions, story.mentions if story else 0)
    return ExplanationPublic(
        kind=explained.kind,  # type: ignore[arg-type]
        share=round(explained.share, 4),
        story=story,
    )
