"""Report aggregations, grouped in the database: counts per local bucket, per brand and
source kind, from the hourly rollup where whole UTC hours allow and from `mention` rows for
the rest, in one statement.

`mention_hourly` (migration 0004) is kept equal to a GROUP BY over `mention` by triggers.
A window [since, until) is read as: the whole UTC hours inside it from the rollup, and the
partial hours at its edges (and around any other instant that must be exact, such as the
start of a report's last 24 hours) from `mention`. With `as_of`, only mentions fetched by
then count, which the rollup cannot tell, so `mention` is read for the whole window.
Local buckets (hour, day, week in the brand's timezone, DST-correct) are computed in SQL
from the epoch plus the zone's UTC offset, written as a CASE over the offset changes inside
the window; where an offset is not a whole number of hours (India, Nepal), local day edges
fall inside UTC hours and the window is read from `mention` alone.
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    BigInteger,
    Float,
    Integer,
    and_,
    bindparam,
    case,
    cast,
    false,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.sql import Subquery
from sqlmodel import Field, Session, SQLModel

from domain.buckets import Interval
from models.tables import Mention
from models.types import UTCDateTime

HOUR = 3600
MEASURES = (
    "mentions", "positive", "neutral", "negative",
    "compound_positive", "compound_neutral", "compound_negative", "owned", "earned", "paid",
)  # fmt: skip


ALL_KINDS = "*"


class MentionHourly(SQLModel, table=True):
    """Mentions per brand, UTC hour (epoch // 3600) and source kind, and per brand and hour
    under source_kind "*" (all kinds); see migration 0004."""

    __tablename__ = "mention_hourly"

    brand_id: int = Field(foreign_key="brand.id", primary_key=True, ondelete="CASCADE")
    slot_hour: int = Field(primary_key=True, sa_type=BigInteger)
    source_kind: str = Field(primary_key=True, max_length=32)
    mentions: int = Field(sa_type=BigInteger)
    positive: int = Field(sa_type=BigInteger)
    neutral: int = Field(sa_type=BigInteger)
    negative: int = Field(sa_type=BigInteger)
    compound_positive: int = Field(sa_type=BigInteger)  # millionths
    compound_neutral: int = Field(sa_type=BigInteger)
    compound_negative: int = Field(sa_type=BigInteger)
    owned: int = Field(sa_type=BigInteger)
    earned: int = Field(sa_type=BigInteger)
    paid: int = Field(sa_type=BigInteger)


@dataclass(frozen=True)
class Totals:
    mentions: int = 0
    positive: int = 0
    neutral: int = 0
    negative: int = 0
    compound_positive: int = 0  # sums of compound scores in millionths, per label
    compound_neutral: int = 0
    compound_negative: int = 0
    owned: int = 0
    earned: int = 0
    paid: int = 0

    def __add__(self, other: "Totals") -> "Totals":
        return Totals(*(getattr(self, n) + getattr(other, n) for n in MEASURES))

    @property
    def compound_micro(self) -> int:
        return self.compound_positive + self.compound_neutral + self.compound_negative

    def only(self, label: str | None) -> "Totals":
        """The same counts restricted to one sentiment label (None: all of them)."""
        if label is None:
            return self
        count = int(getattr(self, label))
        return Totals(
            mentions=count,
            **{label: count, f"compound_{label}": int(getattr(self, f"compound_{label}"))},
        )


@dataclass(frozen=True)
class Window:
    brand_ids: tuple[int, ...]
    since: datetime
    until: datetime
    source_kind: str | None = None
    as_of: datetime | None = None
    cuts: tuple[datetime, ...] = ()  # instants inside the window that must be exact
    rollup: bool = True  # False: read `mention` only (tests and benchmarks compare both)
    by_kind: bool = False  # the caller groups by source kind
    # With by_kind: only the first brand by kind, the others' totals under ALL_KINDS (their
    # rollup rows of all kinds, a fraction of the rows per kind).
    others_all_kinds: bool = False


def floor_div(value: Any, divisor: int) -> Any:
    """Floor division of an integer SQL expression, the same on SQLite and PostgreSQL."""
    return (value - ((value % divisor) + divisor) % divisor) // divisor


def _floor_hour(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def _epoch_hour(moment: datetime) -> int:
    return int(moment.timestamp()) // HOUR


@dataclass(frozen=True)
class ReadPlan:
    hours: tuple[int, int] | None  # [first, last) UTC hours read from the rollup
    skipped_hours: tuple[int, ...]  # hours inside `hours` read from `mention` instead
    raw: tuple[tuple[datetime, datetime], ...]  # [a, b) ranges read from `mention`


def read_plan(window: Window) -> ReadPlan:
    since, until = window.since.astimezone(UTC), window.until.astimezone(UTC)
    if window.as_of is not None:
        until = min(until, window.as_of)
    if since >= until:
        return ReadPlan(None, (), ())
    first = _floor_hour(since) + (
        timedelta(hours=1) if since != _floor_hour(since) else timedelta()
    )
    last = _floor_hour(until)
    if window.as_of is not None or not window.rollup or first >= last:
        return ReadPlan(None, (), ((since, until),))
    raw = [(since, first)] if since < first else []
    raw += [(last, until)] if last < until else []
    skipped: set[datetime] = set()
    for cut in window.cuts:
        hour = _floor_hour(cut.astimezone(UTC))
        if cut != hour and first <= hour < last:
            skipped.add(hour)
    raw += [(hour, hour + timedelta(hours=1)) for hour in sorted(skipped)]
    return ReadPlan(
        (_epoch_hour(first), _epoch_hour(last)),
        tuple(_epoch_hour(h) for h in sorted(skipped)),
        tuple(raw),
    )


@dataclass(frozen=True)
class Shape:
    """What a window's statement looks like; statements are built once per shape and run
    with the window's values as parameters."""

    dialect: str
    rollup: bool  # a part read from the rollup
    skipped: bool  # hours inside it read from `mention` instead
    raw_ranges: int  # ranges read from `mention`
    kinds: str  # "one" (a filter), "each" (grouped by kind), "first" (the first brand by
    # kind, the others under ALL_KINDS) or "all"
    as_of: bool


def _shape(session: Session, window: Window, plan: ReadPlan) -> Shape:
    kinds = (
        "one" if window.source_kind is not None
        else ("first" if window.others_all_kinds else "each") if window.by_kind
        else "all"
    )  # fmt: skip
    return Shape(
        session.get_bind().dialect.name,
        plan.hours is not None,
        bool(plan.skipped_hours),
        len(plan.raw),
        kinds,
        window.as_of is not None,
    )


def _parameters(window: Window, plan: ReadPlan) -> dict[str, Any]:
    values: dict[str, Any] = {"brand_ids": list(window.brand_ids), "kind": window.source_kind}
    if window.by_kind and window.others_all_kinds:
        values.update(first=window.brand_ids[0], others=list(window.brand_ids[1:]))
    if plan.hours is not None:
        values.update(h0=plan.hours[0], h1=plan.hours[1], skipped=list(plan.skipped_hours))
    for index, (low, high) in enumerate(plan.raw):
        values.update({f"a{index}": low, f"b{index}": high})
    if window.as_of is not None:
        values["as_of"] = window.as_of
    return values


def _epoch_of(dialect: str, column: Any) -> Any:
    if dialect == "sqlite":
        return cast(func.strftime("%s", column), Integer)
    return cast(func.floor(func.extract("epoch", column)), BigInteger)


def _mention_facts(shape: Shape) -> Any:
    m: Any = Mention.__table__  # type: ignore[attr-defined]
    label = m.c.sentiment_label
    micro = cast(func.round(m.c.sentiment_compound * 1_000_000), BigInteger)

    def flag(condition: Any, value: Any = 1) -> Any:
        return case((condition, value), else_=0)

    moment = UTCDateTime()
    ranges = [
        and_(
            m.c.published_at >= bindparam(f"a{i}", type_=moment),
            m.c.published_at < bindparam(f"b{i}", type_=moment),
        )
        for i in range(shape.raw_ranges)
    ]
    kind: Any = m.c.source_kind
    if shape.kinds == "first":
        kind = case((m.c.brand_id == bindparam("first"), kind), else_=literal(ALL_KINDS))
    statement = select(
        m.c.brand_id,
        kind.label("source_kind"),
        _epoch_of(shape.dialect, m.c.published_at).label("epoch"),
        literal(1).label("mentions"),
        flag(label == "positive").label("positive"),
        flag(label == "neutral").label("neutral"),
        flag(label == "negative").label("negative"),
        flag(label == "positive", micro).label("compound_positive"),
        flag(label == "neutral", micro).label("compound_neutral"),
        flag(label == "negative", micro).label("compound_negative"),
        flag(m.c.media_type == "owned").label("owned"),
        flag(m.c.media_type == "earned").label("earned"),
        flag(m.c.media_type == "paid").label("paid"),
    ).where(
        m.c.brand_id.in_(bindparam("brand_ids", expanding=True)),
        or_(*ranges),
        m.c.hidden == false(),  # as the rollup: visible mentions only (migration 0010)
    )
    if shape.kinds == "one":
        statement = statement.where(m.c.source_kind == bindparam("kind"))
    if shape.as_of:
        statement = statement.where(m.c.fetched_at <= bindparam("as_of", type_=moment))
    return statement


def _rollup_facts(shape: Shape) -> list[Any]:
    h: Any = MentionHourly.__table__  # type: ignore[attr-defined]

    def hours(brands: Any) -> Any:
        statement = select(
            h.c.brand_id,
            h.c.source_kind,
            (h.c.slot_hour * HOUR).label("epoch"),
            *[h.c[name] for name in MEASURES],
        ).where(
            brands,
            h.c.slot_hour >= bindparam("h0", type_=BigInteger),
            h.c.slot_hour < bindparam("h1", type_=BigInteger),
        )
        if shape.skipped:
            statement = statement.where(h.c.slot_hour.not_in(bindparam("skipped", expanding=True)))
        return statement

    every = hours(h.c.brand_id.in_(bindparam("brand_ids", expanding=True)))
    if shape.kinds == "one":
        return [every.where(h.c.source_kind == bindparam("kind"))]
    if shape.kinds == "each":
        return [every.where(h.c.source_kind != ALL_KINDS)]
    if shape.kinds == "first":
        first = hours(h.c.brand_id == bindparam("first")).where(h.c.source_kind != ALL_KINDS)
        others = hours(h.c.brand_id.in_(bindparam("others", expanding=True)))
        return [first, others.where(h.c.source_kind == ALL_KINDS)]
    return [every.where(h.c.source_kind == ALL_KINDS)]


@lru_cache(maxsize=512)
def _facts(shape: Shape) -> Subquery:
    parts: list[Any] = []
    if shape.rollup:
        parts.extend(_rollup_facts(shape))
    if shape.raw_ranges:
        parts.append(_mention_facts(shape))
    combined: Any = parts[0] if len(parts) == 1 else union_all(*parts)
    result: Subquery = combined.subquery("facts")
    return result


def facts(session: Session, window: Window) -> tuple[Shape, dict[str, Any]] | None:
    """The shape of the rows (brand_id, source_kind, epoch, *MEASURES) that add up to the
    window's counts, and the parameters to read them with; None for an empty window."""
    plan = read_plan(window)
    if plan.hours is None and not plan.raw:
        return None
    return _shape(session, window, plan), _parameters(window, plan)


def _sums(f: Subquery) -> list[Any]:
    # Summed as doubles: exact for integers below 2**53, and much faster on PostgreSQL than
    # sum(bigint), which accumulates in numeric.
    return [func.coalesce(func.sum(cast(f.c[name], Float)), 0) for name in MEASURES]


def _totals(row: Sequence[Any]) -> Totals:
    return Totals(*(round(value) for value in row))


def _rows(session: Session, statement: Any, parameters: dict[str, Any]) -> Sequence[Any]:
    """Run an aggregate on the session's connection (Core: no ORM work per row)."""
    return session.connection().execute(statement, parameters).all()


@dataclass(frozen=True)
class Bucketing:
    """Local buckets of a zone as integer keys: hours since the epoch (shifted by the
    sub-hour part of the offset), local days since 1970-01-01, or Monday-weeks."""

    interval: Interval
    zone: ZoneInfo
    changes: tuple[tuple[int, int], ...]  # (epoch from which, UTC offset in seconds)

    @classmethod
    def for_window(
        cls, interval: Interval, timezone: str, since: datetime, until: datetime
    ) -> "Bucketing":
        zone = ZoneInfo(timezone)
        return cls(interval, zone, offset_changes(zone, since, until))

    @property
    def whole_hours(self) -> bool:
        """True when every bucket edge falls on a whole UTC hour."""
        return all(offset % HOUR == 0 for _, offset in self.changes)

    def cuts(self, starts: Sequence[datetime]) -> tuple[datetime, ...]:
        """The bucket edges a Window must split exactly at (none for whole-hour zones)."""
        return () if self.whole_hours else tuple(starts)

    def key_of(self, moment: datetime) -> int:
        offset = moment.astimezone(self.zone).utcoffset()
        return self._key(int(moment.timestamp()), int(offset.total_seconds()) if offset else 0)

    def _key(self, epoch: int, offset: int) -> int:
        if self.interval == "hour":
            return (epoch + offset % HOUR) // HOUR
        day = (epoch + offset) // 86400
        return day if self.interval == "day" else (day + 3) // 7

    def parameters(self) -> dict[str, int]:
        """Values for the bind parameters of key_expression: o0..on the offsets (for hours,
        their sub-hour part), t1..tn the epochs from which offsets 1..n apply."""
        modulo = HOUR if self.interval == "hour" else None
        values = {f"o{i}": o % modulo if modulo else o for i, (_, o) in enumerate(self.changes)}
        values.update({f"t{i}": start for i, (start, _) in enumerate(self.changes) if i})
        return values


def key_expression(interval: Interval, changes: int, epoch: Any, *, after_1970: bool) -> Any:
    """The SQL twin of Bucketing.key_of, for an integer epoch expression; the zone's offsets
    come as parameters (Bucketing.parameters). After 1970 every value is positive and a
    plain integer division is the floor."""
    offsets = [bindparam(f"o{i}", type_=BigInteger) for i in range(changes)]
    offset: Any = offsets[0]
    if changes > 1:
        starts = [bindparam(f"t{i}", type_=BigInteger) for i in range(1, changes)]
        offset = case(
            *[(epoch < s, o) for s, o in zip(starts, offsets, strict=False)], else_=offsets[-1]
        )

    def divide(value: Any, divisor: int) -> Any:
        return value // divisor if after_1970 else floor_div(value, divisor)

    if interval == "hour":
        return divide(epoch + offset, HOUR)
    day = divide(epoch + offset, 86400)
    return day if interval == "day" else divide(day + 3, 7)


def offset_changes(zone: ZoneInfo, since: datetime, until: datetime) -> tuple[tuple[int, int], ...]:
    """The zone's UTC offsets over [since, until): (epoch from which, offset), the first
    from `since`. Sampled daily, each change then located to the second."""

    def offset_at(epoch: int) -> int:
        delta = datetime.fromtimestamp(epoch, UTC).astimezone(zone).utcoffset()
        return int(delta.total_seconds()) if delta else 0

    start, end = int(since.timestamp()), int(until.timestamp())
    changes = [(start, offset_at(start))]
    previous = start
    for sample in [*range(start + 86400, end, 86400), end]:
        if offset_at(sample) == changes[-1][1]:
            previous = sample
            continue
        low, high = previous, sample  # offset_at(low) == current, offset_at(high) differs
        while high - low > 1:
            middle = (low + high) // 2
            low, high = (middle, high) if offset_at(middle) == changes[-1][1] else (low, middle)
        changes.append((high, offset_at(high)))
        previous = sample
    return tuple(changes)


@lru_cache(maxsize=512)
def _bucket_statement(shape: Shape, interval: Interval, changes: int, after_1970: bool) -> Any:
    f = _facts(shape)
    key = key_expression(interval, changes, f.c.epoch, after_1970=after_1970).label("bucket")
    return select(f.c.brand_id, key, *_sums(f)).group_by(f.c.brand_id, key)


def bucket_totals(
    session: Session, window: Window, bucketing: Bucketing
) -> dict[tuple[int, int], Totals]:
    """Totals per (brand_id, bucket key)."""
    found = facts(session, window)
    if found is None:
        return {}
    shape, parameters = found
    after_1970 = window.since.timestamp() >= 86400  # offsets are under a day
    statement = _bucket_statement(shape, bucketing.interval, len(bucketing.changes), after_1970)
    rows = _rows(session, statement, {**parameters, **bucketing.parameters()})
    return {(int(r[0]), int(r[1])): _totals(r[2:]) for r in rows}


@lru_cache(maxsize=512)
def _kind_statement(shape: Shape) -> Any:
    f = _facts(shape)
    recent_since = bindparam("recent", type_=BigInteger)
    recent = func.coalesce(func.sum(case((f.c.epoch >= recent_since, f.c.mentions), else_=0)), 0)
    return select(f.c.brand_id, f.c.source_kind, recent, *_sums(f)).group_by(
        f.c.brand_id, f.c.source_kind
    )


def kind_totals(
    session: Session, window: Window, *, recent_since: datetime, others_all_kinds: bool = False
) -> list[tuple[int, str, Totals, int]]:
    """(brand_id, source_kind, totals, mentions since `recent_since`) per brand and kind;
    `recent_since` must be one of the window's cuts (or fall on a whole hour). With
    `others_all_kinds`, every brand after the first has one row, under ALL_KINDS: its
    totals over every kind (its share of voice needs no more)."""
    found = facts(session, replace(window, by_kind=True, others_all_kinds=others_all_kinds))
    if found is None:
        return []
    shape, parameters = found
    parameters["recent"] = int(recent_since.timestamp())
    rows = _rows(session, _kind_statement(shape), parameters)
    return [(int(r[0]), str(r[1]), _totals(r[3:]), int(r[2])) for r in rows]


@lru_cache(maxsize=512)
def _brand_statement(shape: Shape) -> Any:
    f = _facts(shape)
    return select(f.c.brand_id, *_sums(f)).group_by(f.c.brand_id)


def brand_totals(session: Session, window: Window) -> dict[int, Totals]:
    found = facts(session, window)
    if found is None:
        return {}
    shape, parameters = found
    return {int(r[0]): _totals(r[1:]) for r in _rows(session, _brand_statement(shape), parameters)}
