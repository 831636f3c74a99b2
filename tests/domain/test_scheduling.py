from datetime import UTC, datetime, timedelta

from domain.scheduling import next_poll_after_failure, next_poll_after_success

NOW = datetime(2026, 11, 26, 12, tzinfo=UTC)


def delay(failures: int, retry_after: float | None = None) -> float:
    moment = next_poll_after_failure(
        NOW,
        consecutive_failures=failures,
        retry_after=retry_after,
        base_seconds=60,
        max_seconds=3600,
    )
    return (moment - NOW).total_seconds()


def test_success_waits_one_interval() -> None:
    assert next_poll_after_success(NOW, 900) == NOW + timedelta(seconds=900)


def test_backoff_doubles_per_failure_and_is_capped() -> None:
    assert [delay(n) for n in (1, 2, 3, 4, 7, 50)] == [60, 120, 240, 480, 3600, 3600]


def test_retry_after_is_honoured_when_longer_than_backoff() -> None:
    assert delay(1, retry_after=600) == 600
    assert delay(3, retry_after=5) == 240
