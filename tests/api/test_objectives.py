from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import Tenant
from tests.support.reports import make_brand

GOAL = {
    "name": "More mentions in Q1",
    "metric": "mentions",
    "target": 1000,
    "direction": "at_least",
    "start": "2027-01-01T00:00:00Z",
    "deadline": "2027-04-01T00:00:00Z",
}


@pytest.fixture
def brand_id(client: TestClient, tenant: Tenant) -> int:
    return make_brand(client, tenant, name="Acme", query="acme")


def create(client: TestClient, tenant: Tenant, brand_id: int, **changes: Any) -> Any:
    return client.post(
        f"/v1/brands/{brand_id}/objectives", json={**GOAL, **changes}, headers=tenant.headers
    )


def test_create_read_update_delete(client: TestClient, tenant: Tenant, brand_id: int) -> None:
    created = create(client, tenant, brand_id)
    assert created.status_code == 201, created.text
    goal = created.json()
    assert {k: goal[k] for k in ("name", "metric", "target", "direction")} == {
        "name": "More mentions in Q1", "metric": "mentions", "target": 1000.0,
        "direction": "at_least",
    }  # fmt: skip
    assert goal["brand_id"] == brand_id
    assert goal["start"] == "2027-01-01T00:00:00Z" and goal["deadline"] == "2027-04-01T00:00:00Z"
    listed = client.get(f"/v1/brands/{brand_id}/objectives", headers=tenant.headers).json()
    assert [g["id"] for g in listed] == [goal["id"]]
    assert client.get(f"/v1/objectives/{goal['id']}", headers=tenant.headers).json() == goal
    patched = client.patch(
        f"/v1/objectives/{goal['id']}",
        json={"metric": "net_sentiment", "target": 25, "direction": "at_most"},
        headers=tenant.headers,
    )
    assert patched.status_code == 200, patched.text
    assert (patched.json()["metric"], patched.json()["target"]) == ("net_sentiment", 25.0)
    assert patched.json()["name"] == GOAL["name"]
    assert client.delete(f"/v1/objectives/{goal['id']}", headers=tenant.headers).status_code == 204
    assert client.get(f"/v1/objectives/{goal['id']}", headers=tenant.headers).status_code == 404
    assert client.get(f"/v1/brands/{brand_id}/objectives", headers=tenant.headers).json() == []


def test_direction_defaults_to_at_least_and_naive_times_are_utc(
    client: TestClient, tenant: Tenant, brand_id: int
) -> None:
    body = {k: v for k, v in GOAL.items() if k != "direction"}
    body["start"] = "2027-01-01T00:00:00"
    response = client.post(f"/v1/brands/{brand_id}/objectives", json=body, headers=tenant.headers)
    assert response.status_code == 201, response.text
    assert response.json()["direction"] == "at_least"
    assert response.json()["start"] == "2027-01-01T00:00:00Z"


@pytest.mark.parametrize(
    "changes",
    [
        {"metric": "likes"},
        {"direction": "about"},
        {"deadline": "2026-12-31T00:00:00Z"},
        {"deadline": GOAL["start"]},
        {"deadline": "2040-01-01T00:00:00Z"},
        {"target": -1},
        {"metric": "share_of_voice", "target": 1.5},
        {"metric": "net_sentiment", "target": 101},
        {"metric": "avg_sentiment", "target": -2},
        {"metric": "positive_share", "target": 75},
        {"target": "many"},
        {"name": ""},
        {"start": "soon"},
        {"owner": "me"},
    ],
)
def test_bad_objectives_answer_422(
    client: TestClient, tenant: Tenant, brand_id: int, changes: dict[str, Any]
) -> None:
    response = create(client, tenant, brand_id, **changes)
    assert response.status_code == 422, response.text
    assert response.json()["detail"]


def test_missing_fields_and_non_finite_targets_answer_422(
    client: TestClient, tenant: Tenant, brand_id: int
) -> None:
    for missing in ("name", "metric", "target", "start", "deadline"):
        body = {k: v for k, v in GOAL.items() if k != missing}
        response = client.post(
            f"/v1/brands/{brand_id}/objectives", json=body, headers=tenant.headers
        )
        assert response.status_code == 422, missing
    raw = (
        '{"name": "x", "metric": "mentions", "target": NaN, '
        '"start": "2027-01-01T00:00:00Z", "deadline": "2027-02-01T00:00:00Z"}'
    )
    response = client.post(
        f"/v1/brands/{brand_id}/objectives",
        content=raw,
        headers={**tenant.headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 422


def test_a_patch_is_checked_against_the_stored_fields(
    client: TestClient, tenant: Tenant, brand_id: int
) -> None:
    goal = create(client, tenant, brand_id).json()
    for bad in (
        {"deadline": "2026-06-01T00:00:00Z"},
        {"metric": "positive_share"},  # the stored target of 1000 no longer fits
        {"unknown": 1},
        {"target": None, "direction": "up"},
    ):
        response = client.patch(f"/v1/objectives/{goal['id']}", json=bad, headers=tenant.headers)
        assert response.status_code == 422, bad
    stored = client.get(f"/v1/objectives/{goal['id']}", headers=tenant.headers).json()
    assert stored == goal


def test_another_workspace_sees_nothing(
    client: TestClient, tenant: Tenant, other_tenant: Tenant, brand_id: int
) -> None:
    goal = create(client, tenant, brand_id).json()
    other = other_tenant.headers
    assert create(client, other_tenant, brand_id).status_code == 404
    assert client.get(f"/v1/brands/{brand_id}/objectives", headers=other).status_code == 404
    assert client.get(f"/v1/objectives/{goal['id']}", headers=other).status_code == 404
    assert (
        client.patch(f"/v1/objectives/{goal['id']}", json={"target": 1}, headers=other).status_code
        == 404
    )
    assert client.delete(f"/v1/objectives/{goal['id']}", headers=other).status_code == 404
    assert client.get(f"/v1/objectives/{goal['id']}", headers=tenant.headers).json() == goal
    assert client.get("/v1/objectives/999999", headers=tenant.headers).status_code == 404
    assert client.get("/v1/objectives/x", headers=tenant.headers).status_code == 422
    assert client.get(f"/v1/objectives/{goal['id']}").status_code == 401


def test_deleting_the_brand_deletes_its_objectives(
    client: TestClient, tenant: Tenant, brand_id: int
) -> None:
    goal = create(client, tenant, brand_id).json()
    assert client.delete(f"/v1/brands/{brand_id}", headers=tenant.headers).status_code == 204
    assert client.get(f"/v1/objectives/{goal['id']}", headers=tenant.headers).status_code == 404
