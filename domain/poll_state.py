"""What a poll does to its source's state: pure functions of (state, outcome, now).

A poll ends in one of three outcomes: the source answered (`Polled`, a 304 included), it
failed (`Failed`: the user sees why, failures in a row back off and at a limit the source
turns `failing`), or our own rate limit for its host said not now (`Deferred`: no request
was sent, so no attempt and no failure). `transition` says what the source row becomes;
the repository writes that in one statement, as reader's Decider and miniflux do.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from domain.scheduling import next_poll_after_failure, next_poll_after_success

MAX_ERROR_LENGTH = 2000


class SourceStatus(StrEnum):
    OK = "ok"  # polled on its schedule
    FAILING = "failing"  # too many failures in a row: out of automatic polling until fixed
    PAUSED = "paused"  # the user paused it; only a manual poll fetches it


@dataclass(frozen=True, slots=True)
class PollState:
    """The source's state as its poll found it (read with the lease)."""

    status: SourceStatus
    consecutive_failures: int
    last_error: str | None
    interval_seconds: int


@dataclass(frozen=True, slots=True)
class Polled:
    pass


@dataclass(frozen=True, slots=True)
class Failed:
    message: str
    retry_after: float | None = None


@dataclass(frozen=True, slots=True)
class Deferred:
    retry_after: float
    reason: str = ""


PollResult = Polled | Failed | Deferred


@dataclass(frozen=True, slots=True)
class FailurePolicy:
    """How failures back off (base x 2^(n-1), capped) and how many turn a source failing."""

    backoff_base_seconds: float
    backoff_max_seconds: float
    max_consecutive_failures: int


@dataclass(frozen=True, slots=True)
class Transition:
    """The source's state after the poll. `status` applies only if the row still has the
    status the poll started from (`from_status`): a source paused while it was being polled
    stays paused. `polled_at` is None when no request was sent (the last poll stands)."""

    from_status: SourceStatus
    status: SourceStatus
    consecutive_failures: int
    last_error: str | None
    polled_at: datetime | None
    next_poll_at: datetime

    @property
    def attempted(self) -> bool:
        return self.polled_at is not None


def transition(
    state: PollState, result: PollResult, now: datetime, policy: FailurePolicy
) -> Transition:
    match result:
        case Polled():
            return _succeeded(state, now)
        case Failed(message, retry_after):
            return _failed(state, message, retry_after, now, policy)
        case Deferred(retry_after, _):
            return _deferred(state, retry_after, now)


def _succeeded(state: PollState, now: datetime) -> Transition:
    """A success ends a failing streak; a failing source polled by hand is revived."""
    status = SourceStatus.OK if state.status is SourceStatus.FAILING else state.status
    return Transition(
        from_status=state.status,
        status=status,
        consecutive_failures=0,
        last_error=None,
        polled_at=now,
        next_poll_at=next_poll_after_success(now, state.interval_seconds),
    )


def _failed(
    state: PollState,
    message: str,
    retry_after: float | None,
    now: datetime,
    policy: FailurePolicy,
) -> Transition:
    failures = state.consecutive_failures + 1
    status = state.status
    if status is SourceStatus.OK and failures >= policy.max_consecutive_failures:
        status = SourceStatus.FAILING
    return Transition(
        from_status=state.status,
        status=status,
        consecutive_failures=failures,
        last_error=message[:MAX_ERROR_LENGTH],
        polled_at=now,
        next_poll_at=next_poll_after_failure(
            now,
            consecutive_failures=failures,
            retry_after=retry_after,
            base_seconds=policy.backoff_base_seconds,
            max_seconds=policy.backoff_max_seconds,
        ),
    )


def _deferred(state: PollState, retry_after: float, now: datetime) -> Transition:
    """Due again when the host has room; nothing else changes."""
    return Transition(
        from_status=state.status,
        status=state.status,
        consecutive_failures=state.consecutive_failures,
        last_error=state.last_error,
        polled_at=None,
        next_poll_at=now + timedelta(seconds=retry_after),
    )
