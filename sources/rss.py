"""The `rss` adapter: any RSS or Atom feed URL. Also the feed-to-items pipeline that the
`google_alerts` adapter shares.

Item rules: plain-text title and text (content when the feed has it, else the summary);
links made absolute against the final URL; entries with neither link nor title skipped;
publisher from RSS <source>, and a title's trailing ` - Publisher` dropped when it names
it (Google News style); author names without their e-mail address; `published_at` is the
published date, else the updated date, and a date more than a day in the future (a wrong
clock or time zone at the source) is dropped to None, so the store uses the fetch time
rather than pinning the item above every real one.
"""

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar, Self
from urllib.parse import urljoin

import httpx
from pydantic import Field

from core.settings import get_settings
from domain.canonical import split_publisher_suffix
from domain.text import clean_title, html_to_text, normalize_text
from sources.base import PollOutcome, SourceConfig, SourceItem
from sources.feed_entries import RawEntry
from sources.feeds import ParsedFeed, parse_feed
from sources.http import FetchLimits, fetch
from sources.items import read_each
from sources.kind_config import KindConfig, checked_url

FUTURE_TOLERANCE = timedelta(days=1)
MAX_AUTHOR_LENGTH = 300  # what the store keeps


class FeedConfig(KindConfig):
    """A feed source takes its feed's URL (public hosts only, unless allowed)."""

    needs: ClassVar[str] = "a {kind} source needs a feed url"
    url: str = Field(max_length=2048)

    def checked(self, *, allow_private: bool) -> Self:
        return self.model_copy(update={"url": checked_url(self.url, allow_private=allow_private)})


class RssAdapter:
    kind: ClassVar[str] = "rss"
    config_model: ClassVar[type[KindConfig]] = FeedConfig

    def __init__(self, limits: FetchLimits | None = None) -> None:
        self.limits = limits

    def poll(
        self, client: httpx.Client, config: SourceConfig[FeedConfig], cursor: Mapping[str, Any]
    ) -> PollOutcome:
        return poll_feed(client, config, cursor, limits=self.limits)


def poll_feed(
    client: httpx.Client,
    config: SourceConfig[FeedConfig],
    cursor: Mapping[str, Any],
    *,
    limits: FetchLimits | None,
) -> PollOutcome:
    """Fetch the feed's URL conditionally, parse it and return its items."""
    limits = limits or FetchLimits.from_settings(get_settings())
    result = fetch(
        client,
        config.fields.url,
        cursor=cursor,
        max_bytes=limits.max_bytes,
        deadline_seconds=limits.deadline_seconds,
    )
    if result.not_modified:
        return PollOutcome(items=[], cursor=result.next_cursor, not_modified=True)
    feed = parse_feed(result.content, content_type=result.content_type)
    items, skipped = read_feed_items(feed, base_url=result.final_url, now=datetime.now(UTC))
    return PollOutcome(items=items, cursor=result.next_cursor, skipped=skipped)


def feed_items(feed: ParsedFeed, *, base_url: str, now: datetime) -> list[SourceItem]:
    return read_feed_items(feed, base_url=base_url, now=now)[0]


def read_feed_items(
    feed: ParsedFeed, *, base_url: str, now: datetime
) -> tuple[list[SourceItem], int]:
    """The feed's items, and how many of its entries could not be read (by the parser or
    here): those are skipped, the others kept."""
    items, skipped = read_each(
        feed.entries, lambda entry: entry_item(entry, base_url=base_url, now=now), kind="feed"
    )
    return items, feed.skipped + skipped


def entry_item(entry: RawEntry, *, base_url: str, now: datetime) -> SourceItem | None:
    """The entry as a SourceItem; None when it has neither link nor title."""
    title = clean_title(entry.title, html=entry.title_html)
    url = _absolute(entry.link, base_url)
    if not title and not url:
        return None
    publisher = clean_title(entry.publisher) or None
    if publisher:
        title, _ = split_publisher_suffix(title, publisher)
    return SourceItem(
        title=title,
        text=_body(entry),
        url=url,
        guid=entry.guid,
        author=author_name(entry.author),
        published_at=plausible_date(entry.published or entry.updated, now=now),
        publisher=publisher,
    )


def plausible_date(value: datetime | None, *, now: datetime) -> datetime | None:
    if value is None or value > now + FUTURE_TOLERANCE:
        return None
    return value


def author_name(raw: str | None) -> str | None:
    """`jane@example.com (Jane Roe)` and `Jane Roe <jane@example.com>` give `Jane Roe`.
    (String operations, not regexes: `^\\S+@\\S+\\s*\\((.+)\\)$` took cubic time.)"""
    name = clean_title(raw[: MAX_AUTHOR_LENGTH * 4] if raw else raw)
    if name.endswith(")") and "(" in name:
        address, _, inside = name[:-1].partition("(")
        if _is_address(address.rstrip()) and inside.strip():
            name = inside.strip()
    elif name.endswith(">") and "<" in name:
        before, _, address = name[:-1].rpartition("<")
        if _is_address(address) and before.strip():
            name = before.strip()
    return name[:MAX_AUTHOR_LENGTH] or None


def _is_address(text: str) -> bool:
    """Something@something without whitespace: an e-mail address, as far as names go."""
    at = text.find("@", 1)
    return 0 < at < len(text) - 1 and len(text.split()) == 1 and text == text.strip()


def _body(entry: RawEntry) -> str:
    if entry.content and entry.content.strip():
        markup, is_html = entry.content, entry.content_html
    else:
        markup, is_html = entry.summary or "", entry.summary_html
    return html_to_text(markup) if is_html else normalize_text(markup)


def _absolute(link: str | None, base_url: str) -> str | None:
    if not link:
        return None
    link = link.strip()
    if link.lower().startswith(("http://", "https://")):
        return link
    joined = urljoin(base_url, link)
    return joined if joined.lower().startswith(("http://", "https://")) else None
