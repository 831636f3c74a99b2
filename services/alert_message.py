"""The message an alert sends, built from its stored figures (so a retry sends the same one),
in the reader's language (the rule's `language`, else the brand locale's) with the brand
locale's numbers and dates, and the brand's timezone.

Channel-neutral: `email_render` turns it into HTML and plain text (with the volume chart as
a PNG), `webhook` into JSON. Every value here is plain, unescaped text; the renderers escape
for their medium. Words come from the gettext domain ``emails`` (and ``terms`` for the names
of fields), numbers and dates from Babel (``core.i18n``).
"""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from core.i18n import Formats, Language, formats_locale, gettext, ngettext
from core.terms import metric_value, name
from models.alert_figures import (
    DigestFigures,
    MentionSnapshot,
    ObjectiveLine,
    SourceLine,
    SpikeFigures,
    read_figures,
)
from models.alert_tables import Alert
from models.mention_public import MentionPublic
from services.charts.build import volume_chart
from services.charts.spec import Chart
from services.trends import TrendBucketData

TITLE_CHARS = 300
EXCERPT_CHARS = 280
DOMAIN = "emails"


@dataclass(frozen=True)
class MentionLine:
    id: int
    title: str
    url: str
    source_kind: str
    domain: str
    author: str | None
    published_at: str
    sentiment_label: str
    sentiment_compound: float
    excerpt: str
    meta: str  # source, site, author, local time and sentiment, in the reader's words


@dataclass(frozen=True)
class Section:
    title: str
    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class AlertMessage:
    alert_id: int
    rule_id: int | None
    kind: str
    brand_id: int
    brand_name: str
    test: bool
    language: Language
    locale: str  # the locale its numbers and dates are written in
    headline: str
    summary: str
    window_start: datetime
    window_end: datetime
    window_text: str
    sections: tuple[Section, ...]
    mentions_title: str
    mentions: tuple[MentionLine, ...]
    figures: DigestFigures | SpikeFigures
    chart: Chart | None  # volume by sentiment, when the figures carry its bars

    @property
    def subject(self) -> str:
        if not self.test:
            return f"[Escucha] {self.headline}"
        test = self.words("TEST")
        return f"[Escucha] [{test}] {self.headline}"

    def words(self, message: str) -> str:
        return gettext(DOMAIN, self.language, message)


def mention_snapshot(mention: MentionPublic) -> MentionSnapshot:
    """What an alert keeps of a mention, so its message does not change later."""
    return MentionSnapshot(
        id=mention.id,
        title=mention.title[:TITLE_CHARS],
        url=mention.url,
        source_kind=mention.source_kind,
        domain=mention.domain,
        author=mention.author,
        published_at=mention.published_at,
        sentiment_label=mention.sentiment.label,
        sentiment_compound=round(mention.sentiment.compound, 4),
        excerpt=mention.text[:EXCERPT_CHARS],
        engagement_score=mention.engagement.score,
    )


def local_text(moment: datetime, timezone: str) -> str:
    """A fixed, language-neutral form (2026-03-27 08:00 CET) for stored reasons and logs."""
    return moment.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M %Z")


class _Writer:
    """Words and formats of one message."""

    def __init__(self, language: Language, formats: Formats) -> None:
        self.language, self.formats = language, formats

    def __call__(self, message: str, **values: object) -> str:
        text = gettext(DOMAIN, self.language, message)
        return text.format(**values) if values else text

    def plural(self, singular: str, plural: str, n: int, **values: object) -> str:
        text = ngettext(DOMAIN, self.language, singular, plural, n)
        return text.format(count=self.formats.integer(n), **values)

    def name(self, key: str, capital: bool = False) -> str:
        return name(key, self.language, capital=capital)

    def sensitivity(self, value: str) -> str:
        words = {"low": self("low"), "medium": self("medium"), "high": self("high")}
        return words.get(value, value)

    def mentions(self, n: int) -> str:
        return self.plural("{count} mention", "{count} mentions", n)

    def change(self, pct: float | None) -> str:
        return self.formats.change(pct) or self("n/a")

    def line(self, m: MentionSnapshot) -> MentionLine:
        when = self.formats.datetime(m.published_at) if m.published_at else ""
        label = f"{self.name(m.sentiment_label)} {self.formats.signed(m.sentiment_compound, 2)}"
        kind = self.name(m.source_kind) if m.source_kind else ""
        parts = [kind, m.domain, m.author or "", when, label]
        return MentionLine(
            id=m.id,
            title=m.title or self("(untitled)"),
            url=m.url,
            source_kind=m.source_kind,
            domain=m.domain,
            author=m.author,
            published_at=when,
            sentiment_label=m.sentiment_label,
            sentiment_compound=m.sentiment_compound,
            excerpt=m.excerpt,
            meta=" · ".join(p for p in parts if p),
        )


def _spike_sections(f: SpikeFigures, w: _Writer) -> list[Section]:
    fmt = w.formats
    observed = (
        w.plural("{count} negative mention", "{count} negative mentions", f.observed)
        if f.negative_only
        else w.mentions(f.observed)
    )
    rows = [
        (w("Observed"), observed),
        (
            w("Expected (baseline mean)"),
            w("{expected} per {minutes} min", expected=fmt.decimal(f.expected, 2),
              minutes=fmt.integer(f.window_minutes)),
        ),
        (
            w("Threshold"),
            w("{threshold} (sensitivity {sensitivity})", threshold=fmt.integer(f.threshold),
              sensitivity=w.sensitivity(f.sensitivity)),
        ),
        (w("p-value"), fmt.significant(f.p_value)),
        (
            w("Baseline"),
            w("{mentions} over {days} days", mentions=w.mentions(f.baseline_mentions),
              days=fmt.integer(f.baseline_days)),
        ),
    ]  # fmt: skip
    if f.observed_share is not None:
        share = w(
            "{share} (baseline {baseline})",
            share=fmt.percent(f.observed_share),
            baseline=fmt.percent(f.baseline_share or 0.0),
        )
        rows.append((w("Negative share"), share))
    return [
        Section(w("Why it fired"), tuple(rows)),
        Section(
            w("Top sources"),
            tuple((w.name(s.source_kind), fmt.integer(s.mentions)) for s in f.top_sources),
        ),
        Section(
            w("Top authors"), tuple((a.author, fmt.integer(a.mentions)) for a in f.top_authors)
        ),
        Section(w("Top terms"), tuple((t.term, fmt.integer(t.count)) for t in f.top_terms)),
    ]


def _objective(o: ObjectiveLine, w: _Writer) -> str:
    def value(v: float) -> str:
        return metric_value(o.metric, v, w.formats)

    return w(
        "{status}: {metric} {current} (target {direction} {target}, projected {projected})",
        status=w.name(o.status),
        metric=w.name(o.metric),
        current=value(o.current),
        direction=w.name(o.direction),
        target=value(o.target),
        projected=value(o.projected),
    )


def _source_health(s: SourceLine, w: _Writer) -> str:
    """The period's polling record and the source's state now, in words."""
    parts = []
    if s.failed_hours:
        parts.append(w("failed polls in {hours} h of the period", hours=s.failed_hours))
    if s.gaps:
        parts.append(w.plural("{count} gap in polling", "{count} gaps in polling", s.gaps))
    state = w.name(s.status)
    if s.consecutive_failures:
        state += ", " + w.plural(
            "{count} failure in a row", "{count} failures in a row", s.consecutive_failures
        )
    if (s.status != "ok" or s.consecutive_failures) and s.last_error:
        state += f": {s.last_error}"
    elif s.status == "ok" and not s.consecutive_failures and not s.polled:
        state += ", " + w("not polled yet")
    return "; ".join([*parts, w("now {state}", state=state)])


def _source_name(s: SourceLine, w: _Writer) -> str:
    if not s.kind:
        return s.name
    return f"{w.name(s.kind)} {s.where}".strip()


def _digest_sections(f: DigestFigures, w: _Writer) -> list[Section]:
    s, prev, fmt = f.sentiment, f.previous_period, w.formats
    sections = [
        Section(
            w.name("volume", capital=True),
            (
                (w.name("mentions", capital=True), fmt.integer(f.mentions)),
                (w.name("previous_period", capital=True), fmt.integer(prev.mentions)),
                (w.name("change_pct", capital=True), w.change(prev.change_pct)),
            ),
        ),
        Section(
            w.name("sentiment", capital=True),
            (
                (
                    w("Positive / neutral / negative"),
                    " / ".join(fmt.integer(n) for n in (s.positive, s.neutral, s.negative)),
                ),
                (w.name("avg_sentiment", capital=True), fmt.signed(s.avg, 2)),
                (w.name("net_sentiment", capital=True), fmt.signed(s.net, 1)),
            ),
        ),
        Section(
            w.name("share_of_voice", capital=True),
            tuple(
                (b.name, f"{fmt.percent(b.share)} ({fmt.integer(b.mentions)})")
                for b in f.share_of_voice
            ),
        ),
        Section(
            w.name("top_terms", capital=True),
            tuple((t.term, fmt.integer(t.count)) for t in f.top_terms),
        ),
        Section(w("Objectives"), tuple((o.name, _objective(o, w)) for o in f.objectives)),
        Section(
            w.name("health", capital=True),
            tuple((_source_name(src, w), _source_health(src, w)) for src in f.sources),
        ),
    ]
    if f.folded_alerts:
        sections.append(
            Section(
                w("Alerts held back by the daily budget"),
                tuple((fmt.datetime(a.fired_at), a.reason) for a in f.folded_alerts),
            )
        )
    return sections


def _headline(alert: Alert, brand_name: str, f: DigestFigures | SpikeFigures, w: _Writer) -> str:
    if isinstance(f, DigestFigures):
        values = {
            "brand": brand_name,
            "mentions": w.mentions(f.mentions),
            "change": w.change(f.previous_period.change_pct),
        }
        if f.schedule == "weekly":
            return w("Weekly digest for {brand}: {mentions} ({change})", **values)
        return w("Daily digest for {brand}: {mentions} ({change})", **values)
    minutes = w.formats.integer(f.window_minutes)
    if alert.kind == "negative_surge":
        what = w.plural("{count} negative mention", "{count} negative mentions", f.observed)
        return w("Negative surge: {what} of {brand} in {minutes} minutes", what=what,
                 brand=brand_name, minutes=minutes)  # fmt: skip
    return w("Spike: {what} of {brand} in {minutes} minutes", what=w.mentions(f.observed),
             brand=brand_name, minutes=minutes)  # fmt: skip


def _summary(alert: Alert, f: DigestFigures | SpikeFigures, w: _Writer) -> str:
    if isinstance(f, DigestFigures):
        end = w.formats.datetime(alert.window_end)
        text = (
            w("Weekly digest of the 7 days before {end}.", end=end)
            if f.schedule == "weekly"
            else w("Daily digest of the 24 hours before {end}.", end=end)
        )
    else:
        text = w(
            "{observed} in {minutes} minutes against {expected} expected; the chance of as "
            "many by luck is {p_value}.",
            observed=w.mentions(f.observed),
            minutes=w.formats.integer(f.window_minutes),
            expected=w.formats.decimal(f.expected, 1),
            p_value=w.formats.significant(f.p_value),
        )
    if not alert.test:
        return text
    notice = w("Test message, sent on request with current data.")
    return f"{notice} {text}"


def _chart(f: DigestFigures | SpikeFigures, until: datetime, w: _Writer) -> Chart | None:
    """Volume by sentiment over the bars the alert keeps (they end where its window ends)."""
    if not f.volume:
        return None
    bars = [
        TrendBucketData(b.start, b.mentions, b.positive, b.neutral, b.negative, 0.0, 0.0)
        for b in f.volume
    ]
    return volume_chart(
        bars, interval=f.volume_interval, until=until, language=w.language, formats=w.formats
    )


def build_message(
    alert: Alert, *, brand_name: str, language: Language = "en", locale: str = "en-US"
) -> AlertMessage:
    """`language`: the reader's (see ``core.i18n.message_language``); `locale`: the brand's."""
    assert alert.id is not None
    f = read_figures(alert.kind, alert.figures)
    formats = Formats(formats_locale(language, locale), f.timezone)
    w = _Writer(language, formats)
    sections = _digest_sections(f, w) if isinstance(f, DigestFigures) else _spike_sections(f, w)
    window = w(
        "{start} to {end}",
        start=formats.datetime(alert.window_start),
        end=formats.datetime(alert.window_end),
    )
    mentions_title = w("Top mentions") if alert.kind == "digest" else w("Sample mentions")
    return AlertMessage(
        alert_id=alert.id,
        rule_id=alert.rule_id,
        kind=alert.kind,
        brand_id=alert.brand_id,
        brand_name=brand_name,
        test=alert.test,
        language=language,
        locale=formats.locale,
        headline=_headline(alert, brand_name, f, w),
        summary=_summary(alert, f, w),
        window_start=alert.window_start,
        window_end=alert.window_end,
        window_text=window,
        sections=tuple(s for s in sections if s.rows),
        mentions_title=mentions_title,
        mentions=tuple(w.line(m) for m in f.sample_mentions),
        figures=f,
        chart=_chart(f, alert.window_end, w),
    )
