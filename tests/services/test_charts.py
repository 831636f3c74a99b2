"""The chart specs, their SVG and their PNG: pure functions, tested without a database."""

import struct
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.etree import ElementTree

import pytest

from core.i18n import Formats
from models.report_types import ObjectiveControl, SeriesPointPublic
from services.charts.build import objective_chart, share_of_voice_chart, sparkline, volume_chart
from services.charts.png import render_png
from services.charts.spec import granularity
from services.charts.svg import nice_ticks, render_svg
from services.trends import TrendBucketData
from services.voice_trend import VoiceTrend

SVG = "{http://www.w3.org/2000/svg}"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
START = (datetime.now(UTC) - timedelta(days=10)).replace(hour=6, minute=0, second=0, microsecond=0)


def buckets(days: int = 7) -> list[TrendBucketData]:
    out = []
    for i in range(days):
        positive, neutral, negative = 3 + i, 2, i % 3
        total = positive + neutral + negative
        out.append(
            TrendBucketData(START + timedelta(days=i), total, positive, neutral, negative, 0.1, 0.0)
        )
    return out


def link(start: datetime, end: datetime, label: str | None) -> str:
    return f"/brands/1/mentions?since={start:%Y-%m-%dT%H:%M}&until={end:%Y-%m-%dT%H:%M}" + (
        f"&label={label}" if label else ""
    )


def test_granularity_is_hourly_up_to_3_days_daily_up_to_120_weekly_beyond() -> None:
    now = datetime.now(UTC)
    assert granularity(now - timedelta(days=3), now) == "hour"
    assert granularity(now - timedelta(days=3, seconds=1), now) == "day"
    assert granularity(now - timedelta(days=120), now) == "day"
    assert granularity(now - timedelta(days=121), now) == "week"


def test_nice_ticks_cover_the_values_in_round_steps() -> None:
    assert nice_ticks(0, 74) == [0, 20, 40, 60, 80]
    assert nice_ticks(0, 1) == [0, 0.25, 0.5, 0.75, 1.0]
    assert nice_ticks(0, 1, whole=True) == [0, 1]  # an empty period's counts: not 0 0 1 1 1
    assert nice_ticks(0, 10, whole=True) == [0, 5, 10]
    assert nice_ticks(0, 74, whole=True) == [0, 20, 40, 60, 80]
    assert nice_ticks(-30, 45)[0] <= -30 and nice_ticks(-30, 45)[-1] >= 45


def parse(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)  # well-formed XML or this raises


def test_the_volume_chart_links_every_day_and_sentiment_to_its_mentions_with_a_title() -> None:
    data = buckets()
    until = START + timedelta(days=7)
    chart = volume_chart(
        data, interval="day", until=until, language="es", formats=Formats("es-MX", "UTC"),
        link=link,
    )  # fmt: skip
    root = parse(render_svg(chart, width=640, height=260, chart_id="vol"))
    assert root.get("role") == "img" and root.get("aria-labelledby") == "vol-title vol-desc"
    assert root.findtext(f"{SVG}title") == "Menciones por sentimiento"
    assert "menciones del" in (root.findtext(f"{SVG}desc") or "")
    hrefs = [a.get("href") for a in root.iter(f"{SVG}a")]
    first_day = link(data[0].start, data[1].start, None)
    assert first_day in hrefs and link(data[0].start, data[1].start, "positive") in hrefs
    assert link(data[6].start, until, "negative") not in hrefs  # day 7 has no negatives
    assert link(data[5].start, data[6].start, "negative") in hrefs
    titles = [t.text or "" for t in root.iter(f"{SVG}title")]
    assert f"{Formats('es-MX').date(data[0].start)}: {data[0].mentions} menciones" in titles
    assert any(t.endswith("positivas: 3") for t in titles)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert {"Positivas", "Neutras", "Negativas"} <= set(texts)  # the legend


def test_names_and_links_are_escaped_and_only_safe_links_are_kept() -> None:
    trend = VoiceTrend(
        "day", START + timedelta(days=2), [START, START + timedelta(days=1)],
        [(1, "Acme"), (2, '<script>alert(1)</script>" onload="x')], {1: [3, 1], 2: [1, 0]},
    )  # fmt: skip
    chart = share_of_voice_chart(
        trend, language="en", formats=Formats("en-US"), link=lambda s, e, label: "javascript:x()"
    )
    svg = render_svg(chart)
    root = parse(svg)
    assert "<script" not in svg and "javascript:" not in svg
    assert '<script>alert(1)</script>" onload="x' in [t.text for t in root.iter(f"{SVG}text")]
    assert not list(root.iter(f"{SVG}a"))


def test_share_of_voice_lines_are_shares_of_each_bucket() -> None:
    trend = VoiceTrend(
        "day", START + timedelta(days=3), [START + timedelta(days=i) for i in range(3)],
        [(1, "Acme"), (2, "Rival")], {1: [3, 0, 1], 2: [1, 0, 3]},
    )  # fmt: skip
    chart = share_of_voice_chart(trend, language="es", formats=Formats("es-ES"))
    assert chart.series[0].values == (0.75, None, 0.25)
    assert chart.series[1].values == (0.25, None, 0.75)
    assert "Acme 50\xa0%" in chart.description


def test_a_sparkline_is_small_and_says_what_it_shows() -> None:
    chart = sparkline([1, 4, 2], title="Acme, 7 days", language="en", formats=Formats("en-US"))
    root = parse(render_svg(chart, width=120, height=32))
    assert root.findtext(f"{SVG}title") == "Acme, 7 days"
    assert root.findtext(f"{SVG}desc") == "7 mentions; at most 4 in one bucket."


def objective(
    metric: str, target: float, series: list[SeriesPointPublic], current: float, projected: float
) -> ObjectiveControl:
    return ObjectiveControl.model_validate(
        {
            "id": 1, "name": "Más menciones", "metric": metric, "direction": "at_least",
            "start": START, "deadline": START + timedelta(days=10), "target": target,
            "baseline": 0.0, "current": current, "progress_pct": 20.0, "projected": projected,
            "status": "off_track", "series": series,
        }
    )  # fmt: skip


def test_the_objective_chart_projects_from_the_last_day_to_the_deadline() -> None:
    # It starts at 06:00: its first day is a partial one.
    days = [START] + [START.replace(hour=0) + timedelta(days=i) for i in range(1, 4)]
    series = [
        SeriesPointPublic(start=d, value=10, cumulative=10 * (i + 1)) for i, d in enumerate(days)
    ]
    goal = objective("mentions", 200, series, current=40.0, projected=100.0)
    chart = objective_chart(goal, timezone="UTC", language="es", formats=Formats("es-MX"))
    actual, projection = chart.series
    assert len(actual.values) == 11  # 06:00 to 06:00 ten days later: 11 local days
    assert actual.values[:4] == (10, 20, 30, 40) and set(actual.values[4:]) == {None}
    assert projection.values[:3] == (None,) * 3 and projection.values[3] == 40
    assert projection.values[-1] == 100 and projection.dashed
    assert chart.rules[0].value == 200 and chart.rules[0].name == "Meta 200"
    assert "proyección 100" in chart.description
    root = parse(render_svg(chart))
    assert root.findtext(f"{SVG}title") == "Más menciones"


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.parametrize(("language", "locale"), [("es", "es-MX"), ("en", "en-US")])
def test_the_same_chart_as_a_png_of_sensible_size(language: str, locale: str) -> None:
    chart = volume_chart(
        buckets(30), interval="day", until=START + timedelta(days=30),
        language=language, formats=Formats(locale, "UTC"),  # type: ignore[arg-type]
    )  # fmt: skip
    data = render_png(chart)
    assert png_size(data) == (1120, 504)  # 560 x 252 CSS pixels at 2x
    assert 5_000 < len(data) < 80_000
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"chart-volume-{language}.png").write_bytes(data)


def test_the_charts_as_a_page_shows_them_at_390_px(tmp_path: Path) -> None:
    """Every chart drawn 360 px wide (the width a page uses on a phone), as Chromium shows
    it: tests/artifacts/charts_390.png is for people to look at."""
    from tests.support.chromium import screenshot

    formats = Formats("es-MX", "America/Mexico_City")
    until = START + timedelta(days=30)
    trend = VoiceTrend(
        "day", until, [START + timedelta(days=i) for i in range(30)],
        [(1, "Oxxo"), (2, "7-Eleven"), (3, "Circle K")],
        {1: [10 + i % 7 for i in range(30)], 2: [5 + i % 4 for i in range(30)],
         3: [2 + i % 3 for i in range(30)]},
    )  # fmt: skip
    days = [START] + [START.replace(hour=0) + timedelta(days=i) for i in range(1, 4)]
    series = [
        SeriesPointPublic(start=d, value=10, cumulative=10 * (i + 1)) for i, d in enumerate(days)
    ]
    charts = [
        volume_chart(buckets(30), interval="day", until=until, language="es", formats=formats,
                     link=link),
        share_of_voice_chart(trend, language="es", formats=formats),
        objective_chart(objective("mentions", 200, series, current=40.0, projected=100.0),
                        timezone="UTC", language="es", formats=formats),
        sparkline([3, 5, 2, 8, 9, 4, 6], title="Oxxo, 7 días", language="es", formats=formats),
    ]  # fmt: skip
    figures = "".join(
        f"<h2>{chart.title}</h2>"
        + render_svg(chart, width=360 if chart.kind != "sparkline" else 120,
                     height=220 if chart.kind != "sparkline" else 32, chart_id=f"c{i}")
        for i, chart in enumerate(charts)
    )  # fmt: skip
    page = (
        '<!DOCTYPE html><html lang="es"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1"></head>'
        f'<body style="margin:15px;font-family:sans-serif">{figures}</body></html>'
    )
    screenshot(page, "charts_390", width=390, height=1100)
