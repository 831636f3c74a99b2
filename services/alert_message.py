"""The message an alert sends, built from its stored figures (so a retry sends the same one).

Channel-neutral: `email_render` turns it into HTML and plain text, `webhook` into JSON.
Every value here is plain, unescaped text; the renderers escape for their medium.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from models.alert_tables import Alert
from models.tables import Mention

TITLE_CHARS = 300
EXCERPT_CHARS = 280
KIND_TITLES = {"spike": "Spike", "negative_surge": "Negative surge", "digest": "Digest"}


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
    headline: str
    summary: str
    window_start: datetime
    window_end: datetime
    window_text: str
    sections: tuple[Section, ...]
    mentions_title: str
    mentions: tuple[MentionLine, ...]
    figures: dict[str, Any]

    @property
    def subject(self) -> str:
        return f"[Escucha]{' [TEST]' if self.test else ''} {self.headline}"


def mention_snapshot(mention: Mention) -> dict[str, Any]:
    """What an alert keeps of a mention, so its message does not change later."""
    return {
        "id": mention.id,
        "title": mention.title[:TITLE_CHARS],
        "url": mention.url,
        "source_kind": mention.source_kind,
        "domain": mention.domain,
        "author": mention.author,
        "published_at": mention.published_at.isoformat(),
        "sentiment_label": mention.sentiment_label,
        "sentiment_compound": round(mention.sentiment_compound, 4),
        "excerpt": mention.text[:EXCERPT_CHARS],
        "engagement_score": mention.engagement_score,
    }


def _line(snapshot: dict[str, Any], timezone: str) -> MentionLine:
    published = str(snapshot.get("published_at") or "")
    if published:
        published = local_text(datetime.fromisoformat(published), timezone)
    return MentionLine(
        id=int(snapshot["id"]),
        title=str(snapshot.get("title") or "(untitled)"),
        url=str(snapshot.get("url") or ""),
        source_kind=str(snapshot.get("source_kind") or ""),
        domain=str(snapshot.get("domain") or ""),
        author=snapshot.get("author"),
        published_at=published,
        sentiment_label=str(snapshot.get("sentiment_label") or "neutral"),
        sentiment_compound=float(snapshot.get("sentiment_compound") or 0.0),
        excerpt=str(snapshot.get("excerpt") or ""),
    )


def local_text(moment: datetime, timezone: str) -> str:
    return moment.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M %Z")


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:+.0f}%"


def _rows(pairs: list[Any], label_key: str, value_key: str) -> tuple[tuple[str, str], ...]:
    return tuple((str(p[label_key]), str(p[value_key])) for p in pairs)


def _spike_sections(f: dict[str, Any]) -> list[Section]:
    rows = [
        ("Observed", f"{f['observed']} {'negative ' if f.get('negative_only') else ''}mentions"),
        ("Expected (baseline mean)", f"{f['expected']:.2f} per {f['window_minutes']} min"),
        ("Threshold", f"{f['threshold']} (sensitivity {f['sensitivity']})"),
        ("p-value", f"{f['p_value']:.2g}"),
        ("Baseline", f"{f['baseline_mentions']} mentions over {f['baseline_days']} days"),
    ]
    if f.get("observed_share") is not None:
        rows.append(
            ("Negative share", f"{f['observed_share']:.0%} (baseline {f['baseline_share']:.0%})")
        )
    rows.append(("Explanation", _explanation(f)))
    return [
        Section("Why it fired", tuple(rows)),
        Section("Top sources", _rows(f.get("top_sources", []), "source_kind", "mentions")),
        Section("Top authors", _rows(f.get("top_authors", []), "author", "mentions")),
        Section("Top terms", _rows(f.get("top_terms", []), "term", "count")),
    ]


def _explanation(f: dict[str, Any]) -> str:
    """One story carries the spike, or it is broad conversation (alerts stored before
    stories existed say nothing)."""
    story = f.get("top_story")
    if f.get("explanation") == "story" and story:
        return f"One story carries {story['share']:.0%} of this spike: {story['title']}"
    if f.get("explanation") == "broad":
        return "Broad conversation: no single story carries it"
    return "n/a"


def _objective(o: dict[str, Any]) -> str:
    direction = "at least" if o.get("direction") == "at_least" else "at most"
    status = str(o["status"]).replace("_", " ")
    return (
        f"{status}: {o['metric']} {o['current']:g} (target {direction} {o['target']:g}, "
        f"projected {o['projected']:g})"
    )


def _digest_sections(f: dict[str, Any]) -> list[Section]:
    s, prev = f["sentiment"], f["previous_period"]
    sections = [
        Section(
            "Volume",
            (
                ("Mentions", str(f["mentions"])),
                ("Previous period", str(prev["mentions"])),
                ("Change", _pct(prev["change_pct"])),
            ),
        ),
        Section(
            "Sentiment",
            (
                (
                    "Positive / neutral / negative",
                    f"{s['positive']} / {s['neutral']} / {s['negative']}",
                ),
                ("Average compound", f"{s['avg']:+.3f}"),
                ("Net sentiment", f"{s['net']:+.1f}"),
            ),
        ),
        Section(
            "Share of voice",
            tuple((b["name"], f"{b['share']:.0%} ({b['mentions']})") for b in f["share_of_voice"]),
        ),
        Section("Top terms", _rows(f.get("top_terms", []), "term", "count")),
        Section("Objectives", tuple((o["name"], _objective(o)) for o in f.get("objectives", []))),
        Section("Source health", tuple((s["name"], s["health"]) for s in f.get("sources", []))),
    ]
    folded = f.get("folded_alerts", [])
    if folded:
        sections.append(
            Section(
                "Alerts held back by the daily budget",
                tuple((a["fired_at_local"], a["reason"]) for a in folded),
            )
        )
    return sections


def _headline(alert: Alert, brand_name: str, f: dict[str, Any]) -> str:
    if alert.kind == "digest":
        period = "Weekly" if f.get("schedule") == "weekly" else "Daily"
        change = f["previous_period"]["change_pct"]
        return f"{period} digest for {brand_name}: {f['mentions']} mentions ({_pct(change)})"
    what = "negative mentions" if alert.kind == "negative_surge" else "mentions"
    title = KIND_TITLES[alert.kind]
    return f"{title}: {f['observed']} {what} of {brand_name} in {f['window_minutes']} minutes"


def build_message(alert: Alert, *, brand_name: str) -> AlertMessage:
    assert alert.id is not None
    f = alert.figures
    timezone = str(f.get("timezone") or "UTC")
    sections = _digest_sections(f) if alert.kind == "digest" else _spike_sections(f)
    window = (
        f"{local_text(alert.window_start, timezone)} to {local_text(alert.window_end, timezone)}"
    )
    return AlertMessage(
        alert_id=alert.id,
        rule_id=alert.rule_id,
        kind=alert.kind,
        brand_id=alert.brand_id,
        brand_name=brand_name,
        test=alert.test,
        headline=_headline(alert, brand_name, f),
        summary=alert.reason,
        window_start=alert.window_start,
        window_end=alert.window_end,
        window_text=window,
        sections=tuple(s for s in sections if s.rows),
        mentions_title="Top mentions" if alert.kind == "digest" else "Sample mentions",
        mentions=tuple(_line(m, timezone) for m in f.get("sample_mentions", [])),
        figures=f,
    )
