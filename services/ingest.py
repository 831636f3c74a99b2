"""Turn what a source returned into stored mentions: match, canonicalise, score, dedup."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from domain.canonical import canonical_url, domain_of, is_google_news_article, story_key
from domain.language import detect_language
from domain.media import media_type
from domain.query import BrandQuery, prepare_text
from domain.sentiment import score_text
from models.mentions import delete_by_keys, existing_by_keys, insert_new_mentions
from sources.base import SourceItem


@dataclass(frozen=True)
class BrandContext:
    """What ingest needs to know about the brand, read once per poll."""

    workspace_id: int
    brand_id: int
    query: BrandQuery
    languages: tuple[str, ...]
    owned_domains: tuple[str, ...]
    owned_handles: tuple[str, ...]


@dataclass(frozen=True)
class IngestResult:
    matched: int
    new: int
    deleted: int = 0


def _keys(item: SourceItem) -> tuple[str, str, str | None] | None:
    """(url, url_key, story_key) for an item, or None when it has no identity at all."""
    story = story_key(item.title, item.publisher) if item.title and item.publisher else None
    if item.url and not is_google_news_article(item.url):
        url = canonical_url(item.url)
        return url, url, story
    if story is not None:
        return item.url or "", "story:" + story, story
    if item.url:
        return item.url, item.url, None
    return None


@dataclass(frozen=True)
class _Candidate:
    """An item the brand's query matched, with its identity; not yet scored."""

    item: SourceItem
    url: str
    url_key: str
    story: str | None


def _candidate(item: SourceItem, brand: BrandContext) -> _Candidate | None:
    if not brand.query.matches_prepared(prepare_text(f"{item.title}\n{item.text}")):
        return None
    keys = _keys(item)
    if keys is None:
        return None
    url, url_key, story = keys
    return _Candidate(item, url, url_key[:2048], story[:600] if story else None)


def build_row(
    item: SourceItem, brand: BrandContext, *, source_id: int, source_kind: str, now: datetime
) -> dict[str, Any] | None:
    """The mention row for an item, or None when the brand's query or languages reject it."""
    candidate = _candidate(item, brand)
    if candidate is None:
        return None
    return _row(candidate, brand, source_id=source_id, source_kind=source_kind, now=now)


def _row(
    candidate: _Candidate, brand: BrandContext, *, source_id: int, source_kind: str, now: datetime
) -> dict[str, Any] | None:
    """Language, sentiment and media type: the costly part, done only for new items."""
    item, url = candidate.item, candidate.url
    full_text = f"{item.title}\n{item.text}".strip()
    language = item.language or detect_language(full_text)
    if brand.languages and language is not None and language not in brand.languages:
        return None
    sentiment = score_text(full_text, language)
    domain = domain_of(url) if url.startswith("http") else ""
    return {
        "workspace_id": brand.workspace_id,
        "brand_id": brand.brand_id,
        "source_id": source_id,
        "source_kind": source_kind,
        "url_key": candidate.url_key,
        "story_key": candidate.story,
        "url": url[:2048],
        "domain": domain[:255],
        "title": item.title,
        "text": item.text,
        "author": item.author[:300] if item.author else None,
        "published_at": item.published_at or now,
        "fetched_at": now,
        "language": language,
        "sentiment_compound": sentiment.compound,
        "sentiment_positive": sentiment.positive,
        "sentiment_neutral": sentiment.neutral,
        "sentiment_negative": sentiment.negative,
        "sentiment_label": sentiment.label,
        "sentiment_model": sentiment.model,
        "engagement_score": item.score,
        "engagement_comments": item.comments,
        "also_seen_in": [],
        "media_type": media_type(
            domain=domain,
            author=item.author,
            text=full_text,
            owned_domains=list(brand.owned_domains),
            owned_handles=list(brand.owned_handles),
        ),
    }


def store_items(
    session: Session,
    items: Iterable[SourceItem],
    brand: BrandContext,
    *,
    source_id: int,
    source_kind: str,
    now: datetime,
) -> IngestResult:
    """Match, then dedup against the stored mentions, then score only what is new: a feed
    polled again mostly repeats itself, and its old entries cost no language detection or
    sentiment."""
    candidates: dict[str, _Candidate] = {}
    gone: list[str] = []
    for item in items:
        if item.deleted:
            keys = _keys(item)
            if keys is not None:
                gone.append(keys[1])
            continue
        candidate = _candidate(item, brand)
        if candidate is not None:
            candidates.setdefault(candidate.url_key, candidate)
    matched = len(candidates)
    stories = {c.story: k for k, c in candidates.items() if c.story}
    for existing in existing_by_keys(
        session, brand_id=brand.brand_id, url_keys=list(candidates), story_keys=list(stories)
    ):
        incoming = candidates.pop(existing.url_key, None)
        if incoming is None and existing.story_key in stories:
            incoming = candidates.pop(stories[existing.story_key], None)
        if incoming is not None:
            _note_seen_in(existing, source_id=source_id, source_kind=source_kind)
    rows = [
        _row(c, brand, source_id=source_id, source_kind=source_kind, now=now)
        for c in candidates.values()
    ]
    inserted = insert_new_mentions(session, [row for row in rows if row is not None])
    deleted = delete_by_keys(session, brand_id=brand.brand_id, url_keys=gone)
    return IngestResult(matched=matched, new=len(inserted), deleted=deleted)


def _note_seen_in(existing: Any, *, source_id: int, source_kind: str) -> None:
    if existing.source_id == source_id:
        return
    seen = list(existing.also_seen_in or [])
    if any(entry.get("source_id") == source_id for entry in seen):
        return
    seen.append({"source_id": source_id, "source_kind": source_kind})
    existing.also_seen_in = seen
