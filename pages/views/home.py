"""One brand's card on the home page: its last week."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from markupsafe import Markup
from sqlmodel import Session

from core.i18n import Formats, Language
from models.tables import Brand
from pages.i18n import gettext_of
from pages.views.common import HealthLine, health_lines, kind_labels
from services.charts.build import sparkline
from services.charts.svg import render_svg
from services.situation import build_situation
from services.trends import build_trend

WEEK = timedelta(days=7)


@dataclass(frozen=True)
class BrandCard:
    id: int
    name: str
    mentions: str
    net_sentiment: str
    change: str | None
    sparkline: Markup
    problems: list[HealthLine]


def build_home(
    session: Session, brand: Brand, *, now: datetime, fmt: Formats, language: Language
) -> BrandCard:
    assert brand.id is not None
    _ = gettext_of(language)
    report = build_situation(session, brand, since=now - WEEK, until=now, now=now)
    trend = build_trend(session, brand, since=now - WEEK, until=now, interval="day")
    return BrandCard(
        id=brand.id,
        name=brand.name,
        mentions=fmt.integer(report.mentions),
        net_sentiment=fmt.signed(report.sentiment.net, 1),
        change=fmt.change(report.previous_period.change_pct, 1),
        sparkline=Markup(
            render_svg(
                sparkline(
                    [b.mentions for b in trend],
                    title=_("Mentions per day, last 7 days"),
                    language=language,
                    formats=fmt,
                ),
                width=240,
                height=40,
                chart_id=f"spark-{brand.id}",
            )
        ),
        problems=health_lines(report.health, fmt, _, kind_labels(language)),
    )
