"""Which of a poll's units of work wait for their commit to reach the disk (PostgreSQL):
those that store items do; a claim, a lease and the record of a poll that stored no item
(a 304, a failure) do not, as losing one in a crash only means a poll is repeated."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event

from core.db import get_engine
from services.polling import poll_source
from tests.support.feed_server import FeedServer
from tests.support.scenario import alerts_feed, brand_with_sources
from workers.tasks import claim_and_queue


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as feed_server:
        yield feed_server


@pytest.fixture
def postgres(db: str) -> str:
    if get_engine().dialect.name != "postgresql":
        pytest.skip("synchronous_commit is PostgreSQL's")
    return db


@contextmanager
def commits() -> Iterator[list[str]]:
    """The `synchronous_commit` each commit meanwhile ran with, in order."""
    seen: list[str] = []

    def before_commit(connection: Any) -> None:
        cursor = connection.connection.driver_connection.cursor()
        cursor.execute("SHOW synchronous_commit")
        seen.append(cursor.fetchone()[0])

    engine = get_engine()
    event.listen(engine, "commit", before_commit)
    try:
        yield seen
    finally:
        event.remove(engine, "commit", before_commit)


def test_a_poll_that_stores_items_waits_for_the_disk_and_a_304_does_not(
    postgres: str, server: FeedServer
) -> None:
    server.serve("/feed", alerts_feed(), content_type="application/atom+xml", etag='"v1"')
    _, [source_id] = brand_with_sources([server.url("/feed")])

    with commits() as first:
        assert poll_source(source_id).new > 0
    with commits() as again:
        report = poll_source(source_id)
    assert report.not_modified

    assert first[0] == "off"  # the lease
    assert first[1] == "on"  # the items and the source's state, in one unit of work
    assert again == ["off", "off"]  # the lease, the 304's record


def test_a_failed_poll_and_the_schedulers_claim_do_not_wait_for_the_disk(
    postgres: str, server: FeedServer
) -> None:
    server.fail("/feed", 500)
    _, [source_id] = brand_with_sources([server.url("/feed")])

    with commits() as claim:
        assert claim_and_queue().queued == 1
    with commits() as poll:
        assert poll_source(source_id).status == "failed"

    assert claim == ["off"]
    assert poll == ["off", "off"]
