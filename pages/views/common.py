"""Pieces several pages show: mentions as rows, the health banner, links to mentions."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any
from urllib.parse import quote_plus, urlsplit

from babel import Locale

from core.i18n import Formats, Language
from core.terms import name
from models.mention_public import MentionPublic
from models.report_types import HealthPublic
from pages.i18n import Gettext

KINDS = ("google_alerts", "rss", "google_news", "reddit", "hackernews", "mastodon", "bluesky")
SENTIMENTS = ("positive", "neutral", "negative")
MEDIA_TYPES = ("owned", "earned", "paid")


def safe_href(url: str | None) -> str | None:
    """Only http(s) links are clickable; javascript:, data: and the rest show as text."""
    if not url:
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in ("http", "https") else None


def iso(moment: datetime) -> str:
    return moment.isoformat()


def mentions_href(brand_id: int, **filters: Any) -> str:
    """What ``urlencode`` writes for the filters given a value, each value quoted once per
    page rather than once per link: a chart has hundreds, mostly on the same few bounds."""
    query = "&".join(
        f"{name}={_quoted(iso(value) if isinstance(value, datetime) else str(value))}"
        for name, value in filters.items()
        if value
    )
    return f"/brands/{brand_id}/mentions" + (f"?{query}" if query else "")


@lru_cache(maxsize=8_192)
def _quoted(value: str) -> str:
    return quote_plus(value)


@dataclass(frozen=True)
class MentionRow:
    id: int
    title: str
    href: str | None
    url: str
    domain: str
    author: str | None
    when: str
    published_at: str
    label: str
    label_shown: str
    compound: str
    engagement: str | None
    source_kind: str
    language: str | None
    also_seen_in: list[str]
    snippet: str
    hidden: bool = False
    verdict: str | None = None  # the user's mark: relevant, irrelevant or None


def mention_row(
    m: MentionPublic,
    fmt: Formats,
    _: Gettext,
    labels: Mapping[str, str],
    kinds: Mapping[str, str],
) -> MentionRow:
    seen = [str(item.get("source_kind") or "") for item in m.also_seen_in or []]
    score, comments = m.engagement.score, m.engagement.comments
    engagement = None
    if score is not None or comments is not None:
        engagement = _("{score} points, {comments} comments").format(
            score=fmt.integer(score or 0), comments=fmt.integer(comments or 0)
        )
    return MentionRow(
        id=m.id,
        title=m.title or m.url,
        href=safe_href(m.url),
        url=m.url,
        domain=m.domain,
        author=m.author,
        when=fmt.datetime(m.published_at),
        published_at=iso(m.published_at),
        label=m.sentiment.label,
        label_shown=labels.get(m.sentiment.label, m.sentiment.label),
        compound=fmt.decimal(m.sentiment.compound, 2),
        engagement=engagement,
        source_kind=m.source_kind,
        language=m.language,
        also_seen_in=[kinds.get(s, s) for s in seen if s],
        snippet=(m.text or "")[:280],
        hidden=m.relevance.hidden,
        verdict=m.relevance.verdict,
    )


@dataclass(frozen=True)
class HealthLine:
    kind: str
    source_id: int
    text: str


def health_lines(
    summary: HealthPublic, fmt: Formats, _: Gettext, kinds: Mapping[str, str]
) -> list[HealthLine]:
    """Each failing or unpolled source of the period, in plain words."""
    lines = []
    for issue in summary.issues:
        parts = []
        if issue.status == "failing":
            parts.append(_("failing now"))
        if issue.failed_hours:
            parts.append(_("failed polls during {hours} h").format(hours=issue.failed_hours))
        for gap in issue.gaps:
            parts.append(
                _("not polled from {since} to {until}").format(
                    since=fmt.datetime(gap.since), until=fmt.datetime(gap.until)
                )
            )
        if issue.last_error:
            parts.append(_("last error: {error}").format(error=issue.last_error))
        kind = kinds.get(issue.kind, issue.kind)
        lines.append(HealthLine(kind, issue.source_id, "; ".join(parts)))
    return lines


def sentiment_labels(language: Language) -> dict[str, str]:
    return {label: name(label, language) for label in SENTIMENTS}


def kind_labels(language: Language) -> dict[str, str]:
    return {kind: name(kind, language) for kind in KINDS}


def media_labels(language: Language) -> dict[str, str]:
    return {media: name(media, language) for media in MEDIA_TYPES}


def language_labels(language: Language, codes: Iterable[str]) -> dict[str, str]:
    """ISO 639-1 codes named in the reader's language by CLDR (es: inglés; en: Spanish)."""
    names = Locale.parse(language).languages
    return {code: names.get(code, code) for code in codes}
