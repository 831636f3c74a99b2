"""The scheduler's own work: beat claims the due sources and queues their polls itself.

Queued as a task, the claim waited in the workers' queue behind the polls it had queued
before (a round of 1,000 sources went out in two claims, one queue-length apart) and took
a worker slot from polling; run in beat, it goes out on the tick, and the workers only poll.
"""

from typing import Any

from celery.beat import PersistentScheduler, ScheduleEntry

from core.logging import get_logger

log = get_logger(__name__)
CLAIM_TASK = "sources.enqueue_due"


class Scheduler(PersistentScheduler):
    def apply_async(
        self, entry: ScheduleEntry, producer: Any = None, advance: bool = True, **kwargs: Any
    ) -> Any:
        if entry.task != CLAIM_TASK:
            return super().apply_async(entry, producer, advance, **kwargs)
        from workers.tasks import queue_due_sources

        if advance:
            self.reserve(entry)
        queue_due_sources()
        return None
