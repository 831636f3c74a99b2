"""When to poll a source next: pure functions of its state and `now`."""

from datetime import datetime, timedelta


def next_poll_after_success(now: datetime, interval_seconds: int) -> datetime:
    return now + timedelta(seconds=interval_seconds)


def next_poll_after_failure(
    now: datetime,
    *,
    consecutive_failures: int,
    retry_after: float | None,
    base_seconds: float,
    max_seconds: float,
) -> datetime:
    """Exponential backoff per source: base x 2^(failures-1), capped at max_seconds, and
    never sooner than a Retry-After the server asked for."""
    exponent = min(max(consecutive_failures - 1, 0), 30)
    delay = min(base_seconds * 2**exponent, max_seconds)
    if retry_after is not None:
        delay = max(delay, retry_after)
    return now + timedelta(seconds=delay)
