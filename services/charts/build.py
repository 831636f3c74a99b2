"""The charts of the reports, as specs in the reader's language and the brand's formats.

- `volume_chart`: mentions per bucket stacked by sentiment (buckets from `spec.granularity`);
- `share_of_voice_chart`: each brand's share of the bucket's mentions, one line per brand;
- `sparkline`: a small line of counts;
- `objective_chart`: an objective's cumulative series, its target line and the projection
  from the last day so far to the deadline.

`link(start, end, label)` (optional) gives the URL of the mentions behind a bucket (label
None: all of them); the pages pass one, the emails none.
"""

from collections.abc import Callable, Sequence
from datetime import datetime

from core.i18n import Formats, Language, gettext, ngettext
from core.terms import name
from domain.buckets import Interval, bucket_bounds
from models.report_types import ObjectiveControl
from services.charts.spec import (
    COLORS,
    PALETTE,
    Chart,
    Rule,
    Series,
    ValueFormat,
    format_value,
)
from services.trends import TrendBucketData
from services.voice_trend import VoiceTrend

Link = Callable[[datetime, datetime, str | None], str]
LABELS = ("positive", "neutral", "negative")


def _t(language: Language, message: str) -> str:
    return gettext("terms", language, message)


def _mentions(language: Language, count: float, formats: Formats) -> str:
    n = round(count)
    text = ngettext("terms", language, "{count} mention", "{count} mentions", n)
    return text.format(count=formats.integer(n))


def bucket_label(start: datetime, interval: Interval, formats: Formats) -> str:
    """Under the axis: the local hour, or the day (a week by its Monday)."""
    return formats.time(start) if interval == "hour" else formats.day(start)


def bucket_title(start: datetime, interval: Interval, language: Language, formats: Formats) -> str:
    """In a tooltip: the full date (and hour); a week by its Monday."""
    if interval == "hour":
        return formats.datetime(start)
    if interval == "week":
        return _t(language, "week of {date}").format(date=formats.date(start))
    return formats.date(start)


def _ends(starts: Sequence[datetime], until: datetime) -> list[datetime]:
    return [*starts[1:], until]


def volume_chart(
    buckets: Sequence[TrendBucketData],
    *,
    interval: Interval,
    until: datetime,
    language: Language,
    formats: Formats,
    link: Link | None = None,
) -> Chart:
    starts = [b.start for b in buckets]
    ends = _ends(starts, until)
    whens = [bucket_title(s, interval, language, formats) for s in starts]
    series = []
    for label in LABELS:
        counts = [getattr(b, label) for b in buckets]
        label_name = name(label, language)
        series.append(
            Series(
                key=label,
                name=name(label, language, capital=True),
                color=COLORS[label],
                values=tuple(float(c) for c in counts),
                titles=tuple(
                    f"{when} · {label_name}: {formats.integer(c)}"
                    for when, c in zip(whens, counts, strict=True)
                ),
                links=tuple(link(s, e, label) for s, e in zip(starts, ends, strict=True))
                if link
                else (),
            )
        )
    total = sum(b.mentions for b in buckets)
    busiest = max(buckets, key=lambda b: b.mentions, default=None)
    description = _t(language, "{total} from {first} to {last}.").format(
        total=_mentions(language, total, formats),
        first=whens[0] if whens else "",
        last=whens[-1] if whens else "",
    )
    if busiest is not None and busiest.mentions:
        description += " " + _t(language, "Busiest: {when}, {count}.").format(
            when=bucket_title(busiest.start, interval, language, formats),
            count=_mentions(language, busiest.mentions, formats),
        )
    return Chart(
        kind="stacked_bars",
        title=_t(language, "Mentions by sentiment"),
        description=description,
        x_labels=tuple(bucket_label(s, interval, formats) for s in starts),
        series=tuple(series),
        locale=formats.locale,
        value_format="integer",
        column_titles=tuple(
            f"{when}: {_mentions(language, b.mentions, formats)}"
            for when, b in zip(whens, buckets, strict=True)
        ),
        column_links=tuple(link(s, e, None) for s, e in zip(starts, ends, strict=True))
        if link
        else (),
        empty_text=_t(language, "No mentions in this period"),
    )


def share_of_voice_chart(
    trend: VoiceTrend, *, language: Language, formats: Formats, link: Link | None = None
) -> Chart:
    """One line per brand (the brand first): its share of all their mentions per bucket;
    a bucket where none of them was mentioned has no point."""
    whens = [bucket_title(s, trend.interval, language, formats) for s in trend.starts]
    totals = [sum(counts[i] for counts in trend.counts.values()) for i in range(len(whens))]
    series = []
    for index, (brand_id, brand_name) in enumerate(trend.brands):
        counts = trend.counts[brand_id]
        shares = [c / t if t else None for c, t in zip(counts, totals, strict=True)]
        series.append(
            Series(
                key=f"brand-{brand_id}",
                name=brand_name,
                color=PALETTE[index % len(PALETTE)],
                values=tuple(shares),
                titles=tuple(
                    f"{when} · {brand_name}: {formats.percent(s)} ({formats.integer(c)})"
                    if s is not None
                    else f"{when} · {brand_name}: -"
                    for when, s, c in zip(whens, shares, counts, strict=True)
                ),
            )
        )
    overall = sum(totals)
    parts = [
        f"{brand_name} {formats.percent(sum(trend.counts[i]) / overall)}"
        for i, brand_name in trend.brands
        if overall
    ]
    ends = _ends(trend.starts, trend.until)
    return Chart(
        kind="lines",
        title=_t(language, "Share of voice over time"),
        description=_t(language, "Share of the period's mentions: {shares}.").format(
            shares=", ".join(parts) or "-"
        ),
        x_labels=tuple(bucket_label(s, trend.interval, formats) for s in trend.starts),
        series=tuple(series),
        locale=formats.locale,
        value_format="percent",
        y_min=0.0,
        y_max=1.0,
        column_links=tuple(link(s, e, None) for s, e in zip(trend.starts, ends, strict=True))
        if link
        else (),
        empty_text=_t(language, "No mentions in this period"),
    )


def sparkline(counts: Sequence[int], *, title: str, language: Language, formats: Formats) -> Chart:
    return Chart(
        kind="sparkline",
        title=title,
        description=_t(language, "{total}; at most {peak} in one bucket.").format(
            total=_mentions(language, sum(counts), formats),
            peak=formats.integer(max(counts, default=0)),
        ),
        x_labels=tuple("" for _ in counts),
        series=(
            Series(
                "mentions", name("mentions", language), COLORS["actual"], tuple(map(float, counts))
            ),
        ),
        locale=formats.locale,
    )


def objective_format(metric: str) -> ValueFormat:
    if metric in ("positive_share", "share_of_voice"):
        return "percent"
    if metric == "net_sentiment":
        return "signed"
    return "decimal" if metric == "avg_sentiment" else "integer"


def objective_chart(
    objective: ObjectiveControl, *, timezone: str, language: Language, formats: Formats
) -> Chart:
    """Days from the objective's start to its deadline: the metric so far (cumulative), the
    projection from the last day so far to the deadline (dashed), the target (a rule)."""
    days = bucket_bounds(objective.start, objective.deadline, "day", timezone)
    known = {point.start: point.cumulative for point in objective.series}
    actual: list[float | None] = [known.get(max(low, objective.start)) for low, _ in days]
    last = max((i for i, v in enumerate(actual) if v is not None), default=None)
    projection: list[float | None] = [None] * len(days)
    if last is not None and len(days) > 1 and last < len(days) - 1:
        begin, end = actual[last] or 0.0, objective.projected
        steps = len(days) - 1 - last
        for i in range(last, len(days)):
            projection[i] = begin + (end - begin) * (i - last) / steps
    fmt = objective_format(objective.metric)
    metric_name = name(objective.metric, language, capital=True)
    whens = [formats.date(low) for low, _ in days]
    target_name = name("target", language, capital=True)

    def value_text(value: float) -> str:
        return format_value(value, fmt, formats)

    return Chart(
        kind="lines",
        title=objective.name,
        description=_t(
            language,
            "{metric}: {current} so far, projected {projected} by {deadline}; target {target}.",
        ).format(
            metric=metric_name,
            current=value_text(objective.current),
            projected=value_text(objective.projected),
            deadline=formats.date(objective.deadline),
            target=value_text(objective.target),
        ),
        x_labels=tuple(formats.day(low) for low, _ in days),
        series=(
            Series(
                key="actual",
                name=metric_name,
                color=COLORS["actual"],
                values=tuple(actual),
                titles=tuple(
                    f"{when}: {value_text(v)}" if v is not None else ""
                    for when, v in zip(whens, actual, strict=True)
                ),
            ),
            Series(
                key="projection",
                name=name("projected", language, capital=True),
                color=COLORS["projection"],
                values=tuple(projection),
                dashed=True,
            ),
        ),
        locale=formats.locale,
        value_format=fmt,
        rules=(Rule(objective.target, f"{target_name} {value_text(objective.target)}"),),
    )
