"""The poll-state transitions, without a database."""

from datetime import UTC, datetime, timedelta

import pytest

from domain.poll_state import (
    MAX_ERROR_LENGTH,
    Deferred,
    Failed,
    FailurePolicy,
    Polled,
    PollState,
    SourceStatus,
    transition,
)

NOW = datetime(2026, 12, 1, 22, tzinfo=UTC)
POLICY = FailurePolicy(
    backoff_base_seconds=60, backoff_max_seconds=3600, max_consecutive_failures=3
)


def state(
    status: SourceStatus = SourceStatus.OK, failures: int = 0, error: str | None = None
) -> PollState:
    return PollState(status, failures, error, interval_seconds=900)


def test_a_success_ends_the_failing_streak_and_waits_one_interval() -> None:
    after = transition(state(failures=2, error="HTTP 503"), Polled(), NOW, POLICY)
    assert after.status is SourceStatus.OK and after.from_status is SourceStatus.OK
    assert (after.consecutive_failures, after.last_error) == (0, None)
    assert after.polled_at == NOW and after.attempted
    assert after.next_poll_at == NOW + timedelta(seconds=900)


def test_a_success_revives_a_failing_source_but_leaves_a_paused_one_paused() -> None:
    revived = transition(state(SourceStatus.FAILING, 3, "HTTP 503"), Polled(), NOW, POLICY)
    assert (revived.from_status, revived.status) == (SourceStatus.FAILING, SourceStatus.OK)
    paused = transition(state(SourceStatus.PAUSED), Polled(), NOW, POLICY)
    assert paused.status is SourceStatus.PAUSED


def test_failures_back_off_exponentially_and_turn_the_source_failing_at_the_limit() -> None:
    current = state()
    delays = []
    for _ in range(3):
        after = transition(current, Failed("HTTP 503"), NOW, POLICY)
        delays.append((after.next_poll_at - NOW).total_seconds())
        current = state(after.status, after.consecutive_failures, after.last_error)
    assert delays == [60, 120, 240]
    assert current == state(SourceStatus.FAILING, 3, "HTTP 503")
    assert after.polled_at == NOW and after.attempted


def test_a_failure_honours_retry_after_and_keeps_the_error_short() -> None:
    after = transition(state(), Failed("x" * 5000, retry_after=1800), NOW, POLICY)
    assert after.next_poll_at == NOW + timedelta(seconds=1800)
    assert after.last_error == "x" * MAX_ERROR_LENGTH


@pytest.mark.parametrize("status", [SourceStatus.PAUSED, SourceStatus.FAILING])
def test_a_manual_poll_that_fails_keeps_a_paused_or_failing_source_as_it_was(
    status: SourceStatus,
) -> None:
    after = transition(state(status, failures=5), Failed("timeout"), NOW, POLICY)
    assert after.status is status and after.consecutive_failures == 6


def test_a_deferral_is_no_attempt_and_changes_nothing_but_the_next_poll() -> None:
    before = state(failures=2, error="HTTP 503")
    after = transition(before, Deferred(12.5, "host busy"), NOW, POLICY)
    assert not after.attempted and after.polled_at is None
    assert (after.status, after.consecutive_failures, after.last_error) == (
        SourceStatus.OK,
        2,
        "HTTP 503",
    )
    assert after.next_poll_at == NOW + timedelta(seconds=12.5)
