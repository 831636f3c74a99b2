"""Is the latest window unusual? Pure statistics for `spike` and `negative_surge` rules.

Method (the same for both kinds):

* The *window* is the last `window_minutes` (default 60) before evaluation; the *baseline*
  is the 28 days before the window, cut into windows of the same length. Its mean count
  per window is the expected count, lambda.
* The observed count is tested against a Poisson(lambda) upper tail: p = P(X >= observed).
  The window fires when p is below the preset's threshold AND the count reaches the
  preset's minimum (so three mentions on a quiet day are never a spike) AND it is at
  least `min_ratio` x lambda (social volume is burstier than Poisson, so on a busy brand a
  statistically significant +10% is not news).
* `negative_surge` applies the test to the count of negative mentions (with its own
  minimum), and also asks that the negative share of the window rise at least
  `min_share_increase` above the baseline's share: a surge that only follows a general
  spike in volume, at the usual share of negatives, is a spike, not a negative surge.
* After a rule fires it holds for its cool-down (default 120 minutes), however high the
  counts stay.

Presets (p-value threshold, minimum count, minimum ratio to baseline; negative minimum,
share rise):

    high    p < 0.01     >= 5 mentions   >= 1.5x   | >= 3 negative,  share +10 points
    medium  p < 0.001    >= 10 mentions  >= 2x     | >= 5 negative,  share +15 points
    low     p < 0.0001   >= 20 mentions  >= 3x     | >= 10 negative, share +25 points
"""

import math
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Literal

Sensitivity = Literal["low", "medium", "high"]
BASELINE_DAYS = 28


@dataclass(frozen=True)
class Preset:
    p_value: float
    min_count: int
    min_ratio: float
    min_negative: int
    min_share_increase: float


PRESETS: dict[str, Preset] = {
    "high": Preset(
        p_value=0.01, min_count=5, min_ratio=1.5, min_negative=3, min_share_increase=0.10
    ),
    "medium": Preset(
        p_value=0.001, min_count=10, min_ratio=2.0, min_negative=5, min_share_increase=0.15
    ),
    "low": Preset(
        p_value=0.0001, min_count=20, min_ratio=3.0, min_negative=10, min_share_increase=0.25
    ),
}


@dataclass(frozen=True)
class Windows:
    """[window_start, window_end) is tested against [baseline_start, window_start)."""

    baseline_start: datetime
    window_start: datetime
    window_end: datetime
    baseline_windows: int


def windows_at(now: datetime, window_minutes: int, baseline_days: int = BASELINE_DAYS) -> Windows:
    """The windows for an evaluation at `now`, aligned to the whole minute so that every
    evaluation within one minute sees the same window (and the same dedup key)."""
    end = now.replace(second=0, microsecond=0)
    length = timedelta(minutes=window_minutes)
    start = end - length
    count = int(timedelta(days=baseline_days) / length)
    return Windows(start - count * length, start, end, count)


@dataclass(frozen=True)
class Counts:
    mentions: int
    negative: int


@dataclass(frozen=True)
class Verdict:
    fired: bool
    observed: int
    expected: float
    threshold: int
    p_value: float
    reason: str
    observed_share: float | None = None
    baseline_share: float | None = None


def poisson_sf(k: int, lam: float) -> float:
    """P(X >= k) for X ~ Poisson(lam), summed in log space (stable for large k and lam)."""
    if k <= 0:
        return 1.0
    if lam <= 0:
        return 0.0
    if k <= lam:
        below = sum(math.exp(_log_pmf(i, lam)) for i in range(k))
        return max(0.0, 1.0 - below)
    total, i = 0.0, k
    while True:
        term = math.exp(_log_pmf(i, lam))
        total += term
        if term < total * 1e-17 or term == 0.0:
            return min(1.0, total)
        i += 1


def _log_pmf(i: int, lam: float) -> float:
    return -lam + i * math.log(lam) - math.lgamma(i + 1)


def critical_count(expected: float, *, p_value: float, minimum: int, min_ratio: float) -> int:
    """The smallest count that passes all three tests: the alert's threshold."""
    k = max(minimum, math.ceil(min_ratio * expected))
    while poisson_sf(k, expected) >= p_value:
        k += 1
    return k


def _count_test(observed: int, expected: float, *, minimum: int, preset: Preset) -> Verdict:
    threshold = critical_count(
        expected, p_value=preset.p_value, minimum=minimum, min_ratio=preset.min_ratio
    )
    p = poisson_sf(observed, expected)
    return Verdict(observed >= threshold, observed, expected, threshold, p, "")


def spike(window: Counts, baseline: Counts, baseline_windows: int, preset: Preset) -> Verdict:
    expected = baseline.mentions / max(baseline_windows, 1)
    verdict = _count_test(window.mentions, expected, minimum=preset.min_count, preset=preset)
    reason = (
        f"{window.mentions} mentions against {expected:.2f} expected "
        f"(threshold {verdict.threshold}, p={verdict.p_value:.2g})"
    )
    return replace(verdict, reason=reason)


def negative_surge(
    window: Counts, baseline: Counts, baseline_windows: int, preset: Preset
) -> Verdict:
    expected = baseline.negative / max(baseline_windows, 1)
    verdict = _count_test(window.negative, expected, minimum=preset.min_negative, preset=preset)
    share = window.negative / window.mentions if window.mentions else 0.0
    base_share = baseline.negative / baseline.mentions if baseline.mentions else 0.0
    share_rose = share >= base_share + preset.min_share_increase
    reason = (
        f"{window.negative} negative mentions against {expected:.2f} expected "
        f"(threshold {verdict.threshold}, p={verdict.p_value:.2g}); negative share "
        f"{share:.0%} against {base_share:.0%} in the baseline"
    )
    return Verdict(
        verdict.fired and share_rose,
        verdict.observed,
        expected,
        verdict.threshold,
        verdict.p_value,
        reason,
        observed_share=share,
        baseline_share=base_share,
    )


def in_cooldown(last_fired_at: datetime | None, now: datetime, cooldown_minutes: int) -> bool:
    """True while a rule that fired at `last_fired_at` must hold its fire."""
    if last_fired_at is None:
        return False
    return now < last_fired_at + timedelta(minutes=cooldown_minutes)
