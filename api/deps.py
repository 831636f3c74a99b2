"""Typed dependencies: a session per request, and the workspace behind the API key."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session

from core.db import get_engine, read_only_engine
from models.tables import Workspace
from models.workspaces import workspace_for_key

bearer = HTTPBearer(auto_error=False, description="An API key from `escucha workspace create`")


READ_METHODS = {"GET", "HEAD", "OPTIONS"}


def get_session(request: Request) -> Iterator[Session]:
    """The request's unit of work: routes that write call commit() before they answer."""
    engine = read_only_engine() if request.method in READ_METHODS else get_engine()
    with Session(engine, expire_on_commit=False) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def current_workspace(
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Workspace:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "missing API key: send 'Authorization: Bearer <api key>'",
            headers={"WWW-Authenticate": "Bearer"},
        )
    workspace = workspace_for_key(session, credentials.credentials)
    if workspace is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "invalid or revoked API key",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return workspace


WorkspaceDep = Annotated[Workspace, Depends(current_workspace)]


def workspace_id(workspace: WorkspaceDep) -> int:
    assert workspace.id is not None
    return workspace.id


WorkspaceIdDep = Annotated[int, Depends(workspace_id)]
