import time
from datetime import UTC, datetime

import httpx
import pytest
from sqlmodel import col, select

from core.db import session_scope
from core.settings import Settings, get_settings
from models.tables import Mention, Source
from services.errors import InvalidInputError
from services.polling import poll_source
from sources.base import SourceConfig, SourceError
from sources.google_news import GoogleNewsAdapter, GoogleNewsConfig, parse_locale
from sources.http import FetchLimits
from tests.support.cassettes import fixture, stored_source
from tests.support.feed_server import FeedServer

NOW = float(int(time.time()))
SEARCH = "/rss/search"
FEED = "search_lumbre_es_419_mx.rss.xml"
QUERY = 'lumbre -"lumbre fc"'


def adapter(server: FeedServer) -> GoogleNewsAdapter:
    settings = Settings(google_news_base_url=server.url(""), allow_private_hosts=True)
    return GoogleNewsAdapter(settings, FetchLimits(1024 * 1024, 5), clock=lambda: NOW)


def config(locale: str = "es-419:MX", search: str | None = None) -> SourceConfig[GoogleNewsConfig]:
    return SourceConfig("google_news", QUERY, GoogleNewsConfig(locale=locale, search=search))


@pytest.mark.parametrize(
    ("locale", "hl", "gl", "ceid"),
    [
        ("es-419:MX", "es-419", "MX", "MX:es-419"),
        ("en-US:US", "en-US", "US", "US:en"),
        ("es-419:mx", "es-419", "MX", "MX:es-419"),
        ("es:ES", "es", "ES", "ES:es"),
        ("pt-BR:BR", "pt-BR", "BR", "BR:pt-419"),
        ("zh-Hant:TW", "zh-Hant", "TW", "TW:zh-Hant"),
    ],
)
def test_a_locale_gives_the_edition(locale: str, hl: str, gl: str, ceid: str) -> None:
    edition = parse_locale(locale)
    assert (edition.hl, edition.gl, edition.ceid) == (hl, gl, ceid)


@pytest.mark.parametrize("locale", ["", "MX", "es-419", "es_MX", "es-419:MEX", "español:MX"])
def test_other_locales_are_refused(locale: str) -> None:
    with pytest.raises(ValueError, match="language:COUNTRY"):
        parse_locale(locale)


def test_a_search_gives_items_without_the_publisher_suffix(
    server: FeedServer, client: httpx.Client
) -> None:
    server.serve(SEARCH, fixture("google_news", FEED, NOW))
    outcome = adapter(server).poll(client, config(), {})

    assert server.log(SEARCH)[0].query == {
        "q": "lumbre when:7d",
        "hl": "es-419",
        "gl": "MX",
        "ceid": "MX:es-419",
    }
    assert [(item.title, item.publisher) for item in outcome.items] == [
        ("Café Lumbre invierte 300 millones en su planta de Apodaca", "El Financiero"),
        ("Lumbre FC asciende a primera división", "ESPN Deportes"),
        ("Opinión: ¿Está sobrevaluado el café de especialidad? El caso Lumbre", "El Norte |"),
    ]  # the story from 20 days ago is past the lookback
    invest, sports, opinion = outcome.items
    assert invest.text == "La tostadora regiomontana creará 450 empleos en Nuevo León Milenio"
    assert sports.text == "" and opinion.text == ""
    assert invest.url is not None
    assert invest.url.startswith("https://news.google.com/rss/articles/CBMiYkFVX3lxTE1s")
    assert invest.published_at == datetime.fromtimestamp(NOW - 3600, UTC)


def test_polls_are_conditional_until_the_search_changes(
    server: FeedServer, client: httpx.Client
) -> None:
    server.serve(SEARCH, fixture("google_news", FEED, NOW), etag='"v1"')
    news = adapter(server)
    first = news.poll(client, config(), {})
    second = news.poll(client, config(), first.cursor)
    assert second.not_modified and second.items == []
    assert server.last_headers(SEARCH)["if-none-match"] == '"v1"'
    assert second.cursor["etag"] == '"v1"' and second.cursor["scope"] == first.cursor["scope"]

    third = news.poll(client, config(search='"Café Lumbre"'), second.cursor)
    assert "if-none-match" not in server.last_headers(SEARCH)
    assert server.log(SEARCH)[-1].query["q"] == '"Café Lumbre"'  # no when: added to a search
    assert len(third.items) == 3


def test_errors_are_source_errors(server: FeedServer, client: httpx.Client) -> None:
    with pytest.raises(SourceError, match="language:COUNTRY"):
        adapter(server).poll(client, config(locale="Mexico"), {})
    server.fail(SEARCH, 503, retry_after="60")
    with pytest.raises(SourceError) as caught:
        adapter(server).poll(client, config(), {})
    assert caught.value.retry_after == 60
    server.html_page(SEARCH, b"<html><body>Our systems have detected unusual traffic</body></html>")
    with pytest.raises(SourceError, match="HTML"):
        adapter(server).poll(client, config(), {})


@pytest.mark.parametrize(
    ("fields", "fragment"),
    [
        ({}, "needs a `locale`"),
        ({"locale": "Mexico"}, "language:COUNTRY"),
        ({"locale": "es-419:MX", "subreddit": "mexico"}, "does not take `subreddit`"),
        ({"locale": "es-419:MX", "url": "https://news.example/rss"}, "does not take `url`"),
        ({"locale": "es-419:MX", "search": "   "}, "`search` is empty"),
    ],
)
def test_invalid_sources_are_refused(db: str, fields: dict[str, str], fragment: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        stored_source("google_news", QUERY, **fields)
    assert fragment in str(caught.value)


def test_polling_stores_stories_by_title_and_publisher(
    db: str, server: FeedServer, client: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.serve(SEARCH, fixture("google_news", FEED, NOW))
    monkeypatch.setenv("ESCUCHA_GOOGLE_NEWS_BASE_URL", server.url(""))
    get_settings.cache_clear()
    try:
        _, source_id = stored_source("google_news", QUERY, locale="es-419:mx")
        report = poll_source(source_id, force=True, client=client)
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()

    assert (report.status, report.items, report.new) == ("ok", 3, 2)  # not Lumbre FC
    with session_scope() as session:
        source = session.get(Source, source_id)
        assert source is not None and source.locale == "es-419:MX"
        mentions = session.exec(select(Mention).order_by(col(Mention.published_at))).all()
        stored = [(m.story_key, m.language, m.domain) for m in mentions]
    assert stored == [
        (
            "opinion esta sobrevaluado el cafe de especialidad el caso lumbre|el norte",
            "es",
            "news.google.com",
        ),
        (
            "cafe lumbre invierte 300 millones en su planta de apodaca|el financiero",
            "es",
            "news.google.com",
        ),
    ]
