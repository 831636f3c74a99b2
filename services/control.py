"""SOSTAC's Control: each SMART objective of a brand measured as of a moment (rules in
domain.control). With `as_of` in the past, the report is what it said then: only mentions
published before `as_of` and fetched by then count (late arrivals are left out)."""

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from domain import control as rules
from domain.buckets import bucket_bounds
from models.brands import existing_brand_ids
from models.objectives import Objective, list_objectives
from models.report_types import ControlPublic, ObjectiveControl, SeriesPointPublic
from models.reports import Bucketing, Totals, Window, brand_totals, bucket_totals
from models.tables import Brand
from services.errors import InvalidInputError


def control_as_of(as_of: datetime | None, now: datetime) -> datetime:
    if as_of is None:
        return now
    if as_of > now:
        raise InvalidInputError("as_of cannot be in the future")
    return as_of


def build_control_report(
    session: Session, brand: Brand, *, as_of: datetime, now: datetime
) -> ControlPublic:
    assert brand.id is not None
    objectives = build_control(session, brand, as_of=as_of, now=now)
    return ControlPublic(brand_id=brand.id, as_of=as_of, objectives=objectives)


def build_control(
    session: Session, brand: Brand, *, as_of: datetime, now: datetime
) -> list[ObjectiveControl]:
    assert brand.id is not None
    competitors = existing_brand_ids(
        session, workspace_id=brand.workspace_id, ids=brand.competitor_ids
    )
    return [
        evaluate(session, brand, objective, competitors=sorted(competitors), as_of=as_of, now=now)
        for objective in list_objectives(
            session, workspace_id=brand.workspace_id, brand_id=brand.id
        )
    ]


def _tally(totals: dict[int, Totals], brand_id: int) -> rules.Tally:
    own = totals.get(brand_id, Totals())
    return rules.Tally(
        mentions=own.mentions,
        positive=own.positive,
        negative=own.negative,
        compound_micro=own.compound_micro,
        all_brands=sum(t.mentions for t in totals.values()),
    )


def evaluate(
    session: Session,
    brand: Brand,
    objective: Objective,
    *,
    competitors: list[int],
    as_of: datetime,
    now: datetime,
) -> ObjectiveControl:
    assert brand.id is not None and objective.id is not None
    metric: rules.Metric = objective.metric  # type: ignore[assignment]
    direction: rules.Direction = objective.direction  # type: ignore[assignment]
    ids = (brand.id, *competitors) if metric == "share_of_voice" else (brand.id,)
    fetched_by = as_of if as_of < now else None  # `now`: every stored mention counts
    start, deadline = objective.start, objective.deadline
    baseline_since, baseline_until = rules.baseline_window(start, deadline)
    baseline_totals = brand_totals(
        session, Window(ids, baseline_since, baseline_until, as_of=fetched_by)
    )
    baseline = rules.metric_value(metric, _tally(baseline_totals, brand.id))
    end = rules.evaluation_end(start, deadline, as_of)
    days = _days(session, brand, ids, start=start, end=end, fetched_by=fetched_by)
    current = rules.metric_value(metric, sum((t for _, _, t in days), rules.Tally()))
    projected = rules.project(
        metric,
        current=current,
        baseline=baseline,
        days=[rules.DayCount(low, high, tally.mentions) for low, high, tally in days],
        start=start,
        end=end,
        deadline=deadline,
    )
    zone = ZoneInfo(brand.timezone)
    return ObjectiveControl(
        id=objective.id,
        name=objective.name,
        metric=metric,
        direction=direction,
        start=start,
        deadline=deadline,
        target=objective.target,
        baseline=baseline,
        current=current,
        progress_pct=rules.progress_pct(
            metric, direction, current=current, baseline=baseline, target=objective.target
        ),
        projected=projected,
        status=rules.status(
            metric,
            direction,
            current=current,
            projected=projected,
            target=objective.target,
            as_of=as_of,
            start=start,
            deadline=deadline,
        ),
        series=[
            SeriesPointPublic(
                start=p.start.astimezone(zone), value=p.value, cumulative=p.cumulative
            )
            for p in rules.series(metric, [(low, tally) for low, _, tally in days])
        ],
    )


def _days(
    session: Session,
    brand: Brand,
    ids: tuple[int, ...],
    *,
    start: datetime,
    end: datetime,
    fetched_by: datetime | None,
) -> list[tuple[datetime, datetime, rules.Tally]]:
    """(from, to, tally) per local day of [start, end), clipped to it; empty days included."""
    assert brand.id is not None
    if end <= start:
        return []
    bounds = bucket_bounds(start, end, "day", brand.timezone)
    bucketing = Bucketing.for_window("day", brand.timezone, start, end)
    window = Window(
        ids, start, end, as_of=fetched_by, cuts=bucketing.cuts([s for s, _ in bounds[1:]])
    )
    totals = bucket_totals(session, window, bucketing)
    per_day: dict[int, dict[int, Totals]] = {}
    for (brand_id, key), day_totals in totals.items():
        per_day.setdefault(key, {})[brand_id] = day_totals
    return [
        (max(low, start), min(high, end), _tally(per_day.get(bucketing.key_of(low), {}), brand.id))
        for low, high in bounds
    ]
