"""The Situation overview of one brand: the report of the period, drawn.

Every figure comes from services.situation.build_situation (the report the JSON API
returns) or services.trends.build_trend (the API's trend series); this module only picks,
formats and draws them."""

from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup
from sqlmodel import Session

from domain.buckets import bucket_bounds
from models.tables import Brand, Mention
from pages import charts
from pages.i18n import Formats
from pages.periods import Period
from services.brands import get_brand_or_404
from services.situation import SituationReport, build_situation
from services.trends import TrendBucketData, build_trend
from pages.views.common import (
    Gettext,
    HealthLine,
    MentionRow,
    health_lines,
    kind_labels,
    mention_row,
    mentions_href,
    sentiment_labels,
)

SENTIMENTS = ("positive", "neutral", "negative")
TICKS = 6


@dataclass(frozen=True)
class Tile:
    kpi: str
    label: str
    value: str  # the report's figure as the API writes it (data-value)
    shown: str
    previous: str | None
    change: str | None
    hint: str


@dataclass(frozen=True)
class Peak:
    when: str
    mentions: str
    href: str
    explanation: str
    top: list[MentionRow]


@dataclass(frozen=True)
class Author:
    name: str
    mentions: str
    engagement: str


@dataclass(frozen=True)
class Term:
    term: str
    count: str
    href: str


@dataclass(frozen=True)
class Legend:
    css: str
    name: str
    share: str


@dataclass(frozen=True)
class Overview:
    report: SituationReport
    tiles: list[Tile]
    banner: list[HealthLine]
    volume_chart: Markup
    voice_chart: Markup
    voice_legend: list[Legend]
    sources_chart: Markup
    media_chart: Markup
    domains_chart: Markup
    authors: list[Author]
    terms: list[Term]
    peaks: list[Peak]
    top_mentions: list[MentionRow]
    interval: str


def _raw(value: float | int | None) -> str:
    return "" if value is None else repr(value)


def _tiles(
    report: SituationReport, previous: SituationReport, fmt: Formats, _: Gettext
) -> list[Tile]:
    def own_share(r: SituationReport) -> float:
        return next((v.share for v in r.share_of_voice if v.brand_id == r.brand_id), 0.0)

    stories: int | None = getattr(report, "stories", None)
    previous_stories: int | None = getattr(previous, "stories", None)
    rows: list[tuple[str, str, float | int | None, float | int | None, str, str, str]] = [
        ("mentions", _("Mentions"), report.mentions, previous.mentions,
         fmt.number(report.mentions), fmt.number(previous.mentions),
         _("Mentions published in the period")),
        ("net_sentiment", _("Net sentiment"), report.sentiment.net, previous.sentiment.net,
         fmt.decimal(report.sentiment.net, 2), fmt.decimal(previous.sentiment.net, 2),
         _("(positive - negative) / mentions x 100")),
        ("avg_sentiment", _("Average sentiment"), report.sentiment.avg, previous.sentiment.avg,
         fmt.decimal(report.sentiment.avg, 4), fmt.decimal(previous.sentiment.avg, 4),
         _("Mean sentiment score, -1 to 1")),
        ("share_of_voice", _("Share of voice"), own_share(report), own_share(previous),
         fmt.percent(own_share(report)), fmt.percent(own_share(previous)),
         _("Our mentions among ours and the competitors'")),
        ("stories", _("Stories"), stories, previous_stories,
         fmt.number(stories), fmt.number(previous_stories),
         _("Distinct stories the mentions tell")),
        ("strength", _("Strength"), report.scores.strength, previous.scores.strength,
         fmt.percent(report.scores.strength), fmt.percent(previous.scores.strength),
         _("Share of the period's mentions in its last 24 hours")),
        ("passion", _("Passion"), report.scores.passion, previous.scores.passion,
         fmt.percent(report.scores.passion), fmt.percent(previous.scores.passion),
         _("Share of mentions by authors who mention us more than once")),
        ("reach", _("Reach"), report.scores.reach, previous.scores.reach,
         fmt.percent(report.scores.reach), fmt.percent(previous.scores.reach),
         _("Distinct authors per mention")),
    ]  # fmt: skip
    tiles = []
    for kpi, label, value, _before, shown, previous_shown, hint in rows:
        change = None
        if kpi == "mentions" and report.previous_period.change_pct is not None:
            change = fmt.signed_pct(report.previous_period.change_pct)
        tiles.append(Tile(kpi, label, _raw(value), shown, previous_shown, change, hint))
    return tiles


def _ticks(labels: list[str]) -> list[charts.Tick]:
    every = max(len(labels) // TICKS, 1)
    return [charts.Tick(i, label) for i, label in enumerate(labels) if i % every == 0]


def _bucket_label(start: datetime, interval: str, fmt: Formats) -> str:
    return fmt.time(start) if interval == "hour" else fmt.short_date(start)


def _windows(
    brand: Brand, period: Period
) -> list[tuple[datetime, datetime]]:
    """Each bucket's part inside the period: the mentions a click on it opens."""
    return [
        (max(start, period.since), min(end, period.until))
        for start, end in bucket_bounds(
            period.since, period.until, period.interval, brand.timezone
        )
    ]


def _volume_chart(
    brand: Brand, period: Period, trend: list[TrendBucketData], fmt: Formats, _: Gettext
) -> Markup:
    assert brand.id is not None
    names = sentiment_labels(_)
    windows = _windows(brand, period)
    bars = []
    for bucket, (low, high) in zip(trend, windows, strict=True):
        label = _bucket_label(bucket.start, period.interval, fmt)
        segments = [
            charts.Segment(
                getattr(bucket, sentiment),
                f"s-{sentiment}",
                f"{label}: {fmt.number(getattr(bucket, sentiment))} {names[sentiment]}",
                mentions_href(brand.id, since=low, until=high, label=sentiment),
            )
            for sentiment in SENTIMENTS
        ]
        bars.append(charts.Bar(label, segments, mentions_href(brand.id, since=low, until=high)))
    peak = max((b.mentions for b in trend), default=0)
    chart = charts.StackedChart(bars, fmt.number(peak), _ticks([b.label for b in bars]))
    return charts.stacked_bars(chart, label=_("Volume by sentiment"))


def _voice_chart(
    session: Session, brand: Brand, report: SituationReport, period: Period, fmt: Formats,
    _: Gettext,
) -> tuple[Markup, list[Legend]]:  # fmt: skip
    series = []
    legend = []
    for index, voice in enumerate(report.share_of_voice):
        other = get_brand_or_404(session, workspace_id=brand.workspace_id, brand_id=voice.brand_id)
        trend = build_trend(
            session, other, since=period.since, until=period.until, interval=period.interval
        )
        series.append((voice.name, f"s-{index % 6}", trend))
        legend.append(Legend(f"s-{index % 6}", voice.name, fmt.percent(voice.share)))
    bars = []
    for position, bucket in enumerate(series[0][2] if series else []):
        label = _bucket_label(bucket.start, period.interval, fmt)
        segments = [
            charts.Segment(
                trend[position].mentions,
                css,
                f"{label}: {name} {fmt.number(trend[position].mentions)}",
            )
            for name, css, trend in series
        ]
        bars.append(charts.Bar(label, segments))
    chart = charts.StackedChart(bars, "100%", _ticks([b.label for b in bars]), height=160)
    return charts.stacked_bars(chart, label=_("Share of voice"), normalize=True), legend


def build_overview(
    session: Session,
    brand: Brand,
    *,
    period: Period,
    now: datetime,
    fmt: Formats,
    _: Gettext,
) -> Overview:
    assert brand.id is not None
    report = build_situation(session, brand, since=period.since, until=period.until, now=now)
    previous = build_situation(
        session,
        brand,
        since=report.previous_period.since,
        until=report.previous_period.until,
        now=now,
    )
    trend = build_trend(
        session, brand, since=period.since, until=period.until, interval=period.interval
    )
    kinds = kind_labels(_)
    labels = sentiment_labels(_)
    voice_chart, legend = _voice_chart(session, brand, report, period, fmt, _)
    media_names = {"owned": _("owned"), "earned": _("earned"), "paid": _("paid")}
    window = {"since": period.since, "until": period.until}
    return Overview(
        report=report,
        tiles=_tiles(report, previous, fmt, _),
        banner=health_lines(report.health, fmt, _),
        volume_chart=_volume_chart(brand, period, trend, fmt, _),
        voice_chart=voice_chart,
        voice_legend=legend,
        sources_chart=charts.hbars(
            [
                charts.HBar(
                    kinds.get(s.source_kind, s.source_kind)
                    + ("" if s.health.ok else " ⚠"),
                    s.mentions,
                    fmt.number(s.mentions),
                    mentions_href(brand.id, source_kind=s.source_kind, **window),
                    f"s-{i % 6}",
                )
                for i, s in enumerate(report.by_source)
            ],
            label=_("Source kinds"),
        ),
        media_chart=charts.hbars(
            [
                charts.HBar(media_names.get(m.media_type, m.media_type), m.mentions,
                            fmt.percent(m.share), None, f"m-{m.media_type}")
                for m in report.by_media_type
            ],
            label=_("Owned, earned and paid"),
        ),  # fmt: skip
        domains_chart=charts.hbars(
            [charts.HBar(domain, n, fmt.number(n)) for domain, n in report.top_domains],
            label=_("Top domains"),
        ),
        authors=[
            Author(name, fmt.number(n), fmt.number(engagement))
            for name, n, engagement in report.top_authors
        ],
        terms=[
            Term(t.term, fmt.number(t.count), mentions_href(brand.id, q=f'"{t.term}"', **window))
            for t in report.top_terms
        ],
        peaks=[
            Peak(
                when=fmt.datetime(p.start) if period.interval == "hour" else fmt.date(p.start),
                mentions=fmt.number(p.mentions),
                href=mentions_href(
                    brand.id, since=max(p.start, period.since), until=min(p.end, period.until)
                ),
                explanation=_peak_text(p.top_mentions, fmt, _),
                top=[mention_row(m, fmt, _, labels) for m in p.top_mentions],
            )
            for p in report.peaks
        ],
        top_mentions=[mention_row(m, fmt, _, labels) for m in report.top_mentions],
        interval=period.interval,
    )


def _peak_text(top: list[Mention], fmt: Formats, _: Gettext) -> str:
    if not top:
        return _("No single mention stands out.")
    lead = top[0]
    return _("Led by “{title}” on {domain}, the most engaging mention that day.").format(
        title=lead.title or lead.url, domain=lead.domain
    )
