"""A poll with one poisoned item among good ones, end to end: real HTTP server on
127.0.0.1, the real polling service, the real database. The good items are stored, the
unreadable one is counted in the attempt (`items_skipped`), bad values never reach a row."""

import json
import time
from collections.abc import Iterator

import httpx
import pytest
from sqlmodel import col, select

from core.db import session_scope
from core.settings import Settings, get_settings
from models.tables import Mention, PollAttempt, Source
from services.polling import poll_source
from sources.http import make_client
from tests.support.cassettes import fixture, stored_source
from tests.support.feed_server import FeedServer, Route
from tests.support.scenario import brand_with_sources

NOW = float(int(time.time()))
JSON = "application/json; charset=utf-8"


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as running:
        yield running


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with make_client(Settings(allow_private_hosts=True)) as shared:
        yield shared


def attempts_of(source_id: int) -> list[PollAttempt]:
    with session_scope() as session:
        statement = select(PollAttempt).where(PollAttempt.source_id == source_id)
        return list(session.exec(statement.order_by(col(PollAttempt.id))).all())


def mentions_of(brand_id: int) -> list[Mention]:
    with session_scope() as session:
        statement = select(Mention).where(Mention.brand_id == brand_id)
        return list(session.exec(statement.order_by(col(Mention.id))).all())


def test_a_hacker_news_poll_stores_the_good_hits_and_counts_the_poisoned_one(
    db: str, server: FeedServer, client: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = json.loads(fixture("hackernews", "search_page0.json", NOW))
    page["nbPages"] = 1
    hits = page["hits"]
    hits[0]["created_at_i"] = 1e20  # no datetime holds it: the hit cannot be placed
    hits[1]["points"] = 2**70  # above int64: the column holds 32 bits
    hits[1]["num_comments"] = -(2**70)
    server.set_route("/api/v1/search_by_date", Route(json.dumps(page).encode(), JSON))
    monkeypatch.setenv("ESCUCHA_HACKERNEWS_BASE_URL", server.url(""))
    get_settings.cache_clear()
    try:
        brand_id, source_id = stored_source("hackernews", "lumbre")
        report = poll_source(source_id, force=True, client=client)
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()

    assert report.status == "ok" and report.skipped == 1
    [attempt] = attempts_of(source_id)
    assert attempt.ok and attempt.items_skipped == 1 and attempt.items == report.items
    stored = {mention.url.rsplit("=", 1)[1]: mention for mention in mentions_of(brand_id)}
    assert hits[0]["objectID"] not in stored
    assert report.new == len(stored) >= 2
    clamped = stored[hits[1]["objectID"]]
    assert (clamped.engagement_score, clamped.engagement_comments) == (2**31 - 1, -(2**31))
    with session_scope() as session:
        source = session.get(Source, source_id)
        assert source is not None and source.last_error is None and source.status == "ok"


POISONED_FEED = (
    '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>Noticias</title>'
    "<item><title>Lumbre abre en Monterrey</title><link>https://news.example/1</link></item>"
    "<item><title>Lumbre &#55357;&#56832; lanza un caf&#xE9; &#56832;</title>"
    "<link>javascript:alert(document.cookie)</link>"
    "<guid isPermaLink='false'>poison-1</guid><source url='https://pub.example/'>Pub</source>"
    "<pubDate>Fri, 31 Dec 9999 23:59:59 -1200</pubDate>"
    "<author>" + "@" * 2000 + "(" * 2000 + "</author></item>"
    "<item><title>Lumbre cierra temprano</title><link>https://news.example/3</link>"
    "<pubDate>0001-01-01T00:00:00+01:00</pubDate></item>"
    "</channel></rss>"
).encode()


def test_a_feed_poll_with_a_poisoned_item_stores_every_item_without_its_bad_values(
    db: str, server: FeedServer
) -> None:
    server.serve("/feed.xml", POISONED_FEED)
    brand_id, [source_id] = brand_with_sources([server.url("/feed.xml")], kind="rss")

    started = time.monotonic()
    report = poll_source(source_id, force=True)

    assert time.monotonic() - started < 60  # the author alone took hours before
    assert (report.status, report.items, report.new, report.skipped) == ("ok", 3, 3, 0)
    mentions = {mention.title: mention for mention in mentions_of(brand_id)}
    assert set(mentions) == {
        "Lumbre abre en Monterrey",
        "Lumbre 😀 lanza un café \ufffd",
        "Lumbre cierra temprano",
    }
    poisoned = mentions["Lumbre 😀 lanza un café \ufffd"]
    assert not poisoned.url.lower().startswith("javascript")
    assert all(m.url == "" or m.url.startswith("https://") for m in mentions.values())
    assert poisoned.published_at == poisoned.fetched_at  # the impossible date was dropped
    [attempt] = attempts_of(source_id)
    assert attempt.ok and attempt.items_skipped == 0
