from datetime import UTC, datetime
from pathlib import Path

import httpx

from domain.canonical import canonical_url, domain_of
from sources.base import SourceConfig
from sources.google_alerts import GoogleAlertsAdapter
from sources.http import FetchLimits
from sources.rss import FeedConfig
from tests.support.feed_server import FeedServer
from tests.support.feeds import Entry, google_alerts_atom

FIXTURE = (
    Path(__file__).resolve().parents[1] / "fixtures" / "feeds" / "google_alerts_lumbre.atom.xml"
)
ADAPTER = GoogleAlertsAdapter(limits=FetchLimits(max_bytes=1024 * 1024, deadline_seconds=5))
FEED_PATH = "/alerts/feeds/06211843502736001234/9876543210123456789"


def config(server: FeedServer) -> SourceConfig[FeedConfig]:
    return SourceConfig("google_alerts", "lumbre", FeedConfig(url=server.url(FEED_PATH)))


def test_alert_items_are_plain_text_with_raw_redirect_links(
    server: FeedServer, client: httpx.Client
) -> None:
    server.serve(FEED_PATH, FIXTURE.read_bytes(), content_type="text/xml; charset=UTF-8")
    items = ADAPTER.poll(client, config(server), {}).items
    assert [item.title for item in items] == [
        "Café Lumbre abre su tienda número 100 en Monterrey",
        "Lumbre Coffee's new cold brew wins fans in Austin",
        "Clientes se quejan de la atención en Lumbre Guadalajara: “pésimo servicio”",
        "Why Lumbre is betting on Mexican-grown beans",
    ]
    assert items[1].text == (
        'Customers say Lumbre\'s cold brew is "the best in town" & the lines prove it. '
        "The Mexican chain opened its first Texas ..."
    )
    assert all(item.author is None and item.publisher is None for item in items)
    assert items[0].published_at == datetime(2026, 11, 20, 18, 40, 12, tzinfo=UTC)
    assert items[0].guid == "tag:google.com,2013:googlealerts/feed:11502938475610293847"
    assert all(item.url and item.url.startswith("https://www.google.com/url?") for item in items)
    canonical = [canonical_url(item.url or "") for item in items]
    assert canonical == [
        "https://www.elnorte.example/negocios/cafe-lumbre-abre-tienda-100?id=77",
        "https://www.austinfood.example/2026/11/lumbre-cold-brew/",
        "https://www.opinionesgdl.example/lumbre-guadalajara-quejas",
        "https://www.retailweekly.example/lumbre-mexican-beans?page=2",
    ]
    assert domain_of(canonical[0]) == "elnorte.example"


def test_a_built_alert_feed_round_trips(server: FeedServer, client: httpx.Client) -> None:
    when = datetime(2026, 10, 5, 7, 15, tzinfo=UTC)
    entries = [
        Entry(
            "<b>Lumbre</b> llega a Bogotá",
            "https://www.eltiempo.example/lumbre-bogota?utm_source=alerts",
            "La cadena &lt;b&gt;no&lt;/b&gt; es nueva&nbsp;...",
            when,
        ),
        Entry("Nuevo menú de <b>Lumbre</b>", "https://menu.example/lumbre#top", "", when),
    ]
    server.serve(FEED_PATH, google_alerts_atom(entries, query="Lumbre"))
    items = ADAPTER.poll(client, config(server), {}).items
    assert [(item.title, item.published_at) for item in items] == [
        ("Lumbre llega a Bogotá", when),
        ("Nuevo menú de Lumbre", when),
    ]
    assert items[0].text == "La cadena no es nueva ..."
    assert canonical_url(items[0].url or "") == "https://www.eltiempo.example/lumbre-bogota"
    assert canonical_url(items[1].url or "") == "https://menu.example/lumbre"


def test_an_unchanged_alert_feed_is_not_parsed_again(
    server: FeedServer, client: httpx.Client
) -> None:
    server.serve(FEED_PATH, FIXTURE.read_bytes(), last_modified="Fri, 20 Nov 2026 18:40:12 GMT")
    first = ADAPTER.poll(client, config(server), {})
    assert len(first.items) == 4
    second = ADAPTER.poll(client, config(server), first.cursor)
    assert second.not_modified and second.items == []
    assert server.last_headers(FEED_PATH)["if-modified-since"] == "Fri, 20 Nov 2026 18:40:12 GMT"
