from fastapi import APIRouter, status

from api.deps import SessionDep, WorkspaceIdDep
from api.report_schemas import ObjectiveCreate, ObjectivePublic, ObjectiveUpdate
from services import objectives as service

router = APIRouter(tags=["objectives"])

TARGETS = """`metric`: `mentions` (count over the period), `net_sentiment` ((positive - negative)
/ mentions x 100, -100..100), `avg_sentiment` (mean compound, -1..1), `positive_share`
(positive / mentions, 0..1) or `share_of_voice` (the brand's mentions / those of the brand
and its competitors, 0..1). `direction`: `at_least` (default) or `at_most`. The period is
[start, deadline); a date or a datetime without an offset is a local time in the
brand's timezone."""


@router.post(
    "/v1/brands/{brand_id}/objectives",
    status_code=status.HTTP_201_CREATED,
    response_model=ObjectivePublic,
    description=TARGETS,
)
def create_objective(
    brand_id: int, body: ObjectiveCreate, session: SessionDep, workspace_id: WorkspaceIdDep
) -> object:
    objective = service.create_objective(
        session, workspace_id=workspace_id, brand_id=brand_id, fields=body.model_dump()
    )
    session.commit()
    return objective


@router.get("/v1/brands/{brand_id}/objectives", response_model=list[ObjectivePublic])
def get_objectives(brand_id: int, session: SessionDep, workspace_id: WorkspaceIdDep) -> object:
    return service.list_objectives(session, workspace_id=workspace_id, brand_id=brand_id)


@router.get("/v1/objectives/{objective_id}", response_model=ObjectivePublic)
def get_objective(objective_id: int, session: SessionDep, workspace_id: WorkspaceIdDep) -> object:
    return service.get_objective_or_404(
        session, workspace_id=workspace_id, objective_id=objective_id
    )


@router.patch("/v1/objectives/{objective_id}", response_model=ObjectivePublic, description=TARGETS)
def patch_objective(
    objective_id: int, body: ObjectiveUpdate, session: SessionDep, workspace_id: WorkspaceIdDep
) -> object:
    objective = service.update_objective(
        session,
        workspace_id=workspace_id,
        objective_id=objective_id,
        changes=body.model_dump(exclude_unset=True),
    )
    session.commit()
    return objective


@router.delete("/v1/objectives/{objective_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_objective(objective_id: int, session: SessionDep, workspace_id: WorkspaceIdDep) -> None:
    service.delete_objective(session, workspace_id=workspace_id, objective_id=objective_id)
    session.commit()
