"""The scheduler: beat, which also claims the due sources and queues their polls itself.

Queued as a task, the claim waited in the workers' queue behind the polls it had queued
before (a round of 1,000 sources went out in two claims, one queue-length apart) and took a
worker slot from polling. Here it runs in beat's own process when the earliest source is
due, and at least every ESCUCHA_SCHEDULER_TICK_SECONDS (which bounds how late beat notices
a source that became due some other way: a new or edited one). The workers only poll.
"""

import time
from typing import Any

from celery.beat import PersistentScheduler

from core.logging import get_logger
from core.settings import get_settings
from models.types import utcnow

log = get_logger(__name__)
SOONEST_SECONDS = 0.05  # never spin: a claim at most this often


class Scheduler(PersistentScheduler):
    _next_claim = 0.0

    def tick(self, *args: Any, **kwargs: Any) -> float:
        delay = float(super().tick(*args, **kwargs))
        if time.monotonic() >= self._next_claim:
            wait = self._claim()  # first: the wait counts from the claim's end, not its start
            self._next_claim = time.monotonic() + wait
        return min(delay, max(self._next_claim - time.monotonic(), 0.0))

    def _claim(self) -> float:
        """Claim and queue what is due; the seconds until the next claim."""
        from workers.tasks import claim_and_queue  # the tasks module imports the app

        tick = get_settings().scheduler_tick_seconds
        try:
            done = claim_and_queue()
        except Exception as exc:  # the database or the broker down: try again next tick
            log.warning("scheduler.claim_failed", error=f"{type(exc).__name__}: {exc}")
            return tick
        if done.queued:
            log.debug("scheduler.queued", sources=done.queued)
        if done.next_due_at is None:
            return tick
        wait = (done.next_due_at - utcnow()).total_seconds()
        return min(max(wait, SOONEST_SECONDS), tick)
