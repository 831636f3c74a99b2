"""Which adapter polls which source kind: an explicit dict, one entry per kind."""

from sources.base import SourceAdapter, SourceError
from sources.bluesky import BlueskyAdapter
from sources.google_alerts import GoogleAlertsAdapter
from sources.google_news import GoogleNewsAdapter
from sources.hackernews import HackerNewsAdapter
from sources.mastodon import MastodonAdapter
from sources.reddit import RedditAdapter
from sources.rss import RssAdapter

ADAPTERS: dict[str, SourceAdapter] = {
    RssAdapter.kind: RssAdapter(),
    GoogleAlertsAdapter.kind: GoogleAlertsAdapter(),
    RedditAdapter.kind: RedditAdapter(),
    GoogleNewsAdapter.kind: GoogleNewsAdapter(),
    HackerNewsAdapter.kind: HackerNewsAdapter(),
    MastodonAdapter.kind: MastodonAdapter(),
    BlueskyAdapter.kind: BlueskyAdapter(),
}


class UnknownSourceKindError(SourceError, LookupError):
    """No adapter is registered for the source's kind."""


def adapter_for(kind: str) -> SourceAdapter:
    try:
        return ADAPTERS[kind]
    except KeyError:
        raise UnknownSourceKindError(f"no adapter for source kind {kind!r}") from None
