"""The five search adapters over every real capture in ../shared/fixtures.

Each recorded search response (unwrapped from its cassette by `tests.support.cassettes`)
is served by the local HTTP server at the path its adapter asks for and polled, with the
adapter's clock set just after the newest item of the capture and a lookback of a year.
Every response must give sane items (plain text, absolute URLs, a guid, UTC times), in
the number the capture holds within that year; the other recordings of a cassette (token
requests, single items, user profiles) are not search responses and are listed as such.
CI always has the folder; elsewhere the module skips when it is absent.
"""

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from core.settings import Settings
from sources.base import SourceAdapter, SourceConfig, SourceItem
from sources.bluesky import BlueskyAdapter
from sources.feeds import parse_feed
from sources.google_news import GoogleNewsAdapter
from sources.hackernews import HackerNewsAdapter
from sources.http import FetchLimits, make_client
from sources.json_fetch import parse_iso
from sources.kind_config import KindConfig
from sources.mastodon import MastodonAdapter
from sources.reddit import RedditAdapter, reset_rate_budgets
from sources.registry import source_config
from sources.tokens import TOKENS
from tests.support.cassettes import SHARED, NeedsYaml, Recording, fixture, recordings
from tests.support.feed_server import FeedServer, Route

FOLDERS = {
    "reddit": "reddit",
    "hn_algolia": "hackernews",
    "mastodon": "mastodon",
    "bluesky": "bluesky",
    "google_news": "google_news",
}
PATHS = {
    "reddit": "/search",
    "hackernews": "/api/v1/search_by_date",
    "mastodon": "/api/v1/timelines/tag/shared",
    "bluesky": "/xrpc/app.bsky.feed.searchPosts",
    "google_news": "/rss/search",
}
LOOKBACK_DAYS = 365
TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
ENTITY = re.compile(r"&(?:[A-Za-z]+|#[0-9]+|#x[0-9A-Fa-f]+);")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
pytestmark = [
    pytest.mark.shared_fixtures,
    pytest.mark.skipif(not SHARED.is_dir(), reason=f"no shared fixtures at {SHARED}"),
]

# Items each search response must give: the things it holds that are within a year of
# its newest one (and, for Hacker News, that have a title or a text).
EXPECTED: dict[str, int] = {
    "reddit/goreddit_search_posts_listing.json#0": 2,
    "reddit/goreddit_subreddit_posts_listing.json#0": 1,  # the other is from 2019
    "reddit/goreddit_user_submitted_listing_selftext.json#0": 1,
    "reddit/praw_cassette_r_all_new_stream_with_before_2016.json#1": 100,
    "reddit/praw_cassette_r_all_new_stream_with_before_2016.json#2": 4,
    "reddit/praw_cassette_r_askreddit_new_100_2016.json#1": 100,
    "reddit/praw_cassette_search_r_all_praw_oauth_search_2016.json#1": 5,  # one from 2013
    "hn_algolia/newsfeedagents_search_by_date_query_AI_5hits_2026.json#0": 5,
    "mastodon/bigbone_public_timeline_2017.json#0": 20,
    "mastodon/bigbone_tag_timeline_mastodon_2017.json#0": 20,
    "mastodon/mastodonpy_cassette_hashtag_timeline_hoot.yaml#2": 1,
    "mastodon/mastodonpy_cassette_public_timeline.yaml#2": 8,
    "mastodon/mastodonpy_cassette_public_timeline.yaml#3": 8,
    "bluesky/bskyr_httptest_searchPosts_redistricting_2023.json#0": 23,
    "bluesky/bskyr_vcr_searchPosts_redistricting_2025.yml#0": 25,
    "google_news/jkl_google_news_search_topic_putin_2012.rss.xml#0": 10,
    "google_news/monumentwatch_google_news_search_bears_ears_monument_2026.rss.xml#0": 92,
    "google_news/pythonhomework_google_news_top_stories_2019_prettyprinted.rss.xml#0": 38,
}
# node-hacker-news-api: 24 searches of one hit each; recordings 8 and 9 are an item and a user.
EXPECTED.update(
    {
        f"hn_algolia/node_hn_api_26_captured_algolia_responses_2014.json#{index}": 1
        for index in (*range(8), *range(10, 26))
    }
)


@dataclass(frozen=True)
class Case:
    name: str
    kind: str
    body: bytes | None  # None: not a search response
    skip: str | None = None


def _cases() -> list[Case]:
    if not SHARED.is_dir():
        return []
    found: list[Case] = []
    for folder, kind in FOLDERS.items():
        for path in sorted((SHARED / folder).iterdir()):
            found.extend(_file_cases(path, f"{folder}/{path.name}", kind))
    return found


def _file_cases(path: Path, name: str, kind: str) -> list[Case]:
    if kind == "google_news":
        return [Case(f"{name}#0", kind, path.read_bytes())] if path.suffix == ".xml" else []
    if path.suffix not in (".json", ".yml", ".yaml"):
        return []  # reddit's RSS and Atom feeds: test_shared_fixtures.py reads them
    try:
        recorded = recordings(path)
    except NeedsYaml:
        return [Case(f"{name}#*", kind, None, skip="PyYAML is not installed")]
    return [
        Case(f"{name}#{index}", kind, rec.body if _is_search(kind, rec) else None)
        for index, rec in enumerate(recorded)
    ]


def _is_search(kind: str, recording: Recording) -> bool:
    if recording.status != 200 or recording.method != "GET":
        return False
    try:
        data = recording.json()
    except ValueError:
        return False
    if kind == "reddit":
        return isinstance(data, dict) and data.get("kind") == "Listing"
    if kind == "hackernews":
        return isinstance(data, dict) and isinstance(data.get("hits"), list)
    if kind == "mastodon":
        return isinstance(data, list) and all("content" in status for status in data)
    return isinstance(data, dict) and isinstance(data.get("posts"), list)


CASES = _cases()


@pytest.fixture(scope="module")
def server() -> Iterator[FeedServer]:
    with FeedServer() as running:
        running.set_route(
            "/api/v1/access_token",
            Route(fixture("reddit", "token.json", 0), "application/json"),
        )
        running.set_route(
            "/xrpc/com.atproto.server.createSession",
            Route(fixture("bluesky", "create_session.json", 0), "application/json"),
        )
        yield running


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with make_client(Settings(allow_private_hosts=True)) as shared:
        yield shared


def adapter(kind: str, server: FeedServer, now: float) -> SourceAdapter:
    settings = Settings(
        allow_private_hosts=True,
        search_lookback_days=LOOKBACK_DAYS,
        reddit_auth_url=server.url(""),
        reddit_base_url=server.url(""),
        reddit_client_id="shared-fixtures",
        reddit_client_secret=SecretStr("not-a-secret"),
        hackernews_base_url=server.url(""),
        bluesky_base_url=server.url(""),
        bluesky_handle="escucha-test.bsky.social",
        bluesky_app_password=SecretStr("not-a-secret"),
        google_news_base_url=server.url(""),
    )
    limits = FetchLimits(10 * 1024 * 1024, 10)
    kinds: dict[str, type[Any]] = {
        "reddit": RedditAdapter,
        "hackernews": HackerNewsAdapter,
        "mastodon": MastodonAdapter,
        "bluesky": BlueskyAdapter,
        "google_news": GoogleNewsAdapter,
    }
    made: SourceAdapter = kinds[kind](settings, limits, clock=lambda: now)
    return made


def newest_time(kind: str, body: bytes) -> float:
    """The time of the newest item in a search response."""
    if kind == "google_news":
        entries = parse_feed(body, content_type="application/rss+xml").entries
        return max(e.published.timestamp() for e in entries if e.published is not None)
    data = json.loads(body)
    times: list[float] = []
    if kind == "reddit":
        times = [float(child["data"]["created_utc"]) for child in data["data"]["children"]]
    elif kind == "hackernews":
        times = [float(hit["created_at_i"]) for hit in data["hits"]]
    else:
        records = data if kind == "mastodon" else data["posts"]
        for record in records:
            for value in (record.get("created_at"), record.get("indexedAt")):
                when = parse_iso(value)
                if when is not None:
                    times.append(when.timestamp())
    return max(times)


def config(kind: str, server: FeedServer) -> SourceConfig[KindConfig]:
    """A source of `kind` with what it needs (each kind takes its own of these fields); the
    query matters not, as the server answers every search with the recorded response."""
    fields = {
        "search": "shared fixtures",
        "locale": "en-US:US",
        "instance": server.url(""),
        "hashtag": "shared",
    }
    return source_config(kind, "anything", fields)


def assert_sane_text(text: str, *, where: str) -> None:
    assert TAG.search(text) is None, f"leftover tag in {where}: {text[:200]!r}"
    assert ENTITY.search(text) is None, f"leftover entity in {where}: {text[:200]!r}"
    assert CONTROL.search(text) is None, f"control character in {where}: {text[:200]!r}"
    for line in text.split("\n"):
        assert line == line.strip() and "  " not in line, f"loose whitespace in {where}"


def assert_sane_item(item: SourceItem, *, name: str) -> None:
    assert item.title or item.text, name
    assert "\n" not in item.title
    assert_sane_text(item.title, where=f"{name} title")
    assert_sane_text(item.text, where=f"{name} text")
    assert item.url is not None and item.url.startswith(("http://", "https://")), item.url
    assert item.guid, name
    if item.published_at is not None:
        assert item.published_at.utcoffset() == timedelta(0)
    if item.author is not None:
        assert item.author == item.author.strip() and item.author
    for count in (item.score, item.comments):
        assert count is None or count >= 0


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_every_search_response_gives_sane_items(
    server: FeedServer, client: httpx.Client, case: Case
) -> None:
    if case.skip:
        pytest.skip(case.skip)
    if case.body is None:
        assert case.name not in EXPECTED
        return  # a token request, an item or a user: not a search response
    TOKENS.clear()
    reset_rate_budgets()
    content_type = "application/xml" if case.kind == "google_news" else "application/json"
    server.set_route(PATHS[case.kind], Route(case.body, content_type))
    searcher = adapter(case.kind, server, newest_time(case.kind, case.body) + 60)
    outcome = searcher.poll(client, config(case.kind, server), {})
    assert len(outcome.items) == EXPECTED[case.name]
    assert len({item.guid for item in outcome.items}) == len(outcome.items)
    for item in outcome.items:
        assert_sane_item(item, name=case.name)


def test_every_search_response_is_expected() -> None:
    found = {case.name for case in CASES if case.body is not None}
    skipped = {case.name for case in CASES if case.skip}
    assert found | {n for n in EXPECTED if n.split("#")[0] + "#*" in skipped} == set(EXPECTED)
