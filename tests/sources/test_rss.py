from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from sources.base import SourceConfig, SourceError
from sources.feeds import MalformedFeedError, NotAFeedError
from sources.http import FetchLimits
from sources.registry import ADAPTERS, UnknownSourceKindError, adapter_for, source_config
from sources.rss import FeedConfig, RssAdapter, author_name, plausible_date
from tests.support.feed_server import FeedServer
from tests.support.feeds import Entry, rss2

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "feeds"
NOW = datetime.now(UTC).replace(microsecond=0)


def config(url: str) -> SourceConfig[FeedConfig]:
    return SourceConfig("rss", "lumbre", FeedConfig(url=url))


ADAPTER = RssAdapter(limits=FetchLimits(max_bytes=1024 * 1024, deadline_seconds=5))


def test_a_news_feed_gives_plain_text_items(server: FeedServer, client: httpx.Client) -> None:
    server.serve("/negocios/rss", (FIXTURES / "rss2_noticias.rss.xml").read_bytes())
    outcome = ADAPTER.poll(client, config(server.url("/negocios/rss")), {})
    assert not outcome.not_modified
    titles = [item.title for item in outcome.items]
    assert titles == [
        "Café Lumbre invierte 300 millones en su planta tostadora de Apodaca",
        "Lumbre FC asciende a primera división",
        "Opinión: ¿Está sobrevaluado el café de especialidad?",  # " - Publisher" dropped
        "Nota programada con fecha equivocada",
    ]  # the entry with neither title nor link is skipped
    first, second, third, future = outcome.items
    assert first.text == (
        "La empresa regiomontana Café Lumbre anunció una inversión de 300 millones de pesos.\n"
        "La planta empleará a 450 personas."
    )
    assert first.author == "María Fernanda López"
    assert first.published_at == datetime(2026, 11, 20, 16, 30, tzinfo=UTC)
    assert second.url == server.url("/deportes/lumbre-fc-asciende")
    assert second.text == (
        "El equipo patrocinado por Café Lumbre venció 2–1 en la final.\n"
        "La afición celebró en la Macroplaza."
    )  # content:encoded, without its script, style and comment
    assert second.author == "Redacción Deportes"
    assert third.publisher == "El Financiero Norte"
    assert (
        third.text
        == "Cadenas como Lumbre cobran hasta 90 pesos por un latte & los clientes lo pagan."
    )
    assert future.published_at is None


def test_conditional_polling_and_new_entries(server: FeedServer, client: httpx.Client) -> None:
    one = Entry("Lumbre abre en León", "https://news.example.org/1", published=NOW)
    server.serve("/feed", rss2([one]), etag='"1"')
    first = ADAPTER.poll(client, config(server.url("/feed")), {})
    assert [item.url for item in first.items] == ["https://news.example.org/1"]
    assert first.cursor == {"etag": '"1"'}

    second = ADAPTER.poll(client, config(server.url("/feed")), first.cursor)
    assert second.not_modified and second.items == [] and second.cursor == first.cursor
    assert server.last_headers("/feed")["if-none-match"] == '"1"'

    two = Entry("Lumbre abre en Puebla", "https://news.example.org/2", published=NOW)
    server.set_body("/feed", rss2([two, one]), etag='"2"')
    third = ADAPTER.poll(client, config(server.url("/feed")), second.cursor)
    assert [item.title for item in third.items] == ["Lumbre abre en Puebla", "Lumbre abre en León"]
    assert third.cursor == {"etag": '"2"'}
    assert server.requests("/feed") == 3


def test_chosen_titles_and_dates_come_through(server: FeedServer, client: httpx.Client) -> None:
    when = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    entries = [
        Entry("Lumbre &amp; <b>co</b>", "https://n.example.org/a", "<p>x &nbsp; y</p>", when),
        Entry("", None, "only a summary"),
        Entry("Mañana", "https://n.example.org/b", published=NOW + timedelta(hours=20)),
        Entry("Too far", "https://n.example.org/c", published=NOW + timedelta(days=3)),
    ]
    server.serve("/feed", rss2(entries))
    items = ADAPTER.poll(client, config(server.url("/feed")), {}).items
    assert [item.title for item in items] == ["Lumbre & co", "Mañana", "Too far"]
    assert items[0].text == "x y" and items[0].published_at == when
    assert items[1].published_at == NOW + timedelta(hours=20)
    assert items[2].published_at is None


@pytest.mark.parametrize(
    ("name", "error", "message"),
    [
        ("pagina_html.html", NotAFeedError, "the URL returned an HTML page, not a feed"),
        ("truncado.rss.xml", MalformedFeedError, "truncated"),
    ],
)
def test_answers_that_are_not_feeds_fail(
    server: FeedServer, client: httpx.Client, name: str, error: type[Exception], message: str
) -> None:
    server.serve("/feed", (FIXTURES / name).read_bytes(), content_type="text/html")
    with pytest.raises(error, match=message):
        ADAPTER.poll(client, config(server.url("/feed")), {})


def test_an_empty_feed_succeeds_with_no_items(server: FeedServer, client: httpx.Client) -> None:
    server.serve("/feed", (FIXTURES / "vacio.rss.xml").read_bytes())
    outcome = ADAPTER.poll(client, config(server.url("/feed")), {})
    assert outcome.items == [] and not outcome.not_modified


def test_http_failures_surface_as_source_errors(server: FeedServer, client: httpx.Client) -> None:
    server.fail("/feed", 500)
    with pytest.raises(SourceError, match="HTTP 500 from"):
        ADAPTER.poll(client, config(server.url("/feed")), {})


def test_a_source_without_url_fails() -> None:
    with pytest.raises(SourceError, match="a rss source needs a feed url"):
        source_config("rss", "x", {"url": None})


def test_default_limits_come_from_settings(server: FeedServer, client: httpx.Client) -> None:
    server.serve("/feed", rss2([Entry("a", "https://n.example.org/a")]))
    assert len(RssAdapter().poll(client, config(server.url("/feed")), {}).items) == 1


def test_author_names() -> None:
    assert author_name("jane@example.com (Jane Roe)") == "Jane Roe"
    assert author_name("Jane Roe <jane@example.com>") == "Jane Roe"
    assert author_name("  ") is None and author_name(None) is None
    assert author_name("/u/someone") == "/u/someone"


def test_plausible_date() -> None:
    now = datetime(2026, 11, 20, tzinfo=UTC)
    assert plausible_date(now + timedelta(hours=23), now=now) == now + timedelta(hours=23)
    assert plausible_date(now + timedelta(days=2), now=now) is None
    assert plausible_date(None, now=now) is None


def test_the_registry_is_an_explicit_dict() -> None:
    assert set(ADAPTERS) >= {"rss", "google_alerts"}
    assert adapter_for("rss").kind == "rss"
    assert adapter_for("google_alerts").kind == "google_alerts"
    with pytest.raises(UnknownSourceKindError, match="no adapter for source kind 'gopher'"):
        adapter_for("gopher")
