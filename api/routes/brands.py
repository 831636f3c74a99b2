from fastapi import APIRouter, status

from api.deps import SessionDep, WorkspaceIdDep
from api.schemas import BrandCreate, BrandPublic, BrandUpdate
from models.brands import list_brands
from services import brands as service

router = APIRouter(prefix="/v1/brands", tags=["brands"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=BrandPublic)
def create_brand(body: BrandCreate, session: SessionDep, workspace_id: WorkspaceIdDep) -> object:
    brand = service.create_brand(session, workspace_id=workspace_id, fields=body.model_dump())
    session.commit()
    return brand


@router.get("", response_model=list[BrandPublic])
def get_brands(session: SessionDep, workspace_id: WorkspaceIdDep) -> object:
    return list_brands(session, workspace_id=workspace_id)


@router.get("/{brand_id}", response_model=BrandPublic)
def get_brand(brand_id: int, session: SessionDep, workspace_id: WorkspaceIdDep) -> object:
    return service.get_brand_or_404(session, workspace_id=workspace_id, brand_id=brand_id)


@router.patch("/{brand_id}", response_model=BrandPublic)
def patch_brand(
    brand_id: int, body: BrandUpdate, session: SessionDep, workspace_id: WorkspaceIdDep
) -> object:
    brand = service.update_brand(
        session,
        workspace_id=workspace_id,
        brand_id=brand_id,
        changes=body.model_dump(exclude_unset=True),
    )
    session.commit()
    return brand


@router.delete("/{brand_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_brand(brand_id: int, session: SessionDep, workspace_id: WorkspaceIdDep) -> None:
    service.delete_brand(session, workspace_id=workspace_id, brand_id=brand_id)
    session.commit()
