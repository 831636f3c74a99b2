"""One RSS item or Atom entry to a RawEntry: its fields as the feed wrote them.

Markup is kept (the adapters make plain text of it) and flagged: `*_html` is True for
HTML, False for plain text, None where the format does not say (RSS titles). One pass
over each entry's children, dispatching on the tag, keeps this fast.
"""

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urljoin

from lxml import etree

from sources.feed_dates import parse_feed_date

RSS_NAMESPACES = frozenset(
    {
        "",
        "http://purl.org/rss/1.0/",
        "http://my.netscape.com/rdf/simple/0.9/",
        "http://backend.userland.com/rss2",
        "http://blogs.law.harvard.edu/tech/rss",
    }
)
ATOM_NS = "http://www.w3.org/2005/Atom"
ATOM03_NS = "http://purl.org/atom/ns#"
DC_NS = "http://purl.org/dc/elements/1.1/"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
RDF_ABOUT = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about"
_ATOM_NAMESPACES = frozenset({ATOM_NS, ATOM03_NS, ""})
# Full tag (`{namespace}local`) to the field it fills: one dict lookup per child element.
_RSS_KEYS: dict[object, str] = {
    (f"{{{ns}}}{local}" if ns else local): local
    for ns in RSS_NAMESPACES
    for local in ("title", "link", "description", "guid", "pubDate", "author", "source")
}
_RSS_KEYS.update({f"{{{DC_NS}}}{local}": f"dc:{local}" for local in ("creator", "date", "title")})
_RSS_KEYS.update({f"{{{CONTENT_NS}}}encoded": "content", f"{{{ATOM_NS}}}link": "atom:link"})
_ATOM_KEYS: dict[object, str] = {
    (f"{{{ns}}}{local}" if ns else local): local
    for ns in _ATOM_NAMESPACES
    for local in (
        "title",
        "summary",
        "content",
        "link",
        "author",
        "id",
        "published",
        "updated",
        "issued",
        "modified",
        "created",
    )
}
_ATOM_KEYS[f"{{{DC_NS}}}creator"] = "dc:creator"
_HTML_TYPES = frozenset({"html", "text/html", "xhtml", "application/xhtml+xml"})


@dataclass(slots=True)  # not frozen: a frozen dataclass takes 3 times as long to build
class RawEntry:
    title: str | None = None
    title_html: bool | None = None
    link: str | None = None
    guid: str | None = None
    summary: str | None = None
    summary_html: bool = True
    content: str | None = None
    content_html: bool = True
    author: str | None = None
    published: datetime | None = None
    updated: datetime | None = None
    publisher: str | None = None
    publisher_url: str | None = None


def parse_rss_item(item: etree._Element) -> RawEntry:
    fields: dict[str, str] = {}
    publisher_url: str | None = None
    permalink = True
    for child in item:
        key = _RSS_KEYS.get(child.tag)
        if key is None or key in fields:
            continue
        if key == "atom:link":
            if child.get("rel", "alternate") != "alternate" or not child.get("href"):
                continue
            fields[key] = child.get("href", "")
            continue
        fields[key] = _inner_markup(child)
        if key == "guid":
            permalink = child.get("isPermaLink", "true").strip().lower() != "false"
        elif key == "source":
            publisher_url = child.get("url")
    guid = _strip(fields.get("guid")) or _strip(item.get(RDF_ABOUT))
    link = _strip(fields.get("link")) or _strip(fields.get("atom:link"))
    if link is None and guid is not None and permalink and guid.startswith("http"):
        link = guid
    return RawEntry(
        title=fields.get("title") or fields.get("dc:title"),
        title_html=None,
        link=link,
        guid=guid,
        summary=fields.get("description"),
        content=fields.get("content"),
        author=_strip(fields.get("dc:creator")) or _strip(fields.get("author")),
        published=parse_feed_date(fields.get("pubDate") or fields.get("dc:date")),
        publisher=_strip(fields.get("source")),
        publisher_url=_strip(publisher_url),
    )


def parse_atom_entry(entry: etree._Element) -> RawEntry:
    texts: dict[str, tuple[str, bool]] = {}
    values: dict[str, str] = {}
    alternate: str | None = None
    first_link: str | None = None
    for child in entry:
        key = _ATOM_KEYS.get(child.tag)
        if key is None:
            continue
        if key in ("title", "summary", "content"):
            if key not in texts:
                texts[key] = _text_construct(child)
        elif key == "link":
            href = _resolve_base(child, child.get("href"))
            if href and child.get("rel", "alternate") == "alternate":
                alternate = alternate or href
            first_link = first_link or href
        elif key == "author":
            name = _atom_author(child) if len(child) else None
            if name and "author" not in values:
                values["author"] = name
        elif key not in values:
            values[key] = child.text or ""
    title = texts.get("title")
    summary = texts.get("summary")
    content = texts.get("content")
    return RawEntry(
        title=title[0] if title else None,
        title_html=title[1] if title else None,
        link=_strip(alternate or first_link),
        guid=_strip(values.get("id")),
        summary=summary[0] if summary else None,
        summary_html=summary[1] if summary else True,
        content=content[0] if content else None,
        content_html=content[1] if content else True,
        author=_strip(values.get("author") or values.get("dc:creator")),
        published=parse_feed_date(
            values.get("published") or values.get("issued") or values.get("created")
        ),
        updated=parse_feed_date(values.get("updated") or values.get("modified")),
    )


def _text_construct(element: etree._Element) -> tuple[str, bool]:
    """An Atom text construct's value and whether it is HTML."""
    kind = element.get("type", "text").strip().lower()
    is_html = kind in _HTML_TYPES or element.get("mode") in ("escaped", "xml")
    return _inner_markup(element), is_html


def _atom_author(author: etree._Element) -> str | None:
    for child in author:
        if isinstance(child.tag, str) and child.tag.rpartition("}")[2] == "name":
            return (child.text or "").strip() or None
    return None


def _inner_markup(element: etree._Element) -> str:
    """The element's text, with any child elements (raw HTML in a <description>, an Atom
    xhtml <div>) serialized back to markup."""
    text = element.text or ""
    if len(element) == 0:
        return text
    parts = [text]
    parts.extend(etree.tostring(child, encoding="unicode", with_tail=True) for child in element)
    return "".join(parts)


def _resolve_base(element: etree._Element, href: str | None) -> str | None:
    """An Atom link made absolute against its xml:base, where it has one."""
    if not href or href.startswith(("http://", "https://")):
        return href
    base = element.base
    return urljoin(base, href) if base else href


def _strip(value: str | None) -> str | None:
    if value is None:
        return None
    return value.strip() or None
