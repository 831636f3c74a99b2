"""Small builders of real-format feeds, so tests choose their titles, links and dates.

`rss2` writes an RSS 2.0 document; `google_alerts_atom` writes the Atom feed Google Alerts
serves, in the exact shape of a real one (one line, `type="html"` titles with `<b>`
highlights, google.com/url redirect links, empty authors, `&amp;nbsp;...` snippets).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from urllib.parse import quote
from xml.sax.saxutils import escape, quoteattr


@dataclass(frozen=True)
class Entry:
    title: str  # HTML allowed for Google Alerts (e.g. "<b>Lumbre</b> abre ...")
    link: str | None = None
    summary: str = ""  # HTML
    published: datetime | None = None
    guid: str | None = None
    author: str | None = None
    source: str | None = None  # RSS <source>: the publisher
    source_url: str | None = None
    content: str | None = None  # RSS <content:encoded>


def rss2(
    entries: Sequence[Entry],
    *,
    title: str = "Escucha test feed",
    link: str = "https://news.example.org/",
    language: str = "es",
) -> bytes:
    items = "".join(_rss_item(entry) for entry in entries)
    document = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/">\n<channel>\n'
        f"<title>{escape(title)}</title>\n<link>{escape(link)}</link>\n"
        f"<description>{escape(title)}</description>\n<language>{language}</language>\n"
        f"{items}</channel>\n</rss>\n"
    )
    return document.encode("utf-8")


def _rss_item(entry: Entry) -> str:
    parts = [f"<title>{escape(entry.title)}</title>"]
    if entry.link:
        parts.append(f"<link>{escape(entry.link)}</link>")
    if entry.guid:
        parts.append(f'<guid isPermaLink="false">{escape(entry.guid)}</guid>')
    if entry.published:
        parts.append(f"<pubDate>{format_datetime(entry.published.astimezone(UTC), True)}</pubDate>")
    if entry.author:
        parts.append(f"<dc:creator>{escape(entry.author)}</dc:creator>")
    if entry.summary:
        parts.append(f"<description>{escape(entry.summary)}</description>")
    if entry.content:
        parts.append(f"<content:encoded><![CDATA[{entry.content}]]></content:encoded>")
    if entry.source:
        url = quoteattr(entry.source_url or "https://publisher.example.org")
        parts.append(f"<source url={url}>{escape(entry.source)}</source>")
    return "<item>" + "".join(parts) + "</item>\n"


def google_alerts_atom(
    entries: Sequence[Entry],
    *,
    query: str = "Lumbre",
    user_id: str = "06211843502736001234",
    alert_id: str = "9876543210123456789",
    updated: datetime | None = None,
) -> bytes:
    stamp = _atom_date(updated or _newest(entries))
    head = (
        '<?xml version="1.0" encoding="utf-8"?> '
        '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:idx="urn:atom-extension:indexing"> '
        f"<id>tag:google.com,2005:reader/user/{user_id}/state/com.google/alerts/{alert_id}</id> "
        f"<title>Google Alert - {escape(query)}</title> "
        f'<link href="https://www.google.com/alerts/feeds/{user_id}/{alert_id}" rel="self">'
        f"</link> <updated>{stamp}</updated> "
    )
    body = "".join(_alert_entry(n, entry) for n, entry in enumerate(entries))
    return (head + body + "</feed> ").encode("utf-8")


def google_redirect(url: str) -> str:
    """The google.com/url redirect Google Alerts wraps every link in."""
    return (
        f"https://www.google.com/url?rct=j&sa=t&url={quote(url, safe=':/?=%')}"
        "&ct=ga&cd=CAIyGjFlNWM0ZDNiYTk4NzY1NDM6Y29tOmVzOlVT&usg=AOvVaw0test"
    )


def _alert_entry(n: int, entry: Entry) -> str:
    stamp = _atom_date(entry.published or datetime.now(UTC))
    link = google_redirect(entry.link) if entry.link else ""
    return (
        f"<entry> <id>tag:google.com,2013:googlealerts/feed:{entry.guid or 1000 + n}</id> "
        f'<title type="html">{escape(entry.title)}</title> '
        f'<link href="{escape(link)}"></link> '
        f"<published>{stamp}</published> <updated>{stamp}</updated> "
        f'<content type="html">{escape(entry.summary)}</content> '
        f"<author> <name>{escape(entry.author or '')}</name> </author> </entry> "
    )


def _newest(entries: Sequence[Entry]) -> datetime:
    dates = [entry.published for entry in entries if entry.published]
    return max(dates) if dates else datetime.now(UTC)


def _atom_date(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
