import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import Tenant

BRAND = {"name": "Acme", "query": '("acme corp" OR acme) -acmeville', "timezone": "Europe/Madrid"}


def test_without_a_key_every_endpoint_answers_401(client: TestClient) -> None:
    for method, path in [("GET", "/v1/brands"), ("POST", "/v1/brands"), ("GET", "/v1/mentions")]:
        response = client.request(method, path)
        assert response.status_code == 401
        assert "API key" in response.json()["detail"]


def test_a_wrong_key_answers_401(client: TestClient) -> None:
    response = client.get("/v1/brands", headers={"Authorization": "Bearer esk_nope"})
    assert response.status_code == 401


def test_create_read_update_delete(client: TestClient, tenant: Tenant) -> None:
    created = client.post("/v1/brands", json=BRAND, headers=tenant.headers)
    assert created.status_code == 201, created.text
    brand = created.json()
    assert brand["name"] == "Acme" and brand["timezone"] == "Europe/Madrid"
    assert client.get("/v1/brands", headers=tenant.headers).json()[0]["id"] == brand["id"]
    patched = client.patch(
        f"/v1/brands/{brand['id']}", json={"query": "acme"}, headers=tenant.headers
    )
    assert patched.status_code == 200 and patched.json()["query"] == "acme"
    assert patched.json()["name"] == "Acme"
    assert client.delete(f"/v1/brands/{brand['id']}", headers=tenant.headers).status_code == 204
    assert client.get(f"/v1/brands/{brand['id']}", headers=tenant.headers).status_code == 404


def test_a_query_that_cannot_be_parsed_answers_422_naming_the_position(
    client: TestClient, tenant: Tenant
) -> None:
    response = client.post(
        "/v1/brands", json={**BRAND, "query": 'acme "unclosed'}, headers=tenant.headers
    )
    assert response.status_code == 422
    assert "position 5" in response.text


def test_bad_fields_answer_422(client: TestClient, tenant: Tenant) -> None:
    for bad in [
        {**BRAND, "timezone": "Mars/Olympus"},
        {**BRAND, "languages": ["spanish"]},
        {**BRAND, "name": ""},
        {**BRAND, "competitor_ids": [999]},
        {**BRAND, "unknown_field": 1},
        {"name": "No query"},
    ]:
        response = client.post("/v1/brands", json=bad, headers=tenant.headers)
        assert response.status_code == 422, bad
        assert response.json()["detail"]


def test_duplicate_name_answers_409(client: TestClient, tenant: Tenant) -> None:
    assert client.post("/v1/brands", json=BRAND, headers=tenant.headers).status_code == 201
    response = client.post("/v1/brands", json=BRAND, headers=tenant.headers)
    assert response.status_code == 409


def test_competitors_must_be_brands_of_the_same_workspace(
    client: TestClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    rival = client.post("/v1/brands", json={**BRAND, "name": "Rival"}, headers=other_tenant.headers)
    response = client.post(
        "/v1/brands", json={**BRAND, "competitor_ids": [rival.json()["id"]]}, headers=tenant.headers
    )
    assert response.status_code == 422
    own = client.post("/v1/brands", json={**BRAND, "name": "Own rival"}, headers=tenant.headers)
    ok = client.post(
        "/v1/brands", json={**BRAND, "competitor_ids": [own.json()["id"]]}, headers=tenant.headers
    )
    assert ok.status_code == 201 and ok.json()["competitor_ids"] == [own.json()["id"]]


def test_another_workspace_brand_answers_404_like_a_missing_one(
    client: TestClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    theirs = client.post("/v1/brands", json=BRAND, headers=other_tenant.headers).json()["id"]
    for method, path, body in [
        ("GET", f"/v1/brands/{theirs}", None),
        ("PATCH", f"/v1/brands/{theirs}", {"name": "Mine now"}),
        ("DELETE", f"/v1/brands/{theirs}", None),
        ("GET", f"/v1/brands/{theirs}/sources", None),
        ("POST", f"/v1/brands/{theirs}/sources", {"kind": "rss", "url": "http://127.0.0.1/f"}),
        ("GET", f"/v1/brands/{theirs}/trends", None),
        ("GET", f"/v1/mentions?brand_id={theirs}", None),
    ]:
        response = client.request(method, path, json=body, headers=tenant.headers)
        missing = client.request(
            method, path.replace(str(theirs), "9999"), json=body, headers=tenant.headers
        )
        assert response.status_code == 404, (method, path)
        assert missing.status_code == 404
    assert client.get("/v1/brands", headers=tenant.headers).json() == []
    assert client.get(f"/v1/brands/{theirs}", headers=other_tenant.headers).status_code == 200


def test_a_brand_has_a_locale_en_us_by_default_stored_in_its_canonical_form(
    client: TestClient, tenant: Tenant
) -> None:
    created = client.post("/v1/brands", json=BRAND, headers=tenant.headers).json()
    assert created["locale"] == "en-US"
    path = f"/v1/brands/{created['id']}"
    patched = client.patch(path, json={"locale": "es_mx"}, headers=tenant.headers)
    assert patched.status_code == 200, patched.text
    assert patched.json()["locale"] == "es-MX"
    assert (
        client.patch(path, json={"name": "Acme MX"}, headers=tenant.headers).json()["locale"]
        == "es-MX"
    )
    other = {**BRAND, "name": "Acme LatAm", "locale": "es-419"}
    assert client.post("/v1/brands", json=other, headers=tenant.headers).json()["locale"] == (
        "es-419"
    )


@pytest.mark.parametrize("locale", ["es-ZZ", "xx", "spanish", "", "es-MX-x-private", "en-MX"])
def test_a_locale_that_cldr_does_not_know_answers_422_and_changes_nothing(
    client: TestClient, tenant: Tenant, locale: str
) -> None:
    response = client.post("/v1/brands", json={**BRAND, "locale": locale}, headers=tenant.headers)
    assert response.status_code == 422, locale
    assert "locale" in response.text
    created = client.post("/v1/brands", json=BRAND, headers=tenant.headers).json()
    path = f"/v1/brands/{created['id']}"
    assert client.patch(path, json={"locale": locale}, headers=tenant.headers).status_code == 422
    assert client.get(path, headers=tenant.headers).json()["locale"] == "en-US"
