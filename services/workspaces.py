"""Use cases for workspaces and keys (the CLI and `escucha up` call these)."""

from dataclasses import dataclass

from sqlmodel import Session

from domain.names import check_name, name_key
from models import workspaces as repo
from services.errors import ConflictError, InvalidInputError

DEFAULT_WORKSPACE_NAME = "Default workspace"


@dataclass(frozen=True)
class NewKey:
    workspace_id: int
    api_key: str


def create_workspace_with_key(session: Session, *, name: str) -> NewKey:
    """A new workspace and its first key. Names are unique whatever their case, accents or
    spacing: InvalidInputError for a name that is not one, ConflictError when it is taken."""
    try:
        name = check_name(name)
    except ValueError as exc:
        raise InvalidInputError(str(exc)) from exc
    key = name_key(name)
    if repo.workspace_name_taken(session, name_key=key):
        raise ConflictError(f"a workspace named {name[:100]!r} already exists")
    workspace = repo.create_workspace(session, name=name, name_key=key)
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
