"""Use cases for sources: validation at creation (no fetch), edits that reset failure state."""

from typing import Any

from sqlmodel import Session

from core.settings import get_settings
from models import sources as repo
from models.tables import Source
from services.brands import get_brand_or_404
from services.errors import InvalidInputError, NotFoundError
from sources.google_news import parse_locale
from sources.mastodon import normalize_hashtag, normalize_instance
from sources.netguard import InvalidURLError, UnsafeURLError, validate_feed_url
from sources.reddit import normalize_subreddit
from sources.registry import ADAPTERS

FEED_KINDS = {"rss", "google_alerts"}


def get_source_or_404(session: Session, *, workspace_id: int, source_id: int) -> Source:
    source = repo.get_source(session, workspace_id=workspace_id, source_id=source_id)
    if source is None:
        raise NotFoundError(f"source {source_id} not found")
    return source


def _checked_url(url: str) -> str:
    try:
        return validate_feed_url(url, allow_private=get_settings().allow_private_hosts)
    except (InvalidURLError, UnsafeURLError) as exc:
        raise InvalidInputError(str(exc)) from exc


def _validate(kind: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Check a source's fields for its kind; normalizes them in place and returns them."""
    if kind not in ADAPTERS:
        supported = ", ".join(sorted(ADAPTERS))
        raise InvalidInputError(
            f"source kind {kind!r} is not supported yet; use one of: {supported}"
        )
    search_kinds = {"reddit", "google_news", "hackernews", "bluesky"}
    only_for = {"url": FEED_KINDS, "search": search_kinds, "locale": {"google_news"}}
    only_for |= {"subreddit": {"reddit"}, "instance": {"mastodon"}, "hashtag": {"mastodon"}}
    for name, kinds in only_for.items():
        if fields.get(name) is not None and kind not in kinds:
            takers = ", ".join(sorted(kinds))
            raise InvalidInputError(f"a {kind} source does not take `{name}` (only {takers})")
    if kind in FEED_KINDS:
        if not fields.get("url"):
            raise InvalidInputError(f"a {kind} source needs a feed url")
        fields["url"] = _checked_url(fields["url"])
    if fields.get("search") is not None and not str(fields["search"]).strip():
        raise InvalidInputError("`search` is empty: leave it out to search for the brand's query")
    try:
        if kind == "google_news":
            if not fields.get("locale"):
                raise ValueError("a google_news source needs a `locale` (es-419:MX, en-US:US)")
            fields["locale"] = parse_locale(fields["locale"]).locale
        if kind == "reddit" and fields.get("subreddit"):
            fields["subreddit"] = normalize_subreddit(fields["subreddit"])
        if kind == "mastodon":
            if not fields.get("instance") or not fields.get("hashtag"):
                raise ValueError(
                    "a mastodon source needs an `instance` (e.g. https://mastodon.social) "
                    "and a `hashtag`"
                )
            fields["hashtag"] = normalize_hashtag(fields["hashtag"])
            fields["instance"] = _checked_url(normalize_instance(fields["instance"]))
    except ValueError as exc:
        raise InvalidInputError(str(exc)) from exc
    return fields


def create_source(
    session: Session, *, workspace_id: int, brand_id: int, fields: dict[str, Any]
) -> Source:
    get_brand_or_404(session, workspace_id=workspace_id, brand_id=brand_id)
    fields = _validate(fields["kind"], fields)
    source = Source(workspace_id=workspace_id, brand_id=brand_id, **fields)
    session.add(source)
    session.flush()
    return source


def update_source(
    session: Session, *, workspace_id: int, source_id: int, changes: dict[str, Any]
) -> Source:
    """Any edit gives a failing source a fresh start, as the user has presumably fixed it."""
    source = get_source_or_404(session, workspace_id=workspace_id, source_id=source_id)
    merged = {**source.model_dump(), **{k: v for k, v in changes.items() if v is not None}}
    _validate(source.kind, merged)
    if merged["url"] != source.url:
        source.cursor = {}  # validators (ETag, Last-Modified) belong to the old URL
    for key, value in changes.items():
        if value is not None:
            setattr(source, key, merged[key])
    if changes.get("status") != "paused" and source.status != "paused":
        source.status = "ok"
    source.consecutive_failures = 0
    source.next_poll_at = None
    session.flush()
    return source


def delete_source(session: Session, *, workspace_id: int, source_id: int) -> None:
    session.delete(get_source_or_404(session, workspace_id=workspace_id, source_id=source_id))
    session.flush()
