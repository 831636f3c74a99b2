import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import Tenant
from tests.support.data import ingest, item

T0 = datetime(2026, 11, 20, 12, tzinfo=UTC)


@pytest.fixture
def brand_and_source(client: TestClient, tenant: Tenant) -> tuple[int, int]:
    brand = client.post(
        "/v1/brands", json={"name": "Acme", "query": "acme"}, headers=tenant.headers
    ).json()
    source = client.post(
        f"/v1/brands/{brand['id']}/sources",
        json={"kind": "rss", "url": "http://127.0.0.1:9/feed"},
        headers=tenant.headers,
    ).json()
    return brand["id"], source["id"]


def titles(page: dict[str, Any]) -> list[str]:
    return [m["title"] for m in page["items"]]


def test_pages_newest_first_and_stable_under_inserts(
    client: TestClient, tenant: Tenant, brand_and_source: tuple[int, int]
) -> None:
    brand_id, source_id = brand_and_source
    items = [
        item(f"Acme news {n}", f"https://news.example/{n}", T0 + timedelta(hours=n))
        for n in range(7)
    ]
    assert ingest(brand_id, source_id, items).new == 7
    first = client.get(f"/v1/mentions?brand_id={brand_id}&limit=3", headers=tenant.headers).json()
    assert titles(first) == ["Acme news 6", "Acme news 5", "Acme news 4"]
    ingest(
        brand_id,
        source_id,
        [item("Acme news late", "https://news.example/late", T0 + timedelta(days=1))],
    )
    second = client.get(
        f"/v1/mentions?brand_id={brand_id}&limit=3&cursor={first['next_cursor']}",
        headers=tenant.headers,
    ).json()
    assert titles(second) == ["Acme news 3", "Acme news 2", "Acme news 1"]
    third = client.get(
        f"/v1/mentions?brand_id={brand_id}&limit=3&cursor={second['next_cursor']}",
        headers=tenant.headers,
    ).json()
    assert titles(third) == ["Acme news 0"] and third["next_cursor"] is None


def test_a_mention_has_the_fields_of_the_spec(
    client: TestClient, tenant: Tenant, brand_and_source: tuple[int, int]
) -> None:
    brand_id, source_id = brand_and_source
    link = "https://www.google.com/url?rct=j&sa=t&url=https://News.Example/acme?utm_source=x%26id%3D1&ct=ga"
    ingest(brand_id, source_id, [item("Acme is wonderful", link, T0, text="I love it.")])
    mention = client.get(f"/v1/mentions?brand_id={brand_id}", headers=tenant.headers).json()[
        "items"
    ][0]
    assert mention["url"].startswith("https://news.example/acme")
    assert "utm_source" not in mention["url"]
    assert mention["domain"] == "news.example"
    assert mention["sentiment"]["label"] == "positive" and mention["sentiment"]["model"]
    assert mention["published_at"].startswith("2026-11-20T12:00:00")
    assert mention["media_type"] == "earned" and mention["source_kind"] == "rss"
    assert set(mention["engagement"]) == {"score", "comments"}


def test_filters(client: TestClient, tenant: Tenant, brand_and_source: tuple[int, int]) -> None:
    brand_id, source_id = brand_and_source
    ingest(
        brand_id,
        source_id,
        [
            item("Acme is wonderful and great", "https://a.example/1", T0),
            item("Acme is horrible and awful", "https://a.example/2", T0 + timedelta(hours=1)),
            item("Acme opens a store in Monterrey", "https://a.example/3", T0 + timedelta(hours=2)),
        ],
    )
    base = f"/v1/mentions?brand_id={brand_id}"

    def get(query: str) -> list[str]:
        return titles(client.get(base + query, headers=tenant.headers).json())

    assert get("&label=negative") == ["Acme is horrible and awful"]
    assert get("&q=monterrey") == ["Acme opens a store in Monterrey"]
    assert get("&q=acme -horrible") == [
        "Acme opens a store in Monterrey",
        "Acme is wonderful and great",
    ]
    since = (T0 + timedelta(hours=1)).isoformat().replace("+00:00", "Z")
    assert len(get(f"&since={since}")) == 2
    assert get(f"&until={since}") == ["Acme is wonderful and great"]
    assert get("&source_kind=reddit") == []


@pytest.mark.parametrize(
    "query",
    [
        "&limit=501",
        "&limit=0",
        "&label=happy",
        "&since=yesterday",
        "&unknown=1",
        "&cursor=garbage",
        "&q=%22open",
    ],
)
def test_wrong_parameters_answer_422(
    client: TestClient, tenant: Tenant, brand_and_source: tuple[int, int], query: str
) -> None:
    response = client.get(
        f"/v1/mentions?brand_id={brand_and_source[0]}{query}", headers=tenant.headers
    )
    assert response.status_code == 422, response.text


def test_polling_the_same_items_twice_stores_nothing_new(brand_and_source: tuple[int, int]) -> None:
    brand_id, source_id = brand_and_source
    items = [
        item("Acme one", "https://a.example/1?utm_medium=rss", T0),
        item("Acme two", "https://a.example/2", T0),
    ]
    assert ingest(brand_id, source_id, items).new == 2
    assert ingest(brand_id, source_id, items).new == 0
    same_url_other_tracking = [item("Acme one", "https://A.example/1?fbclid=abc#top", T0)]
    assert ingest(brand_id, source_id, same_url_other_tracking).new == 0


def test_items_that_do_not_match_the_query_are_not_stored(
    brand_and_source: tuple[int, int],
) -> None:
    brand_id, source_id = brand_and_source
    result = ingest(brand_id, source_id, [item("Acmeville fair", "https://a.example/x", T0)])
    assert result.new == 0 and result.matched == 0


def test_export_streams_every_matching_mention(
    client: TestClient, tenant: Tenant, brand_and_source: tuple[int, int]
) -> None:
    brand_id, source_id = brand_and_source
    items = [
        item(f"Acme {n}", f"https://a.example/{n}", T0 + timedelta(minutes=n)) for n in range(1205)
    ]
    ingest(brand_id, source_id, items)
    ndjson = client.get(
        f"/v1/mentions/export?brand_id={brand_id}&format=ndjson", headers=tenant.headers
    )
    assert ndjson.status_code == 200
    lines = ndjson.text.strip().split("\n")
    assert len(lines) == 1205 and '"Acme 1204"' in lines[0]
    csv_text = client.get(
        f"/v1/mentions/export?brand_id={brand_id}&format=csv&bom=false", headers=tenant.headers
    ).text
    assert csv_text.splitlines()[0].startswith("id,brand_id") and len(csv_text.splitlines()) == 1206


def test_export_lines_are_the_mentions_as_the_api_shows_them(
    client: TestClient, tenant: Tenant, brand_and_source: tuple[int, int]
) -> None:
    brand_id, source_id = brand_and_source
    when = T0.replace(microsecond=250_000)
    items = [
        item("Acme abre tienda ñandú “café”", "https://a.example/1", when, text="Precioso."),
        item("Acme is awful", "https://a.example/2", T0, author="Ana", text="Rude staff."),
    ]
    ingest(brand_id, source_id, items)
    page = client.get(f"/v1/mentions?brand_id={brand_id}", headers=tenant.headers).json()
    export = client.get(f"/v1/mentions/export?brand_id={brand_id}", headers=tenant.headers)
    lines = export.text.splitlines()
    assert [json.loads(line) for line in lines] == page["items"]
    assert '"published_at":"' + page["items"][0]["published_at"] + '"' in lines[0]
