"""Health of a source over a period, from its hours with successful and failed polls.

Resolution is the UTC clock hour. A source's period runs from the later of the report's
`since` and the source's creation to the earlier of `until` and now. A gap is a run of
whole hours without a successful poll (a 304 Not Modified counts as success) lasting at
least three polling intervals and at least one hour; a run that began before the period
counts whole toward that length and is reported from the period's start. A source is
failing in the period when it has at least one failed attempt in it.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

HOUR = 3600
FULL_DAY = (1 << 24) - 1
GAP_INTERVALS = 3


@dataclass(frozen=True)
class Gap:
    since: datetime
    until: datetime


@dataclass(frozen=True)
class SourceHealth:
    source_id: int
    brand_id: int
    kind: str
    status: str
    last_error: str | None
    failed_hours: int  # hours of the period with at least one failed attempt
    gaps: tuple[Gap, ...]

    @property
    def ok(self) -> bool:
        return not self.failed_hours and not self.gaps


def gap_hours(interval_seconds: int) -> int:
    """How many whole hours without a successful poll make a gap for this interval."""
    return max(1, math.ceil(GAP_INTERVALS * interval_seconds / HOUR))


def runs_without(masks: Mapping[int, int], first: int, end: int) -> list[tuple[int, int]]:
    """[start, end) runs of hours in [first, end) whose bit is 0 in the daily masks (hours
    are counted since the epoch; masks are keyed by day since the epoch)."""
    runs: list[tuple[int, int]] = []
    open_at: int | None = None
    hour = first
    while hour < end:
        day, hour_of_day = divmod(hour, 24)
        mask = masks.get(day, 0)
        if hour_of_day == 0 and hour + 24 <= end and mask in (0, FULL_DAY):
            if mask == FULL_DAY and open_at is not None:
                runs.append((open_at, hour))
                open_at = None
            elif mask == 0 and open_at is None:
                open_at = hour
            hour += 24
            continue
        if mask >> hour_of_day & 1:
            if open_at is not None:
                runs.append((open_at, hour))
                open_at = None
        elif open_at is None:
            open_at = hour
        hour += 1
    if open_at is not None:
        runs.append((open_at, end))
    return runs


def _at(hour: int) -> datetime:
    return datetime.fromtimestamp(hour * HOUR, UTC)


def find_gaps(
    ok_masks: Mapping[int, int], *, start: datetime, end: datetime, interval_seconds: int
) -> tuple[Gap, ...]:
    """Gaps in polling that touch [start, end); `ok_masks` must cover the hours from
    gap_hours(interval) before `start`."""
    first = int(start.timestamp()) // HOUR
    last = int(end.timestamp()) // HOUR  # the hour in progress is not judged yet
    need = gap_hours(interval_seconds)
    gaps = []
    for run_start, run_end in runs_without(ok_masks, first - need, last):
        if run_end - run_start >= need and run_end > first:
            since = max(_at(run_start), start)
            gaps.append(Gap(since, min(_at(run_end), end)))
    return tuple(gaps)


def failed_hours(failed_masks: Mapping[int, int], *, start: datetime, end: datetime) -> int:
    first = int(start.timestamp()) // HOUR
    last = math.ceil(end.timestamp() / HOUR)
    total = 0
    for day in range(first // 24, (last - 1) // 24 + 1):
        low, high = max(first - day * 24, 0), min(last - day * 24, 24)
        inside = ((1 << high) - 1) & ~((1 << low) - 1)
        total += bin(failed_masks.get(day, 0) & inside).count("1")
    return total
