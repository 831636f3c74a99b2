"""The same chart as a PNG, for emails (mail clients run no script and many drop SVG): the
SVG of `svg.render_svg` rasterised by resvg (resvg-py: a self-contained Rust wheel, no system
library). Imported lazily: only the process that sends emails pays for it.

The email shows it EMAIL_WIDTH x EMAIL_HEIGHT CSS pixels wide on a desktop and shrinks it to
the screen on a phone, so it is laid out LAYOUT_WIDTH wide (its 12 px text shows at about
17 px on a desktop and 9.5 px on a 390 px phone) and rasterised at 2 device pixels per CSS
pixel."""

from services.charts.spec import Chart
from services.charts.svg import render_svg

EMAIL_WIDTH = 560  # CSS pixels: the email's 600 px column less its padding
EMAIL_HEIGHT = 252  # 180 layout pixels: a whole number of them
LAYOUT_WIDTH = 400
DENSITY = 2.0  # device pixels per CSS pixel: sharp on high-density screens


def render_png(chart: Chart, *, width: int = EMAIL_WIDTH, height: int = EMAIL_HEIGHT) -> bytes:
    """PNG bytes of `width` x `height` CSS pixels at DENSITY."""
    import resvg_py  # lazily: see the module's docstring

    layout_height = round(height * LAYOUT_WIDTH / width)
    svg = render_svg(chart, width=LAYOUT_WIDTH, height=layout_height, chart_id="email-chart")
    zoom = DENSITY * width / LAYOUT_WIDTH
    return bytes(resvg_py.svg_to_bytes(svg_string=svg, zoom=zoom))
