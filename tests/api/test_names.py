"""Brand and workspace names (issue 14, item 16): visible characters only, and one name
whatever its case, accents or spacing."""

import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from core.db import session_scope
from services.errors import ConflictError, InvalidInputError
from services.workspaces import create_workspace_with_key
from tests.api.conftest import Tenant
from tests.support.processes import clean_env


def create(client: TestClient, tenant: Tenant, name: str) -> int:
    response = client.post("/v1/brands", json={"name": name, "query": "x"}, headers=tenant.headers)
    return int(response.status_code)


@pytest.mark.parametrize(
    "name",
    ["   ", "\t\n", "Ac\x00me", "Acme\u202e", "\u2066Acme", "Ac\u200fme", "A\x1bcme", "\x7f"],
)
def test_invisible_or_control_characters_are_refused(
    client: TestClient, tenant: Tenant, name: str
) -> None:
    response = client.post("/v1/brands", json={"name": name, "query": "x"}, headers=tenant.headers)
    assert response.status_code == 422, name
    assert response.json()["detail"][0]["loc"] == ["body", "name"]


def test_a_patch_is_held_to_the_same_rule(client: TestClient, tenant: Tenant) -> None:
    brand = client.post("/v1/brands", json={"name": "Acme", "query": "x"}, headers=tenant.headers)
    patched = client.patch(
        f"/v1/brands/{brand.json()['id']}", json={"name": " \u202e "}, headers=tenant.headers
    )
    assert patched.status_code == 422


def test_names_are_trimmed(client: TestClient, tenant: Tenant) -> None:
    response = client.post(
        "/v1/brands", json={"name": "  Acme  ", "query": "x"}, headers=tenant.headers
    )
    assert response.json()["name"] == "Acme"


@pytest.mark.parametrize("other", ["OXXO", "oxxo", "Óxxo", " oXxO ", "OXXO"])
def test_brand_names_are_one_whatever_case_and_accents(
    client: TestClient, tenant: Tenant, other: str
) -> None:
    assert create(client, tenant, "Oxxo") == 201
    assert create(client, tenant, other) == 409


def test_spacing_inside_a_name_does_not_make_another(client: TestClient, tenant: Tenant) -> None:
    assert create(client, tenant, "Tiendas Oxxo") == 201
    assert create(client, tenant, "tiendas   OXXO") == 409
    assert create(client, tenant, "Tiendas Oxxo Gas") == 201


def test_renaming_onto_another_brand_is_409_and_onto_itself_is_fine(
    client: TestClient, tenant: Tenant
) -> None:
    assert create(client, tenant, "Oxxo") == 201
    other = client.post(
        "/v1/brands", json={"name": "7-Eleven", "query": "x"}, headers=tenant.headers
    )
    url = f"/v1/brands/{other.json()['id']}"
    assert client.patch(url, json={"name": "OXXÓ"}, headers=tenant.headers).status_code == 409
    assert client.patch(url, json={"name": "7-ELEVEN"}, headers=tenant.headers).status_code == 200


def test_another_workspace_may_use_the_same_name(
    client: TestClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    assert create(client, tenant, "Oxxo") == 201
    assert create(client, other_tenant, "OXXO") == 201


def test_workspace_names_are_unique(db: str) -> None:
    with session_scope() as session:
        create_workspace_with_key(session, name="Acme marketing")
    for name in ("Acme marketing", "ACME  Márketing", " acme marketing "):
        with pytest.raises(ConflictError), session_scope() as session:
            create_workspace_with_key(session, name=name)
    with pytest.raises(InvalidInputError), session_scope() as session:
        create_workspace_with_key(session, name="\u202e")


def test_the_database_holds_the_rule_too(client: TestClient, tenant: Tenant) -> None:
    """Two requests racing past the check still meet the unique index."""
    assert create(client, tenant, "Oxxo") == 201
    with pytest.raises(Exception, match=r"(?i)unique"), session_scope() as session:
        session.execute(
            text(
                "INSERT INTO brand (workspace_id, name, name_key, query, timezone, languages, "
                "owned_domains, owned_handles, competitor_ids, created_at, updated_at) VALUES "
                "(:w, 'OXXO', 'oxxo', 'x', 'UTC', '[]', '[]', '[]', '[]', '2026-01-01', "
                "'2026-01-01')"
            ),
            {"w": tenant.workspace_id},
        )


def test_the_cli_says_a_workspace_name_is_taken(db: str, tmp_path: Path) -> None:
    env = clean_env(ESCUCHA_DATABASE_URL=db, ESCUCHA_DATA_DIR=str(tmp_path))

    def create_workspace(name: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "cli.main", "workspace", "create", name, "--json"],
            env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip

    assert create_workspace("Acme marketing").returncode == 0
    again = create_workspace("ACME Marketing")
    assert again.returncode == 1 and again.stdout == ""
    assert "already exists" in again.stderr and "Traceback" not in again.stderr
