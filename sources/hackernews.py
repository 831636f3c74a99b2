"""The `hackernews` adapter: stories and comments from the Algolia Hacker News search API.

Nothing to configure: `{HACKERNEWS_BASE_URL}/api/v1/search_by_date` needs no key (Algolia
allows about 10,000 requests an hour per IP). A poll sends one search per alternative of
the brand query (Algolia has no OR; see `sources.search_terms`), each
`?query=...&tags=(story,comment)&numericFilters=created_at_i>N&hitsPerPage=100&page=P`,
newest first, with N the start of the window (the newest item seen minus 15 minutes, as
Algolia indexes late; the first poll: `search_lookback_days` ago), following `page` up
to `search_max_pages`.

Identity: the objectID is the guid and the URL is the Hacker News discussion,
`https://news.ycombinator.com/item?id=<objectID>`, for stories that link elsewhere too.
That page is stable and unique, and it is what carries the points and comments we report
as engagement; the story's own link would merge the HN discussion into the article's
mention from another source and lose them. (Ask HN, Show HN and comments have no other
URL anyway.) A comment has no title of its own: its title is empty, and its text is the
comment, so a comment matches the brand only when it names the brand itself.

Text: the raw `story_text` / `comment_text` fields, HTML to plain text with entities
decoded (the `_highlightResult` copies with `<em>` marks are not used).
"""

import math
from collections.abc import Mapping
from typing import Any, ClassVar

import httpx

from domain.text import clean_title, html_to_text
from sources.base import PollOutcome, SourceConfig, SourceError, SourceItem
from sources.configured import ConfiguredAdapter
from sources.http import FetchLimits
from sources.items import read_each
from sources.json_fetch import (
    JsonResponse,
    SearchWindow,
    count,
    from_timestamp,
    request_json,
    scope_of,
)
from sources.kind_config import KindConfig, SearchConfig
from sources.search_terms import separate_searches

DISCUSSION_URL = "https://news.ycombinator.com/item?id={}"
PAGE_SIZE = 100
TAGS = "(story,comment)"


class HackerNewsAdapter(ConfiguredAdapter):
    kind: ClassVar[str] = "hackernews"
    config_model: ClassVar[type[KindConfig]] = SearchConfig

    def poll(
        self, client: httpx.Client, config: SourceConfig[SearchConfig], cursor: Mapping[str, Any]
    ) -> PollOutcome:
        settings, limits = self._resolved()
        limits = limits
        searches = separate_searches(config, source="Hacker News")
        window = SearchWindow.open(
            cursor,
            scope=scope_of("hackernews", config.brand_query, *searches),
            now=self._clock(),
            lookback_seconds=settings.search_lookback_days * 86400.0,
        )
        url = settings.hackernews_base_url.rstrip("/") + "/api/v1/search_by_date"
        items: list[SourceItem] = []
        skipped = 0
        for search in searches:
            for page in range(settings.search_max_pages):
                response = _search(client, url, search, window.floor, page, limits)
                hits, pages = _hits(response)
                found, bad = read_each(
                    hits, lambda hit: _new_item(hit, window), kind=HackerNewsAdapter.kind
                )
                items += found
                skipped += bad
                if not hits or page + 1 >= pages:
                    break
        return PollOutcome(items=items, cursor=window.to_cursor(), skipped=skipped)


def _search(
    client: httpx.Client, url: str, search: str, floor: float, page: int, limits: FetchLimits
) -> JsonResponse:
    params: dict[str, str | int] = {
        "query": search,
        "tags": TAGS,
        "numericFilters": f"created_at_i>{math.ceil(floor) - 1}",
        "hitsPerPage": PAGE_SIZE,
        "page": page,
    }
    response = request_json(client, "GET", url, params=params, limits=limits)
    if not response.ok:
        raise response.failure("Hacker News search failed")
    return response


def _hits(response: JsonResponse) -> tuple[list[Mapping[str, Any]], int]:
    data = response.data
    hits = data.get("hits") if isinstance(data, Mapping) else None
    if not isinstance(data, Mapping) or not isinstance(hits, list):
        raise SourceError(f"the answer from {response.host} is not an Algolia search result")
    pages = count(data.get("nbPages"))
    return [hit for hit in hits if isinstance(hit, Mapping)], pages if pages is not None else 1


def _new_item(hit: Mapping[str, Any], window: SearchWindow) -> SourceItem | None:
    """The hit as an item if the window has not seen it; ValueError for one without a
    time we can read (`created_at_i: 1e20`), which is skipped and counted."""
    object_id = str(hit.get("objectID") or "")
    if not object_id:
        return None
    created = from_timestamp(hit.get("created_at_i"))
    if created is None:
        raise ValueError(f"hit {object_id[:40]!r} has no readable created_at_i")
    if not window.wants(object_id, created.timestamp()):
        return None
    window.note(object_id, created.timestamp())
    return hit_item(hit)


def hit_item(hit: Mapping[str, Any]) -> SourceItem | None:
    """A story or comment hit as a SourceItem; None for one with neither title nor text
    (deleted or flagged items that the index still lists)."""
    object_id = str(hit.get("objectID") or "")
    tags = hit.get("_tags")
    is_comment = (isinstance(tags, list) and "comment" in tags) or bool(hit.get("comment_text"))
    raw_title = hit.get("title")
    title = "" if is_comment else clean_title(raw_title if isinstance(raw_title, str) else "")
    raw_text = hit.get("comment_text") if is_comment else hit.get("story_text")
    text = html_to_text(raw_text) if isinstance(raw_text, str) else ""
    if not object_id or not (title or text):
        return None
    author = hit.get("author")
    return SourceItem(
        title=title,
        text=text,
        url=DISCUSSION_URL.format(object_id),
        guid=object_id,
        author=author if isinstance(author, str) and author else None,
        published_at=from_timestamp(hit.get("created_at_i")),
        score=count(hit.get("points")),
        comments=None if is_comment else count(hit.get("num_comments")),
    )
