"""What /openapi.json says (issue 14, item 12): every error the API sends, in the shape it
sends; the export's real content types and parameters; the methods a path allows."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import Tenant


@pytest.fixture
def document(client: TestClient) -> dict[str, Any]:
    body: dict[str, Any] = client.get("/openapi.json").json()
    return body


def test_errors_are_declared_with_the_shape_sent(document: dict[str, Any]) -> None:
    error = {"$ref": "#/components/schemas/ErrorBody"}
    brands = document["paths"]["/v1/brands"]["post"]["responses"]
    for code in ("400", "401", "404", "409", "413", "422", "429", "503"):
        assert brands[code]["content"]["application/json"]["schema"] == error, code
    detail = document["components"]["schemas"]["ErrorBody"]["properties"]["detail"]
    assert {"type": "string"} in detail["anyOf"]  # a message...
    assert "HTTPValidationError" not in document["components"]["schemas"]
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if path.startswith("/v1/"):
                assert "422" in operation["responses"], (method, path)
                if operation.get("security"):
                    assert {"401", "404"} <= set(operation["responses"]), (method, path)


def test_sent_422_bodies_match_the_declared_shape(client: TestClient, tenant: Tenant) -> None:
    listed = client.get("/v1/mentions?limit=0", headers=tenant.headers).json()
    assert set(listed) == {"detail"} and set(listed["detail"][0]) == {"type", "loc", "msg"}
    message = client.get("/v1/mentions?cursor=abc", headers=tenant.headers).json()
    assert isinstance(message["detail"], str)


def test_the_export_documents_what_it_sends(document: dict[str, Any]) -> None:
    export = document["paths"]["/v1/mentions/export"]["get"]
    assert set(export["responses"]["200"]["content"]) == {"application/x-ndjson", "text/csv"}
    names = {p["name"] for p in export["parameters"]}
    assert "limit" not in names and "cursor" not in names
    assert {"format", "bom", "since", "until", "q"} <= names


def test_a_method_not_allowed_names_every_method_the_path_has(client: TestClient) -> None:
    response = client.options("/v1/unsubscribe?token=x")
    assert response.status_code == 405
    allowed = {m.strip() for m in response.headers["allow"].split(",")}
    assert {"GET", "POST"} <= allowed
    assert client.delete("/v1/brands").headers["allow"] == "GET, POST"
