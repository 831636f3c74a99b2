import pytest
from fastapi.testclient import TestClient

from core.settings import get_settings
from tests.api.conftest import Tenant


@pytest.fixture
def brand_id(client: TestClient, tenant: Tenant) -> int:
    response = client.post(
        "/v1/brands", json={"name": "Acme", "query": "acme"}, headers=tenant.headers
    )
    return int(response.json()["id"])


def test_create_a_google_alerts_source_shows_its_health_fields(
    client: TestClient, tenant: Tenant, brand_id: int
) -> None:
    body = {"kind": "google_alerts", "url": "http://127.0.0.1:9/alerts/feeds/1/2"}
    response = client.post(f"/v1/brands/{brand_id}/sources", json=body, headers=tenant.headers)
    assert response.status_code == 201, response.text
    source = response.json()
    assert source["status"] == "ok"
    assert source["interval_seconds"] == 900
    assert source["last_polled_at"] is None and source["consecutive_failures"] == 0
    assert source["mentions_found"] == 0 and source["last_error"] is None
    listed = client.get(f"/v1/brands/{brand_id}/sources", headers=tenant.headers).json()
    assert [s["id"] for s in listed] == [source["id"]]


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"kind": "myspace", "url": "http://127.0.0.1/f"}, "kind"),
        ({"kind": "rss"}, "url"),
        ({"kind": "rss", "url": "not a url"}, "url"),
        ({"kind": "rss", "url": "ftp://127.0.0.1/feed"}, "http"),
        ({"kind": "rss", "url": "file:///etc/passwd"}, "http"),
        ({"kind": "rss", "url": "http://127.0.0.1/f", "interval_seconds": 30}, "60"),
        ({"kind": "rss", "url": "http://127.0.0.1/f", "extra": True}, "extra"),
    ],
)
def test_bad_sources_answer_422_with_a_message(
    client: TestClient, tenant: Tenant, brand_id: int, body: dict[str, object], fragment: str
) -> None:
    response = client.post(f"/v1/brands/{brand_id}/sources", json=body, headers=tenant.headers)
    assert response.status_code == 422, response.text
    assert fragment.lower() in response.text.lower()


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/feed",
        "http://localhost:8080/feed",
        "http://10.0.0.5/feed",
        "http://192.168.1.1/feed",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/feed",
        "http://2130706433/feed",
    ],
)
def test_private_hosts_are_refused_unless_allowed(
    client: TestClient,
    tenant: Tenant,
    brand_id: int,
    url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ESCUCHA_ALLOW_PRIVATE_HOSTS", "false")
    get_settings.cache_clear()
    try:
        body = {"kind": "rss", "url": url}
        response = client.post(f"/v1/brands/{brand_id}/sources", json=body, headers=tenant.headers)
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    assert response.status_code == 422, url
    detail = response.json()["detail"]
    assert any(word in detail for word in ("private", "loopback", "local", "metadata")), detail


def test_editing_a_failing_source_gives_it_a_fresh_start(
    client: TestClient, tenant: Tenant, brand_id: int
) -> None:
    from core.db import session_scope
    from models.tables import Source

    body = {"kind": "rss", "url": "http://127.0.0.1:9/feed"}
    source_id = client.post(
        f"/v1/brands/{brand_id}/sources", json=body, headers=tenant.headers
    ).json()["id"]
    with session_scope() as session:
        row = session.get(Source, source_id)
        assert row is not None
        row.status, row.consecutive_failures, row.cursor = "failing", 10, {"etag": '"x"'}
    patched = client.patch(
        f"/v1/sources/{source_id}", json={"url": "http://127.0.0.1:9/other"}, headers=tenant.headers
    )
    assert patched.status_code == 200
    assert patched.json()["status"] == "ok" and patched.json()["consecutive_failures"] == 0
    paused = client.patch(
        f"/v1/sources/{source_id}", json={"status": "paused"}, headers=tenant.headers
    )
    assert paused.json()["status"] == "paused"


def test_poll_now_answers_202_and_404_for_others(
    client: TestClient, tenant: Tenant, other_tenant: Tenant, brand_id: int
) -> None:
    body = {"kind": "rss", "url": "http://127.0.0.1:9/feed"}
    source_id = client.post(
        f"/v1/brands/{brand_id}/sources", json=body, headers=tenant.headers
    ).json()["id"]
    assert client.post(f"/v1/sources/{source_id}/poll", headers=tenant.headers).status_code == 202
    for method, path in [
        ("POST", f"/v1/sources/{source_id}/poll"),
        ("GET", f"/v1/sources/{source_id}"),
        ("PATCH", f"/v1/sources/{source_id}"),
        ("DELETE", f"/v1/sources/{source_id}"),
    ]:
        response = client.request(method, path, json={}, headers=other_tenant.headers)
        assert response.status_code == 404, (method, path)
    assert client.delete(f"/v1/sources/{source_id}", headers=tenant.headers).status_code == 204
