from datetime import UTC, datetime, timedelta

import pytest

from domain.control import (
    DayCount,
    SeriesPoint,
    Tally,
    baseline_window,
    daily_rate_line,
    evaluation_end,
    is_met,
    metric_value,
    positive_area,
    progress_pct,
    project,
    series,
    status,
)


def day(n: int, hour: int = 0) -> datetime:
    return datetime(2026, 11, 1, tzinfo=UTC) + timedelta(days=n - 1, hours=hour)


# 8 mentions: 4 positive, 1 negative; compounds summing to 2.4; 20 for brand + competitors.
TALLY = Tally(mentions=8, positive=4, negative=1, compound_micro=2_400_000, all_brands=20)


def test_metric_values() -> None:
    assert metric_value("mentions", TALLY) == 8.0
    assert metric_value("net_sentiment", TALLY) == 37.5  # (4 - 1) / 8 x 100
    assert metric_value("avg_sentiment", TALLY) == 0.3  # 2.4 / 8
    assert metric_value("positive_share", TALLY) == 0.5
    assert metric_value("share_of_voice", TALLY) == 0.4  # 8 / 20


def test_metric_values_of_an_empty_period_are_zero() -> None:
    for metric in (
        "mentions",
        "net_sentiment",
        "avg_sentiment",
        "positive_share",
        "share_of_voice",
    ):
        assert metric_value(metric, Tally()) == 0.0


def test_baseline_is_the_same_length_before_start() -> None:
    assert baseline_window(day(11), day(21)) == (day(1), day(11))


def test_evaluation_end_stays_within_the_period() -> None:
    assert evaluation_end(day(5), day(10), day(7)) == day(7)
    assert evaluation_end(day(5), day(10), day(2)) == day(5)
    assert evaluation_end(day(5), day(10), day(30)) == day(10)


def test_progress() -> None:
    assert progress_pct("mentions", "at_least", current=600, baseline=900, target=1000) == 60.0
    # Ratios: the way from the baseline to the target.
    assert progress_pct("net_sentiment", "at_least", current=20, baseline=10, target=30) == 50.0
    assert progress_pct("positive_share", "at_most", current=0.4, baseline=0.5, target=0.3) == 50.0
    assert progress_pct("net_sentiment", "at_least", current=5, baseline=10, target=30) == -25.0
    # Target equal to the starting point: all or nothing.
    assert progress_pct("net_sentiment", "at_least", current=12, baseline=10, target=10) == 100.0
    assert progress_pct("net_sentiment", "at_least", current=8, baseline=10, target=10) == 0.0


def test_a_rising_daily_rate_is_extended_to_the_deadline() -> None:
    # 1, 2 and 3 mentions on days 1-3: rate = t + 0.5 (t in days); the days 4 to 10 add
    # the integral of t + 0.5 from 3 to 10 = (50 + 5) - (4.5 + 1.5) = 49.
    days = [DayCount(day(n), day(n + 1), n) for n in (1, 2, 3)]
    assert daily_rate_line(days, day(1)) == pytest.approx((0.5, 1.0))
    projected = project(
        "mentions", current=6, baseline=0, days=days, start=day(1), end=day(4), deadline=day(11)
    )
    assert projected == 55.0


def test_a_partial_day_counts_by_its_length() -> None:
    # Start at noon: half a day with 1 mention and a full day with 2 are the same rate, 2 a
    # day, so the line is flat: 3 so far + 2 x 2 remaining days.
    days = [DayCount(day(1, 12), day(2), 1), DayCount(day(2), day(3), 2)]
    projected = project(
        "mentions", current=3, baseline=0, days=days, start=day(1, 12), end=day(3), deadline=day(5)
    )
    assert projected == 7.0


def test_a_falling_rate_stops_at_zero() -> None:
    # Rates 4 then 2 (t = 0.5, 1.5): 5 - 2t, zero at t = 2.5; from t = 2 on only 0.25 more.
    assert positive_area(5.0, -2.0, 2.0, 10.0) == pytest.approx(0.25)
    days = [DayCount(day(1), day(2), 4), DayCount(day(2), day(3), 2)]
    projected = project(
        "mentions", current=6, baseline=0, days=days, start=day(1), end=day(3), deadline=day(11)
    )
    assert projected == 6.25


def test_ratios_project_the_value_so_far_and_before_start_the_baseline() -> None:
    kwargs = {"days": [], "start": day(1), "deadline": day(11)}
    assert project("net_sentiment", current=12.5, baseline=3, end=day(5), **kwargs) == 12.5  # type: ignore[arg-type]
    assert project("mentions", current=0, baseline=40, end=day(1), **kwargs) == 40  # type: ignore[arg-type]


def test_status_at_or_after_the_deadline() -> None:
    common = {
        "projected": 0.0,
        "target": 10.0,
        "as_of": day(11),
        "start": day(1),
        "deadline": day(11),
    }
    assert status("mentions", "at_least", current=10, **common) == "achieved"  # type: ignore[arg-type]
    assert status("mentions", "at_least", current=9, **common) == "off_track"  # type: ignore[arg-type]
    assert status("mentions", "at_most", current=9, **common) == "achieved"  # type: ignore[arg-type]


def test_status_before_the_deadline() -> None:
    common = {"target": 100.0, "as_of": day(5), "start": day(1), "deadline": day(11)}
    assert status("mentions", "at_least", current=100, projected=250, **common) == "achieved"  # type: ignore[arg-type]
    assert status("mentions", "at_least", current=40, projected=100, **common) == "on_track"  # type: ignore[arg-type]
    assert status("mentions", "at_least", current=40, projected=91, **common) == "at_risk"  # type: ignore[arg-type]
    assert status("mentions", "at_least", current=40, projected=90, **common) == "off_track"  # type: ignore[arg-type]
    assert status("net_sentiment", "at_most", current=80, projected=80, **common) == "achieved"  # type: ignore[arg-type]


def test_an_at_most_count_is_never_met_early() -> None:
    common = {"target": 100.0, "as_of": day(5), "start": day(1), "deadline": day(11)}
    assert status("mentions", "at_most", current=40, projected=100, **common) == "on_track"  # type: ignore[arg-type]
    assert status("mentions", "at_most", current=40, projected=105, **common) == "at_risk"  # type: ignore[arg-type]
    assert status("mentions", "at_most", current=40, projected=130, **common) == "off_track"  # type: ignore[arg-type]


def test_nothing_is_met_before_start() -> None:
    common = {"target": 0.3, "as_of": day(1), "start": day(3), "deadline": day(11)}
    assert status("avg_sentiment", "at_most", current=0.0, projected=0.5, **common) == "off_track"  # type: ignore[arg-type]
    assert status("avg_sentiment", "at_most", current=0.0, projected=0.2, **common) == "on_track"  # type: ignore[arg-type]


def test_a_zero_target_has_no_at_risk_band() -> None:
    common = {"target": 0.0, "as_of": day(5), "start": day(1), "deadline": day(11)}
    assert status("net_sentiment", "at_least", current=-1, projected=-0.1, **common) == "off_track"  # type: ignore[arg-type]


def test_is_met() -> None:
    assert is_met("at_least", 5, 5) and is_met("at_most", 5, 5)
    assert not is_met("at_least", 4.99, 5) and not is_met("at_most", 5.01, 5)


def test_series_per_day_and_cumulative() -> None:
    days = [
        (day(1), Tally(mentions=2, positive=2)),
        (day(2), Tally()),
        (day(3), Tally(mentions=2, negative=1)),
    ]
    assert series("net_sentiment", days) == [
        SeriesPoint(day(1), 100.0, 100.0),
        SeriesPoint(day(2), 0.0, 100.0),
        SeriesPoint(day(3), -50.0, 25.0),  # (2 - 1) / 4
    ]
    assert [p.cumulative for p in series("mentions", days)] == [2.0, 2.0, 4.0]
