"""The `google_news` adapter: Google News' RSS search for one edition.

Configure on the source: `locale`, the edition as `language:COUNTRY`, e.g. `es-419:MX`
(Mexico in Latin-American Spanish) or `en-US:US`. It becomes Google's `hl`, `gl` and
`ceid` (`es-419:MX` gives `hl=es-419&gl=MX&ceid=MX:es-419`; `en-US:US` gives
`hl=en-US&gl=US&ceid=US:en`, as Google names editions by bare language where a country
subtag repeats the country). One request a poll:
`{GOOGLE_NEWS_BASE_URL}/rss/search?q=...&hl=...&gl=...&ceid=...`, conditional (ETag,
Last-Modified) when the search has not changed. The query is the brand's in web-search
syntax (`sources.search_terms`) plus `when:Nd` for `search_lookback_days`, unless the
source's `search` says otherwise; items older than the lookback are dropped too.

Items come from our feed parser, as for `rss`: the publisher from `<source>`, the title
without its ` - Publisher` tail, the article link kept as the URL (a
`news.google.com/rss/articles/...` link whose publisher URL cannot be recovered; the store
identifies such an item by normalized title plus publisher). The description only repeats
the headline and the publisher, sometimes followed by the headlines of other outlets on
the same story: the repetition is removed, the related headlines are kept as the text.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, ClassVar, Self
from urllib.parse import urlencode

import httpx
from pydantic import Field

from core.settings import Settings
from domain.canonical import normalize_words
from sources.base import PollOutcome, SourceConfig, SourceError, SourceItem
from sources.configured import ConfiguredAdapter
from sources.feeds import parse_feed
from sources.http import fetch
from sources.json_fetch import scope_of
from sources.kind_config import KindConfig, SearchConfig
from sources.rss import read_feed_items
from sources.search_terms import google_news_search

_LOCALE = re.compile(r"^([A-Za-z]{2,3})(?:-([A-Za-z]{2}|[0-9]{3}|[A-Za-z]{4}))?:([A-Za-z]{2})$")
# Editions whose ceid language is not simply the language (or language-region) of hl.
_CEID_LANGUAGE = {"pt-BR": "pt-419", "pt-PT": "pt-150", "zh-CN": "zh-Hans", "zh-TW": "zh-Hant"}
_CEID_LANGUAGE["zh-HK"] = "zh-Hant"
_FULL_COVERAGE = "view full coverage on google news"


@dataclass(frozen=True, slots=True)
class NewsEdition:
    hl: str
    gl: str
    ceid: str

    @property
    def locale(self) -> str:
        return f"{self.hl}:{self.gl}"


def parse_locale(value: str) -> NewsEdition:
    """`es-419:MX` gives hl=es-419, gl=MX, ceid=MX:es-419; ValueError for another form."""
    match = _LOCALE.match(value.strip())
    if match is None:
        raise ValueError(
            f"locale {value!r} is not of the form language:COUNTRY, e.g. es-419:MX or en-US:US"
        )
    language, region, country = match.group(1).lower(), match.group(2), match.group(3).upper()
    if region is None:
        hl, ceid_language = language, language
    elif region.isdigit():
        hl = ceid_language = f"{language}-{region}"
    elif len(region) == 4:
        hl = ceid_language = f"{language}-{region.title()}"
    else:
        hl, ceid_language = f"{language}-{region.upper()}", language
    return NewsEdition(hl, country, f"{country}:{_CEID_LANGUAGE.get(hl, ceid_language)}")


class GoogleNewsConfig(SearchConfig):
    """A Google News source takes its edition (`locale`) and optionally a `search`."""

    needs: ClassVar[str] = "a google_news source needs a `locale` (es-419:MX, en-US:US)"
    locale: str = Field(max_length=32)

    def checked(self, *, allow_private: bool) -> Self:
        return self.model_copy(update={"locale": parse_locale(self.locale).locale})


class GoogleNewsAdapter(ConfiguredAdapter):
    kind: ClassVar[str] = "google_news"
    config_model: ClassVar[type[KindConfig]] = GoogleNewsConfig

    def poll(
        self,
        client: httpx.Client,
        config: SourceConfig[GoogleNewsConfig],
        cursor: Mapping[str, Any],
    ) -> PollOutcome:
        settings, limits = self._resolved()
        limits = limits
        edition = _edition(config)
        url = search_url(settings, config, edition)
        scope = scope_of("google_news", config.brand_query, url)
        result = fetch(
            client,
            url,
            cursor=cursor if cursor.get("scope") == scope else {},
            max_bytes=limits.max_bytes,
            deadline_seconds=limits.deadline_seconds,
        )
        next_cursor = {**result.next_cursor, "scope": scope}
        if result.not_modified:
            return PollOutcome(items=[], cursor=next_cursor, not_modified=True)
        feed = parse_feed(result.content, content_type=result.content_type)
        now = datetime.fromtimestamp(self._clock(), UTC)
        oldest = now.timestamp() - settings.search_lookback_days * 86400.0
        found, skipped = read_feed_items(feed, base_url=result.final_url, now=now)
        items = [
            tidy_item(item)
            for item in found
            if item.published_at is None or item.published_at.timestamp() >= oldest
        ]
        return PollOutcome(items=items, cursor=next_cursor, skipped=skipped)


def search_url(
    settings: Settings, config: SourceConfig[GoogleNewsConfig], edition: NewsEdition
) -> str:
    query = google_news_search(config)
    if not config.fields.search and "when:" not in query:
        query = f"{query} when:{settings.search_lookback_days}d"
    params = {"q": query, "hl": edition.hl, "gl": edition.gl, "ceid": edition.ceid}
    return settings.google_news_base_url.rstrip("/") + "/rss/search?" + urlencode(params)


def _edition(config: SourceConfig[GoogleNewsConfig]) -> NewsEdition:
    try:
        return parse_locale(config.fields.locale)
    except ValueError as exc:
        raise SourceError(str(exc)) from None


def tidy_item(item: SourceItem) -> SourceItem:
    """Drop the description lines that only repeat the item's headline and publisher."""
    own = {normalize_words(item.title)}
    if item.publisher:
        own.add(normalize_words(f"{item.title} {item.publisher}"))
        own.add(normalize_words(item.publisher))
    kept = [
        line
        for line in item.text.split("\n")
        if (folded := normalize_words(line)) and folded not in own and folded != _FULL_COVERAGE
    ]
    return replace(item, text="\n".join(kept))
