"""The chart spec: what to draw, already in the reader's words and numbers' style.

A chart is a row of positions (buckets) along x, each with a label, and series of values over
them: stacked bars (volume by sentiment) or lines (share of voice, an objective's series),
plus horizontal reference lines (a target). Every position can carry a title (the tooltip and
what a screen reader says) and a link (the mentions behind it), for the SVG; the PNG ignores
links. Pure data: nothing here touches the database.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from core.i18n import Formats
from domain.buckets import Interval

ChartKind = Literal["stacked_bars", "lines", "sparkline"]
ValueFormat = Literal["integer", "percent", "signed", "decimal"]

HOURLY_UP_TO = timedelta(days=3)
DAILY_UP_TO = timedelta(days=120)

COLORS = {
    "positive": "#1a7f37",
    "neutral": "#8c959f",
    "negative": "#cf222e",
    "target": "#9a6700",
    "projection": "#0969da",
    "actual": "#0b5cad",
}
# Lines of share of voice: the brand first, then its competitors (distinct for colour-blind
# readers too: blue, orange, purple, teal, brown, pink).
PALETTE = ("#0b5cad", "#d4730b", "#8250df", "#1b7c83", "#7d4e24", "#bf3989", "#57606a")


def granularity(since: datetime, until: datetime) -> Interval:
    """The volume chart's buckets: hourly up to 3 days, daily up to 120, weekly beyond."""
    span = until - since
    if span <= HOURLY_UP_TO:
        return "hour"
    return "day" if span <= DAILY_UP_TO else "week"


@dataclass(frozen=True)
class Series:
    key: str
    name: str  # in the legend
    color: str
    values: tuple[float | None, ...]  # None: no value there (a line breaks)
    titles: tuple[str, ...] = ()  # per position: tooltip and screen-reader text
    links: tuple[str | None, ...] = ()  # per position: where a click goes
    dashed: bool = False


@dataclass(frozen=True)
class Rule:
    """A horizontal reference line, such as an objective's target."""

    value: float
    name: str
    color: str = COLORS["target"]


@dataclass(frozen=True)
class Chart:
    kind: ChartKind
    title: str  # what the chart shows (the SVG's <title>)
    description: str  # a one-sentence summary of what it says (the SVG's <desc>)
    x_labels: tuple[str, ...]
    series: tuple[Series, ...]
    locale: str = "en-US"
    value_format: ValueFormat = "integer"
    rules: tuple[Rule, ...] = ()
    column_titles: tuple[str, ...] = ()  # per position, for the whole column
    column_links: tuple[str | None, ...] = ()
    y_min: float | None = None  # default: 0, or below it when a value is
    y_max: float | None = None
    empty_text: str = ""  # shown when no series has a value above zero

    @property
    def positions(self) -> int:
        return len(self.x_labels)


def format_value(value: float, value_format: ValueFormat, formats: Formats) -> str:
    """A value as the chart's axis and tooltips write it."""
    if value_format == "percent":
        return formats.percent(value)
    if value_format == "signed":
        if value == 0:
            return formats.integer(0)
        return formats.signed(value, 0 if abs(value) >= 10 or value == round(value) else 1)
    if value_format == "decimal":
        return formats.decimal(value, 2)
    return formats.integer(value)
