"""How the pages draw: the report charts are services.charts specs (the same ones the
emails rasterise to PNG) rendered as inline SVG twice, at the width a wide screen shows them
and at a phone's, one of the two hidden by CSS, so their 12 px text stays 12 px; the ranked
lists (source kinds, media types, domains) are HTML <progress> bars. No script and no style
attribute: a click on a bar is a plain link to the mentions behind it."""

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from services.charts.spec import Chart
from services.charts.svg import render_svg

WIDE = 1180
NARROW = 350


@dataclass(frozen=True)
class HBar:
    label: str
    value: float
    shown: str
    href: str | None = None
    css: str = "s-0"


def chart_markup(chart: Chart, *, chart_id: str, height: int = 260, wide: int = WIDE) -> Markup:
    """The chart for wide screens and for phones; CSS shows one."""
    return Markup(
        f'<div class="chart-wide">{render_svg(chart, width=wide, height=height, chart_id=chart_id)}'
        f'</div><div class="chart-narrow">'
        f"{render_svg(chart, width=NARROW, height=height, chart_id=chart_id + '-n')}</div>"
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
            f'{escape(row.shown)}</progress><span class="hb-fig">{escape(row.shown)}</span></li>'
        )
    return Markup(f'<ul class="hbars" aria-label="{escape(label)}">{"".join(items)}</ul>')
