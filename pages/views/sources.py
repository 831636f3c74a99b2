"""Each source of a brand in plain words, and the fields each kind takes."""

from dataclasses import dataclass

from core.i18n import Formats, Language, ngettext
from core.terms import name
from models.tables import Source
from pages.i18n import DOMAIN, Gettext
from pages.views.common import kind_labels


@dataclass(frozen=True)
class KindForm:
    kind: str
    name: str
    fields: tuple[str, ...]
    help: str


def kind_forms(_: Gettext, language: Language) -> list[KindForm]:
    names = kind_labels(language)
    specs = [
        (
            "google_alerts",
            ("url",),
            _("In Google Alerts choose “Deliver to: RSS feed” and paste the feed's URL."),
        ),
        ("rss", ("url",), _("Any RSS or Atom feed: a news site, a blog, a forum.")),
        (
            "google_news",
            ("locale", "search"),
            _(
                "Edition as language-country:country, e.g. es-419:MX or en-US:US. "
                "The search defaults to the brand's query."
            ),
        ),
        (
            "reddit",
            ("subreddit", "search"),
            _(
                "Needs the server's Reddit app credentials. "
                "Leave the subreddit empty to search all of Reddit."
            ),
        ),
        (
            "hackernews",
            ("search",),
            _("Searches Hacker News stories and comments for the brand's query."),
        ),
        (
            "mastodon",
            ("instance", "hashtag"),
            _("A Mastodon server and a hashtag, e.g. https://mastodon.social and oxxo."),
        ),
        ("bluesky", ("search",), _("Needs the server's Bluesky handle and app password.")),
    ]
    return [KindForm(kind, names[kind], fields, text) for kind, fields, text in specs]


@dataclass(frozen=True)
class SourceView:
    id: int
    kind: str
    kind_name: str
    target: str
    status: str
    status_name: str
    summary: str
    last_polled: str
    next_poll: str
    last_error: str | None
    mentions_found: str
    failures: int


def source_view(source: Source, fmt: Formats, _: Gettext, language: Language) -> SourceView:
    assert source.id is not None
    target = source.url or ""
    if source.kind == "mastodon":
        target = f"{source.instance} #{source.hashtag}"
    elif source.kind == "reddit":
        target = f"r/{source.subreddit}" if source.subreddit else _("all of Reddit")
    elif source.kind == "google_news":
        target = source.locale or ""
    if source.search:
        target = f"{target} “{source.search}”".strip()
    if source.status == "failing":
        summary = _(
            "Failing: it stopped after {n} failed polls in a row. Fix it or poll it now."
        ).format(n=source.consecutive_failures)
    elif source.status == "paused":
        summary = _("Paused: it is not polled until you resume it.")
    elif source.last_polled_at is None:
        summary = _("Waiting for its first poll.")
    elif source.consecutive_failures:
        summary = ngettext(
            DOMAIN,
            language,
            "Working, but the last poll failed; it retries with a longer wait.",
            "Working, but the last {n} polls failed; it retries with a longer wait.",
            source.consecutive_failures,
        ).format(n=source.consecutive_failures)
    else:
        summary = _("Working: the last poll succeeded.")
    return SourceView(
        id=source.id,
        kind=source.kind,
        kind_name=name(source.kind, language),
        target=target,
        status=source.status,
        status_name=name(source.status, language),
        summary=summary,
        last_polled=fmt.datetime(source.last_polled_at) if source.last_polled_at else _("never"),
        next_poll=fmt.datetime(source.next_poll_at)
        if source.next_poll_at
        else _("as soon as possible"),
        last_error=source.last_error,
        mentions_found=fmt.integer(source.mentions_found),
        failures=source.consecutive_failures,
    )
