"""Polling through the real service against a real local HTTP server: the happy path,
idempotence, and feeds that fail in the ways real ones do."""

import threading
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlmodel import select

from core.db import session_scope
from core.settings import get_settings
from models.tables import Mention, PollAttempt, Source
from models.types import utcnow
from services.polling import poll_source, poll_sources
from tests.support.feed_server import FeedServer, Route
from tests.support.scenario import MATCHING, alerts_feed, brand_with_sources


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as feed_server:
        yield feed_server


@pytest.fixture
def short_timeout(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("ESCUCHA_FETCH_TIMEOUT_SECONDS", "1")
    get_settings.cache_clear()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()


def source_row(source_id: int) -> Source:
    with session_scope() as session:
        source = session.get(Source, source_id)
        assert source is not None
        return source


def mentions_of(brand_id: int) -> list[Mention]:
    with session_scope() as session:
        return list(session.exec(select(Mention).where(Mention.brand_id == brand_id)).all())


def test_a_google_alerts_feed_becomes_scored_mentions_once(db: str, server: FeedServer) -> None:
    server.serve(
        "/alerts/feeds/1/2", alerts_feed(), content_type="application/atom+xml", etag='"v1"'
    )
    brand_id, [source_id] = brand_with_sources([server.url("/alerts/feeds/1/2")])

    first = poll_source(source_id)
    assert (first.status, first.items, first.new) == ("ok", 4, MATCHING)
    stored = {m.url: m for m in mentions_of(brand_id)}
    assert set(stored) == {
        "https://www.elnorte.example/negocios/lumbre-tienda",
        "https://blog.example.com/lumbre-coffee-review",
        "https://foro.example.net/t/lumbre-servicio",
    }
    review = stored["https://blog.example.com/lumbre-coffee-review"]
    assert "<b>" not in review.title and review.title.startswith("Customers love the new Lumbre")
    assert review.sentiment_label == "positive" and review.language == "en"
    assert stored["https://foro.example.net/t/lumbre-servicio"].sentiment_label == "negative"
    tienda = stored["https://www.elnorte.example/negocios/lumbre-tienda"]
    assert tienda.language == "es" and tienda.domain == "elnorte.example"

    second = poll_source(source_id)
    assert second.status == "ok" and second.new == 0 and second.not_modified
    assert server.last_headers("/alerts/feeds/1/2").get("if-none-match") == '"v1"'
    assert len(mentions_of(brand_id)) == MATCHING
    state = source_row(source_id)
    assert state.mentions_found == MATCHING and state.last_error is None
    assert state.last_polled_at is not None and state.next_poll_at is not None


def test_broken_sources_record_their_error_and_others_still_poll(
    db: str, server: FeedServer, short_timeout: None
) -> None:
    server.html_page("/moved", b"<!doctype html><html><body><h1>We moved</h1></body></html>")
    server.fail("/error", 500)
    server.slow("/slow", alerts_feed(), delay=3.0)
    server.fail("/busy", 429, retry_after="120")
    server.serve("/good", alerts_feed(), content_type="application/atom+xml")
    paths = ["/moved", "/error", "/slow", "/busy", "/good"]
    _, ids = brand_with_sources([server.url(p) for p in paths])

    reports = {path: poll_source(sid) for path, sid in zip(paths, ids, strict=True)}

    assert reports["/good"].status == "ok" and reports["/good"].new == MATCHING
    expected = {
        "/moved": "HTML page, not a feed",
        "/error": "HTTP 500",
        "/slow": "within 1 s",
        "/busy": "429",
    }
    for path, fragment in expected.items():
        state = source_row(ids[paths.index(path)])
        assert reports[path].status == "failed", path
        assert state.last_error is not None and fragment in state.last_error, (
            path,
            state.last_error,
        )
        assert state.consecutive_failures == 1 and state.status == "ok"
    busy = source_row(ids[paths.index("/busy")])
    assert busy.next_poll_at is not None and busy.last_polled_at is not None
    assert (busy.next_poll_at - busy.last_polled_at).total_seconds() >= 120
    with session_scope() as session:
        attempts = session.exec(select(PollAttempt)).all()
    assert len(attempts) == 5 and sum(not a.ok for a in attempts) == 4


def test_a_source_that_keeps_failing_leaves_automatic_polling_until_a_manual_poll_succeeds(
    db: str, server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ESCUCHA_MAX_CONSECUTIVE_FAILURES", "3")
    get_settings.cache_clear()
    try:
        server.fail("/flaky", 503)
        _, [source_id] = brand_with_sources([server.url("/flaky")])
        for _ in range(3):
            poll_source(source_id)
        assert source_row(source_id).status == "failing"
        assert poll_source(source_id).status == "skipped"  # the scheduler's poll
        server.serve("/flaky", alerts_feed(), content_type="application/atom+xml")
        assert poll_source(source_id, force=True).status == "ok"  # POST /poll
        state = source_row(source_id)
        assert state.status == "ok" and state.consecutive_failures == 0 and state.last_error is None
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()


def test_one_batch_stores_the_good_sources_and_records_each_failure(
    db: str, server: FeedServer, short_timeout: None
) -> None:
    """The scheduler's way: one sources.poll_batch task, one claim, one store."""
    server.html_page("/moved", b"<!doctype html><html><body><h1>We moved</h1></body></html>")
    server.fail("/error", 500)
    server.serve("/good", alerts_feed(), content_type="application/atom+xml")
    server.serve("/also-good", alerts_feed(), content_type="application/atom+xml")
    paths = ["/good", "/moved", "/error", "/also-good", "/held"]
    brand_id, ids = brand_with_sources([server.url(p) for p in paths])
    held = ids[-1]
    with session_scope() as session:  # another worker is polling this one
        source = session.get(Source, held)
        assert source is not None
        source.lease_until = utcnow() + timedelta(minutes=5)

    reports = poll_sources([*ids, 999_999])

    assert [r.status for r in reports] == ["ok", "failed", "failed", "ok", "busy", "missing"]
    assert reports[0].new == MATCHING and reports[3].new == 0  # the same articles: seen in
    assert reports[4].retry_after is not None and reports[4].retry_after > 250
    assert len(mentions_of(brand_id)) == MATCHING
    assert all(
        m.also_seen_in == [{"source_id": ids[3], "source_kind": "google_alerts"}]
        for m in mentions_of(brand_id)
    )
    for source_id in ids[:4]:  # leases given back, every attempt recorded
        state = source_row(source_id)
        assert state.lease_until is None and state.last_polled_at is not None
    assert source_row(ids[0]).mentions_found == MATCHING
    assert "HTML page" in (source_row(ids[1]).last_error or "")
    assert source_row(held).last_polled_at is None
    with session_scope() as session:
        attempts = session.exec(select(PollAttempt)).all()
    assert sorted((a.source_id, a.ok) for a in attempts) == sorted(
        [(ids[0], True), (ids[1], False), (ids[2], False), (ids[3], True)]
    )


def test_a_source_row_that_no_longer_fits_its_kind_fails_alone(db: str, server: FeedServer) -> None:
    """A row edited behind the API's back (its feed url cleared) fails its own poll with
    what its kind needs; the rest of the batch is polled and stored."""
    server.serve("/good", alerts_feed(), content_type="application/atom+xml")
    brand_id, [good, cleared] = brand_with_sources([server.url("/good"), server.url("/gone")])
    with session_scope() as session:
        source = session.get(Source, cleared)
        assert source is not None
        source.url = None

    reports = poll_sources([good, cleared])

    assert [r.status for r in reports] == ["ok", "failed"]
    assert reports[1].error == "a google_alerts source needs a feed url"
    assert source_row(cleared).last_error == "a google_alerts source needs a feed url"
    assert source_row(cleared).consecutive_failures == 1
    assert len(mentions_of(brand_id)) == MATCHING
    assert server.requests("/gone") == 0


@pytest.mark.parametrize("second_poll", [False, True], ids=["new items", "answered by 304"])
def test_a_source_deleted_while_it_is_polled_gets_nothing_recorded(
    db: str, server: FeedServer, second_poll: bool
) -> None:
    """The rest of its batch is stored as usual; the deleted one is reported missing."""
    feed = alerts_feed()
    for path in ("/kept", "/deleted"):
        server.serve(path, feed, content_type="application/atom+xml", etag='"v1"')
    brand_id, [kept, deleted] = brand_with_sources([server.url("/kept"), server.url("/deleted")])
    if second_poll:
        assert [r.new for r in poll_sources([kept, deleted])] == [MATCHING, 0]
    slow = Route(feed, "application/atom+xml", etag='"v1"', delay=0.6)
    server.set_route("/deleted", slow)

    def delete_mid_poll() -> None:
        deadline = time.monotonic() + 5
        while server.requests("/deleted") < 1 + second_poll and time.monotonic() < deadline:
            time.sleep(0.01)
        with session_scope() as session:
            session.delete(session.get(Source, deleted))

    deleting = threading.Thread(target=delete_mid_poll)
    deleting.start()
    reports = poll_sources([kept, deleted])
    deleting.join()

    assert [r.status for r in reports] == ["ok", "missing"]
    assert reports[0].not_modified is second_poll
    assert len(mentions_of(brand_id)) == MATCHING
    assert all(m.source_id == kept for m in mentions_of(brand_id))
    with session_scope() as session:
        attempts = session.exec(select(PollAttempt)).all()
    assert sorted((a.source_id, a.not_modified) for a in attempts) == [(kept, False)] + (
        [(kept, True)] if second_poll else []
    )
    assert source_row(kept).lease_until is None


def test_a_source_paused_while_it_is_polled_stays_paused(db: str, server: FeedServer) -> None:
    """The poll writes the status it computed only over the status it started from."""
    feed = alerts_feed()
    server.set_route("/slow", Route(feed, "application/atom+xml", delay=0.6))
    _, [source_id] = brand_with_sources([server.url("/slow")])

    def pause_mid_poll() -> None:
        deadline = time.monotonic() + 5
        while server.requests("/slow") < 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        with session_scope() as session:
            source = session.get(Source, source_id)
            assert source is not None
            source.status = "paused"

    pausing = threading.Thread(target=pause_mid_poll)
    pausing.start()
    report = poll_source(source_id)
    pausing.join()

    assert report.status == "ok" and report.new == MATCHING
    state = source_row(source_id)
    assert state.status == "paused" and state.lease_until is None


def test_a_paused_source_that_fails_a_manual_poll_stays_paused(
    db: str, server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ESCUCHA_MAX_CONSECUTIVE_FAILURES", "1")
    get_settings.cache_clear()
    try:
        server.fail("/down", 503)
        _, [source_id] = brand_with_sources([server.url("/down")])
        with session_scope() as session:
            source = session.get(Source, source_id)
            assert source is not None
            source.status = "paused"
        assert poll_source(source_id, force=True).status == "failed"
        state = source_row(source_id)
        assert state.status == "paused" and state.consecutive_failures == 1
        assert state.last_error and state.lease_until is None
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
