"""The Situation overview of one brand: the report of the period, drawn.

Every figure comes from services.situation.build_situation (the report the JSON API
returns) or services.voice_trend.build_series (the API's trend series and the share of
voice over time, read in one statement); this module only picks, formats and draws them."""

from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup
from sqlmodel import Session

from core.i18n import Formats, Language
from core.terms import name
from models.report_types import ExplanationPublic, SituationPublic
from models.tables import Brand
from pages import charts
from pages.i18n import Gettext, gettext_of
from pages.periods import Period
from pages.views.common import (
    HealthLine,
    MentionRow,
    health_lines,
    kind_labels,
    mention_row,
    mentions_href,
    sentiment_labels,
)
from services.charts.build import Link, share_of_voice_chart, volume_chart
from services.parallel_reads import ParallelReads
from services.situation import build_situation
from services.voice_trend import build_series


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
    href: str


@dataclass(frozen=True)
class Term:
    term: str
    count: str
    href: str


@dataclass(frozen=True)
class Overview:
    report: SituationPublic
    tiles: list[Tile]
    banner: list[HealthLine]
    volume_chart: Markup
    voice_chart: Markup
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


def _count(value: int | None, fmt: Formats) -> str:
    return "-" if value is None else fmt.integer(value)


def _tiles(report: SituationPublic, fmt: Formats, _: Gettext) -> list[Tile]:
    """The eight figures of the report. The report compares the mention count with the
    previous period of the same length (its count and change); the other figures of the
    previous period would take a second report, doubling the page's cost."""
    own_share = next((v.share for v in report.share_of_voice if v.brand_id == report.brand_id), 0.0)
    stories: int | None = getattr(report, "stories", None)
    scores = report.scores
    rows: list[tuple[str, str, float | int | None, str, str]] = [
        ("mentions", _("Mentions"), report.mentions, fmt.integer(report.mentions),
         _("Mentions published in the period")),
        ("net_sentiment", _("Net sentiment"), report.sentiment.net,
         fmt.decimal(report.sentiment.net, 2), _("(positive - negative) / mentions x 100")),
        ("avg_sentiment", _("Average sentiment"), report.sentiment.avg,
         fmt.decimal(report.sentiment.avg, 4), _("Mean sentiment score, -1 to 1")),
        ("share_of_voice", _("Share of voice"), own_share, fmt.percent(own_share, 1),
         _("Our mentions among ours and the competitors'")),
        ("stories", _("Stories"), stories, _count(stories, fmt),
         _("Distinct stories the mentions tell")),
        ("strength", _("Strength"), scores.strength, fmt.percent(scores.strength, 1),
         _("Share of the period's mentions in its last 24 hours")),
        ("passion", _("Passion"), scores.passion, fmt.percent(scores.passion, 1),
         _("Share of mentions by authors who mention us more than once")),
        ("reach", _("Reach"), scores.reach, fmt.percent(scores.reach, 1),
         _("Distinct authors per mention")),
    ]  # fmt: skip
    previous = report.previous_period
    tiles = []
    for kpi, label, value, shown, hint in rows:
        before = change = None
        if kpi == "mentions":
            before, change = fmt.integer(previous.mentions), fmt.change(previous.change_pct, 1)
        tiles.append(Tile(kpi, label, _raw(value), shown, before, change, hint))
    return tiles


def _link(brand_id: int, period: Period) -> Link:
    """Where a click on a bucket goes: its mentions inside the period (a sentiment's)."""

    def link(start: datetime, end: datetime, label: str | None) -> str:
        return mentions_href(
            brand_id, since=max(start, period.since), until=min(end, period.until), label=label
        )

    return link


def build_overview(
    session: Session,
    brand: Brand,
    *,
    period: Period,
    now: datetime,
    fmt: Formats,
    language: Language,
) -> Overview:
    assert brand.id is not None
    _ = gettext_of(language)
    since, until, interval = period.since, period.until, period.interval
    # The two series (one statement) are read beside the report (which runs its own reads
    # side by side).
    with ParallelReads(session, readers=1) as reads:
        series_read = reads.read(
            lambda s: build_series(s, brand, since=since, until=until, interval=interval)
        )
        report = build_situation(session, brand, since=since, until=until, now=now)
        trend, voices = series_read.result()
    link = _link(brand.id, period)
    volume = volume_chart(
        trend, interval=interval, until=period.until, language=language, formats=fmt, link=link
    )
    voice = share_of_voice_chart(voices, language=language, formats=fmt, link=link)
    kinds, labels = kind_labels(language), sentiment_labels(language)
    window = {"since": period.since, "until": period.until}
    return Overview(
        report=report,
        tiles=_tiles(report, fmt, _),
        banner=health_lines(report.health, fmt, _, kinds),
        volume_chart=charts.chart_markup(volume, chart_id="volume", height=280),
        voice_chart=charts.chart_markup(voice, chart_id="voice", height=220),
        sources_chart=charts.hbars(
            [
                charts.HBar(
                    kinds.get(s.source_kind, s.source_kind) + ("" if s.health.ok else " ⚠"),
                    s.mentions,
                    fmt.integer(s.mentions),
                    mentions_href(brand.id, source_kind=s.source_kind, **window),
                    f"s-{i % 6}",
                )
                for i, s in enumerate(report.by_source)
            ],
            label=name("by_source", language),
        ),
        media_chart=charts.hbars(
            [
                charts.HBar(
                    name(m.media_type, language),
                    m.mentions,
                    fmt.percent(m.share, 1),
                    mentions_href(brand.id, media_type=m.media_type, **window),
                    f"m-{m.media_type}",
                )
                for m in report.by_media_type
            ],
            label=name("by_media_type", language),
        ),
        domains_chart=charts.hbars(
            [
                charts.HBar(
                    d.domain,
                    d.mentions,
                    fmt.integer(d.mentions),
                    mentions_href(brand.id, domain=d.domain, **window),
                )
                for d in report.top_domains
            ],
            label=name("top_domains", language),
        ),
        authors=[
            Author(
                a.author,
                fmt.integer(a.mentions),
                fmt.integer(a.engagement),
                mentions_href(brand.id, author=a.author, **window),
            )
            for a in report.top_authors
        ],
        terms=[
            Term(t.term, fmt.integer(t.count), mentions_href(brand.id, q=f'"{t.term}"', **window))
            for t in report.top_terms
        ],
        peaks=[
            Peak(
                when=fmt.datetime(p.start) if interval == "hour" else fmt.date(p.start),
                mentions=fmt.integer(p.mentions),
                href=mentions_href(
                    brand.id, since=max(p.start, period.since), until=min(p.end, period.until)
                ),
                explanation=_peak_text(p.explanation, fmt, _),
                top=[mention_row(m, fmt, _, labels, kinds) for m in p.top_mentions],
            )
            for p in report.peaks
        ],
        top_mentions=[mention_row(m, fmt, _, labels, kinds) for m in report.top_mentions],
        interval=interval,
    )


def _peak_text(explained: ExplanationPublic, fmt: Formats, _: Gettext) -> str:
    """The report's own explanation of a peak (services.stories), in words."""
    if explained.kind == "story" and explained.story is not None:
        return _("One story carries {share} of this peak: “{title}”").format(
            share=fmt.percent(explained.share),
            title=explained.story.title or explained.story.first_url,
        )
    return _("Broad conversation: no single story carries this peak.")
