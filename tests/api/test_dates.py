"""One rule for every date the API takes (issue 14, items 7, 9 and 10): an ISO date or a
datetime without an offset is a local time in the brand's timezone (UTC without a brand);
years outside 1900-2199 and `since` after `until` are 422, never 500."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import Tenant
from tests.support.data import ingest, item
from tests.support.reports import make_brand, make_source

MEXICO = ZoneInfo("America/Mexico_City")


@pytest.fixture
def oxxo(client: TestClient, tenant: Tenant) -> tuple[int, datetime]:
    """A brand in Mexico City with mentions 1 hour either side of a local midnight a few
    days ago; yields the brand and that midnight (aware, local)."""
    brand = make_brand(client, tenant, name="Oxxo", query="oxxo", timezone="America/Mexico_City")
    source = make_source(client, tenant, brand, "rss", datetime.now(UTC) - timedelta(days=30))
    local_day = (datetime.now(MEXICO) - timedelta(days=3)).date()
    midnight = datetime(local_day.year, local_day.month, local_day.day, tzinfo=MEXICO)
    ingest(brand, source, [
        item("Oxxo before", "https://o.example/before", midnight - timedelta(hours=1)),
        item("Oxxo after", "https://o.example/after", midnight + timedelta(hours=1)),
    ])  # fmt: skip
    return brand, midnight


def get(client: TestClient, tenant: Tenant, url: str) -> dict[str, object]:
    response = client.get(url, headers=tenant.headers)
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def test_a_date_is_the_brands_local_midnight_on_mentions(
    client: TestClient, tenant: Tenant, oxxo: tuple[int, datetime]
) -> None:
    brand, midnight = oxxo
    day = midnight.date().isoformat()
    for since in (day, f"{day}T00:00:00", f"{day}T00:00"):
        page = get(client, tenant, f"/v1/mentions?brand_id={brand}&since={since}")
        assert [m["title"] for m in page["items"]] == ["Oxxo after"], since  # type: ignore[attr-defined]
    page = get(client, tenant, f"/v1/mentions?brand_id={brand}&until={day}")
    assert [m["title"] for m in page["items"]] == ["Oxxo before"]  # type: ignore[attr-defined]
    # With an offset, the instant named: UTC midnight of that day is 6 hours earlier.
    page = get(client, tenant, f"/v1/mentions?brand_id={brand}&since={day}T00:00:00Z")
    assert len(page["items"]) == 2  # type: ignore[arg-type]


def test_without_a_brand_dates_are_utc(
    client: TestClient, tenant: Tenant, oxxo: tuple[int, datetime]
) -> None:
    _, midnight = oxxo
    day = midnight.date().isoformat()
    page = get(client, tenant, f"/v1/mentions?since={day}")  # UTC midnight, 6 h before
    assert len(page["items"]) == 2  # type: ignore[arg-type]


def test_export_and_trends_and_situation_read_dates_alike(
    client: TestClient, tenant: Tenant, oxxo: tuple[int, datetime]
) -> None:
    brand, midnight = oxxo
    day = midnight.date().isoformat()
    next_day = (midnight.date() + timedelta(days=1)).isoformat()
    export = client.get(
        f"/v1/mentions/export?brand_id={brand}&since={day}T00:00:00", headers=tenant.headers
    )
    assert export.status_code == 200 and export.text.count("\n") == 1, export.text
    trend = get(client, tenant, f"/v1/brands/{brand}/trends?since={day}&until={next_day}")
    assert trend["since"] == midnight.astimezone(UTC).isoformat().replace("+00:00", "Z")
    assert [b["mentions"] for b in trend["buckets"]] == [1]  # type: ignore[attr-defined]
    situation = get(client, tenant, f"/v1/brands/{brand}/situation?since={day}&until={next_day}")
    assert situation["mentions"] == 1
    assert situation["since"] == trend["since"]


def test_objective_dates_are_local_to_the_brand(
    client: TestClient, tenant: Tenant, oxxo: tuple[int, datetime]
) -> None:
    brand, _ = oxxo
    body = {"name": "Q1", "metric": "mentions", "target": 10, "start": "2026-01-01",
            "deadline": "2026-03-31T18:00:00"}  # fmt: skip
    response = client.post(f"/v1/brands/{brand}/objectives", json=body, headers=tenant.headers)
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["start"] == "2026-01-01T06:00:00Z"  # local midnight, UTC-6
    assert created["deadline"] == "2026-04-01T00:00:00Z"
    patched = client.patch(
        f"/v1/objectives/{created['id']}", json={"start": "2026-02-01"}, headers=tenant.headers
    )
    assert patched.status_code == 200 and patched.json()["start"] == "2026-02-01T06:00:00Z"


@pytest.mark.parametrize(
    "path",
    [
        "/v1/brands/{brand}/trends?until=0001-01-02T00:00:00Z",
        "/v1/brands/{brand}/trends?since=0001-01-01",
        "/v1/brands/{brand}/situation?since=0001-01-01T00:00:00%2B01:00",
        "/v1/brands/{brand}/situation?until=9999-12-31",
        "/v1/brands/{brand}/control?as_of=9999-12-31T23:59:59-12:00",
        "/v1/brands/{brand}/control?as_of=0001-01-01T00:00:00%2B14:00",
        "/v1/mentions?since=0001-01-01T00:00:00%2B01:00",
        "/v1/mentions?brand_id={brand}&until=9999-12-31T23:59:59-12:00",
        "/v1/mentions/export?since=0001-01-01",
        "/v1/mentions?since=1700000000",
        "/v1/mentions?since=30/11/2026",
        "/v1/mentions?since=2026-02-30",
    ],
)
def test_dates_at_the_calendars_edge_or_misspelt_answer_422(
    client: TestClient, tenant: Tenant, oxxo: tuple[int, datetime], path: str
) -> None:
    brand, _ = oxxo
    response = client.get(path.format(brand=brand), headers=tenant.headers)
    assert response.status_code == 422, response.text
    assert response.json()["detail"]


def test_objective_dates_at_the_edge_answer_422(
    client: TestClient, tenant: Tenant, oxxo: tuple[int, datetime]
) -> None:
    brand, _ = oxxo
    body = {"name": "Far", "metric": "mentions", "target": 1,
            "start": "0001-01-01T00:00:00+01:00",
            "deadline": "9999-12-31T23:59:59-12:00"}  # fmt: skip
    response = client.post(f"/v1/brands/{brand}/objectives", json=body, headers=tenant.headers)
    assert response.status_code == 422, response.text


@pytest.mark.parametrize(
    "path",
    [
        "/v1/mentions?since=2026-11-10&until=2026-11-01",
        "/v1/mentions?brand_id={brand}&since=2026-11-10&until=2026-11-01",
        "/v1/mentions/export?since=2026-11-10T00:00:00Z&until=2026-11-01T00:00:00Z",
        "/v1/mentions/export?format=csv&brand_id={brand}&since=2026-11-10&until=2026-11-01",
        "/v1/brands/{brand}/trends?since=2026-11-10&until=2026-11-01",
        "/v1/brands/{brand}/situation?since=2026-11-10&until=2026-11-01",
    ],
)
def test_since_after_until_is_422_everywhere(
    client: TestClient, tenant: Tenant, oxxo: tuple[int, datetime], path: str
) -> None:
    brand, _ = oxxo
    response = client.get(path.format(brand=brand), headers=tenant.headers)
    assert response.status_code == 422, response.text
    assert "since" in response.json()["detail"]
