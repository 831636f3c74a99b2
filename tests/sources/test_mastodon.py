import time
from datetime import UTC, datetime

import httpx
import pytest
from sqlmodel import col, select

from core.db import session_scope
from core.settings import Settings
from models.tables import Mention, Source
from services.errors import InvalidInputError
from services.polling import poll_source
from sources.base import SourceConfig, SourceError
from sources.http import FetchLimits
from sources.mastodon import (
    MastodonAdapter,
    MastodonConfig,
    normalize_hashtag,
    normalize_instance,
)
from tests.support.cassettes import fixture, stored_source
from tests.support.feed_server import FeedServer, Route

NOW = float(int(time.time()))
TAG = "/api/v1/timelines/tag/lumbre"
QUERY = 'lumbre -"lumbre fc"'


def reply(name: str, *, status: int = 200) -> Route:
    return Route(fixture("mastodon", name, NOW), "application/json; charset=utf-8", status)


def adapter(page_size: int = 3) -> MastodonAdapter:
    return MastodonAdapter(
        Settings(allow_private_hosts=True),
        FetchLimits(1024 * 1024, 5),
        clock=lambda: NOW,
        page_size=page_size,
    )


def config(server: FeedServer) -> SourceConfig[MastodonConfig]:
    fields = MastodonConfig(instance=server.url(""), hashtag="lumbre")
    return SourceConfig("mastodon", QUERY, fields)


def test_first_poll_pages_back_with_max_id(server: FeedServer, client: httpx.Client) -> None:
    server.set_route(TAG, reply("tag_page1.json"))
    server.serve_when(TAG, {"max_id": "113500000000000100"}, reply("tag_page2.json"))
    outcome = adapter().poll(client, config(server), {})

    assert [r.query for r in server.log(TAG)] == [
        {"limit": "3"},
        {"limit": "3", "max_id": "113500000000000100"},
    ]
    assert [item.url for item in outcome.items] == [
        "https://mastodon.example/@cafetera/113500000000000300",
        "https://fosstodon.example/@dev/113499999",
        "https://mastodon.example/@futbolero/113500000000000100",
        "https://social.example/notice/9f2c",
    ]  # the status from 15 days ago is past the lookback
    spanish, warned, _, remote = outcome.items
    assert spanish.text == "Hoy probé el nuevo cold brew de #Lumbre y está buenísimo 😍"
    assert spanish.title == ""
    assert spanish.guid == "https://mastodon.example/users/cafetera/statuses/113500000000000300"
    assert spanish.author == f"cafetera@127.0.0.1:{server.port}"
    assert (spanish.language, spanish.score, spanish.comments) == ("es", 14, 2)
    assert spanish.published_at == datetime.fromtimestamp(NOW - 120, UTC)
    assert warned.title == "coffee rant"
    assert warned.text == (
        "The #lumbre app keeps logging me out & losing my loyalty points.\nFix it please!"
    )
    assert warned.author == "dev@fosstodon.example"
    assert remote.language is None and remote.score == 3
    assert outcome.cursor["since_id"] == "113500000000000300"


def test_next_poll_asks_since_the_newest_status(server: FeedServer, client: httpx.Client) -> None:
    server.set_route(TAG, reply("tag_page1.json"))
    server.serve_when(TAG, {"max_id": "113500000000000100"}, reply("tag_empty.json"))
    server.serve_when(TAG, {"since_id": "113500000000000300"}, reply("tag_newer.json"))
    first = adapter().poll(client, config(server), {})
    second = adapter().poll(client, config(server), first.cursor)

    assert server.log(TAG)[-1].query == {"limit": "3", "since_id": "113500000000000300"}
    assert [item.guid for item in second.items] == [
        "https://mastodon.example/users/cafetera/statuses/113500000000000400"
    ]
    assert second.cursor["since_id"] == "113500000000000400"
    server.serve_when(TAG, {"since_id": "113500000000000400"}, reply("tag_empty.json"))
    third = adapter().poll(client, config(server), second.cursor)
    assert third.items == [] and third.cursor["since_id"] == "113500000000000400"


def test_an_empty_timeline_is_a_quiet_success(server: FeedServer, client: httpx.Client) -> None:
    server.set_route(TAG, reply("tag_empty.json"))
    outcome = adapter().poll(client, config(server), {})
    assert outcome.items == [] and "since_id" not in outcome.cursor


@pytest.mark.parametrize(
    ("status", "fragment"),
    [
        (422, "does not show its hashtag timelines to visitors"),
        (401, "does not show its hashtag timelines to visitors"),
        (404, "is it a Mastodon instance?"),
    ],
)
def test_closed_or_missing_timelines_fail_clearly(
    server: FeedServer, client: httpx.Client, status: int, fragment: str
) -> None:
    server.set_route(TAG, reply("not_allowed.json", status=status))
    with pytest.raises(SourceError) as caught:
        adapter().poll(client, config(server), {})
    assert fragment in caught.value.message


def test_a_429_carries_retry_after(server: FeedServer, client: httpx.Client) -> None:
    server.fail(TAG, 429, retry_after="300")
    with pytest.raises(SourceError) as caught:
        adapter().poll(client, config(server), {})
    assert caught.value.retry_after == 300


def test_instance_and_hashtag_are_normalized() -> None:
    assert normalize_hashtag("#Lumbre_MX") == "Lumbre_MX"
    assert normalize_hashtag("café") == "café"
    assert normalize_instance("Mastodon.Social") == "https://mastodon.social"
    assert normalize_instance("https://mastodon.social/") == "https://mastodon.social"
    for bad in ("", "#", "two words", "a-b", "2024"):
        with pytest.raises(ValueError):
            normalize_hashtag(bad)
    with pytest.raises(ValueError, match="just the server's address"):
        normalize_instance("https://mastodon.social/@gargron")


@pytest.mark.parametrize(
    ("fields", "fragment"),
    [
        ({"hashtag": "lumbre"}, "needs an `instance`"),
        ({"instance": "https://mastodon.social"}, "a `hashtag`"),
        ({"instance": "https://mastodon.social", "hashtag": "no spaces"}, "not valid"),
        ({"instance": "ftp://mastodon.social", "hashtag": "lumbre"}, "http"),
        ({"instance": "https://m.example", "hashtag": "x", "search": "lumbre"}, "`search`"),
    ],
)
def test_invalid_sources_are_refused(db: str, fields: dict[str, str], fragment: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        stored_source("mastodon", QUERY, **fields)
    assert fragment in str(caught.value)


def test_polling_stores_the_statuses_our_query_accepts(
    db: str, server: FeedServer, client: httpx.Client
) -> None:
    server.set_route(TAG, reply("tag_page1.json"))
    _, source_id = stored_source("mastodon", QUERY, instance=server.url("/"), hashtag="#Lumbre")
    with session_scope() as session:
        source = session.get(Source, source_id)
        assert source is not None
        assert (source.instance, source.hashtag) == (server.url(""), "Lumbre")
    server.set_route("/api/v1/timelines/tag/Lumbre", reply("tag_page1.json"))
    report = poll_source(source_id, force=True, client=client)

    assert (report.status, report.items, report.new) == ("ok", 3, 2)  # not "Lumbre FC a primera"
    with session_scope() as session:
        stored = session.exec(select(Mention).order_by(col(Mention.published_at))).all()
        assert [(m.language, m.engagement_score, m.engagement_comments) for m in stored] == [
            ("en", 1, 0),
            ("es", 14, 2),
        ]
