"""The same chart as a PNG, for emails (mail clients run no script and many drop SVG): the
SVG of `svg.render_svg` rasterised by resvg (resvg-py: a self-contained Rust wheel, no system
library). Imported lazily: only the process that sends emails pays for it."""

from services.charts.spec import Chart
from services.charts.svg import render_svg

EMAIL_WIDTH = 560  # CSS pixels: the email's 600 px column less its padding
EMAIL_HEIGHT = 240


def render_png(
    chart: Chart, *, width: int = EMAIL_WIDTH, height: int = EMAIL_HEIGHT, scale: float = 2.0
) -> bytes:
    """PNG bytes, `scale` device pixels per CSS pixel (2: sharp on high-density screens)."""
    import resvg_py  # lazily: see the module's docstring

    svg = render_svg(chart, width=width, height=height, chart_id="email-chart")
    return bytes(resvg_py.svg_to_bytes(svg_string=svg, zoom=scale))
