"""Brands and sources made through the real services, for tests that poll."""

from datetime import UTC, datetime
from uuid import uuid4

from core.db import session_scope
from services.brands import create_brand
from services.sources import create_source
from services.workspaces import create_workspace_with_key
from tests.support.feeds import Entry, google_alerts_atom, google_redirect

ALERT_ENTRIES = [
    Entry(
        title="<b>Lumbre</b> abre su primera tienda en Monterrey",
        link=google_redirect("https://www.elnorte.example/negocios/lumbre-tienda?utm_source=ga"),
        summary="La cadena <b>Lumbre</b> inauguró hoy su tienda&amp;nbsp;...",
        published=datetime(2026, 11, 20, 15, tzinfo=UTC),
    ),
    Entry(
        title="Customers love the new <b>Lumbre</b> coffee, a great surprise",
        link=google_redirect("https://blog.example.com/lumbre-coffee-review"),
        summary="It is wonderful and the staff were friendly.",
        published=datetime(2026, 11, 21, 9, tzinfo=UTC),
    ),
    Entry(
        title="Lumbreville festival announces dates",
        link=google_redirect("https://festival.example.org/lumbreville"),
        summary="Nothing to do with the brand.",
        published=datetime(2026, 11, 21, 10, tzinfo=UTC),
    ),
    Entry(
        title="<b>Lumbre</b> service was terrible, worst experience",
        link=google_redirect("https://foro.example.net/t/lumbre-servicio"),
        summary="Awful. I want a refund.",
        published=datetime(2026, 11, 22, 18, tzinfo=UTC),
    ),
]
MATCHING = 3  # the Lumbreville item does not match the query `lumbre`


def alerts_feed() -> bytes:
    return google_alerts_atom(ALERT_ENTRIES, query="Lumbre")


def brand_with_sources(urls: list[str], *, kind: str = "google_alerts") -> tuple[int, list[int]]:
    with session_scope() as session:
        workspace = create_workspace_with_key(session, name=f"Test {uuid4().hex[:8]}")
        brand = create_brand(
            session,
            workspace_id=workspace.workspace_id,
            fields={
                "name": "Lumbre",
                "query": "lumbre",
                "timezone": "America/Monterrey",
                "languages": [],
                "owned_domains": [],
                "owned_handles": [],
                "competitor_ids": [],
            },
        )
        assert brand.id is not None
        ids = []
        for url in urls:
            source = create_source(
                session,
                workspace_id=workspace.workspace_id,
                brand_id=brand.id,
                fields={"kind": kind, "url": url, "interval_seconds": 60},
            )
            assert source.id is not None
            ids.append(source.id)
        return brand.id, ids
