"""Hidden mentions (migration 0010) leave the report rollup, which stays equal to a GROUP BY
over the visible mentions as mentions are hidden, shown, changed, added and deleted, on
SQLite and PostgreSQL, and through a downgrade and upgrade again."""

from alembic import command
from sqlalchemy import Engine, delete, insert, text, update
from sqlmodel import Session, col

from models.tables import Mention
from tests.models.test_migrations import empty_database, mention, seeded_at_0004
from tests.models.test_reports import recomputed, rollup_rows

__all__ = ["empty_database"]


def exact(engine: Engine) -> None:
    with Session(engine) as session:
        assert rollup_rows(session) == recomputed(session)


def hide(engine: Engine, url: str, hidden: bool) -> None:
    with engine.begin() as connection:
        connection.execute(update(Mention).where(col(Mention.url_key) == url).values(hidden=hidden))


def visible_count(engine: Engine) -> int:
    with engine.connect() as connection:
        total = connection.execute(
            text("SELECT sum(mentions) FROM mention_hourly WHERE source_kind = '*'")
        ).scalar_one()
    return int(total or 0)


def test_hiding_and_showing_mentions_keeps_the_rollup_exact(empty_database: str) -> None:
    with seeded_at_0004(empty_database) as (config, engine):
        command.upgrade(config, "head")
        exact(engine)
        stored = visible_count(engine)
        hide(engine, "https://a.example/1", True)
        hide(engine, "https://a.example/3", True)
        exact(engine)
        assert visible_count(engine) == stored - 2
        # A hidden mention rescored or moved changes nothing; shown again, it counts as it is.
        with engine.begin() as connection:
            connection.execute(
                update(Mention)
                .where(col(Mention.url_key) == "https://a.example/1")
                .values(sentiment_label="negative", sentiment_compound=-0.9, media_type="paid")
            )
        exact(engine)
        hide(engine, "https://a.example/1", False)
        exact(engine)
        assert visible_count(engine) == stored - 1
        # Hidden and changed in one statement, both ways.
        with engine.begin() as connection:
            connection.execute(
                update(Mention)
                .where(col(Mention.url_key) == "https://a.example/2")
                .values(hidden=True, sentiment_label="neutral", sentiment_compound=0.0)
            )
            connection.execute(
                update(Mention)
                .where(col(Mention.url_key) == "https://a.example/3")
                .values(hidden=False, sentiment_label="positive", sentiment_compound=0.8)
            )
        exact(engine)
        # Stored hidden (the model judged it off-topic at ingest), then deleted.
        with engine.begin() as connection:
            row = mention(None, "https://c.example/9", 9, 0.4) | {"hidden": True}
            connection.execute(insert(Mention.__table__), [row])  # type: ignore[attr-defined]
        exact(engine)
        assert visible_count(engine) == stored - 1
        with engine.begin() as connection:
            connection.execute(delete(Mention).where(col(Mention.url_key).startswith("https://c.")))
            connection.execute(delete(Mention).where(col(Mention.url_key) == "https://a.example/2"))
        exact(engine)
        # Down: every mention counts again; up: all visible (no marks survive a downgrade).
        command.downgrade(config, "0007")
        exact(engine)
        command.upgrade(config, "head")
        exact(engine)
        hide(engine, "https://a.example/4", True)
        exact(engine)
