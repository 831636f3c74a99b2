"""Turn what a source returned into stored mentions: match, canonicalise, score, dedup."""

import gc
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from operator import attrgetter
from typing import Any, TypeVar

from sqlmodel import Session

from domain.canonical import (
    canonical_url_with_domain,
    domain_of,
    is_google_news_article,
    story_key,
)
from domain.language import detect_languages
from domain.language import warm_up as warm_up_language_detector
from domain.media import media_type
from domain.query import BrandQuery, parse_query, prepare_text
from domain.relevance import RelevanceModel
from domain.sentiment import score_text
from domain.stories import Assignment, StoryPrint, StoryTerms
from domain.text import drop_controls
from models.mentions import (
    MentionInserts,
    StoredKeys,
    add_seen_in,
    delete_by_keys,
    existing_by_keys,
)
from models.tables import Brand
from services.relevance import models_for, prior_of
from services.stories import plan_stories
from sources.base import SourceItem
from sources.items import clamp_count, safe_url, storable_text, valid_text

_T = TypeVar("_T")


def load_models() -> None:
    """Load the language detector and the sentiment models now: lazily, the first mention a
    worker process scores would wait ~0.3 s for them."""
    warm_up_language_detector()
    score_text("warm the scorers up", "en")
    score_text("calentar los modelos", "es")


@dataclass(frozen=True)
class BrandContext:
    """What ingest needs to know about the brand, read once per poll."""

    workspace_id: int
    brand_id: int
    query: BrandQuery
    languages: tuple[str, ...]
    owned_domains: tuple[str, ...]
    owned_handles: tuple[str, ...]
    story_terms: StoryTerms

    @classmethod
    def of(cls, brand: Brand) -> "BrandContext":
        assert brand.id is not None
        query = parse_query(brand.query)
        return cls(
            workspace_id=brand.workspace_id,
            brand_id=brand.id,
            query=query,
            languages=tuple(brand.languages),
            owned_domains=tuple(brand.owned_domains),
            owned_handles=tuple(brand.owned_handles),
            story_terms=StoryTerms.of(query.positive_terms()),
        )


@dataclass(frozen=True)
class IngestResult:
    matched: int
    new: int
    deleted: int = 0
    # New mentions that started a story of their own, when another unit of work may have
    # been storing the brand's mentions at the same time (``services.stories.reconcile_stories``
    # looks for a twin once they are committed).
    story_starts: tuple[tuple[int, StoryPrint], ...] = ()


def _keys(item: SourceItem) -> tuple[str, str, str | None, str] | None:
    """(url, url_key, story_key, domain) for an item, or None when it has no identity."""
    story = story_key(item.title, item.publisher) if item.title and item.publisher else None
    if item.url and not is_google_news_article(item.url):
        url, domain = canonical_url_with_domain(item.url)
        return url, url, story, domain
    if story is not None:
        url = item.url or ""
        return url, "story:" + story, story, _domain(url)
    if item.url:
        return item.url, item.url, None, _domain(item.url)
    return None


def _domain(url: str) -> str:
    return domain_of(url) if url.startswith("http") else ""


@dataclass(slots=True)  # not frozen: a frozen dataclass takes 3 times as long to build
class _Candidate:
    """An item the brand's query matched, with its identity; not yet scored."""

    item: SourceItem
    url: str
    url_key: str
    story: str | None
    domain: str
    dedup_keys: list[tuple[int, str]]  # _dedup_keys
    full_text: str  # title and text: what is matched, detected and scored
    tokens: tuple[str, ...]  # its folded words, as matched: what relevance and stories read


def _candidate(item: SourceItem, brand: BrandContext) -> _Candidate | None:
    full_text = f"{item.title}\n{item.text}".strip()
    prepared = prepare_text(full_text)
    if not brand.query.matches_prepared(prepared):
        return None
    keys = _keys(item)
    if keys is None:
        return None
    url, url_key, story, domain = keys
    url_key, story = url_key[:2048], story[:600] if story else None
    dedup_keys = _dedup_keys(brand.brand_id, url_key, story)
    return _Candidate(
        item, url, url_key, story, domain[:255], dedup_keys, full_text, prepared.tokens
    )


def _languages(candidates: Sequence[_Candidate]) -> list[str | None]:
    """The language each item's source gave, else the one detected, all in one go."""
    detected = iter(detect_languages([c.full_text for c in candidates if not c.item.language]))
    return [c.item.language or next(detected) for c in candidates]


@dataclass(slots=True)
class _New:
    """A candidate stored by no one yet: it will be scored and inserted."""

    candidate: _Candidate
    poll: "PolledItems"
    language: str | None  # the source's, or detected: up front if the brand filters by it
    also_seen_in: list[dict[str, Any]]
    story_print: StoryPrint | None = None  # what ``_plan_stories`` told its story by
    story_id: int | None = None  # the story it joins; None: its own, or ``copy_of``'s
    copy_of: "_New | None" = None  # an earlier new item of the batch whose story it joins

    @property
    def story_word(self) -> str | None:
        """The key it is stored under, for later mentions to find it by."""
        key = self.story_print.key if self.story_print else None
        return key[:64] if key else None

    @property
    def key(self) -> tuple[int, str]:
        """(brand_id, url_key): how ``MentionInserts.inserted`` names it."""
        return self.poll.brand.brand_id, self.candidate.url_key


def _row(new: _New, *, now: datetime, relevance: RelevanceModel | None) -> dict[str, Any]:
    """Sentiment, media type and relevance: the costly part, done only for new items."""
    brand, item, url = new.poll.brand, new.candidate.item, new.candidate.url
    full_text = new.candidate.full_text
    sentiment = score_text(full_text, new.language)
    domain = new.candidate.domain
    media = media_type(
        domain=domain,
        author=item.author,
        text=full_text,
        owned_domains=brand.owned_domains,
        owned_handles=brand.owned_handles,
    )
    score = None
    if relevance is not None:
        score = round(
            relevance.score_mention(
                new.candidate.tokens,
                text=full_text,
                prior=prior_of(brand.query.source),
                domain=domain,
                author=item.author,
                owned=media == "owned",
                language=new.language,
            ),
            6,
        )
    return {
        "workspace_id": brand.workspace_id,
        "brand_id": brand.brand_id,
        "source_id": new.poll.source_id,
        "source_kind": new.poll.source_kind,
        "url_key": new.candidate.url_key,
        "story_key": new.candidate.story,
        "url": url[:2048],
        "domain": domain,
        "title": item.title,
        "text": item.text,
        "author": item.author[:300] if item.author else None,
        "published_at": item.published_at or now,
        "fetched_at": now,
        "language": new.language,
        "sentiment_compound": sentiment.compound,
        "sentiment_positive": sentiment.positive,
        "sentiment_neutral": sentiment.neutral,
        "sentiment_negative": sentiment.negative,
        "sentiment_label": sentiment.label,
        "sentiment_model": sentiment.model,
        "engagement_score": item.score,
        "engagement_comments": item.comments,
        "also_seen_in": new.also_seen_in,
        "media_type": media,
        "relevance_score": score,
        "relevance_verdict": None,
        "relevance_marked_at": None,
        "hidden": relevance is not None and score is not None and score < relevance.threshold,
        "story_id": new.story_id,
        "story_word": new.story_word,
    }


@dataclass(frozen=True)
class PolledItems:
    """What one poll of one source brought back."""

    source_id: int
    source_kind: str
    brand: BrandContext
    items: Sequence[SourceItem]


def store_polls(
    session: Session, polls: Sequence[PolledItems], *, now: datetime
) -> list[IngestResult]:
    with collector_paused():
        return _store_polls(session, polls, now=now)


def _store_polls(
    session: Session, polls: Sequence[PolledItems], *, now: datetime
) -> list[IngestResult]:
    """Match, then dedup against the stored mentions and within the batch, then score only
    what is new: a feed polled again mostly repeats itself, and its old entries cost no
    language detection or sentiment. One lookup per brand; rows are inserted as they are
    scored (``MentionInserts``).

    An item already stored (same canonical URL, or same story) from another source of the
    brand is not stored again: that source is added to the mention's ``also_seen_in``."""
    wanted = [_wanted(poll) for poll in polls]
    stored = _stored_by_key(session, polls, wanted)
    pending: dict[tuple[int, str], _New] = {}
    seen_in: dict[int, list[dict[str, Any]]] = {}
    new_of: list[list[_New]] = []
    languages = _languages_to_filter_by(polls, wanted, stored)
    for position, (poll, (candidates, _gone)) in enumerate(zip(polls, wanted, strict=True)):
        news: list[_New] = []
        for candidate in candidates.values():
            keys = candidate.dedup_keys
            existing = _first_in(stored, keys) if stored else None
            if existing is not None:
                _note_seen_in(seen_in, existing, poll.source_id, poll.source_kind)
                continue
            earlier = _first_in(pending, keys)
            if earlier is not None:
                _note_seen_in_new(earlier, source_id=poll.source_id, source_kind=poll.source_kind)
                continue
            language = candidate.item.language
            if poll.brand.languages:  # then detected up front (most brands keep every one)
                language = languages.get((position, candidate.url_key), language)
                if not _speaks(poll.brand, language):
                    continue
            new = _New(candidate, poll, language, also_seen_in=[])
            news.append(new)
            for key in keys:
                pending[key] = new
        new_of.append(news)
    add_seen_in(session, seen_in)
    every_new = [new for news in new_of for new in news]
    # In the order of the hourly rollup rows their triggers lock (brand, hour, kind): two
    # workers storing overlapping hours then wait for each other instead of deadlocking.
    # (Stories are planned in that order too: a story's first mention is its earliest.)
    every_new.sort(
        key=lambda new: (
            new.poll.brand.brand_id,
            _hour(new.candidate.item.published_at or now),
            new.poll.source_kind,
        )
    )
    # Read in this transaction: a model trained meanwhile is the one applied.
    models = models_for(session, {new.poll.brand.brand_id for new in every_new})
    contended = _plan_stories(session, every_new, now=now)
    first = [new for new in every_new if new.copy_of is None]
    inserted = _insert(session, first, models, now=now)
    copies = [new for new in every_new if new.copy_of is not None]
    if copies:  # copies of stories that start in this batch: their first mention's id
        for new in copies:
            assert new.copy_of is not None
            new.story_id = inserted.get(new.copy_of.key)  # None: it lost a race; its own
        inserted.update(_insert(session, copies, models, now=now))
    lost = [new for new in every_new if new.key not in inserted]
    if lost:
        _note_lost_races(session, lost)
    results = []
    for poll, (candidates, gone), news in zip(polls, wanted, new_of, strict=True):
        deleted = delete_by_keys(session, brand_id=poll.brand.brand_id, url_keys=gone)
        stored_new = sum(new.key in inserted for new in news)
        starts = tuple(
            (inserted[new.key], new.story_print)
            for new in news
            if new.key in inserted and new.story_word and new.story_id is None
            and new.copy_of is None and new.story_print is not None
        ) if poll.brand.brand_id in contended else ()  # fmt: skip
        results.append(
            IngestResult(matched=len(candidates), new=stored_new, deleted=deleted,
                         story_starts=starts)
        )  # fmt: skip
    return results


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cycle collector off while a unit of work is stored: every object the unit makes
    is freed by reference counting, yet the collector would walk the young ones every 700
    allocations (2% of the instructions of storing a mention)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _insert(
    session: Session,
    news: list[_New],
    models: Mapping[int, RelevanceModel],
    *,
    now: datetime,
) -> dict[tuple[int, str], int]:
    """Score and insert; the ids of the rows the database took, by ``_New.key``."""
    with MentionInserts(session, expected=len(news)) as inserts:
        step = _DETECTED_TOGETHER if inserts.sends_early else max(len(news), 1)
        for start in range(0, len(news), step):
            chunk = news[start : start + step]
            _settle_languages(chunk)
            for new in chunk:
                inserts.add(_row(new, now=now, relevance=models.get(new.poll.brand.brand_id)))
    return inserts.inserted


def _plan_stories(session: Session, news: list[_New], *, now: datetime) -> frozenset[int]:
    """Which story each new item joins (``services.stories``), before any is inserted; the
    brands whose new stories must be reconciled once committed."""
    prints = [new.poll.brand.story_terms.print_of(new.candidate.tokens) for new in news]
    terms = {new.poll.brand.brand_id: new.poll.brand.story_terms for new in news}
    plan = plan_stories(
        session,
        [(new.poll.brand.brand_id, found) for new, found in zip(news, prints, strict=True)],
        terms,
        now=now,
    )
    for new, found, assignment in zip(news, prints, plan.assignments, strict=True):
        _apply(new, found, assignment, news)
    return plan.contended


def _apply(new: _New, found: StoryPrint, assignment: Assignment, news: list[_New]) -> None:
    new.story_print = found
    new.story_id = assignment.story_id
    new.copy_of = None if assignment.copy_of is None else news[assignment.copy_of]


def _first_in(found: Mapping[tuple[int, str], _T], keys: list[tuple[int, str]]) -> _T | None:
    """The value of the first of ``keys`` in ``found`` (a loop: no generator per item)."""
    for key in keys:
        if key in found:
            return found[key]
    return None


def _hour(moment: datetime) -> int:
    return int(moment.timestamp() // 3600)


def _speaks(brand: BrandContext, language: str | None) -> bool:
    """Whether the brand listens in this language (an unknown language always passes)."""
    return not brand.languages or language is None or language in brand.languages


def _dedup_keys(brand_id: int, url_key: str, story: str | None) -> list[tuple[int, str]]:
    """The keys an item is known by in ``_stored``'s map: its URL key, and its story."""
    keys = [(brand_id, url_key)]
    if story:
        keys.append((brand_id, "story:" + story))
    return keys


def _languages_to_filter_by(
    polls: Sequence[PolledItems],
    wanted: list[tuple[dict[str, _Candidate], list[str]]],
    stored: dict[tuple[int, str], StoredKeys],
) -> dict[tuple[int, str], str | None]:
    """The language of each candidate not stored yet whose brand keeps some languages only,
    by (poll's position, url_key): what deciding which items to keep needs up front."""
    unstored = {
        (position, candidate.url_key): candidate
        for position, (poll, (candidates, _gone)) in enumerate(zip(polls, wanted, strict=True))
        if poll.brand.languages
        for candidate in candidates.values()
        if not any(key in stored for key in candidate.dedup_keys)
    }
    return dict(zip(unstored, _languages(list(unstored.values())), strict=True))


# Where the store sends rows early (PostgreSQL, ``MentionInserts``), new items have their
# language detected this many at a time, just before they are scored and sent, so that the
# server stores the first ones while the rest are detected and scored: the server's ~40 us
# a row then hides behind ~40 us of ours instead of ~30. Otherwise all at once: lingua's
# calls take longer interleaved with other work (measured: SQLite 0.81 -> 0.75 of VADER).
_DETECTED_TOGETHER = 100


def _settle_languages(news: list[_New]) -> None:
    """Detect the language of those whose source gave none and whose brand keeps every
    language (a brand that keeps some had them detected up front, to filter by). Each item
    goes through here once, so one detected as None is not detected again."""
    unsettled = [new for new in news if not new.language and not new.poll.brand.languages]
    found = detect_languages([new.candidate.full_text for new in unsettled])
    for new, language in zip(unsettled, found, strict=True):
        new.language = language


def _wanted(poll: PolledItems) -> tuple[dict[str, _Candidate], list[str]]:
    """The poll's matched items by url_key, and the url_keys of the items deleted at source."""
    candidates: dict[str, _Candidate] = {}
    gone: list[str] = []
    for item in map(_storable, poll.items):
        if item.deleted:
            keys = _keys(item)
            if keys is not None:
                gone.append(keys[1])
            continue
        candidate = _candidate(item, poll.brand)
        if candidate is not None:
            candidates.setdefault(candidate.url_key, candidate)
    return candidates, gone


_TEXT_FIELDS = ("title", "text", "url", "author", "publisher", "guid")
_TEXT_VALUES = attrgetter(*_TEXT_FIELDS)


def _storable(item: SourceItem) -> SourceItem:
    """The item as it may be stored, whichever adapter made it: control characters dropped
    from its text fields (``drop_controls``), lone surrogates replaced (``valid_text``), a
    URL that is not http(s) dropped (``safe_url``), counts clamped to what the columns hold
    (``clamp_count``). The item itself when nothing needs changing (nearly always: one look
    over all its fields at once)."""
    values = _TEXT_VALUES(item)
    joined = "".join(filter(None, values))
    changes: dict[str, Any] = {}
    if not storable_text(joined):
        changes = {
            name: valid_text(drop_controls(value))
            for name, value in zip(_TEXT_FIELDS, values, strict=True)
            if value
        }
    url = changes.get("url", item.url)
    if url is not None and safe_url(url) is None:
        changes["url"] = None
    for name, value in (("score", item.score), ("comments", item.comments)):
        if value is not None and clamp_count(value) != value:
            changes[name] = clamp_count(value)
    return replace(item, **changes) if changes else item


def _stored_by_key(
    session: Session,
    polls: Sequence[PolledItems],
    wanted: list[tuple[dict[str, _Candidate], list[str]]],
) -> dict[tuple[int, str], StoredKeys]:
    """The stored mentions the batch's items may repeat, by (brand_id, url_key) and by
    (brand_id, "story:" + story_key)."""
    return _stored(
        session,
        (
            (poll.brand.brand_id, candidate.url_key, candidate.story)
            for poll, (candidates, _gone) in zip(polls, wanted, strict=True)
            for candidate in candidates.values()
        ),
    )


def _stored(
    session: Session, identities: Iterable[tuple[int, str, str | None]]
) -> dict[tuple[int, str], StoredKeys]:
    """The stored mentions known by any of these (brand_id, url_key, story), by the keys of
    ``_dedup_keys``."""
    url_keys: dict[int, set[str]] = {}
    story_keys: dict[int, set[str]] = {}
    for brand_id, url_key, story in identities:
        url_keys.setdefault(brand_id, set()).add(url_key)
        if story:
            story_keys.setdefault(brand_id, set()).add(story)
    stored: dict[tuple[int, str], StoredKeys] = {}
    for brand_id in sorted(url_keys):  # one order in every worker: no deadlocks between them
        for mention in existing_by_keys(
            session,
            brand_id=brand_id,
            url_keys=sorted(url_keys[brand_id]),
            story_keys=sorted(story_keys.get(brand_id, ())),
        ):
            stored[(brand_id, mention.url_key)] = mention
            if mention.story_key:
                stored.setdefault((brand_id, "story:" + mention.story_key), mention)
    return stored


def _note_lost_races(session: Session, lost: list[_New]) -> None:
    """Items the INSERT skipped: another worker stored the same URL or story between our
    lookup and our INSERT. Their sources go to that mention's ``also_seen_in``."""
    stored = _stored(
        session,
        ((new.poll.brand.brand_id, new.candidate.url_key, new.candidate.story) for new in lost),
    )
    additions: dict[int, list[dict[str, Any]]] = {}
    for new in lost:
        keys = new.candidate.dedup_keys
        winner = next((stored[k] for k in keys if k in stored), None)
        if winner is None:
            continue  # stored and deleted again meanwhile: nothing to add to
        _note_seen_in(additions, winner, new.poll.source_id, new.poll.source_kind)
        for seen in new.also_seen_in:
            _note_seen_in(additions, winner, seen["source_id"], seen["source_kind"])
    add_seen_in(session, additions)


def _note_seen_in(
    additions: dict[int, list[dict[str, Any]]],
    existing: StoredKeys,
    source_id: int,
    source_kind: str,
) -> None:
    """Add the source to the stored mention's ``also_seen_in``, unless it is there already."""
    if existing.source_id == source_id:
        return
    if any(entry.get("source_id") == source_id for entry in existing.also_seen_in or []):
        return
    added = additions.setdefault(existing.id, [])
    if all(entry["source_id"] != source_id for entry in added):
        added.append({"source_id": source_id, "source_kind": source_kind})


def _note_seen_in_new(new: _New, *, source_id: int, source_kind: str) -> None:
    if new.poll.source_id == source_id:
        return
    if all(entry["source_id"] != source_id for entry in new.also_seen_in):
        new.also_seen_in.append({"source_id": source_id, "source_kind": source_kind})
