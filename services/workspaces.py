"""Use cases for workspaces and keys (the CLI and `escucha up` call these)."""

from dataclasses import dataclass

from sqlmodel import Session

from models import workspaces as repo

DEFAULT_WORKSPACE_NAME = "Default workspace"


@dataclass(frozen=True)
class NewKey:
    workspace_id: int
    api_key: str


def create_workspace_with_key(session: Session, *, name: str) -> NewKey:
    workspace = repo.create_workspace(session, name=name)
    assert workspace.id is not None
    return NewKey(workspace.id, repo.create_api_key(session, workspace_id=workspace.id))


def create_key(session: Session, *, workspace_id: int) -> NewKey:
    if repo.get_workspace(session, workspace_id) is None:
        raise LookupError(f"workspace {workspace_id} does not exist")
    return NewKey(workspace_id, repo.create_api_key(session, workspace_id=workspace_id))


def ensure_default_workspace(session: Session) -> NewKey | None:
    """On a first start, make a workspace and return its key; None when one already exists."""
    if repo.count_workspaces(session) > 0:
        return None
    return create_workspace_with_key(session, name=DEFAULT_WORKSPACE_NAME)
