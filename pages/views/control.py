"""Control: each objective of the brand as services.control reports it, with its chart (the
same spec as the digest's: services.charts.build.objective_chart)."""

from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup

from core.i18n import Formats, Language
from core.terms import metric_value, name
from models.report_types import ObjectiveControl
from pages import charts
from services.charts.build import objective_chart

METRICS = ("mentions", "net_sentiment", "avg_sentiment", "positive_share", "share_of_voice")


def metric_names(language: Language) -> dict[str, str]:
    return {metric: name(metric, language) for metric in METRICS}


@dataclass(frozen=True)
class ObjectiveView:
    id: int
    name: str
    metric: str
    metric_name: str
    direction: str
    direction_name: str
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


def local_day(moment: datetime, fmt: Formats) -> str:
    return fmt.day_field(fmt.local(moment).date())


def objective_view(o: ObjectiveControl, fmt: Formats, language: Language) -> ObjectiveView:
    metric = o.metric
    chart = objective_chart(o, timezone=fmt.timezone, language=language, formats=fmt)
    return ObjectiveView(
        id=o.id,
        name=o.name,
        metric=metric,
        metric_name=name(metric, language),
        direction=o.direction,
        direction_name=name(o.direction, language),
        target=metric_value(metric, o.target, fmt),
        baseline=metric_value(metric, o.baseline, fmt),
        current=metric_value(metric, o.current, fmt),
        projected=metric_value(metric, o.projected, fmt),
        progress=fmt.percent(o.progress_pct / 100, 0),  # the report gives percent points
        status=o.status,
        status_name=name(o.status, language),
        start=fmt.date(o.start),
        deadline=fmt.date(o.deadline),
        start_day=local_day(o.start, fmt),
        deadline_day=local_day(o.deadline, fmt),
        target_raw=repr(o.target),
        chart=charts.chart_markup(chart, chart_id=f"objective-{o.id}", height=220),
    )
