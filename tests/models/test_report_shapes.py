"""The overview's combined statements read what the statements they replace read: the brand
by kind with its competitors' totals, the peaks' top mentions and top stories in one
statement each, the trend with the share of voice from one grouped query, and domains and
authors ranked by PostgreSQL as Python ranks them."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text, update
from sqlmodel import Session, col

from core.db import get_engine, session_scope
from models import report_details as details
from models.reports import ALL_KINDS, Totals, Window, kind_totals
from models.stories import top_stories, top_stories_each
from models.tables import Brand, Mention, Source, Workspace
from services.trends import build_trend
from services.voice_trend import build_series, build_voice_trend
from tests.support.data import ingest, item

NOW = datetime.now(UTC).replace(microsecond=0)
DAY = timedelta(days=1)


def _brand(session: Session, workspace_id: int, name: str, competitors: list[int]) -> int:
    brand = Brand(
        workspace_id=workspace_id, name=name, query=name.lower(), timezone="America/Mexico_City",
        competitor_ids=competitors,
    )  # fmt: skip
    session.add(brand)
    session.flush()
    assert brand.id is not None
    return brand.id


def _source(session: Session, workspace_id: int, brand_id: int, kind: str) -> int:
    source = Source(workspace_id=workspace_id, brand_id=brand_id, kind=kind)
    session.add(source)
    session.flush()
    assert source.id is not None
    return source.id


@pytest.fixture
def world(db: str) -> dict[str, int]:
    """Acme (rss and reddit) and its competitor Rival (rss and youtube), mentions over the
    last four days at minutes past the hour (so the edges of a window are read from
    `mention` and the rest from the rollup), with scores that tie, and one hidden."""
    with session_scope() as session:
        workspace = Workspace(name="w")
        session.add(workspace)
        session.flush()
        assert workspace.id is not None
        rival = _brand(session, workspace.id, "Rival", [])
        acme = _brand(session, workspace.id, "Acme", [rival])
        ids = {"workspace": workspace.id, "acme": acme, "rival": rival}
        for brand, kind in [("acme", "rss"), ("acme", "reddit"), ("rival", "rss"),
                            ("rival", "youtube")]:  # fmt: skip
            ids[f"{brand}_{kind}"] = _source(session, workspace.id, ids[brand], kind)
    for key, count in [("acme_rss", 24), ("acme_reddit", 10), ("rival_rss", 8),
                       ("rival_youtube", 5)]:  # fmt: skip
        brand, kind = key.split("_")
        word = brand
        items = [
            item(
                f"{word} news {kind} {n}",
                f"https://{kind}.example/{word}/{n}",
                NOW - timedelta(hours=4 * n + 1, minutes=17),
                score=[3, 0, 7, 3, 1][n % 5],
                comments=n % 2,
            )
            for n in range(count)
        ]
        assert ingest(ids[brand], ids[key], items, kind=kind).new == count
    with session_scope() as session:
        session.execute(
            update(Mention)
            .where(col(Mention.url) == "https://rss.example/acme/2")
            .values(hidden=True)
        )
    return ids


@pytest.mark.parametrize("rollup", [True, False])
def test_competitors_totals_equal_the_sums_of_their_kinds(
    world: dict[str, int], rollup: bool
) -> None:
    acme, rival = world["acme"], world["rival"]
    since, until = NOW - 3 * DAY - timedelta(minutes=41), NOW
    recent = until - DAY
    window = Window((acme, rival), since, until, cuts=(recent,), rollup=rollup)
    with Session(get_engine()) as session:
        each = kind_totals(session, window, recent_since=recent)
        first = kind_totals(session, window, recent_since=recent, others_all_kinds=True)
    assert sorted(r for r in first if r[0] == acme) == sorted(r for r in each if r[0] == acme)
    assert len({r[1] for r in each if r[0] == acme}) == 2
    rival_rows = [r for r in each if r[0] == rival]
    assert len(rival_rows) == 2  # rss and youtube, summed into one row
    rival_total = sum((totals for _, _, totals, _ in rival_rows), Totals())
    recent_total = sum(last for _, _, _, last in rival_rows)
    assert [r for r in first if r[0] == rival] == [(rival, ALL_KINDS, rival_total, recent_total)]
    assert rival_total.mentions > 0 and recent_total > 0


def test_a_brand_alone_by_kind_with_others_all_kinds(world: dict[str, int]) -> None:
    acme = world["acme"]
    window = Window((acme,), NOW - 2 * DAY, NOW)
    with Session(get_engine()) as session:
        each = kind_totals(session, window, recent_since=NOW)
        first = kind_totals(session, window, recent_since=NOW, others_all_kinds=True)
    assert sorted(first) == sorted(each) and len(each) == 2


def windows() -> list[tuple[datetime, datetime]]:
    """Three days, one of them without mentions, and a span over two of them."""
    return [
        (NOW - DAY, NOW),
        (NOW - 3 * DAY, NOW - 2 * DAY),
        (NOW - 30 * DAY, NOW - 20 * DAY),
        (NOW - 2 * DAY - timedelta(hours=5), NOW - timedelta(hours=7)),
    ]


def test_top_mentions_of_each_window_rank_as_one_query_a_window(world: dict[str, int]) -> None:
    acme = world["acme"]
    with Session(get_engine()) as session:
        each = details.top_mentions_each(session, brand_id=acme, windows=windows(), limit=3)
        apart = [
            details.top_mentions(session, brand_id=acme, since=low, until=high, limit=3)
            for low, high in windows()
        ]
    assert [[m.id for m in top] for top in each] == [[m.id for m in top] for top in apart]
    assert [len(top) for top in each] == [3, 3, 0, 3]
    hidden = "https://rss.example/acme/2"
    assert all(m.url != hidden for top in each for m in top)


def test_top_stories_of_each_window_rank_as_one_query_a_window(world: dict[str, int]) -> None:
    """Copies (story_id set) of a first mention inside a window and of one before it; a
    window with no copies is filled with stories of one mention."""
    acme = world["acme"]
    with session_scope() as session:
        ids = {
            url: mention_id
            for mention_id, url in session.execute(
                text("SELECT id, url FROM mention WHERE brand_id = :b"), {"b": acme}
            )
        }
        first, older = ids["https://rss.example/acme/3"], ids["https://rss.example/acme/12"]
        copies = {first: [0, 1, 4], older: [5, 6]}
        for story, numbers in copies.items():
            urls = [f"https://reddit.example/acme/{n}" for n in numbers]
            session.execute(
                update(Mention).where(col(Mention.url).in_(urls)).values(story_id=story)
            )
    with Session(get_engine()) as session:
        each = top_stories_each(session, brand_id=acme, windows=windows(), limit=2)
        apart = [
            top_stories(session, brand_id=acme, since=low, until=high, limit=2)
            for low, high in windows()
        ]
    assert each == apart
    assert each[0][0].mentions == 4 and each[0][0].id == first  # copies 0, 1, 4 and first
    assert [len(top) for top in each] == [2, 2, 0, 2]


@pytest.mark.parametrize(("interval", "span"), [("day", 4 * DAY), ("hour", DAY)])
def test_the_series_from_one_query_equal_the_trend_and_the_voice_trend(
    world: dict[str, int], interval: str, span: timedelta
) -> None:
    since, until = NOW - span - timedelta(minutes=23), NOW
    with Session(get_engine()) as session:
        brand = session.get(Brand, world["acme"])
        rival = session.get(Brand, world["rival"])
        assert brand is not None and rival is not None
        period = {"since": since, "until": until, "interval": interval}
        trend, voices = build_series(session, brand, **period)  # type: ignore[arg-type]
        assert trend == build_trend(session, brand, **period)  # type: ignore[arg-type]
        rivals = build_trend(session, rival, **period)  # type: ignore[arg-type]
        assert voices == build_voice_trend(session, brand, **period)  # type: ignore[arg-type]
    assert voices.brands == [(world["acme"], "Acme"), (world["rival"], "Rival")]
    assert voices.starts == [b.start for b in trend] == [b.start for b in rivals]
    assert voices.counts == {
        world["acme"]: [b.mentions for b in trend],
        world["rival"]: [b.mentions for b in rivals],
    }
    assert sum(voices.counts[world["rival"]]) > 0


def test_audience_ranks_ties_by_name_in_code_point_order(world: dict[str, int]) -> None:
    """As Python compares strings (and SQLite, and the report before PostgreSQL ranked the
    groups): "Zoe" before "ana" and "Émile", whatever the database's collation."""
    acme, source = world["acme"], world["acme_rss"]
    names = ["ana", "Zoe", "Émile", "bea", "bea"]
    items = [
        item(f"acme tie {n}", f"https://tie.example/{n}", NOW - timedelta(minutes=5 + n),
             author=name, score=4)
        for n, name in enumerate(names)
    ]  # fmt: skip
    assert ingest(acme, source, items).new == 5
    with Session(get_engine()) as session:
        period = {"brand_id": acme, "since": NOW - timedelta(hours=1), "until": NOW}
        domains, stats = details.audience(session, **period, limit=4)  # type: ignore[arg-type]
        counted = details.author_stats(session, **period, limit=10)  # type: ignore[arg-type]
    assert stats.top == [("bea", 2, 8), ("Zoe", 1, 4), ("ana", 1, 4), ("Émile", 1, 4)]
    assert (stats.distinct_authors, stats.authored, stats.repeat_authored) == (4, 5, 2)
    assert sorted(stats.top) == sorted(counted.top)
    assert domains == [("tie.example", 5)]
