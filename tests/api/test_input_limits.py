"""Hostile input answers 4xx, never 500 (issue 14, items 9, 10 and 11): ids no row can
have, forged cursors, deeply nested queries, unknown parameters, huge bodies."""

import base64
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import Tenant, new_tenant
from tests.support.processes import Process, clean_env, free_port, wait_healthy
from tests.support.reports import make_brand

HUGE = "99999999999999999999"
ABOVE_INT64 = str(2**63)
NESTED = "(" * 190 + "acme" + ")" * 190


@pytest.mark.parametrize(
    "path",
    [
        "/v1/brands/{id}",
        "/v1/brands/{id}/sources",
        "/v1/brands/{id}/objectives",
        "/v1/brands/{id}/trends",
        "/v1/brands/{id}/situation",
        "/v1/brands/{id}/control",
        "/v1/sources/{id}",
        "/v1/objectives/{id}",
        "/v1/alert-rules/{id}",
    ],
)
@pytest.mark.parametrize("big", [HUGE, ABOVE_INT64])
def test_a_path_id_no_row_can_have_is_404(
    client: TestClient, tenant: Tenant, path: str, big: str
) -> None:
    response = client.get(path.format(id=big), headers=tenant.headers)
    assert response.status_code == 404, response.text
    assert response.json()["detail"]


@pytest.mark.parametrize(
    "method, path", [("PATCH", "/v1/brands/{id}"), ("DELETE", "/v1/sources/{id}"),
                     ("POST", "/v1/sources/{id}/poll"), ("POST", "/v1/alert-rules/{id}/test")],
)  # fmt: skip
def test_writes_to_an_impossible_id_are_404(
    client: TestClient, tenant: Tenant, method: str, path: str
) -> None:
    body = {"name": "x"} if method == "PATCH" else None
    response = client.request(method, path.format(id=HUGE), json=body, headers=tenant.headers)
    assert response.status_code == 404, response.text


@pytest.mark.parametrize(
    "path",
    [
        f"/v1/mentions?brand_id={HUGE}",
        f"/v1/mentions/export?brand_id={ABOVE_INT64}",
        f"/v1/alerts?brand_id={HUGE}",
        f"/v1/alerts?rule_id={ABOVE_INT64}",
        f"/v1/alerts?cursor={HUGE}",
        f"/v1/alerts?cursor={ABOVE_INT64}",
        f"/v1/alert-rules?brand_id={HUGE}",
    ],
)
def test_a_filter_id_no_row_can_have_is_422(client: TestClient, tenant: Tenant, path: str) -> None:
    response = client.get(path, headers=tenant.headers)
    assert response.status_code == 422, response.text


def test_body_ids_no_row_can_have_are_422(client: TestClient, tenant: Tenant) -> None:
    body = {"name": "Acme", "query": "acme", "competitor_ids": [int(HUGE)]}
    assert client.post("/v1/brands", json=body, headers=tenant.headers).status_code == 422
    rule = {"brand_id": int(HUGE), "kind": "spike", "email": ["a@b.example"]}
    assert client.post("/v1/alert-rules", json=rule, headers=tenant.headers).status_code == 422


def _cursor(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "raw",
    [
        '["2026-11-01T00:00:00+00:00", Infinity]',
        '["2026-11-01T00:00:00+00:00", NaN]',
        f'["2026-11-01T00:00:00+00:00", {HUGE}]',
        '["2026-11-01T00:00:00+00:00", 1e999]',
        '["2026-11-01T00:00:00", 5]',
        '["0001-01-01T00:00:00+01:00", 5]',
        '["2026-11-01T00:00:00+00:00", "5"]',
        '["2026-11-01T00:00:00+00:00", true]',
        '{"a": 1}',
        "[" * 5000,
    ],
)
def test_forged_mention_cursors_are_422(client: TestClient, tenant: Tenant, raw: str) -> None:
    cursor = _cursor(raw)
    response = client.get(f"/v1/mentions?cursor={cursor[:200]}", headers=tenant.headers)
    assert response.status_code == 422, response.text


def test_deeply_nested_queries_are_422_naming_the_position(
    client: TestClient, tenant: Tenant
) -> None:
    check = client.post(
        "/v1/query/check", json={"query": NESTED, "texts": ["acme"]}, headers=tenant.headers
    )
    assert check.status_code == 422, check.text
    assert "position 32" in json.dumps(check.json())
    brand = client.post("/v1/brands", json={"name": "A", "query": NESTED}, headers=tenant.headers)
    assert brand.status_code == 422, brand.text
    listed = client.get("/v1/mentions", params={"q": NESTED}, headers=tenant.headers)
    assert listed.status_code == 422, listed.text
    fine = "(" * 20 + "acme" + ")" * 20
    body = {"query": fine, "texts": ["acme"]}
    ok = client.post("/v1/query/check", json=body, headers=tenant.headers)
    assert ok.json() == {"matches": [True]}


@pytest.mark.parametrize(
    "path",
    [
        "/v1/brands?colour=red",
        "/v1/brands/{brand}?colour=red",
        "/v1/brands/{brand}/sources?colour=red",
        "/v1/brands/{brand}/objectives?colour=red",
        "/v1/alert-rules/1?colour=red",
        "/v1/mentions?colour=red",
        "/v1/mentions/export?limit=5",
        "/v1/mentions/export?cursor=abc",
        "/v1/brands/{brand}/trends?colour=red",
        "/v1/brands/{brand}/control?since=2026-01-01",
    ],
)
def test_unknown_query_parameters_are_422(client: TestClient, tenant: Tenant, path: str) -> None:
    brand = make_brand(client, tenant, name="Acme", query="acme")
    response = client.get(path.format(brand=brand), headers=tenant.headers)
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["type"] == "extra_forbidden"


def test_a_body_over_1_mb_is_413_and_nothing_is_echoed(client: TestClient, tenant: Tenant) -> None:
    body = {"name": "A", "query": "a", "timezone": "x" * (2 * 1024 * 1024)}
    response = client.post("/v1/brands", json=body, headers=tenant.headers)
    assert response.status_code == 413
    assert len(response.content) < 200 and "1 MB" in response.json()["detail"]


def test_422_answers_never_carry_the_input_back(client: TestClient, tenant: Tenant) -> None:
    secret = "Z" * 500_000
    response = client.post(
        "/v1/brands", json={"name": secret, "query": secret}, headers=tenant.headers
    )
    assert response.status_code == 422
    assert len(response.content) < 2000 and "ZZZZZZZZZZ" not in response.text
    assert {"type", "loc", "msg"} <= set(response.json()["detail"][0])


def test_each_text_to_score_or_check_is_capped(client: TestClient, tenant: Tenant) -> None:
    long = "good " * 2001  # 10,005 characters
    for path, body in (
        ("/v1/sentiment/score", {"texts": ["fine", long]}),
        ("/v1/query/check", {"query": "good", "texts": [long]}),
    ):
        response = client.post(path, json=body, headers=tenant.headers)
        assert response.status_code == 422, path
        assert response.json()["detail"][0]["loc"][-2:] == ["texts", 1 if "score" in path else 0]
        assert "good good" not in response.text
    body = {"texts": ["good " * 1999]}
    fine = client.post("/v1/sentiment/score", json=body, headers=tenant.headers)
    assert fine.status_code == 200


def test_a_chunked_body_over_1_mb_is_counted_as_it_arrives(db: str, tmp_path: Path) -> None:
    """No Content-Length: the limit counts the stream itself (a real server, real chunks)."""
    tenant = new_tenant("Chunks")
    env = clean_env(ESCUCHA_DATABASE_URL=db, ESCUCHA_DATA_DIR=str(tmp_path / "data"))
    port = free_port()
    api = Process(["api", "--port", str(port)], env=env, cwd=tmp_path)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_healthy(base)

        def chunks(total: int) -> Iterator[bytes]:
            yield b'{"texts": ["'
            for _ in range(total // 65536):
                yield b"a" * 65536
            yield b'"]}'

        headers = {**tenant.headers, "Content-Type": "application/json"}
        big = httpx.post(
            f"{base}/v1/sentiment/score",
            content=chunks(2 * 1024 * 1024),
            headers=headers,
        )
        assert big.status_code == 413, big.text
        assert "content-length" not in {k.lower() for k in big.request.headers}
        small = httpx.post(
            f"{base}/v1/sentiment/score",
            content=chunks(65536),
            headers=headers,
        )
        assert small.status_code == 422  # 65,536 characters: over the cap of one text
    finally:
        api.stop()
