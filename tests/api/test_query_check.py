from fastapi.testclient import TestClient

from tests.api.conftest import Tenant


def test_try_a_query_on_sample_texts(client: TestClient, tenant: Tenant) -> None:
    body = {
        "query": '("coca cola" OR coke) -"coke zero" -cocaine',
        "texts": ["I love Coca-Cola", "Coke Zero is fine", "a coke please", "Pepsi"],
    }
    response = client.post("/v1/query/check", json=body, headers=tenant.headers)
    assert response.status_code == 200
    assert response.json() == {"matches": [True, False, True, False]}


def test_bad_query_and_too_many_texts_answer_422(client: TestClient, tenant: Tenant) -> None:
    bad = client.post(
        "/v1/query/check", json={"query": "(acme", "texts": []}, headers=tenant.headers
    )
    assert bad.status_code == 422 and "position" in bad.text
    many = client.post(
        "/v1/query/check", json={"query": "acme", "texts": ["x"] * 1001}, headers=tenant.headers
    )
    assert many.status_code == 422


def test_health_and_docs_need_no_key(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/docs").status_code == 200
    assert "/v1/brands" in client.get("/openapi.json").json()["paths"]
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["database"] == "ok"


def test_nan_and_infinity_in_a_body_answer_422_not_500(client: TestClient, tenant: Tenant) -> None:
    brand = client.post(
        "/v1/brands", json={"name": "Acme", "query": "acme"}, headers=tenant.headers
    )
    for raw in ('{"name": "X", "metric": "mentions", "target": NaN}', '{"texts": Infinity}'):
        for path in (f"/v1/brands/{brand.json()['id']}/objectives", "/v1/sentiment/score"):
            response = client.post(
                path, content=raw, headers={**tenant.headers, "Content-Type": "application/json"}
            )
            assert response.status_code == 422, (path, raw, response.text)
