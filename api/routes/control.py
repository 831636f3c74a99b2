from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import SessionDep, WorkspaceIdDep
from api.report_schemas import ControlPublic, ControlQuery
from models.types import utcnow
from services.brands import get_brand_or_404
from services.control import build_control_report, control_as_of

router = APIRouter(tags=["reports"])


@router.get("/v1/brands/{brand_id}/control", response_model=ControlPublic)
def get_control(
    brand_id: int,
    params: Annotated[ControlQuery, Query()],
    session: SessionDep,
    workspace_id: WorkspaceIdDep,
) -> ControlPublic:
    """SOSTAC's Control: every objective of the brand measured as of `as_of` (default now).
    With a past `as_of` the report is what it said then: only mentions published before
    `as_of` and fetched by then count.

    - `baseline`: the metric over the period of the same length just before `start`.
    - `current`: the metric over [start, min(as_of, deadline)).
    - `progress_pct`: for `mentions`, current / target x 100; for the ratios, (current -
      baseline) / (target - baseline) x 100 (0: no better than before, 100: there).
    - `projected`: the value expected at the deadline. `mentions`: a least-squares line fitted
      to the daily rate so far (each local day weighted by the part of it inside the
      period), extended to the deadline (never below zero) and added to the count so far;
      ratios: the value so far; before `start`: the baseline.
    - `status`: at or after the deadline `achieved` if the target is met, else `off_track`;
      before it `achieved` if already met, `on_track` if the projection meets the target,
      `at_risk` if it misses by less than 10% of the target, else `off_track`. Nothing is met
      before `start`, and a `mentions` objective with `at_most` is only judged on its
      projection until the deadline (the count can only grow).
    - `series`: one point per local day so far: the metric that day and cumulatively.
    """
    brand = get_brand_or_404(session, workspace_id=workspace_id, brand_id=brand_id)
    now = utcnow()
    as_of = control_as_of(params.as_of, now)
    return build_control_report(session, brand, as_of=as_of, now=now)
