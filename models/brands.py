"""Queries for brands, always scoped to one workspace."""

from sqlmodel import Session, col, select

from models.tables import Brand


def get_brand(session: Session, *, workspace_id: int, brand_id: int) -> Brand | None:
    brand = session.get(Brand, brand_id)
    return brand if brand is not None and brand.workspace_id == workspace_id else None


def list_brands(session: Session, *, workspace_id: int) -> list[Brand]:
    statement = select(Brand).where(Brand.workspace_id == workspace_id).order_by(col(Brand.id))
    return list(session.exec(statement).all())


def brand_name_taken(
    session: Session, *, workspace_id: int, name_key: str, except_id: int | None = None
) -> bool:
    """Whether another brand of the workspace has this name (``domain.names.name_key``)."""
    statement = select(Brand.id).where(
        Brand.workspace_id == workspace_id, Brand.name_key == name_key
    )
    if except_id is not None:
        statement = statement.where(Brand.id != except_id)
    return session.exec(statement).first() is not None


def existing_brand_ids(session: Session, *, workspace_id: int, ids: list[int]) -> set[int]:
    if not ids:
        return set()
    statement = select(Brand.id).where(Brand.workspace_id == workspace_id, col(Brand.id).in_(ids))
    return {brand_id for brand_id in session.exec(statement).all() if brand_id is not None}
