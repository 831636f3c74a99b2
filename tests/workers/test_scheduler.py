"""The scheduler's claim: what is due goes out at once, in batches; then it sleeps until
the next source is due (at most a tick)."""

import time
from datetime import timedelta
from pathlib import Path

import pytest

from core.db import session_scope
from core.settings import get_settings
from models.tables import Source
from models.types import utcnow
from tests.support.scenario import brand_with_sources
from workers.app import celery_app
from workers.beat import Scheduler
from workers.tasks import claim_and_queue


def schedule(source_id: int, after: timedelta | None) -> None:
    with session_scope() as session:
        source = session.get(Source, source_id)
        assert source is not None
        source.next_poll_at = None if after is None else utcnow() + after


def test_the_claim_queues_what_is_due_and_says_when_the_next_source_is(db: str) -> None:
    _, [_due, soon, later] = brand_with_sources([f"https://n.example/{n}" for n in range(3)])
    schedule(soon, timedelta(seconds=30))
    schedule(later, timedelta(hours=2))
    before = utcnow()

    done = claim_and_queue()

    assert done.queued == 1
    assert done.next_due_at is not None
    assert before + timedelta(seconds=29) < done.next_due_at < utcnow() + timedelta(seconds=31)
    again = claim_and_queue()  # the due one was pushed a whole interval ahead
    assert again.queued == 0 and again.next_due_at == done.next_due_at


@pytest.mark.parametrize(("after", "expected"), [(0.3, 0.3), (3600.0, None)])
def test_beat_wakes_when_the_next_source_is_due_and_at_least_every_tick(
    db: str, after: float, expected: float | None
) -> None:
    _, [source_id] = brand_with_sources(["https://n.example/feed"])
    schedule(source_id, timedelta(seconds=after))
    scheduler = Scheduler(app=celery_app, lazy=True)

    wait = scheduler._claim()

    tick = get_settings().scheduler_tick_seconds
    if expected is None:
        assert wait == tick
    else:
        assert 0 < wait <= expected


def test_beat_never_wakes_before_the_source_it_waits_for_is_due(db: str, tmp_path: Path) -> None:
    """The wait is counted from the end of the claim that computed it: counted from its
    start, beat woke a claim's length early, found nothing due, and slept again."""
    brand_with_sources([f"https://n.example/{n}" for n in range(300)])  # a claim that takes time
    _, [waited_for] = brand_with_sources(["https://n.example/later"])
    schedule(waited_for, timedelta(seconds=0.5))
    with session_scope() as session:
        source = session.get(Source, waited_for)
        assert source is not None and source.next_poll_at is not None
        due = source.next_poll_at
    scheduler = Scheduler(app=celery_app, schedule_filename=str(tmp_path / "beat"))
    scheduler.schedule.clear()  # no beat_schedule entries: only the claims

    time.sleep(scheduler.tick())  # claims the 300, then sleeps until `waited_for` is due

    assert utcnow() >= due
    assert claim_and_queue().queued == 1
