from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from core.settings import get_settings
from services.delivery import deliver
from tests.api.conftest import Tenant
from tests.support.smtp_server import SmtpSink, smtp_server
from tests.support.webhook_receiver import WebhookReceiver, webhook_receiver


@pytest.fixture
def brand_id(client: TestClient, tenant: Tenant) -> int:
    body = {"name": "Acme", "query": "acme", "timezone": "Europe/Madrid"}
    return int(client.post("/v1/brands", json=body, headers=tenant.headers).json()["id"])


@pytest.fixture
def smtp(db: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[SmtpSink]:
    with smtp_server() as sink:
        monkeypatch.setenv("ESCUCHA_SMTP_URL", sink.url())
        get_settings.cache_clear()
        try:
            yield sink
        finally:
            monkeypatch.undo()
            get_settings.cache_clear()


@pytest.fixture
def receiver(db: str) -> Iterator[WebhookReceiver]:
    with webhook_receiver() as running:
        yield running


def create(client: TestClient, tenant: Tenant, **body: Any) -> Any:
    return client.post("/v1/alert-rules", json=body, headers=tenant.headers)


def test_alert_rule_crud(client: TestClient, tenant: Tenant, brand_id: int) -> None:
    response = create(client, tenant, brand_id=brand_id, kind="spike", email=["pr@acme.test"])
    assert response.status_code == 201, response.text
    rule = response.json()
    assert rule["sensitivity"] == "medium" and rule["cooldown_minutes"] == 120
    assert rule["window_minutes"] == 60 and rule["daily_budget"] == 5
    assert rule["next_run_at"] is None and len(rule["webhook_secret"]) >= 32
    path = f"/v1/alert-rules/{rule['id']}"
    assert client.get(path, headers=tenant.headers).json() == rule
    patched = client.patch(
        path,
        json={"sensitivity": "high", "email": ["a@acme.test", "b@acme.test"]},
        headers=tenant.headers,
    ).json()
    assert patched["sensitivity"] == "high" and patched["email"] == ["a@acme.test", "b@acme.test"]
    assert patched["cooldown_minutes"] == 120
    listed = client.get(f"/v1/alert-rules?brand_id={brand_id}", headers=tenant.headers).json()
    assert [r["id"] for r in listed] == [rule["id"]]
    assert client.delete(path, headers=tenant.headers).status_code == 204
    assert client.get(path, headers=tenant.headers).status_code == 404


def test_a_digest_rule_shows_its_next_local_send(
    client: TestClient, tenant: Tenant, brand_id: int
) -> None:
    rule = create(
        client, tenant, brand_id=brand_id, kind="digest", email=["boss@acme.test"],
        schedule="weekly", weekday="friday", time="08:30",
    ).json()  # fmt: skip
    assert (rule["schedule"], rule["weekday"], rule["time"]) == ("weekly", "friday", "08:30")
    from datetime import datetime
    from zoneinfo import ZoneInfo

    local = datetime.fromisoformat(rule["next_run_at"]).astimezone(ZoneInfo("Europe/Madrid"))
    assert local.strftime("%A %H:%M") == "Friday 08:30"
    moved = client.patch(
        f"/v1/alert-rules/{rule['id']}",
        json={"schedule": "daily", "time": "07:00"},
        headers=tenant.headers,
    ).json()
    local = datetime.fromisoformat(moved["next_run_at"]).astimezone(ZoneInfo("Europe/Madrid"))
    assert local.strftime("%H:%M") == "07:00"


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"kind": "spike"}, "at least one"),
        ({"kind": "spike", "email": ["not-an-address"]}, "email"),
        ({"kind": "spike", "email": ["a@b.test\r\nBcc: x@y.test"]}, "email"),
        ({"kind": "flood", "email": ["a@b.test"]}, "kind"),
        ({"kind": "spike", "email": ["a@b.test"], "sensitivity": "extreme"}, "sensitivity"),
        ({"kind": "digest", "email": ["a@b.test"], "time": "25:00"}, "HH:MM"),
        ({"kind": "digest", "email": ["a@b.test"], "weekday": "funday"}, "weekday"),
        ({"kind": "spike", "email": ["a@b.test"], "cooldown_minutes": -1}, "cooldown"),
        ({"kind": "spike", "webhook_url": "ftp://127.0.0.1/x"}, "http"),
        ({"kind": "spike", "email": ["a@b.test"], "surprise": 1}, "surprise"),
    ],
)
def test_bad_rules_answer_422(
    client: TestClient, tenant: Tenant, brand_id: int, body: dict[str, Any], fragment: str
) -> None:
    response = create(client, tenant, brand_id=brand_id, **body)
    assert response.status_code == 422, response.text
    assert fragment.lower() in response.text.lower()


def test_private_webhook_targets_are_refused_unless_allowed(
    client: TestClient, tenant: Tenant, brand_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ESCUCHA_ALLOW_PRIVATE_HOSTS", "false")
    get_settings.cache_clear()
    try:
        for url in ("http://127.0.0.1:8080/hook", "http://169.254.169.254/x", "http://10.1.2.3/"):
            response = create(client, tenant, brand_id=brand_id, kind="spike", webhook_url=url)
            assert response.status_code == 422 and "webhook_url" in response.text, url
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()


def test_other_workspaces_see_404(
    client: TestClient, tenant: Tenant, other_tenant: Tenant, brand_id: int
) -> None:
    rule = create(client, tenant, brand_id=brand_id, kind="spike", email=["a@b.test"]).json()
    path = f"/v1/alert-rules/{rule['id']}"
    for method, url in [("GET", path), ("PATCH", path), ("DELETE", path), ("POST", f"{path}/test")]:
        response = client.request(method, url, json={}, headers=other_tenant.headers)
        assert response.status_code == 404, (method, url)
    stolen = create(client, other_tenant, brand_id=brand_id, kind="spike", email=["a@b.test"])
    assert stolen.status_code == 404
    assert client.get("/v1/alerts", headers=other_tenant.headers).json()["items"] == []
    assert client.get("/v1/alert-rules", headers=other_tenant.headers).json() == []
    assert client.get("/v1/alert-rules").status_code == 401


def test_test_delivery_is_sent_and_listed_with_its_status(
    client: TestClient, tenant: Tenant, brand_id: int, smtp: SmtpSink, receiver: WebhookReceiver
) -> None:
    rule = create(
        client, tenant, brand_id=brand_id, kind="spike", email=["pr@acme.test"],
        webhook_url=receiver.url(),
    ).json()  # fmt: skip
    response = client.post(f"/v1/alert-rules/{rule['id']}/test", headers=tenant.headers)
    assert response.status_code == 202, response.text
    alert = response.json()
    assert alert["test"] is True and alert["kind"] == "spike"
    assert alert["reason"].startswith("Test message: the rule would not fire now.")
    assert {(d["channel"], d["status"]) for d in alert["deliveries"]} == {
        ("email", "pending"),
        ("webhook", "pending"),
    }
    for delivery in alert["deliveries"]:  # what the worker does with the queued tasks
        assert deliver(delivery["id"]).outcome == "sent"
    (mail,) = smtp.messages
    assert mail.parsed()["Subject"].startswith("[Escucha] [TEST] Spike: 0 mentions of Acme")
    assert len(receiver.received) == 1

    listed = client.get("/v1/alerts?test=true", headers=tenant.headers).json()
    (item,) = listed["items"]
    assert item["id"] == alert["id"] and item["test"] is True and listed["next_cursor"] is None
    assert {d["status"] for d in item["deliveries"]} == {"sent"}
    assert all(d["sent_at"] and d["attempts"] == 1 for d in item["deliveries"])
    assert item["figures"]["threshold"] == 10 and item["sample_mentions"] == []
    assert client.get("/v1/alerts?test=false", headers=tenant.headers).json()["items"] == []


def test_a_digest_test_and_paging_the_history(
    client: TestClient, tenant: Tenant, brand_id: int
) -> None:
    rule = create(client, tenant, brand_id=brand_id, kind="digest", email=["boss@acme.test"]).json()
    ids = [
        client.post(f"/v1/alert-rules/{rule['id']}/test", headers=tenant.headers).json()["id"]
        for _ in range(3)
    ]
    first = client.get("/v1/alerts?limit=2", headers=tenant.headers).json()
    assert [a["id"] for a in first["items"]] == ids[::-1][:2] and first["next_cursor"]
    rest = client.get(
        f"/v1/alerts?limit=2&cursor={first['next_cursor']}", headers=tenant.headers
    ).json()
    assert [a["id"] for a in rest["items"]] == [ids[0]] and rest["next_cursor"] is None
    digest = rest["items"][0]
    assert digest["kind"] == "digest" and digest["figures"]["mentions"] == 0
    assert digest["reason"].startswith("Daily digest of the 24 hours before")


@pytest.mark.parametrize(
    "query", ["bogus=1", "limit=0", "limit=501", "kind=flood", "cursor=abc", "test=maybe"]
)
def test_bad_alert_queries_answer_422(client: TestClient, tenant: Tenant, query: str) -> None:
    assert client.get(f"/v1/alerts?{query}", headers=tenant.headers).status_code == 422


def test_unsubscribe_without_a_valid_token_is_refused(client: TestClient) -> None:
    assert client.get("/v1/unsubscribe?token=garbage").status_code == 400
    assert client.get("/v1/unsubscribe").status_code == 422


def test_a_rule_may_name_its_language_and_null_gives_it_back_to_the_brand(
    client: TestClient, tenant: Tenant, brand_id: int
) -> None:
    rule = create(client, tenant, brand_id=brand_id, kind="digest", email=["pr@acme.test"]).json()
    assert rule["language"] is None
    path = f"/v1/alert-rules/{rule['id']}"
    spanish = client.patch(path, json={"language": "es"}, headers=tenant.headers)
    assert spanish.status_code == 200 and spanish.json()["language"] == "es"
    assert (
        client.patch(path, json={"time": "09:00"}, headers=tenant.headers).json()["language"]
        == "es"
    )
    assert (
        client.patch(path, json={"language": None}, headers=tenant.headers).json()["language"]
        is None
    )
    english = create(
        client, tenant, brand_id=brand_id, kind="spike", email=["a@acme.test"], language="en"
    )
    assert english.status_code == 201 and english.json()["language"] == "en"
    for bad in ["fr", "ES", "spanish", 1]:
        response = client.patch(path, json={"language": bad}, headers=tenant.headers)
        assert response.status_code == 422, bad
        refused = create(
            client, tenant, brand_id=brand_id, kind="spike", email=["a@acme.test"], language=bad
        )
        assert refused.status_code == 422, bad
    assert client.get(path, headers=tenant.headers).json()["language"] is None
