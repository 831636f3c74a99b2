"""The rollups stay equal to a GROUP BY over their source rows, whatever happens to them."""

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, text, update
from sqlmodel import Session, col

from core.db import get_engine, session_scope
from domain.buckets import bucket_bounds
from models.reports import (
    Bucketing,
    ReadPlan,
    Window,
    brand_totals,
    bucket_totals,
    kind_totals,
    offset_changes,
    read_plan,
)
from models.tables import Brand, Mention, PollAttempt, Source, Workspace
from sources.base import SourceItem
from tests.support.data import ingest, item


def utc(day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def brand(db: str) -> tuple[int, int]:
    with session_scope() as session:
        workspace = Workspace(name="w")
        session.add(workspace)
        session.flush()
        assert workspace.id is not None
        row = Brand(workspace_id=workspace.id, name="Acme", query="acme", timezone="Europe/Madrid")
        session.add(row)
        session.flush()
        assert row.id is not None
        source = Source(workspace_id=workspace.id, brand_id=row.id, kind="reddit")
        session.add(source)
        session.flush()
        assert source.id is not None
        return row.id, source.id


ROLLUP_COLUMNS = (
    "mentions, positive, neutral, negative, compound_positive, compound_neutral, "
    "compound_negative, owned, earned, paid"
)


def rollup_rows(session: Session) -> set[tuple[Any, ...]]:
    rows = session.connection().execute(
        text(f"SELECT brand_id, slot_hour, source_kind, {ROLLUP_COLUMNS} FROM mention_hourly")
    )
    return {tuple(r) for r in rows}


def recomputed(session: Session) -> set[tuple[Any, ...]]:
    """What the rollup should hold, grouped in Python from every visible mention (hidden
    ones, migration 0010, are not counted)."""
    groups: dict[tuple[Any, ...], list[int]] = {}
    for m in session.connection().execute(text("SELECT * FROM mention")).mappings():
        if m.get("hidden"):
            continue
        published = m["published_at"]
        if isinstance(published, str):
            published = datetime.fromisoformat(published).replace(tzinfo=UTC)
        hour = int(published.timestamp()) // 3600
        micro = round(m["sentiment_compound"] * 1_000_000)
        label, media = m["sentiment_label"], m["media_type"]
        values = [1, label == "positive", label == "neutral", label == "negative",
                  micro * (label == "positive"), micro * (label == "neutral"),
                  micro * (label == "negative"), media == "owned", media == "earned",
                  media == "paid"]  # fmt: skip
        for kind in (m["source_kind"], "*"):
            total = groups.setdefault((m["brand_id"], hour, kind), [0] * 10)
            for index, value in enumerate(values):
                total[index] += int(value)
    return {(*key, *values) for key, values in groups.items()}


def check(window: Window) -> None:
    with Session(get_engine()) as session:
        assert rollup_rows(session) == recomputed(session)
        bucketing = Bucketing.for_window("day", "Europe/Madrid", window.since, window.until)
        raw = Window(window.brand_ids, window.since, window.until, rollup=False)
        assert bucket_totals(session, window, bucketing) == bucket_totals(session, raw, bucketing)
        assert brand_totals(session, window) == brand_totals(session, raw)
        assert sorted(kind_totals(session, window, recent_since=window.until)) == sorted(
            kind_totals(session, raw, recent_since=window.until)
        )


def test_the_hourly_rollup_stays_exact(brand: tuple[int, int]) -> None:
    brand_id, source_id = brand
    window = Window((brand_id,), utc(20, 10, 17), utc(31, 5, 5))
    items = [
        item(
            f"Acme is {mood} {n}",
            f"https://a.example/{n}",
            utc(20 + n % 9, n % 24, n),
            language="en",
        )
        for n, mood in enumerate(["great", "terrible", "ok", "wonderful", "awful"] * 8)
    ]
    ingest(brand_id, source_id, items, kind="reddit")
    check(window)
    # A late arrival for an hour that already has mentions, and one for a new hour.
    ingest(brand_id, source_id, [
        item("Acme is great late", "https://a.example/late", utc(21, 1, 30), language="en"),
        item("Acme is ok later", "https://a.example/later", utc(29, 2, 45), language="en"),
    ], kind="reddit")  # fmt: skip
    check(window)
    # Removed at the source: the next poll deletes them.
    gone = [
        SourceItem(title="", text="", url=f"https://a.example/{n}", deleted=True) for n in (0, 1, 2)
    ]
    assert ingest(brand_id, source_id, gone, kind="reddit").deleted == 3
    check(window)
    # Rescored, moved in time, re-tagged; and updates that do not touch the rollup.
    with session_scope() as session:
        session.execute(
            update(Mention)
            .where(col(Mention.url) == "https://a.example/3")
            .values(sentiment_label="negative", sentiment_compound=-0.3, media_type="paid")
        )
        session.execute(
            update(Mention)
            .where(col(Mention.url) == "https://a.example/4")
            .values(published_at=utc(30, 23, 59))
        )
        session.execute(update(Mention).values(also_seen_in=[{"source_id": 1}]))
        session.execute(update(Mention).values(source_id=None))
    check(window)
    with session_scope() as session:
        session.execute(delete(Mention).where(col(Mention.url).startswith("https://a.example/1")))
    check(window)


def test_a_deleted_brand_takes_its_rollup_rows(brand: tuple[int, int]) -> None:
    brand_id, source_id = brand
    ingest(brand_id, source_id, [item("Acme", "https://a.example/1", utc(20), language="en")])
    with session_scope() as session:
        session.execute(delete(Brand).where(col(Brand.id) == brand_id))
    with Session(get_engine()) as session:
        assert rollup_rows(session) == set()


def test_poll_daily_masks_stay_exact(brand: tuple[int, int]) -> None:
    _, source_id = brand
    moments = [utc(20, hour, minute) for hour in (0, 5, 23) for minute in (10, 40)]
    with session_scope() as session:
        session.add_all(
            PollAttempt(source_id=source_id, started_at=m, finished_at=m, ok=m.minute == 10)
            for m in [*moments, utc(21, 3)]
        )

    def daily() -> dict[int, tuple[int, ...]]:
        with Session(get_engine()) as session:
            rows = session.connection().execute(
                text("SELECT day, attempts, failed, ok_hours, failed_hours FROM poll_daily")
            )
            return {int(r[0]): tuple(int(v) for v in r[1:]) for r in rows}

    day = int(utc(20).timestamp()) // 86400
    hours = (1 << 0) | (1 << 5) | (1 << 23)
    assert daily() == {day: (6, 3, hours, hours), day + 1: (0 + 1, 1, 0, 1 << 3)}
    with session_scope() as session:  # the failures of 05:40 and 23:40 go
        session.execute(
            delete(PollAttempt).where(
                col(PollAttempt.started_at).in_([utc(20, 5, 40), utc(20, 23, 40)])
            )
        )
        session.execute(
            update(PollAttempt).where(col(PollAttempt.started_at) == utc(21, 3)).values(ok=True)
        )
    assert daily() == {day: (4, 1, hours, 1), day + 1: (1, 0, 1 << 3, 0)}
    with session_scope() as session:
        session.execute(delete(PollAttempt).where(col(PollAttempt.started_at) >= utc(21)))
    assert set(daily()) == {day}


def test_the_read_plan_splits_partial_hours_and_cuts() -> None:
    window = Window((1,), utc(1, 10, 15), utc(2, 12, 30), cuts=(utc(1, 18, 20), utc(1, 19)))
    first, last = int(utc(1, 11).timestamp()) // 3600, int(utc(2, 12).timestamp()) // 3600
    assert read_plan(window) == ReadPlan(
        (first, last),
        (int(utc(1, 18).timestamp()) // 3600,),
        ((utc(1, 10, 15), utc(1, 11)), (utc(2, 12), utc(2, 12, 30)), (utc(1, 18), utc(1, 19))),
    )
    assert read_plan(Window((1,), utc(1, 10, 15), utc(1, 10, 45))).hours is None
    as_of = Window((1,), utc(1), utc(3), as_of=utc(2, 6))
    assert read_plan(as_of) == ReadPlan(None, (), ((utc(1), utc(2, 6)),))
    assert read_plan(Window((1,), utc(2), utc(3), as_of=utc(1))) == ReadPlan(None, (), ())


def test_offset_changes_find_the_dst_switch_to_the_second() -> None:
    madrid = ZoneInfo("Europe/Madrid")
    changes = offset_changes(madrid, utc(20), utc(31))
    switch = int(datetime(2026, 3, 29, 1, tzinfo=UTC).timestamp())
    assert changes == ((int(utc(20).timestamp()), 3600), (switch, 7200))
    assert offset_changes(ZoneInfo("Asia/Kolkata"), utc(1), utc(31)) == (
        (int(utc(1).timestamp()), 19800),
    )


@pytest.mark.parametrize("zone", ["Europe/Madrid", "Asia/Kolkata", "America/St_Johns", "UTC"])
@pytest.mark.parametrize("interval", ["hour", "day", "week"])
def test_sql_bucket_keys_match_python(brand: tuple[int, int], zone: str, interval: str) -> None:
    brand_id, source_id = brand
    since, until = utc(27), utc(31)
    published = [since + timedelta(minutes=37 * n) for n in range(150)]
    ingest(brand_id, source_id, [
        item(f"Acme {n}", f"https://k.example/{n}", moment, language="en")
        for n, moment in enumerate(published)
    ])  # fmt: skip
    bucketing = Bucketing.for_window(interval, zone, since, until)  # type: ignore[arg-type]
    expected: dict[int, int] = {}
    for moment in published:
        local = moment.astimezone(ZoneInfo(zone))
        if interval == "hour":
            start = local.replace(minute=0, second=0, microsecond=0)
        else:
            start = local.replace(hour=0, minute=0, second=0, microsecond=0)
            if interval == "week":
                start = (start.replace(tzinfo=None) - timedelta(days=start.weekday())).replace(
                    tzinfo=ZoneInfo(zone)
                )
        key = bucketing.key_of(start)
        expected[key] = expected.get(key, 0) + 1
    bounds = bucket_bounds(since, until, interval, zone)  # type: ignore[arg-type]
    cuts = bucketing.cuts([start for start, _ in bounds[1:]])
    with Session(get_engine()) as session:
        for rollup in (True, False):
            window = Window((brand_id,), since, until, cuts=cuts, rollup=rollup)
            got = bucket_totals(session, window, bucketing)
            assert {key: t.mentions for (_, key), t in got.items()} == expected


def test_trend_hours_across_the_dst_fall_back_and_filters(brand: tuple[int, int]) -> None:
    from services.trends import build_trend

    brand_id, source_id = brand
    # Madrid falls back on 25 Oct 2026 at 03:00 CEST (01:00 UTC): local 02:00 happens twice.
    at = [datetime(2026, 10, 25, 0, 30, tzinfo=UTC), datetime(2026, 10, 25, 1, 30, tzinfo=UTC)]
    ingest(brand_id, source_id, [
        item("Acme is great", "https://t.example/1", at[0], language="en"),
        item("Acme is awful", "https://t.example/2", at[1], language="en"),
    ], kind="reddit")  # fmt: skip
    with Session(get_engine()) as session:
        row = session.get(Brand, brand_id)
        assert row is not None
        since = datetime(2026, 10, 24, 22, tzinfo=UTC)  # 25 Oct 00:00 CEST
        until = datetime(2026, 10, 25, 23, tzinfo=UTC)  # 26 Oct 00:00 CET
        hours = build_trend(session, row, since=since, until=until, interval="hour")
        assert len(hours) == 25
        local = [(b.start.astimezone(ZoneInfo("Europe/Madrid")).isoformat(), b.mentions)
                 for b in hours[1:5]]  # fmt: skip
        assert local == [
            ("2026-10-25T01:00:00+02:00", 0),
            ("2026-10-25T02:00:00+02:00", 1),
            ("2026-10-25T02:00:00+01:00", 1),
            ("2026-10-25T03:00:00+01:00", 0),
        ]
        days = build_trend(session, row, since=since, until=until, interval="day")
        assert [(d.mentions, d.positive, d.negative) for d in days] == [(2, 1, 1)]
        negative = build_trend(
            session, row, since=since, until=until, interval="day", label="negative"
        )
        assert [(d.mentions, d.avg_sentiment) for d in negative] == [(1, -0.4588)]
        assert (
            build_trend(session, row, since=since, until=until, interval="day", source_kind="rss")[
                0
            ].mentions
            == 0
        )
        weeks = build_trend(session, row, since=since, until=until, interval="week")
        assert [w.start.astimezone(ZoneInfo("Europe/Madrid")).isoformat() for w in weeks] == [
            "2026-10-19T00:00:00+02:00"  # the Monday of that week
        ]
        assert weeks[0].mentions == 2


def test_domains_and_authors_in_one_scan_rank_as_the_two_queries(brand: tuple[int, int]) -> None:
    from models import report_details

    brand_id, source_id = brand
    now = datetime.now(UTC).replace(microsecond=0)
    authors = ["ana", "ana", "ana", "beto", "beto", "cruz", None, "dani", "eva", "eva"]
    items = [
        item(
            f"Acme news {n}",
            f"https://{['a.example', 'b.example', 'c.example'][n % 3]}/{n}",
            now - timedelta(hours=n + 1),
            author=authors[n],
            score=[5, 0, 1, 9, 0, 3, 7, 2, 2, 0][n],
        )
        for n in range(10)
    ]
    assert ingest(brand_id, source_id, items).new == 10
    with session_scope() as session:  # a hidden mention leaves both lists
        session.execute(update(Mention).where(col(Mention.url).like("%/9")).values(hidden=True))
    with session_scope() as session:
        period = {"brand_id": brand_id, "since": now - timedelta(days=1), "until": now}
        domains, stats = report_details.audience(session, **period, limit=3)  # type: ignore[arg-type]
        assert domains == report_details.top_domains(session, **period, limit=3)  # type: ignore[arg-type]
        assert stats == report_details.author_stats(session, **period, limit=3)  # type: ignore[arg-type]
    assert domains == [("a.example", 3), ("b.example", 3), ("c.example", 3)]
    assert stats.top == [("beto", 2, 9), ("ana", 3, 6), ("cruz", 1, 3)]
    assert (stats.distinct_authors, stats.authored, stats.repeat_authored) == (5, 8, 5)
