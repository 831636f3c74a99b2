import math
from datetime import UTC, datetime, timedelta

import pytest

from domain.spikes import (
    PRESETS,
    Counts,
    critical_count,
    in_cooldown,
    negative_surge,
    poisson_sf,
    spike,
    windows_at,
)

HOURS_28_DAYS = 28 * 24


def direct_sf(k: int, lam: float) -> float:
    return 1.0 - sum(math.exp(-lam) * lam**i / math.factorial(i) for i in range(k))


@pytest.mark.parametrize(("k", "lam"), [(0, 2.0), (1, 0.5), (3, 5.0), (10, 1.0), (25, 10.0)])
def test_poisson_tail_matches_the_textbook_sum(k: int, lam: float) -> None:
    assert poisson_sf(k, lam) == pytest.approx(direct_sf(k, lam), rel=1e-9, abs=1e-15)


def test_poisson_tail_is_stable_far_out_and_at_zero_rate() -> None:
    assert 0.0 < poisson_sf(2000, 1000.0) < 1e-150
    assert poisson_sf(900, 1000.0) == pytest.approx(0.9991, abs=1e-3)
    assert poisson_sf(1, 0.0) == 0.0 and poisson_sf(0, 0.0) == 1.0


def test_three_mentions_on_a_quiet_day_are_not_a_spike_at_any_sensitivity() -> None:
    for preset in PRESETS.values():
        verdict = spike(Counts(3, 0), Counts(0, 0), HOURS_28_DAYS, preset)
        assert not verdict.fired and verdict.threshold >= 5


def test_a_burst_against_a_quiet_baseline_fires_and_explains_itself() -> None:
    baseline = Counts(mentions=28, negative=2)  # one a day for 28 days
    verdict = spike(Counts(15, 1), baseline, HOURS_28_DAYS, PRESETS["medium"])
    assert verdict.fired
    assert verdict.observed == 15 and verdict.threshold == 10
    assert verdict.expected == pytest.approx(28 / HOURS_28_DAYS)
    assert verdict.p_value < 1e-10
    assert "15 mentions" in verdict.reason and "threshold 10" in verdict.reason


def test_a_busy_brand_needs_a_real_jump_not_just_significance() -> None:
    baseline = Counts(1000 * HOURS_28_DAYS, 0)
    busy = spike(Counts(1150, 0), baseline, HOURS_28_DAYS, PRESETS["high"])
    assert busy.p_value < 1e-4 and not busy.fired  # significant, but only +15%
    assert spike(Counts(1600, 0), baseline, HOURS_28_DAYS, PRESETS["high"]).fired


def test_higher_sensitivity_means_a_lower_threshold() -> None:
    expected = 4.0
    thresholds = [
        critical_count(expected, p_value=p.p_value, minimum=p.min_count, min_ratio=p.min_ratio)
        for p in (PRESETS["high"], PRESETS["medium"], PRESETS["low"])
    ]
    assert thresholds == sorted(thresholds) and len(set(thresholds)) == 3
    presets = (PRESETS["high"], PRESETS["medium"], PRESETS["low"])
    for threshold, p in zip(thresholds, presets, strict=True):
        assert poisson_sf(threshold, expected) < p.p_value  # the threshold passes ...
        below = threshold - 1  # ... and is the smallest count that does
        passes = poisson_sf(below, expected) < p.p_value
        assert not (passes and below >= p.min_count and below >= p.min_ratio * expected)


def test_negative_surge_needs_more_negatives_and_a_higher_share() -> None:
    baseline = Counts(mentions=280, negative=28)  # 10% negative, 10 a day
    medium = PRESETS["medium"]
    surge = negative_surge(Counts(12, 9), baseline, HOURS_28_DAYS, medium)
    assert surge.fired and surge.observed == 9
    assert surge.observed_share == pytest.approx(0.75) and surge.baseline_share == pytest.approx(
        0.1
    )
    # A general spike at the usual share of negatives is a spike, not a negative surge.
    volume = negative_surge(Counts(100, 10), baseline, HOURS_28_DAYS, medium)
    assert not volume.fired and volume.p_value < medium.p_value
    # Two angry mentions in a quiet hour are not a surge either.
    assert not negative_surge(Counts(2, 2), baseline, HOURS_28_DAYS, PRESETS["high"]).fired


def test_cooldown_holds_for_its_minutes_then_lets_go() -> None:
    fired = datetime(2026, 5, 10, 12, 0, tzinfo=UTC)
    assert not in_cooldown(None, fired, 120)
    assert in_cooldown(fired, fired + timedelta(minutes=119, seconds=59), 120)
    assert not in_cooldown(fired, fired + timedelta(minutes=120), 120)
    assert not in_cooldown(fired, fired, 0)


def test_windows_align_to_the_minute_and_cover_28_days_of_same_length_windows() -> None:
    now = datetime(2026, 5, 10, 12, 0, 42, 5, tzinfo=UTC)
    w = windows_at(now, 60)
    assert w.window_end == datetime(2026, 5, 10, 12, 0, tzinfo=UTC)
    assert w.window_start == w.window_end - timedelta(hours=1)
    assert w.baseline_windows == HOURS_28_DAYS
    assert w.baseline_start == w.window_start - timedelta(days=28)
    assert windows_at(now + timedelta(seconds=10), 60) == w
