"""One bad item never fails a poll: it is skipped and counted, a bad value is dropped or
clamped, the rest of the answer is returned (issue 14, items 2 and 3)."""

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from core.settings import Settings
from domain.text import drop_controls
from sources.base import SourceConfig, SourceError
from sources.bluesky import BlueskyAdapter
from sources.feed_dates import parse_feed_date
from sources.feeds import parse_feed
from sources.hackernews import HackerNewsAdapter
from sources.http import FetchLimits
from sources.items import clamp_count, read_each, safe_url, storable_text, valid_text
from sources.json_fetch import (
    count,
    flatten_deep_json,
    from_timestamp,
    parse_iso,
    request_json,
)
from sources.kind_config import SearchConfig
from sources.mastodon import MastodonAdapter, MastodonConfig
from sources.reddit import RedditAdapter, RedditConfig, reset_rate_budgets, thing_url
from sources.rss import read_feed_items
from sources.tokens import TOKENS
from tests.support.cassettes import fixture
from tests.support.feed_server import FeedServer, Route

NOW = float(int(time.time()))
QUERY = "lumbre"
JSON = "application/json; charset=utf-8"
LIMITS = FetchLimits(4 * 1024 * 1024, 10)
# Stands for a literal the json module would not write: replaced in the serialized text.
HUGE = "__huge__"
DEEP = "__deep__"


def dumps(document: Any) -> bytes:
    text = json.dumps(document)
    text = text.replace(f'"{HUGE}"', "1e999").replace(f'"{DEEP}"', "[" * 100_000 + "]" * 100_000)
    return text.encode()


def loaded(kind: str, name: str) -> Any:
    return json.loads(fixture(kind, name, NOW))


@pytest.fixture(autouse=True)
def fresh_tokens() -> Iterator[None]:
    TOKENS.clear()
    reset_rate_budgets()
    yield
    TOKENS.clear()
    reset_rate_budgets()


# -- values ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Fri, 31 Dec 9999 23:59:59 -1200",
        "Mon, 01 Jan 0001 00:00:00 +0100",
        "0001-01-01T00:00:00+01:00",
        "9999-12-31T23:59:59-12:00",
        "31 Dec 9999 23:59:59 EST",
        "1" * 100_000,
    ],
)
def test_dates_at_the_calendars_edge_are_none(text: str) -> None:
    assert parse_feed_date(text) is None


def test_ordinary_dates_still_read() -> None:
    assert parse_feed_date("Fri, 27 Nov 2026 10:00:00 -0600") == datetime(
        2026, 11, 27, 16, tzinfo=UTC
    )
    assert parse_iso("2026-11-27T10:00:00.123456789-06:00") == datetime(
        2026, 11, 27, 16, 0, 0, 123456, tzinfo=UTC
    )


@pytest.mark.parametrize(
    "text", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-12:00", "2026-11-27" * 50]
)
def test_iso_times_past_the_calendars_edge_are_none(text: str) -> None:
    assert parse_iso(text) is None


@pytest.mark.parametrize("value", [1e20, -1e20, float("inf"), float("nan"), True, "1700000000"])
def test_unix_times_no_datetime_holds_are_none(value: object) -> None:
    assert from_timestamp(value) is None


def test_counts_drop_infinity_and_nan_and_keep_large_numbers_for_the_store() -> None:
    assert count(float("inf")) is None and count(float("nan")) is None
    assert count(json.loads("1e999")) is None
    assert count(2**70) == 2**70 and clamp_count(2**70) == 2**31 - 1
    assert clamp_count(-(2**70)) == -(2**31) and clamp_count(12) == 12


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        "data:text/html,<b>x</b>",
        "/r/mexico/comments/x",
        "//evil.test/x",
        "https://",
        "https://exa\nmple.org/",
        "ftp://example.org/",
        "https://example.org/" + "a" * 3000,
        "http://[::1/",
    ],
)
def test_only_http_urls_with_a_host_are_safe(url: str) -> None:
    assert safe_url(url) is None


def test_http_and_https_urls_are_kept() -> None:
    for url in ("https://example.org/a?b=1", "HTTP://Example.org/", "https://xn--caf-dma.mx/"):
        assert safe_url(url) == url


def test_lone_surrogates_become_replacement_characters_and_pairs_join() -> None:
    assert valid_text(json.loads('"a\\ud83d b"')) == "a\ufffd b"
    assert valid_text(json.loads('"\\ud83d\\ude00"')) == "😀"
    plain = "ordinary text"
    assert valid_text(plain) is plain


@pytest.mark.parametrize("code", range(0x80))
def test_storable_text_refuses_what_drop_controls_drops(code: int) -> None:
    text = f"caf\u00e9 {chr(code)} 😀"
    assert storable_text(text) == (drop_controls(text) == text)


def test_storable_text_refuses_lone_surrogates() -> None:
    assert not storable_text(json.loads('"a\\ud83d b"'))
    assert storable_text(json.loads('"\\ud83d\\ude00 a\\tb\\r\\nc"'))


def test_read_each_skips_and_counts_what_fails() -> None:
    items, skipped = read_each([1, 0, 2, None], lambda n: None if n is None else 10 // n, kind="t")
    assert (items, skipped) == ([10, 5], 1)


# -- feeds -------------------------------------------------------------------------------


def rss(*items: str) -> bytes:
    body = "".join(f"<item>{item}</item>" for item in items)
    return f'<rss version="2.0"><channel><title>T</title>{body}</channel></rss>'.encode()


GOOD = "<title>Lumbre abre</title><link>https://news.example/1</link>"
ALSO_GOOD = "<title>Lumbre cierra</title><link>https://news.example/3</link>"


def test_surrogate_references_give_the_character_and_the_other_items_stay() -> None:
    feed = parse_feed(
        rss(
            GOOD,
            "<title>Lumbre &#55357;&#56832; y &#xD83D;</title>"
            "<link>https://news.example/2</link><description>solo &#56832;</description>",
            ALSO_GOOD,
        ),
        content_type=None,
    )
    items, skipped = read_feed_items(feed, base_url="https://news.example/", now=datetime.now(UTC))
    assert skipped == 0
    assert [item.title for item in items] == ["Lumbre abre", "Lumbre 😀 y \ufffd", "Lumbre cierra"]
    assert items[1].text == "solo \ufffd"


def test_dates_at_the_calendars_edge_leave_the_item_without_a_date() -> None:
    feed = parse_feed(
        rss(GOOD + "<pubDate>Fri, 31 Dec 9999 23:59:59 -1200</pubDate>", ALSO_GOOD),
        content_type=None,
    )
    items, skipped = read_feed_items(feed, base_url="https://news.example/", now=datetime.now(UTC))
    assert skipped == 0 and [item.published_at for item in items] == [None, None]


def test_an_atom_entry_dated_year_one_is_kept_without_a_date() -> None:
    atom = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><entry><title>Lumbre</title>'
        b'<link href="https://news.example/a"/><published>0001-01-01T00:00:00+01:00</published>'
        b"</entry></feed>"
    )
    [entry] = parse_feed(atom, content_type="application/atom+xml").entries
    assert entry.title == "Lumbre" and entry.published is None


@pytest.mark.parametrize("encoding", ["hex", "base64", "rot13", "idna", "punycode", "utf-7"])
def test_encodings_that_are_no_character_set_are_ignored(encoding: str) -> None:
    body = rss("<title>Café Lumbre</title><link>https://news.example/1</link>")
    declared = f'<?xml version="1.0" encoding="{encoding}"?>'.encode() + body
    for content, content_type in (
        (declared, None),
        (body, f"application/rss+xml; charset={encoding}"),
    ):
        [entry] = parse_feed(content, content_type=content_type).entries
        assert entry.title == "Café Lumbre"


# -- JSON --------------------------------------------------------------------------------


def test_values_nested_too_deep_become_null_and_the_rest_is_kept() -> None:
    body = dumps({"posts": [{"a": 1, "deep": DEEP}, {"b": "[[[ in a string"}]})
    with pytest.raises(RecursionError):
        json.loads(body)
    document = json.loads(flatten_deep_json(body))
    assert document["posts"][1] == {"b": "[[[ in a string"} and document["posts"][0]["a"] == 1


def test_a_deeply_nested_answer_is_read(server: FeedServer, client: httpx.Client) -> None:
    server.set_route("/deep", Route(dumps({"hits": [DEEP, {"objectID": "1"}]}), JSON))
    response = request_json(client, "GET", server.url("/deep"), limits=LIMITS)
    assert response.data["hits"][1] == {"objectID": "1"}


def test_a_url_too_long_to_send_is_a_source_error(server: FeedServer, client: httpx.Client) -> None:
    with pytest.raises(SourceError, match="URL is invalid"):
        request_json(client, "GET", server.url("/x"), params={"after": "a" * 70_000}, limits=LIMITS)


# -- Hacker News -------------------------------------------------------------------------


def hackernews(server: FeedServer) -> HackerNewsAdapter:
    settings = Settings(hackernews_base_url=server.url(""), allow_private_hosts=True)
    return HackerNewsAdapter(settings, LIMITS, clock=lambda: NOW)


def test_a_hacker_news_hit_with_an_impossible_time_is_skipped_and_counted(
    server: FeedServer, client: httpx.Client
) -> None:
    page = loaded("hackernews", "search_page0.json")
    page["nbPages"] = HUGE
    first, second, *_ = page["hits"]
    first["created_at_i"] = 1e20
    second["points"] = HUGE
    second["num_comments"] = 2**70
    server.set_route("/api/v1/search_by_date", Route(dumps(page), JSON))

    outcome = hackernews(server).poll(client, SourceConfig("hackernews", QUERY, SearchConfig()), {})

    assert outcome.skipped == 1
    guids = [item.guid for item in outcome.items]
    assert first["objectID"] not in guids and second["objectID"] in guids
    assert len(guids) == len(page["hits"]) - 1
    kept = outcome.items[guids.index(second["objectID"])]
    assert kept.score is None and kept.comments == 2**70  # the store clamps it


# -- Reddit ------------------------------------------------------------------------------


def reddit(server: FeedServer) -> RedditAdapter:
    settings = Settings(
        reddit_auth_url=server.url(""),
        reddit_base_url=server.url(""),
        reddit_client_id="app-id-123",
        reddit_client_secret=SecretStr("app-secret-456"),
        allow_private_hosts=True,
    )
    return RedditAdapter(settings, LIMITS, clock=lambda: NOW)


def test_reddit_permalinks_must_be_paths_on_reddit() -> None:
    assert thing_url({"permalink": "/r/a/comments/x1/t/", "name": "t3_x1"}) == (
        "https://www.reddit.com/r/a/comments/x1/t/"
    )
    for permalink in ("javascript:alert(1)", "https://evil.test/", "//evil.test/", None, 7):
        assert thing_url({"permalink": permalink, "name": "t3_x1"}) == (
            "https://www.reddit.com/comments/x1/"
        )
    assert thing_url({"permalink": "javascript:alert(1)", "name": "javascript:x"}) is None


def test_a_reddit_page_with_bad_things_keeps_the_good_ones(
    server: FeedServer, client: httpx.Client
) -> None:
    server.set_route("/api/v1/access_token", Route(fixture("reddit", "token.json", NOW), JSON))
    page = loaded("reddit", "search_page1.json")
    page["data"]["after"] = "t3_" + "a" * 1_000_000  # would not fit in the next URL
    things = [child["data"] for child in page["data"]["children"]]
    things[0]["permalink"] = "javascript:alert(document.cookie)"
    things[0]["score"] = HUGE
    things[1]["created_utc"] = 1e20
    server.set_route("/search", Route(dumps(page), JSON))

    outcome = reddit(server).poll(client, SourceConfig("reddit", QUERY, RedditConfig()), {})

    assert server.requests("/search") == 1  # the cursor was not sent back
    assert outcome.skipped == 1
    by_guid = {item.guid: item for item in outcome.items}
    assert things[1]["name"] not in by_guid
    first = by_guid[things[0]["name"]]
    assert first.url == f"https://www.reddit.com/comments/{things[0]['name'][3:]}/"
    assert first.score is None
    assert all(item.url and item.url.startswith("https://") for item in outcome.items)


# -- Mastodon ----------------------------------------------------------------------------


def test_a_mastodon_status_with_an_id_that_cannot_be_sent_back_is_skipped(
    server: FeedServer, client: httpx.Client
) -> None:
    statuses = loaded("mastodon", "tag_page1.json")
    statuses[0]["id"] = "9" * 1_000_000
    statuses[1]["favourites_count"] = HUGE
    statuses[1]["created_at"] = "0001-01-01T00:00:00+01:00"
    server.set_route("/api/v1/timelines/tag/lumbre", Route(dumps(statuses), JSON))
    settings = Settings(allow_private_hosts=True)
    adapter = MastodonAdapter(settings, LIMITS, clock=lambda: NOW, page_size=len(statuses) + 1)
    fields = MastodonConfig(instance=server.url(""), hashtag="lumbre")
    config = SourceConfig("mastodon", QUERY, fields)

    outcome = adapter.poll(client, config, {})

    assert outcome.skipped == 1
    guids = [item.guid for item in outcome.items]
    assert statuses[0]["uri"] not in guids and statuses[1]["uri"] in guids
    assert len(outcome.cursor["since_id"]) < 100


# -- Bluesky -----------------------------------------------------------------------------


def test_a_bluesky_post_nested_100k_deep_does_not_poison_the_search(
    server: FeedServer, client: httpx.Client
) -> None:
    server.set_route(
        "/xrpc/com.atproto.server.createSession",
        Route(fixture("bluesky", "create_session.json", NOW), JSON),
    )
    page = loaded("bluesky", "search_page1.json")
    posts = page["posts"]
    posts[0]["record"]["poison"] = DEEP
    posts[0]["likeCount"] = HUGE
    posts[1]["record"]["createdAt"] = "9999-12-31T23:59:59-12:00"
    posts[1]["indexedAt"] = "0001-01-01T00:00:00+01:00"
    page["cursor"] = "c" * 1_000_000
    server.set_route("/xrpc/app.bsky.feed.searchPosts", Route(dumps(page), JSON))
    settings = Settings(
        bluesky_base_url=server.url(""),
        bluesky_handle="escucha-test.bsky.social",
        bluesky_app_password=SecretStr("abcd-efgh-ijkl-mnop"),
        allow_private_hosts=True,
    )
    adapter = BlueskyAdapter(settings, LIMITS, clock=lambda: NOW)

    outcome = adapter.poll(client, SourceConfig("bluesky", QUERY, SearchConfig()), {})

    assert server.requests("/xrpc/app.bsky.feed.searchPosts") == 1
    assert outcome.skipped == 1
    guids = [item.guid for item in outcome.items]
    assert posts[0]["uri"] in guids and posts[1]["uri"] not in guids
    assert outcome.items[guids.index(posts[0]["uri"])].score == posts[0]["repostCount"]
