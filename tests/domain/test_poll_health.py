from datetime import UTC, datetime

from domain.poll_health import FULL_DAY, Gap, failed_hours, find_gaps, gap_hours, runs_without

DAY = 20454  # 2026-01-01 as days since the epoch
H0 = DAY * 24  # its first hour


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 1, day, hour, minute, tzinfo=UTC)


def test_gap_length_is_three_intervals_and_at_least_an_hour() -> None:
    assert gap_hours(900) == 1
    assert gap_hours(3600) == 3
    assert gap_hours(1800) == 2
    assert gap_hours(7 * 86400) == 504


def test_runs_of_hours_without_a_bit() -> None:
    masks = {DAY: FULL_DAY & ~(0b111 << 10), DAY + 1: 0, DAY + 2: FULL_DAY}
    assert runs_without(masks, H0, H0 + 72) == [(H0 + 10, H0 + 13), (H0 + 24, H0 + 48)]
    assert runs_without({}, H0, H0 + 5) == [(H0, H0 + 5)]
    assert runs_without({DAY: FULL_DAY}, H0 + 3, H0 + 5) == []


def test_gaps_inside_the_period_are_reported_clipped_to_it() -> None:
    masks = {DAY: FULL_DAY & ~(0b1111 << 10), DAY + 1: FULL_DAY}
    gaps = find_gaps(masks, start=at(1, 0), end=at(2, 12), interval_seconds=900)
    assert gaps == (Gap(at(1, 10), at(1, 14)),)
    # With an hourly interval a gap needs 3 hours: 4 qualify, 2 would not.
    two = {DAY: FULL_DAY & ~(0b11 << 10)}
    assert find_gaps(two, start=at(1, 0), end=at(1, 23), interval_seconds=3600) == ()
    assert len(find_gaps(masks, start=at(1, 0), end=at(2, 0), interval_seconds=3600)) == 1


def test_a_run_that_began_before_the_period_counts_whole() -> None:
    # Hourly source (a gap is 3 empty hours), last success in the 21:00 hour the day before:
    # 22:00 to 02:00 is empty, 4 hours, of which the 2 inside the period are reported.
    masks = {DAY - 1: FULL_DAY & ~(0b11 << 22), DAY: FULL_DAY & ~0b11}
    gaps = find_gaps(masks, start=at(1, 0), end=at(1, 12), interval_seconds=3600)
    assert gaps == (Gap(at(1, 0), at(1, 2)),)
    # Only 1 empty hour before the period plus 1 inside: no gap.
    masks = {DAY - 1: FULL_DAY & ~(1 << 23), DAY: FULL_DAY & ~0b1}
    assert find_gaps(masks, start=at(1, 0), end=at(1, 12), interval_seconds=3600) == ()


def test_a_source_never_polled_is_one_gap_over_the_whole_period() -> None:
    assert find_gaps({}, start=at(1, 6), end=at(3, 6), interval_seconds=900) == (
        Gap(at(1, 6), at(3, 6)),
    )


def test_the_hour_in_progress_is_not_judged() -> None:
    assert (
        find_gaps({DAY: FULL_DAY >> 12}, start=at(1, 0), end=at(1, 12, 20), interval_seconds=900)
        == ()
    )


def test_failed_hours_inside_the_period() -> None:
    masks = {DAY: (1 << 3) | (1 << 20), DAY + 1: 1}
    assert failed_hours(masks, start=at(1, 0), end=at(2, 6)) == 3
    assert failed_hours(masks, start=at(1, 4), end=at(1, 21)) == 1
    assert failed_hours({}, start=at(1, 0), end=at(2, 0)) == 0
