"""Queries for workspaces and their API keys. Only the SHA-256 of a key is stored."""

import hashlib
import secrets

from sqlmodel import Session, col, select

from models.tables import ApiKey, Workspace

KEY_PREFIX = "esk_"


def hash_key(api_key: str) -> str:
    return hashlib.sha256(api_key.encode()).hexdigest()


def workspace_name_taken(session: Session, *, name_key: str) -> bool:
    statement = select(Workspace.id).where(Workspace.name_key == name_key)
    return session.exec(statement).first() is not None


def create_workspace(session: Session, *, name: str, name_key: str) -> Workspace:
    workspace = Workspace(name=name, name_key=name_key)
    session.add(workspace)
    session.flush()
    return workspace


def create_api_key(session: Session, *, workspace_id: int) -> str:
    """Store a new key's hash and return the key itself: the only time it is ever seen."""
    api_key = KEY_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiKey(workspace_id=workspace_id, key_hash=hash_key(api_key), prefix=api_key[:10]))
    session.flush()
    return api_key


def workspace_for_key(session: Session, api_key: str) -> Workspace | None:
    statement = (
        select(Workspace)
        .join(ApiKey, col(ApiKey.workspace_id) == col(Workspace.id))
        .where(ApiKey.key_hash == hash_key(api_key), col(ApiKey.revoked_at).is_(None))
    )
    return session.exec(statement).first()


def get_workspace(session: Session, workspace_id: int) -> Workspace | None:
    return session.get(Workspace, workspace_id)


def count_workspaces(session: Session) -> int:
    return len(session.exec(select(Workspace.id)).all())


def active_key_for(session: Session, api_key: str) -> ApiKey | None:
    """The unrevoked key row behind a key (the dashboard's sign-in)."""
    statement = select(ApiKey).where(
        ApiKey.key_hash == hash_key(api_key), col(ApiKey.revoked_at).is_(None)
    )
    return session.exec(statement).first()


def active_key(session: Session, key_id: int) -> ApiKey | None:
    """A key row by id while it is not revoked (a dashboard session ends with its key)."""
    key = session.get(ApiKey, key_id)
    return key if key is not None and key.revoked_at is None else None
