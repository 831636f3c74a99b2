"""SOSTAC's Control stage as pure functions: metric values, baseline, progress, projection
and status of a SMART objective. No I/O; `as_of` and every count are arguments.

Metrics over a period (0 for a period without mentions):
- `mentions`: how many (cumulative over the objective's period);
- `net_sentiment`: (positive - negative) / mentions x 100, 2 decimals;
- `avg_sentiment`: mean compound score, 4 decimals;
- `positive_share`: positive / mentions, 0..1, 4 decimals;
- `share_of_voice`: the brand's mentions / those of the brand and its competitors, 0..1.

Baseline: the metric over the period of the same length just before `start`.

Current: the metric over [start, min(as_of, deadline)); before `start`, over nothing.

Progress: for `mentions`, current / target x 100 (with `at_most`, the share of the ceiling
used so far); for the ratios, the distance travelled from the baseline toward the target,
(current - baseline) / (target - baseline) x 100, so 0 means "no better than before" and
100 means "there"; negative when moving away. 1 decimal, not clamped.

Projection (the value expected at the deadline):
- `mentions`: a straight line fitted by least squares to the daily rate so far (mentions per
  day in each local day of the series, weighted by the part of the day inside the period,
  so a partial first or last day counts for less), extended from now to the deadline and
  added to the count so far; where the line goes below zero it counts as zero. With one day
  of data the line is flat (the rate so far).
- ratios: the value so far. Daily ratios are too noisy to extrapolate, and the value at the
  deadline is an average over the whole period, of which the part so far is the best guess.
- before `start`: the baseline (if nothing changes, the period will look like the last one).

Status (the spec's rule, with two refinements written here):
- at or after the deadline: `achieved` if the target is met, else `off_track`;
- before it: `achieved` if already met, `on_track` if the projection meets the target,
  `at_risk` if the projection misses it by less than 10% of the target, else `off_track`.
- refinements: before `start` nothing is met yet (the status comes from the projection);
  a `mentions` objective with `at_most` is never met early (the count can only grow until
  the deadline), so before the deadline its status comes from the projection too.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

Metric = Literal["mentions", "net_sentiment", "avg_sentiment", "positive_share", "share_of_voice"]
Direction = Literal["at_least", "at_most"]
Status = Literal["achieved", "on_track", "at_risk", "off_track"]
AT_RISK_MARGIN = 0.10
DAY = 86400.0
MAX_SPAN = timedelta(days=3660)  # the longest objective period (its daily series stays drawable)


@dataclass(frozen=True)
class Tally:
    """The counts every metric is computed from."""

    mentions: int = 0
    positive: int = 0
    negative: int = 0
    compound_micro: int = 0  # sum of compound scores, in millionths
    all_brands: int = 0  # mentions of the brand and its competitors

    def __add__(self, other: "Tally") -> "Tally":
        return Tally(
            self.mentions + other.mentions,
            self.positive + other.positive,
            self.negative + other.negative,
            self.compound_micro + other.compound_micro,
            self.all_brands + other.all_brands,
        )


def metric_value(metric: Metric, tally: Tally) -> float:
    if metric == "mentions":
        return float(tally.mentions)
    if metric == "share_of_voice":
        return round(tally.mentions / tally.all_brands, 4) if tally.all_brands else 0.0
    if not tally.mentions:
        return 0.0
    if metric == "net_sentiment":
        return round((tally.positive - tally.negative) / tally.mentions * 100, 2)
    if metric == "avg_sentiment":
        return round(tally.compound_micro / 1_000_000 / tally.mentions, 4)
    return round(tally.positive / tally.mentions, 4)


def baseline_window(start: datetime, deadline: datetime) -> tuple[datetime, datetime]:
    return start - (deadline - start), start


def evaluation_end(start: datetime, deadline: datetime, as_of: datetime) -> datetime:
    """Where "so far" ends: as_of, kept within [start, deadline]."""
    return min(max(as_of, start), deadline)


def is_met(direction: Direction, value: float, target: float) -> bool:
    return value >= target if direction == "at_least" else value <= target


def progress_pct(
    metric: Metric, direction: Direction, *, current: float, baseline: float, target: float
) -> float:
    origin = 0.0 if metric == "mentions" else baseline
    if target == origin:
        return 100.0 if is_met(direction, current, target) else 0.0
    return round((current - origin) / (target - origin) * 100, 1)


@dataclass(frozen=True)
class DayCount:
    """Mentions counted in [start, end) (a local day, or the part of it inside the period)."""

    start: datetime
    end: datetime
    mentions: int


def daily_rate_line(days: Sequence[DayCount], origin: datetime) -> tuple[float, float]:
    """(a, b) of the weighted least-squares line rate = a + b * t, t in days since origin,
    fitted to each day's rate (mentions per day) at its midpoint, weighted by its length."""
    points = [
        (((d.start - origin).total_seconds() + (d.end - d.start).total_seconds() / 2) / DAY,
         d.mentions / ((d.end - d.start).total_seconds() / DAY),
         (d.end - d.start).total_seconds() / DAY)
        for d in days
        if d.end > d.start
    ]  # fmt: skip
    weight = sum(w for _, _, w in points)
    if not weight:
        return 0.0, 0.0
    mean_t = sum(w * t for t, _, w in points) / weight
    mean_rate = sum(w * r for _, r, w in points) / weight
    spread = sum(w * (t - mean_t) ** 2 for t, _, w in points)
    if spread < 1e-12:
        return mean_rate, 0.0
    slope = sum(w * (t - mean_t) * (r - mean_rate) for t, r, w in points) / spread
    return mean_rate - slope * mean_t, slope


def positive_area(a: float, b: float, t0: float, t1: float) -> float:
    """The integral of max(0, a + b t) over [t0, t1]."""
    if t1 <= t0:
        return 0.0
    if b == 0:
        return max(a, 0.0) * (t1 - t0)
    crossing = -a / b
    low, high = (max(t0, crossing), t1) if b > 0 else (t0, min(t1, crossing))
    if high <= low:
        return 0.0
    return a * (high - low) + b * (high**2 - low**2) / 2


def project(
    metric: Metric,
    *,
    current: float,
    baseline: float,
    days: Sequence[DayCount],
    start: datetime,
    end: datetime,
    deadline: datetime,
) -> float:
    """The value expected at the deadline; `end` is where the data so far stops."""
    if end <= start:
        return baseline
    if metric != "mentions":
        return current
    a, b = daily_rate_line(days, start)
    elapsed = (end - start).total_seconds() / DAY
    total = (deadline - start).total_seconds() / DAY
    return round(current + positive_area(a, b, elapsed, total), 2)


def status(
    metric: Metric,
    direction: Direction,
    *,
    current: float,
    projected: float,
    target: float,
    as_of: datetime,
    start: datetime,
    deadline: datetime,
) -> Status:
    if as_of >= deadline:
        return "achieved" if is_met(direction, current, target) else "off_track"
    can_be_met_early = as_of > start and not (metric == "mentions" and direction == "at_most")
    if can_be_met_early and is_met(direction, current, target):
        return "achieved"
    if is_met(direction, projected, target):
        return "on_track"
    if abs(projected - target) < AT_RISK_MARGIN * abs(target):
        return "at_risk"
    return "off_track"


@dataclass(frozen=True)
class SeriesPoint:
    start: datetime
    value: float  # the metric over this day alone
    cumulative: float  # the metric from the objective's start to this day's end


def series(metric: Metric, days: Sequence[tuple[datetime, Tally]]) -> list[SeriesPoint]:
    points: list[SeriesPoint] = []
    running = Tally()
    for start, tally in days:
        running = running + tally
        value = metric_value(metric, tally)
        points.append(SeriesPoint(start, value, metric_value(metric, running)))
    return points
