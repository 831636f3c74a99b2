from fastapi import APIRouter, status

from api.deps import SessionDep, WorkspaceIdDep
from api.schemas import PollQueued, SourceCreate, SourcePublic, SourceUpdate
from models.sources import list_sources
from services import sources as service
from services.brands import get_brand_or_404
from workers.queue import queue_poll

router = APIRouter(tags=["sources"])


@router.post(
    "/v1/brands/{brand_id}/sources",
    status_code=status.HTTP_201_CREATED,
    response_model=SourcePublic,
)
def create_source(
    brand_id: int, body: SourceCreate, session: SessionDep, workspace_id: WorkspaceIdDep
) -> object:
    """Validates the source (URL form, allowed host) without fetching it: the first poll does."""
    source = service.create_source(
        session, workspace_id=workspace_id, brand_id=brand_id, fields=body.model_dump()
    )
    session.commit()
    return source


@router.get("/v1/brands/{brand_id}/sources", response_model=list[SourcePublic])
def get_brand_sources(brand_id: int, session: SessionDep, workspace_id: WorkspaceIdDep) -> object:
    get_brand_or_404(session, workspace_id=workspace_id, brand_id=brand_id)
    return list_sources(session, workspace_id=workspace_id, brand_id=brand_id)


@router.get("/v1/sources/{source_id}", response_model=SourcePublic)
def get_source(source_id: int, session: SessionDep, workspace_id: WorkspaceIdDep) -> object:
    return service.get_source_or_404(session, workspace_id=workspace_id, source_id=source_id)


@router.patch("/v1/sources/{source_id}", response_model=SourcePublic)
def patch_source(
    source_id: int, body: SourceUpdate, session: SessionDep, workspace_id: WorkspaceIdDep
) -> object:
    source = service.update_source(
        session,
        workspace_id=workspace_id,
        source_id=source_id,
        changes=body.model_dump(exclude_unset=True),
    )
    session.commit()
    return source


@router.delete("/v1/sources/{source_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_source(source_id: int, session: SessionDep, workspace_id: WorkspaceIdDep) -> None:
    service.delete_source(session, workspace_id=workspace_id, source_id=source_id)
    session.commit()


@router.post(
    "/v1/sources/{source_id}/poll",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=PollQueued,
)
def poll_now(source_id: int, session: SessionDep, workspace_id: WorkspaceIdDep) -> PollQueued:
    """Queue a poll now, also for a failing or paused source; a success puts it back to `ok`."""
    service.get_source_or_404(session, workspace_id=workspace_id, source_id=source_id)
    queue_poll(source_id, force=True)
    return PollQueued(source_id=source_id)
