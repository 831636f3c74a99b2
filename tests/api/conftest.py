from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from core.db import session_scope
from services.workspaces import create_workspace_with_key


@dataclass(frozen=True)
class Tenant:
    workspace_id: int
    headers: dict[str, str]


def new_tenant(name: str) -> Tenant:
    with session_scope() as session:
        new = create_workspace_with_key(session, name=name)
    return Tenant(new.workspace_id, {"Authorization": f"Bearer {new.api_key}"})


@pytest.fixture
def client(db: str) -> Iterator[TestClient]:
    from api.app import create_app

    with TestClient(create_app()) as test_client:
        yield test_client


@pytest.fixture
def tenant(db: str) -> Tenant:
    return new_tenant("Acme marketing")


@pytest.fixture
def other_tenant(db: str) -> Tenant:
    return new_tenant("Rival agency")
