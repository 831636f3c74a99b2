"""Share of voice over time, from the real rollup, for a brand and its competitors."""

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from core.db import session_scope
from models.tables import Brand
from services.voice_trend import build_voice_trend
from tests.api.conftest import Tenant
from tests.support.data import ingest, item
from tests.support.reports import make_brand, make_source


def test_each_brand_is_counted_per_local_day_with_empty_days_as_zeros(
    client: TestClient, tenant: Tenant
) -> None:
    today = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    since, until = today - timedelta(days=3), today.replace(hour=0) + timedelta(days=1)
    rival = make_brand(client, tenant, name="Rival", query="rival")
    acme = make_brand(client, tenant, name="Acme", query="acme", competitor_ids=[rival])
    for brand_id, word, days in [(acme, "acme", [0, 0, 2]), (rival, "rival", [2])]:
        source = make_source(client, tenant, brand_id, "rss", since - timedelta(days=1))
        items = [
            item(f"{word} news {n}", f"https://news.example/{word}/{n}", today - timedelta(days=d))
            for n, d in enumerate(days)
        ]
        ingest(brand_id, source, items)
    with session_scope() as session:
        brand = session.get(Brand, acme)
        assert brand is not None
        trend = build_voice_trend(session, brand, since=since, until=until, interval="day")
    assert trend.brands == [(acme, "Acme"), (rival, "Rival")]
    assert len(trend.starts) == 4 and trend.until == until
    assert trend.counts == {acme: [0, 1, 0, 2], rival: [0, 1, 0, 0]}
