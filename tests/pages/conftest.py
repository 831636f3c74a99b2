import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from core.db import session_scope
from services.workspaces import create_workspace_with_key


@dataclass(frozen=True)
class Account:
    workspace_id: int
    api_key: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"}


def new_account(name: str) -> Account:
    with session_scope() as session:
        new = create_workspace_with_key(session, name=name)
    return Account(new.workspace_id, new.api_key)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token in the page"
    return found.group(1)


def sign_in(client: TestClient, account: Account) -> str:
    """Sign in through the form; returns the session's CSRF token."""
    form = client.get("/login")
    answer = client.post(
        "/login",
        data={"api_key": account.api_key, "csrf_token": csrf_of(form.text), "next": "/"},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    return csrf_of(client.get("/").text)


@pytest.fixture
def client(db: str) -> Iterator[TestClient]:
    from api.app import create_app

    with TestClient(create_app(), base_url="http://127.0.0.1") as test_client:
        yield test_client


@pytest.fixture
def account(db: str) -> Account:
    return new_account("Acme marketing")


@pytest.fixture
def other_account(db: str) -> Account:
    return new_account("Rival agency")
