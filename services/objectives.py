"""Use cases for SMART objectives; every one is scoped to the caller's workspace."""

from datetime import datetime
from typing import Any

from sqlmodel import Session

from domain.control import MAX_SPAN
from domain.moments import to_utc
from models import objectives as repo
from models.objectives import Objective
from services.brands import get_brand_or_404
from services.errors import InvalidInputError, NotFoundError

# The range a target can take for each metric (mentions: any count).
TARGET_RANGES = {
    "mentions": (0.0, float("inf")),
    "net_sentiment": (-100.0, 100.0),
    "avg_sentiment": (-1.0, 1.0),
    "positive_share": (0.0, 1.0),
    "share_of_voice": (0.0, 1.0),
}


def get_objective_or_404(session: Session, *, workspace_id: int, objective_id: int) -> Objective:
    objective = repo.get_objective(session, workspace_id=workspace_id, objective_id=objective_id)
    if objective is None:
        raise NotFoundError(f"objective {objective_id} not found")
    return objective


def _check(metric: str, target: float, start: datetime, deadline: datetime) -> None:
    low, high = TARGET_RANGES[metric]
    if not low <= target <= high:
        raise InvalidInputError(f"a {metric} target must be between {low:g} and {high:g}")
    if deadline <= start:
        raise InvalidInputError("deadline must be after start")
    if deadline - start > MAX_SPAN:
        raise InvalidInputError(f"an objective may span at most {MAX_SPAN.days} days")


def list_objectives(session: Session, *, workspace_id: int, brand_id: int) -> list[Objective]:
    get_brand_or_404(session, workspace_id=workspace_id, brand_id=brand_id)
    return repo.list_objectives(session, workspace_id=workspace_id, brand_id=brand_id)


def _localized(fields: dict[str, Any], timezone: str) -> dict[str, Any]:
    """`start` and `deadline` given without an offset (or as dates) are local times in the
    brand's timezone."""
    return {
        key: to_utc(value, timezone) if key in ("start", "deadline") and value else value
        for key, value in fields.items()
    }


def create_objective(
    session: Session, *, workspace_id: int, brand_id: int, fields: dict[str, Any]
) -> Objective:
    brand = get_brand_or_404(session, workspace_id=workspace_id, brand_id=brand_id)
    fields = _localized(fields, brand.timezone)
    _check(fields["metric"], fields["target"], fields["start"], fields["deadline"])
    objective = Objective(workspace_id=workspace_id, brand_id=brand_id, **fields)
    session.add(objective)
    session.flush()
    return objective


def update_objective(
    session: Session, *, workspace_id: int, objective_id: int, changes: dict[str, Any]
) -> Objective:
    objective = get_objective_or_404(session, workspace_id=workspace_id, objective_id=objective_id)
    brand = get_brand_or_404(session, workspace_id=workspace_id, brand_id=objective.brand_id)
    for key, value in _localized(changes, brand.timezone).items():
        if value is not None:
            setattr(objective, key, value)
    _check(objective.metric, objective.target, objective.start, objective.deadline)
    session.flush()
    return objective


def delete_objective(session: Session, *, workspace_id: int, objective_id: int) -> None:
    objective = get_objective_or_404(session, workspace_id=workspace_id, objective_id=objective_id)
    session.delete(objective)
    session.flush()
