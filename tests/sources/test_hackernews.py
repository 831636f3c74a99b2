import time
from datetime import UTC, datetime

import httpx
import pytest
from sqlmodel import col, select

from core.db import session_scope
from core.settings import Settings, get_settings
from models.tables import Mention
from services.polling import poll_source
from sources.base import SourceConfig, SourceError
from sources.hackernews import HackerNewsAdapter
from sources.http import FetchLimits
from sources.kind_config import SearchConfig
from tests.support.cassettes import fixture, stored_source
from tests.support.feed_server import FeedServer, Route

NOW = float(int(time.time()))
SEARCH = "/api/v1/search_by_date"
QUERY = 'lumbre -"lumbre fc"'


def reply(name: str, *, status: int = 200) -> Route:
    return Route(fixture("hackernews", name, NOW), "application/json; charset=utf-8", status)


def adapter(server: FeedServer, clock: float = NOW) -> HackerNewsAdapter:
    settings = Settings(hackernews_base_url=server.url(""), allow_private_hosts=True)
    return HackerNewsAdapter(settings, FetchLimits(1024 * 1024, 5), clock=lambda: clock)


def config(query: str = QUERY, search: str | None = None) -> SourceConfig[SearchConfig]:
    return SourceConfig("hackernews", query, SearchConfig(search=search))


def serve_two_pages(server: FeedServer) -> None:
    server.set_route(SEARCH, reply("search_page0.json"))
    server.serve_when(SEARCH, {"page": "1"}, reply("search_page1.json"))


def test_first_poll_reads_stories_and_comments_of_the_lookback(
    server: FeedServer, client: httpx.Client
) -> None:
    serve_two_pages(server)
    outcome = adapter(server).poll(client, config(), {})

    first, second = server.log(SEARCH)
    assert first.query == {
        "query": "lumbre",
        "tags": "(story,comment)",
        "numericFilters": f"created_at_i>{int(NOW) - 7 * 86400 - 1}",
        "hitsPerPage": "100",
        "page": "0",
    }
    assert second.query["page"] == "1"
    assert server.requests(SEARCH) == 2
    assert [item.guid for item in outcome.items] == [
        "41990045",
        "41990010",
        "41990030",
        "41990002",
        "41980000",
    ]
    comment, show, spanish, _, ask = outcome.items
    assert comment.title == ""
    assert comment.text == (
        "We switched our office coffee to Lumbre last month. It's been great & the team "
        "loves it.\nTheir API for subscriptions is also nice."
    )
    assert comment.url == "https://news.ycombinator.com/item?id=41990045"
    assert (comment.author, comment.score, comment.comments) == ("pgrafter", None, None)
    assert comment.published_at == datetime.fromtimestamp(NOW - 300, UTC)
    assert show.title == "Show HN: I built an espresso tracker for Lumbre beans"
    assert show.url == "https://news.ycombinator.com/item?id=41990010"  # not the linked site
    assert (show.score, show.comments, show.text) == (87, 12, "")
    assert spanish.text.startswith("En México, Lumbre es carísimo")
    assert ask.title == "Ask HN: Anyone using Lumbre's wholesale program?"
    assert ask.text == (
        "We run a small café and we're considering Lumbre's wholesale beans.\n"
        'Is the "direct trade" claim real?'
    )
    assert outcome.cursor["newest"] == NOW - 300


def test_next_poll_asks_from_the_newest_item_and_skips_repeats(
    server: FeedServer, client: httpx.Client
) -> None:
    serve_two_pages(server)
    first = adapter(server).poll(client, config(), {})
    server.set_route(SEARCH, reply("search_page0.json"))
    later = NOW + 120
    second = adapter(server, later).poll(client, config(), first.cursor)

    asked = server.log(SEARCH)[-1].query
    assert asked["numericFilters"] == f"created_at_i>{int(NOW) - 300 - 900 - 1}"
    assert second.items == []  # everything in the overlap was returned before
    assert server.requests(SEARCH) == 4  # both pages again


def test_an_empty_result_is_a_quiet_success(server: FeedServer, client: httpx.Client) -> None:
    server.set_route(SEARCH, reply("search_empty.json"))
    outcome = adapter(server).poll(client, config(), {})
    assert outcome.items == [] and server.requests(SEARCH) == 1


def test_or_queries_become_one_search_each(server: FeedServer, client: httpx.Client) -> None:
    server.set_route(SEARCH, reply("search_empty.json"))
    adapter(server).poll(client, config('"café lumbre" OR lumbrecafe -fc'), {})
    assert [r.query["query"] for r in server.log(SEARCH)] == ['"café lumbre"', "lumbrecafe"]


def test_a_source_search_changes_the_window(server: FeedServer, client: httpx.Client) -> None:
    serve_two_pages(server)
    first = adapter(server).poll(client, config(), {})
    again = adapter(server).poll(client, config(search="lumbre coffee"), first.cursor)
    asked = server.log(SEARCH)[-2].query
    assert asked["query"] == "lumbre coffee"
    assert asked["numericFilters"] == f"created_at_i>{int(NOW) - 7 * 86400 - 1}"
    assert len(again.items) == 5  # a new search starts over with the lookback


def test_errors_are_source_errors(server: FeedServer, client: httpx.Client) -> None:
    server.fail(SEARCH, 429, retry_after="30")
    with pytest.raises(SourceError) as caught:
        adapter(server).poll(client, config(), {})
    assert caught.value.retry_after == 30
    server.html_page(SEARCH, b"<html><body>Algolia is down</body></html>")
    with pytest.raises(SourceError, match="not JSON"):
        adapter(server).poll(client, config(), {})
    server.set_route(SEARCH, Route(b'{"message": "Invalid numericFilters"}', status=400))
    with pytest.raises(SourceError, match=r"HTTP 400 .*Invalid numericFilters"):
        adapter(server).poll(client, config(), {})


def test_polling_stores_what_our_query_accepts(
    db: str, server: FeedServer, client: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    serve_two_pages(server)
    monkeypatch.setenv("ESCUCHA_HACKERNEWS_BASE_URL", server.url(""))
    get_settings.cache_clear()
    try:
        _, source_id = stored_source("hackernews", QUERY)
        report = poll_source(source_id, force=True, client=client)
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()

    assert (report.status, report.items, report.new) == ("ok", 5, 4)  # not Lumbre FC's stack
    with session_scope() as session:
        mentions = session.exec(select(Mention).order_by(col(Mention.published_at))).all()
        stored = {m.url.rsplit("=", 1)[1]: (m.language, m.domain) for m in mentions}
    assert stored == {
        "41980000": ("en", "news.ycombinator.com"),
        "41990030": ("es", "news.ycombinator.com"),
        "41990010": ("en", "news.ycombinator.com"),
        "41990045": ("en", "news.ycombinator.com"),
    }


def test_oversized_and_slow_answers_are_abandoned(server: FeedServer, client: httpx.Client) -> None:
    settings = Settings(hackernews_base_url=server.url(""), allow_private_hosts=True)
    strict = HackerNewsAdapter(settings, FetchLimits(64 * 1024, 0.5), clock=lambda: NOW)
    server.oversized(SEARCH, 1024 * 1024)
    with pytest.raises(SourceError, match="larger than 65,536 bytes, abandoned"):
        strict.poll(client, config(), {})
    server.slow(SEARCH, fixture("hackernews", "search_empty.json", NOW), delay=2)
    with pytest.raises(SourceError, match=r"no complete response within 0\.5 s"):
        strict.poll(client, config(), {})
