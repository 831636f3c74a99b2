"""Control: each objective of the brand as services.control reports it, with its chart."""

from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup

from pages import charts
from pages.i18n import Formats
from pages.views.common import Gettext
from services.control import ObjectiveReport

METRICS = ("mentions", "net_sentiment", "avg_sentiment", "positive_share", "share_of_voice")
STATUSES = ("achieved", "on_track", "at_risk", "off_track")


def metric_names(_: Gettext) -> dict[str, str]:
    return {
        "mentions": _("mentions"),
        "net_sentiment": _("net sentiment"),
        "avg_sentiment": _("average sentiment"),
        "positive_share": _("positive share"),
        "share_of_voice": _("share of voice"),
    }


def status_names(_: Gettext) -> dict[str, str]:
    return {
        "achieved": _("achieved"),
        "on_track": _("on track"),
        "at_risk": _("at risk"),
        "off_track": _("off track"),
    }


@dataclass(frozen=True)
class ObjectiveView:
    id: int
    name: str
    metric: str
    metric_name: str
    direction: str
    target: str
    baseline: str
    current: str
    projected: str
    progress: str
    status: str
    status_name: str
    start: str
    deadline: str
    start_day: str
    deadline_day: str
    target_raw: str
    chart: Markup


def _figure(metric: str, value: float, fmt: Formats) -> str:
    if metric == "mentions":
        return fmt.number(round(value))
    if metric in ("positive_share", "share_of_voice"):
        return fmt.percent(value)
    return fmt.decimal(value, 2 if metric == "net_sentiment" else 4)


def _chart(r: ObjectiveReport, fmt: Formats, _: Gettext) -> Markup:
    metric = r.objective.metric
    points = [p.cumulative for p in r.series]
    labels = [fmt.short_date(p.start) for p in r.series]
    remaining = 0
    if r.series:
        remaining = max((r.objective.deadline - r.series[-1].start).days, 0)
    projection: list[float | None] = [None] * max(len(points) - 1, 0)
    if points:
        projection += [points[-1]] + [None] * max(remaining - 1, 0) + [r.projected]
    chart = charts.LineChart(
        labels=labels + ([fmt.short_date(r.objective.deadline)] if remaining else []),
        lines=[
            charts.Line(points, "s-0", _("So far")),
            charts.Line(projection, "s-1", _("Projection to the deadline"), dashed=True),
        ],
        target=r.objective.target,
        target_title=_("Target: {value}").format(value=_figure(metric, r.objective.target, fmt)),
        y_format=lambda value: _figure(metric, value, fmt),
        extra_x=max(remaining - 1, 0),
        floor=0.0 if metric == "mentions" else None,
    )
    return charts.line_chart(chart, label=r.objective.name, height=180)


def objective_view(r: ObjectiveReport, fmt: Formats, _: Gettext) -> ObjectiveView:
    o = r.objective
    assert o.id is not None
    metric = o.metric
    return ObjectiveView(
        id=o.id,
        name=o.name,
        metric=metric,
        metric_name=metric_names(_).get(metric, metric),
        direction=o.direction,
        target=_figure(metric, o.target, fmt),
        baseline=_figure(metric, r.baseline, fmt),
        current=_figure(metric, r.current, fmt),
        projected=_figure(metric, r.projected, fmt),
        progress=fmt.decimal(r.progress_pct, 1) + " %",
        status=r.status,
        status_name=status_names(_).get(r.status, r.status),
        start=fmt.date(o.start),
        deadline=fmt.date(o.deadline),
        start_day=local_day(o.start, fmt),
        deadline_day=local_day(o.deadline, fmt),
        target_raw=repr(o.target),
        chart=_chart(r, fmt, _),
    )


def local_day(moment: datetime, fmt: Formats) -> str:
    return moment.astimezone(fmt.zone).date().isoformat()
