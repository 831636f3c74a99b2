"""Use cases for brands."""

from typing import Any

from sqlmodel import Session

from domain.names import name_key
from models import brands as repo
from models.tables import Brand
from models.types import utcnow
from services.errors import ConflictError, InvalidInputError, NotFoundError


def get_brand_or_404(session: Session, *, workspace_id: int, brand_id: int) -> Brand:
    brand = repo.get_brand(session, workspace_id=workspace_id, brand_id=brand_id)
    if brand is None:
        raise NotFoundError(f"brand {brand_id} not found")
    return brand


def _check_competitors(
    session: Session, *, workspace_id: int, brand_id: int | None, competitor_ids: list[int]
) -> list[int]:
    wanted = list(dict.fromkeys(competitor_ids))
    if brand_id is not None and brand_id in wanted:
        raise InvalidInputError("a brand cannot be its own competitor")
    missing = set(wanted) - repo.existing_brand_ids(session, workspace_id=workspace_id, ids=wanted)
    if missing:
        raise InvalidInputError(f"competitor_ids not found in this workspace: {sorted(missing)}")
    return wanted


def _taken(name: str) -> ConflictError:
    return ConflictError(
        f"a brand named {name[:100]!r} already exists in this workspace "
        "(names are compared whatever their case, accents or spacing)"
    )


def create_brand(session: Session, *, workspace_id: int, fields: dict[str, Any]) -> Brand:
    fields = {**fields, "name_key": name_key(fields["name"])}
    if repo.brand_name_taken(session, workspace_id=workspace_id, name_key=fields["name_key"]):
        raise _taken(fields["name"])
    fields["competitor_ids"] = _check_competitors(
        session, workspace_id=workspace_id, brand_id=None, competitor_ids=fields["competitor_ids"]
    )
    brand = Brand(workspace_id=workspace_id, **fields)
    session.add(brand)
    session.flush()
    return brand


def update_brand(
    session: Session, *, workspace_id: int, brand_id: int, changes: dict[str, Any]
) -> Brand:
    brand = get_brand_or_404(session, workspace_id=workspace_id, brand_id=brand_id)
    name = changes.get("name")
    if name is not None:
        changes = {**changes, "name_key": name_key(name)}
        if repo.brand_name_taken(
            session, workspace_id=workspace_id, name_key=changes["name_key"], except_id=brand_id
        ):
            raise _taken(name)
    if changes.get("competitor_ids") is not None:
        changes["competitor_ids"] = _check_competitors(
            session,
            workspace_id=workspace_id,
            brand_id=brand_id,
            competitor_ids=changes["competitor_ids"],
        )
    for key, value in changes.items():
        if value is not None:
            setattr(brand, key, value)
    brand.updated_at = utcnow()
    session.flush()
    return brand


def delete_brand(session: Session, *, workspace_id: int, brand_id: int) -> None:
    brand = get_brand_or_404(session, workspace_id=workspace_id, brand_id=brand_id)
    for other in repo.list_brands(session, workspace_id=workspace_id):
        if brand_id in other.competitor_ids:
            other.competitor_ids = [c for c in other.competitor_ids if c != brand_id]
    session.delete(brand)
    session.flush()
