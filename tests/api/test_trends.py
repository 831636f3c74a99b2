from datetime import UTC, datetime

from fastapi.testclient import TestClient

from tests.api.conftest import Tenant
from tests.support.data import ingest, item


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def setup_brand(client: TestClient, tenant: Tenant, timezone: str) -> tuple[int, int]:
    brand = client.post(
        "/v1/brands",
        json={"name": "Acme", "query": "acme", "timezone": timezone},
        headers=tenant.headers,
    ).json()
    source = client.post(
        f"/v1/brands/{brand['id']}/sources",
        json={"kind": "rss", "url": "http://127.0.0.1:9/feed"},
        headers=tenant.headers,
    ).json()
    return brand["id"], source["id"]


def test_daily_buckets_in_the_brand_timezone_with_empty_days_as_zeros(
    client: TestClient, tenant: Tenant
) -> None:
    brand_id, source_id = setup_brand(client, tenant, "America/Mexico_City")
    ingest(
        brand_id,
        source_id,
        [
            # 1 Nov 23:30 in Mexico City is 2 Nov 05:30 UTC: it belongs to local 1 Nov.
            item("Acme is great, I love it", "https://a.example/1", utc(2026, 11, 2, 5, 30)),
            item("Acme is terrible", "https://a.example/2", utc(2026, 11, 2, 7)),
            item("Acme store opens", "https://a.example/3", utc(2026, 11, 2, 8)),
            item("Acme is wonderful", "https://a.example/4", utc(2026, 11, 4, 12)),
        ],
    )
    response = client.get(
        f"/v1/brands/{brand_id}/trends?interval=day&since=2026-11-01T06:00:00Z&until=2026-11-05T06:00:00Z",
        headers=tenant.headers,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["timezone"] == "America/Mexico_City" and body["interval"] == "day"
    buckets = body["buckets"]
    assert [b["start"][:10] for b in buckets] == [
        "2026-11-01",
        "2026-11-02",
        "2026-11-03",
        "2026-11-04",
    ]
    assert buckets[0]["start"].endswith("-06:00")
    assert [b["mentions"] for b in buckets] == [1, 2, 0, 1]
    assert (buckets[1]["positive"], buckets[1]["neutral"], buckets[1]["negative"]) == (0, 1, 1)
    assert buckets[1]["net_sentiment"] == -50.0
    assert buckets[0]["net_sentiment"] == 100.0
    assert buckets[2] == {
        "start": buckets[2]["start"],
        "mentions": 0,
        "positive": 0,
        "neutral": 0,
        "negative": 0,
        "avg_sentiment": None,
        "net_sentiment": 0.0,
    }  # fmt: skip (an empty day has no mean: null, not the 0.0 of a neutral day)
    assert buckets[0]["avg_sentiment"] > 0.5


def test_a_dst_day_has_its_own_bucket_and_label_filter(client: TestClient, tenant: Tenant) -> None:
    brand_id, source_id = setup_brand(client, tenant, "Europe/Madrid")
    ingest(
        brand_id,
        source_id,
        [
            item(
                "Acme is terrible", "https://a.example/1", utc(2026, 3, 29, 22, 30)
            ),  # 30 Mar 00:30 CEST
            item(
                "Acme is awful", "https://a.example/2", utc(2026, 3, 29, 21, 30)
            ),  # 29 Mar 23:30 CEST
        ],
    )
    response = client.get(
        f"/v1/brands/{brand_id}/trends?since=2026-03-28T23:00:00Z&until=2026-03-30T22:00:00Z&label=negative",
        headers=tenant.headers,
    )
    buckets = response.json()["buckets"]
    assert [(b["start"], b["mentions"]) for b in buckets] == [
        ("2026-03-29T00:00:00+01:00", 1),
        ("2026-03-30T00:00:00+02:00", 1),
    ]


def test_wrong_trend_parameters_answer_422(client: TestClient, tenant: Tenant) -> None:
    brand_id, _ = setup_brand(client, tenant, "UTC")
    for query in [
        "interval=month",
        "since=2026-02-01T00:00:00Z&until=2026-01-01T00:00:00Z",
        "bogus=1",
        "interval=hour&since=2000-01-01T00:00:00Z",
    ]:
        response = client.get(f"/v1/brands/{brand_id}/trends?{query}", headers=tenant.headers)
        assert response.status_code == 422, query
