"""SMART objectives (SOSTAC's Objectives), evaluated by the Control report: table and queries."""

from datetime import datetime

from sqlmodel import Field, Session, SQLModel, col, select

from models.types import UTCDateTime, utcnow


class Objective(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True, ondelete="CASCADE")
    brand_id: int = Field(foreign_key="brand.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=200)
    metric: str = Field(max_length=32)
    target: float
    direction: str = Field(max_length=16)
    start: datetime = Field(sa_type=UTCDateTime(), nullable=False)
    deadline: datetime = Field(sa_type=UTCDateTime(), nullable=False)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime(), nullable=False)


def get_objective(session: Session, *, workspace_id: int, objective_id: int) -> Objective | None:
    objective = session.get(Objective, objective_id)
    return objective if objective is not None and objective.workspace_id == workspace_id else None


def list_objectives(session: Session, *, workspace_id: int, brand_id: int) -> list[Objective]:
    statement = (
        select(Objective)
        .where(Objective.workspace_id == workspace_id, Objective.brand_id == brand_id)
        .order_by(col(Objective.id))
    )
    return list(session.exec(statement).all())
