"""Charts drawn on the server as inline SVG: no script, nothing to download, CSP-safe.

Each chart takes a typed spec (already formatted labels, links to the mentions behind each
mark) and returns markup. Colours come from classes in static/app.css (`s-positive`,
`s-neutral`, `s-negative`, `s-0`..`s-5`), so the SVG carries no style attribute. A mark
with an `href` is wrapped in a link: a click on a day's negative slice opens exactly those
mentions. Every mark has a <title> (the browser's tooltip) with its figure.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from markupsafe import Markup, escape

WIDTH = 800
PAD_LEFT = 44
PAD_BOTTOM = 30
PAD_TOP = 8


@dataclass(frozen=True)
class Segment:
    value: float
    css: str
    title: str
    href: str | None = None


@dataclass(frozen=True)
class Bar:
    label: str
    segments: Sequence[Segment]
    href: str | None = None


@dataclass(frozen=True)
class Line:
    points: Sequence[float | None]
    css: str
    title: str
    dashed: bool = False


@dataclass(frozen=True)
class LineChart:
    labels: Sequence[str]
    lines: Sequence[Line]
    target: float | None = None
    target_title: str = ""
    y_format: Callable[[float], str] | None = None  # writes the axis' bottom and top values
    extra_x: int = 0  # slots after the last label (the projection to the deadline)
    floor: float | None = None


@dataclass(frozen=True)
class HBar:
    label: str
    value: float
    shown: str
    href: str | None = None
    css: str = "s-0"


@dataclass(frozen=True)
class Tick:
    index: int
    label: str


@dataclass(frozen=True)
class StackedChart:
    bars: Sequence[Bar]
    y_max_label: str = ""
    ticks: Sequence[Tick] = field(default_factory=list)
    height: int = 220


def _link(href: str | None, inner: str) -> str:
    if href is None:
        return inner
    return f'<a href="{escape(href)}">{inner}</a>'


def _svg(width: int, height: int, body: str, label: str) -> Markup:
    return Markup(
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(label)}" preserveAspectRatio="xMidYMid meet">{body}</svg>'
    )


def stacked_bars(chart: StackedChart, *, label: str, normalize: bool = False) -> Markup:
    """Columns split into coloured segments (volume by sentiment; share of voice when
    `normalize` draws every column to full height)."""
    height = chart.height
    plot_h = height - PAD_BOTTOM - PAD_TOP
    totals = [sum(s.value for s in bar.segments) for bar in chart.bars]
    top = max(totals, default=0) or 1
    count = max(len(chart.bars), 1)
    step = (WIDTH - PAD_LEFT) / count
    gap = min(step * 0.15, 4)
    parts: list[str] = [
        f'<line class="axis" x1="{PAD_LEFT}" y1="{PAD_TOP + plot_h}" x2="{WIDTH}" '
        f'y2="{PAD_TOP + plot_h}"/>',
        f'<text class="tick" x="{PAD_LEFT - 4}" y="{PAD_TOP + 10}" text-anchor="end">'
        f"{escape(chart.y_max_label)}</text>",
    ]
    for index, (bar, total) in enumerate(zip(chart.bars, totals, strict=True)):
        x = PAD_LEFT + index * step + gap / 2
        scale = (plot_h / total if total else 0) if normalize else plot_h / top
        y = PAD_TOP + plot_h
        column: list[str] = []
        for segment in bar.segments:
            h = segment.value * scale
            if h <= 0:
                continue
            y -= h
            rect = (
                f'<rect class="{escape(segment.css)}" x="{x:.1f}" y="{y:.1f}" '
                f'width="{max(step - gap, 1):.1f}" height="{h:.1f}">'
                f"<title>{escape(segment.title)}</title></rect>"
            )
            column.append(_link(segment.href, rect))
        if not column:
            empty = (
                f'<rect class="empty" x="{x:.1f}" y="{PAD_TOP}" width="{max(step - gap, 1):.1f}" '
                f'height="{plot_h}"><title>{escape(bar.label)}: 0</title></rect>'
            )
            column.append(_link(bar.href, empty))
        parts.append(f'<g class="col" data-label="{escape(bar.label)}">{"".join(column)}</g>')
    for tick in chart.ticks:
        x = PAD_LEFT + tick.index * step + step / 2
        parts.append(
            f'<text class="tick" x="{x:.1f}" y="{height - 6}" text-anchor="middle">'
            f"{escape(tick.label)}</text>"
        )
    return _svg(WIDTH, height, "".join(parts), label)


def line_chart(chart: LineChart, *, label: str, height: int = 220) -> Markup:
    """Lines over slots (days), an optional dashed target line."""
    plot_h = height - PAD_BOTTOM - PAD_TOP
    values = [v for line in chart.lines for v in line.points if v is not None]
    if chart.target is not None:
        values.append(chart.target)
    low = min([*values, chart.floor] if chart.floor is not None else values, default=0.0)
    high = max(values, default=1.0)
    if high == low:
        high = low + 1
    slots = max(len(chart.labels) + chart.extra_x, 2)
    bottom, top = (chart.y_format(low), chart.y_format(high)) if chart.y_format else ("", "")
    step = (WIDTH - PAD_LEFT - 8) / (slots - 1)

    def y_of(value: float) -> float:
        return PAD_TOP + plot_h - (value - low) / (high - low) * plot_h

    parts: list[str] = [
        f'<line class="axis" x1="{PAD_LEFT}" y1="{PAD_TOP + plot_h}" x2="{WIDTH}" '
        f'y2="{PAD_TOP + plot_h}"/>',
        f'<text class="tick" x="{PAD_LEFT - 4}" y="{PAD_TOP + 10}" text-anchor="end">'
        f"{escape(top)}</text>",
        f'<text class="tick" x="{PAD_LEFT - 4}" y="{PAD_TOP + plot_h}" text-anchor="end">'
        f"{escape(bottom)}</text>",
    ]
    if chart.target is not None:
        ty = y_of(chart.target)
        parts.append(
            f'<line class="target" x1="{PAD_LEFT}" y1="{ty:.1f}" x2="{WIDTH}" y2="{ty:.1f}">'
            f"<title>{escape(chart.target_title)}</title></line>"
        )
    for line in chart.lines:
        points = [
            f"{PAD_LEFT + i * step:.1f},{y_of(v):.1f}"
            for i, v in enumerate(line.points)
            if v is not None
        ]
        if not points:
            continue
        dash = " dashed" if line.dashed else ""
        parts.append(
            f'<polyline class="line {escape(line.css)}{dash}" points="{" ".join(points)}">'
            f"<title>{escape(line.title)}</title></polyline>"
        )
    if chart.labels:
        parts.append(
            f'<text class="tick" x="{PAD_LEFT}" y="{height - 6}">{escape(chart.labels[0])}</text>'
        )
        parts.append(
            f'<text class="tick" x="{WIDTH - 4}" y="{height - 6}" text-anchor="end">'
            f"{escape(chart.labels[-1])}</text>"
        )
    return _svg(WIDTH, height, "".join(parts), label)


def sparkline(values: Sequence[int], *, label: str) -> Markup:
    width, height = 120, 28
    top = max(values, default=0) or 1
    step = width / max(len(values) - 1, 1)
    points = " ".join(
        f"{i * step:.1f},{height - 2 - v / top * (height - 4):.1f}" for i, v in enumerate(values)
    )
    body = f'<polyline class="line s-0" points="{points}"/>' if values else ""
    return Markup(
        f'<svg class="spark" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(label)}">{body}</svg>'
    )


def hbars(rows: Sequence[HBar], *, label: str) -> Markup:
    """Horizontal bars as an HTML list of <progress> elements: the labels stay readable on
    a phone (SVG text would shrink with the chart) and no style attribute is needed."""
    top = max((r.value for r in rows), default=0) or 1
    items = []
    for row in rows:
        name = escape(row.label)
        inner = f'<span class="hb-label" title="{name}">{name}</span>'
        if row.href is not None:
            inner = f'<a class="hb-label" href="{escape(row.href)}" title="{name}">{name}</a>'
        items.append(
            f'<li>{inner}<progress class="{escape(row.css)}" max="{top}" value="{row.value}">'
            f"{escape(row.shown)}</progress><span class=\"hb-fig\">{escape(row.shown)}</span></li>"
        )
    return Markup(f'<ul class="hbars" aria-label="{escape(label)}">{"".join(items)}</ul>')
