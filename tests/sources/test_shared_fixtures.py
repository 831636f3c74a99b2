"""The rss and google_alerts adapters over every real captured feed in ../shared/fixtures.

Each file is served by the local HTTP server and polled by both adapters. Each must give
items with sane plain text, or fail with a clear SourceError: never another exception.
CI always has the folder; elsewhere the module skips when it is absent.
"""

import re
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest

from core.settings import Settings
from domain.canonical import canonical_url, is_google_news_article
from domain.text import html_to_text
from scripts.shared_fixtures import shared_fixtures
from sources.base import PollOutcome, SourceAdapter, SourceError, SourceItem
from sources.feeds import parse_feed
from sources.google_alerts import GoogleAlertsAdapter
from sources.http import FetchLimits, make_client
from sources.registry import source_config
from sources.rss import RssAdapter
from tests.support.feed_server import FeedServer

SHARED = shared_fixtures()
FEED_FOLDERS = ("google_alerts", "google_news", "reddit", "rss_messy", "rss_news")
FILES = sorted(
    path.relative_to(SHARED).as_posix()
    for folder in FEED_FOLDERS
    for path in (SHARED / folder).rglob("*")
    if path.suffix in (".xml", ".html")
)
pytestmark = [
    pytest.mark.shared_fixtures,
    pytest.mark.skipif(not SHARED.is_dir(), reason=f"no shared fixtures at {SHARED}"),
]

# Items each file must give, or the message it must fail with.
EXPECTED: dict[str, int | str] = {
    "google_alerts/feedjira_google_alert_slack.atom.xml": 20,
    "google_news/jkl_google_news_search_topic_putin_2012.rss.xml": 10,
    "google_news/monumentwatch_google_news_search_bears_ears_monument_2026.rss.xml": 92,
    "google_news/pythonhomework_google_news_top_stories_2019_prettyprinted.rss.xml": 38,
    "reddit/feedrs_reddit_search_rss_site_query_2021.atom.xml": 1,
    "reddit/feedrs_reddit_subreddit_mediarss.atom.xml": 25,
    "reddit/rssparser_reddit_frontpage_2015.rss.xml": 24,
    "reddit/rssparser_reddit_frontpage_2016.atom.xml": 24,
    "reddit/rssparser_reddit_frontpage_2016_rss2_unescaped_html.rss.xml": 24,
    "reddit/technews_r_programming_top_atom_modern.atom.xml": 3,
    "rss_messy/feedrs_dicasl_rss091_iso8859-1.rss.xml": 1,
    "rss_messy/feedrs_golem_rss1_rdf_iso8859-1.rdf.xml": 1,
    "rss_messy/feedrs_ilmessaggero_no_xmldecl_italian_dates_mojibake.rss.xml": 1,
    "rss_messy/feedrs_reuters_truncated_server_exception.rss.xml": "truncated",
    "rss_messy/jkl_topix_search_london_iso8859-1_2012.rss.xml": 2,
    "rss_messy/rssparser_html_document_moved_not_a_feed.html": "an HTML page, not a feed",
    "rss_messy/rssparser_jn_pt_iso8859-1_crlf.rss.xml": 40,
    "rss_messy/rssparser_uol_noticias_latin1_no_xmldecl_pt_dates.rss.xml": 15,
    "rss_news/rssparser_guardian_us_2018.rss.xml": 55,
    "rss_messy/feedparser_tests/illformed__rss_incomplete_cdata.xml": "truncated",
    "rss_messy/feedparser_tests/illformed__chardet__shiftjis.xml": 1,
    "rss_messy/feedparser_tests/illformed__rss_item_link_corrupted_ampersands.xml": 1,
}
# Files whose bytes are in an encoding they do not declare (and that is neither UTF-8 nor
# Windows-1252), or that hold undecodable bytes on purpose: no mojibake check there.
MISDECLARED = {
    "rss_messy/feedparser_tests/illformed__chardet__shiftjis.xml",
    "rss_messy/feedparser_tests/illformed__chardet__windows1255.xml",
    "rss_messy/feedparser_tests/encoding__bozo_linenoise.xml",
    "rss_messy/feedparser_tests/encoding__bozo_invalid-bytes-with-bom.xml",
}
TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
ENTITY = re.compile(r"&(?:[A-Za-z]+|#[0-9]+|#x[0-9A-Fa-f]+);")
MOJIBAKE = re.compile(r"[ÃÂ][\u0080-\u00bf]|â€|ï¿½")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
ADAPTERS: list[SourceAdapter] = [
    RssAdapter(limits=FetchLimits(max_bytes=10 * 1024 * 1024, deadline_seconds=10)),
    GoogleAlertsAdapter(limits=FetchLimits(max_bytes=10 * 1024 * 1024, deadline_seconds=10)),
]


@pytest.fixture(scope="module")
def server() -> Iterator[FeedServer]:
    with FeedServer(root=SHARED) as running:
        yield running


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with make_client(Settings(allow_private_hosts=True)) as shared:
        yield shared


def poll(adapter: SourceAdapter, client: httpx.Client, url: str) -> PollOutcome | SourceError:
    config = source_config(adapter.kind, "x", {"url": url})
    try:
        return adapter.poll(client, config, {})
    except SourceError as error:
        return error


def assert_sane_text(text: str, *, where: str, check_mojibake: bool) -> None:
    assert TAG.search(text) is None, f"leftover tag in {where}: {text[:200]!r}"
    assert ENTITY.search(text) is None, f"leftover entity in {where}: {text[:200]!r}"
    assert CONTROL.search(text) is None, f"control character in {where}: {text[:200]!r}"
    assert text == text.strip() and "  " not in text, f"loose whitespace in {where}"
    if check_mojibake:
        assert MOJIBAKE.search(text) is None, f"mojibake in {where}: {text[:200]!r}"


def assert_sane_item(item: SourceItem, *, name: str) -> None:
    declared = name not in MISDECLARED
    assert item.title or item.url
    assert_sane_text(item.title, where=f"{name} title", check_mojibake=declared)
    assert "\n" not in item.title
    assert_sane_text(item.text, where=f"{name} text", check_mojibake=declared)
    assert item.url is None or item.url.startswith(("http://", "https://"))
    if item.published_at is not None:
        assert item.published_at.utcoffset() == timedelta(0)
    if item.author is not None:
        assert item.author == item.author.strip() and item.author


@pytest.mark.parametrize("name", FILES)
def test_every_adapter_reads_the_file_or_fails_clearly(
    server: FeedServer, client: httpx.Client, name: str
) -> None:
    outcomes = [poll(adapter, client, server.url("/" + name)) for adapter in ADAPTERS]
    expected = EXPECTED.get(name, 0)
    for outcome in outcomes:
        if isinstance(outcome, SourceError):
            assert isinstance(expected, str), f"{name} failed: {outcome}"
            assert expected in str(outcome) and outcome.message == str(outcome)
            continue
        assert not isinstance(expected, str), f"{name} should have failed with {expected!r}"
        assert len(outcome.items) == expected
        for item in outcome.items:
            assert_sane_item(item, name=name)


@pytest.mark.parametrize("name", [n for n in FILES if not isinstance(EXPECTED.get(n), str)])
def test_entry_text_is_sane_even_where_the_adapter_skips_the_entry(name: str) -> None:
    feed = parse_feed((SHARED / name).read_bytes(), content_type="application/xml")
    for entry in feed.entries:
        text = html_to_text(entry.content or entry.summary or "")
        assert_sane_text(text, where=name, check_mojibake=name not in MISDECLARED)


@pytest.mark.parametrize(
    ("name", "title", "published"),
    [
        (
            "rss_messy/rssparser_jn_pt_iso8859-1_crlf.rss.xml",
            "Mãe de utente é a nova presidente da Raríssimas",
            "2018-01-03T13:47:00+00:00",
        ),
        (
            "rss_messy/rssparser_uol_noticias_latin1_no_xmldecl_pt_dates.rss.xml",
            "Ibope: Bolsonaro perde de Haddad, Ciro e Alckmin em simulações de 2º turno",
            "2018-09-24T22:42:40+00:00",
        ),
        ("rss_messy/feedrs_dicasl_rss091_iso8859-1.rss.xml", "bash - Expansão de Parâmetros", None),
        (
            "rss_messy/feedrs_golem_rss1_rdf_iso8859-1.rdf.xml",
            "Digitalministerium: Neue Glasfaserförderung mit Schnellkasse",
            "2023-01-25T18:03:02+00:00",
        ),
        (
            "rss_messy/feedrs_ilmessaggero_no_xmldecl_italian_dates_mojibake.rss.xml",
            "Missili Polonia, cosa è successo? Tensione Nato-Russia, Mosca: non siamo stati noi",
            "2022-11-15T23:38:15+00:00",
        ),
    ],
)
def test_latin1_and_localized_feeds_decode_right(
    server: FeedServer, client: httpx.Client, name: str, title: str, published: str | None
) -> None:
    outcome = poll(ADAPTERS[0], client, server.url("/" + name))
    assert isinstance(outcome, PollOutcome)
    first = outcome.items[0]
    assert first.title == title
    assert (first.published_at.isoformat() if first.published_at else None) == published


def test_google_alerts_capture(server: FeedServer, client: httpx.Client) -> None:
    name = "google_alerts/feedjira_google_alert_slack.atom.xml"
    outcome = poll(ADAPTERS[1], client, server.url("/" + name))
    assert isinstance(outcome, PollOutcome)
    first = outcome.items[0]
    assert first.title.startswith("Report offers Prediction of Automotive Slack Market")
    assert first.author is None
    assert canonical_url(first.url or "").startswith("https://www.aglobalmarketresearch.com/")
    assert all("google.com" not in canonical_url(item.url or "") for item in outcome.items)


def test_google_news_titles_lose_the_publisher_suffix(
    server: FeedServer, client: httpx.Client
) -> None:
    name = "google_news/monumentwatch_google_news_search_bears_ears_monument_2026.rss.xml"
    outcome = poll(ADAPTERS[0], client, server.url("/" + name))
    assert isinstance(outcome, PollOutcome)
    first = outcome.items[0]
    assert first.title == "Trump again shrinks two national monuments in Utah"
    assert first.publisher == "The Washington Post"
    assert all(is_google_news_article(item.url or "") for item in outcome.items)
    assert all(item.publisher for item in outcome.items)
