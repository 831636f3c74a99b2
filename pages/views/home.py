"""One brand's card on the home page: its last week."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from markupsafe import Markup
from sqlmodel import Session

from models.tables import Brand
from pages import charts
from pages.i18n import Formats
from pages.views.common import Gettext, HealthLine, health_lines
from services.situation import build_situation
from services.trends import build_trend

WEEK = timedelta(days=7)


@dataclass(frozen=True)
class BrandCard:
    id: int
    name: str
    mentions: str
    net_sentiment: str
    change: str
    sparkline: Markup
    problems: list[HealthLine]


def build_home(
    session: Session, brand: Brand, *, now: datetime, fmt: Formats, _: Gettext
) -> BrandCard:
    assert brand.id is not None
    report = build_situation(session, brand, since=now - WEEK, until=now, now=now)
    trend = build_trend(session, brand, since=now - WEEK, until=now, interval="day")
    return BrandCard(
        id=brand.id,
        name=brand.name,
        mentions=fmt.number(report.mentions),
        net_sentiment=fmt.decimal(report.sentiment.net, 2),
        change=fmt.signed_pct(report.previous_period.change_pct),
        sparkline=charts.sparkline(
            [b.mentions for b in trend], label=_("Mentions per day, last 7 days")
        ),
        problems=health_lines(report.health, fmt, _),
    )
