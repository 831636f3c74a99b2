"""A chart spec drawn as SVG, by Python, for the pages and (rasterised) the emails.

Accessible: `role="img"` with a <title> and <desc>, a legend in text, a <title> on every bar
segment and point (the tooltip, and what a screen reader reads), and every link a real
<a href>, so a click on a day opens its mentions without any script. Only presentation
attributes, no `style` (a page's Content-Security-Policy may forbid inline styles). Every
text is XML-escaped and links must be relative or http(s).

Sizes are in pixels at 1:1: draw at the width it is shown at (the pages draw one for wide
screens and one for 390 px phones, picked by CSS), so the 12 px text stays 12 px.
"""

import math
from html import escape
from urllib.parse import urlsplit

from core.i18n import Formats
from services.charts.spec import Chart, Series, format_value

FONT = "DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif"
FONT_SIZE = 12
CHAR = 0.62 * FONT_SIZE  # average width of a character, for layout
GRID = "#d8dee4"
INK = "#1f2328"
MUTED = "#57606a"
LEGEND_ROW = 18
X_AXIS = 20
MIN_LABEL_GAP = 10


def _e(text: str) -> str:
    return escape(text, quote=True)


def _safe_link(href: str | None) -> str | None:
    if not href:
        return None
    if href[0] == "/":  # a path on this site (what nearly every chart links to): no scheme
        return href
    scheme = urlsplit(href).scheme.lower()
    return href if scheme in ("", "http", "https") else None


def _linked(element: str, href: str | None) -> str:
    link = _safe_link(href)
    return f'<a href="{_e(link)}">{element}</a>' if link else element


def _at(values: tuple[str, ...] | tuple[str | None, ...], i: int) -> str | None:
    return values[i] if i < len(values) else None


def nice_ticks(low: float, high: float, count: int = 4, *, whole: bool = False) -> list[float]:
    """Round tick values covering [low, high]: steps of 1, 2 or 5 times a power of ten;
    `whole` (an axis of counts): whole steps only, so no two ticks read the same number."""
    if high <= low:
        high = low + 1
    raw = (high - low) / count
    power = 10 ** math.floor(math.log10(raw))
    steps = [m * power for m in (1, 2, 2.5, 5, 10)]
    step = next(s for s in steps if s >= raw and (not whole or float(s).is_integer()))
    first = math.floor(low / step) * step
    ticks = []
    value = first
    while value < high + step * 0.999:
        ticks.append(round(value, 10))
        value += step
    return ticks


class _Frame:
    """Where the plot sits and how values map to pixels."""

    def __init__(self, chart: Chart, width: int, height: int, top: float, left: float) -> None:
        self.chart = chart
        self.left, self.right = left, width - 8.0
        self.top, self.bottom = top, height - X_AXIS - 4.0
        low, high = _value_range(chart)
        self.ticks = nice_ticks(low, high, whole=chart.value_format == "integer")
        self.low, self.high = self.ticks[0], self.ticks[-1]
        self.band = (self.right - self.left) / max(chart.positions, 1)

    def y(self, value: float) -> float:
        span = self.high - self.low or 1.0
        return self.bottom - (value - self.low) / span * (self.bottom - self.top)

    def x(self, position: int) -> float:
        return self.left + self.band * (position + 0.5)


def _value_range(chart: Chart) -> tuple[float, float]:
    if chart.kind == "stacked_bars":
        totals = [
            sum(s.values[i] or 0 for s in chart.series if i < len(s.values))
            for i in range(chart.positions)
        ]
        values = [*totals, 0.0]
    else:
        values = [v for s in chart.series for v in s.values if v is not None]
    values += [r.value for r in chart.rules]
    low = min([*values, 0.0]) if chart.y_min is None else chart.y_min
    high = max(values, default=1.0) if chart.y_max is None else chart.y_max
    return low, max(high, low + 1e-9 if chart.value_format == "percent" else low + 1)


def _value(chart: Chart, value: float) -> str:
    return format_value(value, chart.value_format, Formats(chart.locale))


def _legend(chart: Chart, width: int) -> tuple[str, float]:
    """The legend's SVG and its height; entries wrap onto new rows."""
    entries = [(s.name, s.color, s.dashed) for s in chart.series]
    entries += [(r.name, r.color, True) for r in chart.rules]
    if len(entries) < 2 and not chart.rules:
        return "", 6.0
    parts, x, row = [], 8.0, 0
    for name, color, dashed in entries:
        needed = 22 + len(name) * CHAR + 14
        if x > 8 and x + needed > width:
            x, row = 8.0, row + 1
        y = 12 + row * LEGEND_ROW
        dash = ' stroke-dasharray="4 3"' if dashed else ""
        parts.append(
            f'<line x1="{x:.1f}" y1="{y - 4:.1f}" x2="{x + 16:.1f}" y2="{y - 4:.1f}" '
            f'stroke="{color}" stroke-width="{3 if dashed else 8}"{dash}/>'
            f'<text x="{x + 22:.1f}" y="{y:.1f}" fill="{INK}">{_e(name)}</text>'
        )
        x += needed
    return "<g>" + "".join(parts) + "</g>", 12 + (row + 1) * LEGEND_ROW


def _axis_width(chart: Chart) -> float:
    """Room for the widest value label on the y axis."""
    ticks = nice_ticks(*_value_range(chart), whole=chart.value_format == "integer")
    labels = [_value(chart, tick) for tick in ticks]
    return max(len(label) for label in labels) * CHAR + 10


def _grid(frame: _Frame) -> str:
    parts = []
    for tick in frame.ticks:
        y = frame.y(tick)
        parts.append(
            f'<line x1="{frame.left:.1f}" y1="{y:.1f}" x2="{frame.right:.1f}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{frame.left - 6:.1f}" y="{y + 4:.1f}" text-anchor="end" '
            f'fill="{MUTED}">{_e(_value(frame.chart, tick))}</text>'
        )
    return "<g>" + "".join(parts) + "</g>"


def _x_labels(frame: _Frame) -> str:
    chart = frame.chart
    if not chart.positions:
        return ""
    widest = max(len(label) for label in chart.x_labels) * CHAR + MIN_LABEL_GAP
    every = max(1, math.ceil(widest / frame.band))
    parts = []
    y = frame.bottom + 16
    for i in range(0, chart.positions, every):
        label = chart.x_labels[i]
        x, anchor, half = frame.x(i), "middle", len(label) * CHAR / 2
        if x + half > frame.right + 6:  # keep the last labels inside the picture
            x, anchor = frame.right + 6, "end"
        elif x - half < 2:
            x, anchor = 2.0, "start"
        parts.append(
            f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" '
            f'fill="{MUTED}">{_e(label)}</text>'
        )
    return '<g aria-hidden="true">' + "".join(parts) + "</g>"


def _columns(frame: _Frame) -> str:
    """An invisible full-height target per position: the column's title and link."""
    chart = frame.chart
    if not chart.column_titles and not chart.column_links:
        return ""
    parts = []
    for i in range(chart.positions):
        title = _at(chart.column_titles, i)
        rect = (
            f'<rect x="{frame.left + frame.band * i:.1f}" y="{frame.top:.1f}" '
            f'width="{frame.band:.2f}" height="{frame.bottom - frame.top:.1f}" '
            f'fill="#ffffff" fill-opacity="0">{f"<title>{_e(title)}</title>" if title else ""}'
            "</rect>"
        )
        parts.append(_linked(rect, _at(chart.column_links, i)))
    return "<g>" + "".join(parts) + "</g>"


def _bars(frame: _Frame) -> str:
    chart = frame.chart
    width = max(frame.band * 0.78, 1.0)
    parts = []
    for i in range(chart.positions):
        base = 0.0
        for series in chart.series:
            value = series.values[i] if i < len(series.values) else None
            if not value:
                continue
            y0, y1 = frame.y(base), frame.y(base + value)
            base += value
            title = _at(series.titles, i)
            rect = (
                f'<rect x="{frame.x(i) - width / 2:.1f}" y="{y1:.1f}" width="{width:.2f}" '
                f'height="{max(y0 - y1, 0.5):.1f}" fill="{series.color}">'
                f"{f'<title>{_e(title)}</title>' if title else ''}</rect>"
            )
            parts.append(_linked(rect, _at(series.links, i)))
    return "<g>" + "".join(parts) + "</g>"


def _line(frame: _Frame, series: Series, points: bool) -> str:
    path, pen_down = [], False
    for i, value in enumerate(series.values):
        if value is None:
            pen_down = False
            continue
        path.append(f"{'L' if pen_down else 'M'}{frame.x(i):.1f} {frame.y(value):.1f}")
        pen_down = True
    if not path:
        return ""
    dash = ' stroke-dasharray="6 4"' if series.dashed else ""
    parts = [
        f'<path d="{" ".join(path)}" fill="none" stroke="{series.color}" stroke-width="2.5" '
        f'stroke-linejoin="round" stroke-linecap="round"{dash}/>'
    ]
    for i, value in enumerate(series.values):
        title = _at(series.titles, i)
        if value is None or not ((points and not series.dashed) or title):
            continue
        dot = (
            f'<circle cx="{frame.x(i):.1f}" cy="{frame.y(value):.1f}" r="{3 if points else 2}" '
            f'fill="{series.color}">{f"<title>{_e(title)}</title>" if title else ""}</circle>'
        )
        parts.append(_linked(dot, _at(series.links, i)))
    return "<g>" + "".join(parts) + "</g>"


def _rules(frame: _Frame) -> str:
    parts = []
    for rule in frame.chart.rules:
        y = frame.y(rule.value)
        parts.append(
            f'<line x1="{frame.left:.1f}" y1="{y:.1f}" x2="{frame.right:.1f}" y2="{y:.1f}" '
            f'stroke="{rule.color}" stroke-width="2" stroke-dasharray="4 3">'
            f"<title>{_e(rule.name)}</title></line>"
        )
    return "<g>" + "".join(parts) + "</g>"


def _empty(chart: Chart) -> bool:
    return not any(v for s in chart.series for v in s.values if v)


def render_svg(
    chart: Chart, *, width: int = 640, height: int = 260, chart_id: str = "chart"
) -> str:
    """The chart as a standalone <svg> element (embed it in a page, or rasterise it)."""
    ident = _e(chart_id)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc" font-family="{FONT}" '
        f'font-size="{FONT_SIZE}">'
        f'<title id="{ident}-title">{_e(chart.title)}</title>'
        f'<desc id="{ident}-desc">{_e(chart.description)}</desc>'
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>'
    )
    if chart.kind == "sparkline":
        return head + _sparkline(chart, width, height) + "</svg>"
    legend, legend_height = _legend(chart, width)
    frame = _Frame(chart, width, height, top=legend_height + 6, left=_axis_width(chart))
    body = [legend, _grid(frame), _columns(frame)]
    if chart.kind == "stacked_bars":
        body.append(_bars(frame))
    else:
        points = chart.positions <= 45
        body += [_line(frame, s, points) for s in chart.series]
    body += [_rules(frame), _x_labels(frame)]
    if _empty(chart) and chart.empty_text:
        x, y = (frame.left + frame.right) / 2, (frame.top + frame.bottom) / 2
        body.append(
            f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="middle" fill="{MUTED}">'
            f"{_e(chart.empty_text)}</text>"
        )
    return head + "".join(body) + "</svg>"


def _sparkline(chart: Chart, width: int, height: int) -> str:
    """A line without axes or legend; its <title> and <desc> say what it shows."""
    values = [v or 0.0 for s in chart.series[:1] for v in s.values]
    if not values:
        return ""
    high = max(max(values), 1.0)
    step = (width - 4) / max(len(values) - 1, 1)
    points = [(2 + i * step, height - 3 - v / high * (height - 6)) for i, v in enumerate(values)]
    line = " ".join(f"{'L' if i else 'M'}{x:.1f} {y:.1f}" for i, (x, y) in enumerate(points))
    area = f"{line} L{points[-1][0]:.1f} {height - 1} L{points[0][0]:.1f} {height - 1} Z"
    color = chart.series[0].color
    return (
        f'<path d="{area}" fill="{color}" fill-opacity="0.15" stroke="none"/>'
        f'<path d="{line}" fill="none" stroke="{color}" stroke-width="1.5" '
        'stroke-linejoin="round"/>'
    )
