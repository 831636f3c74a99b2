"""Migrations on a database that already holds data: what a deployed Escucha goes through."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, insert, text
from sqlmodel import Session

from core.db import normalize_database_url
from core.migrate import alembic_config
from models.tables import Mention, Source
from tests.conftest import DATA_DIR
from tests.models.scratch import scratch_postgres
from tests.models.test_reports import recomputed, rollup_rows


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request: pytest.FixtureRequest) -> Iterator[str]:
    """A database of its own (the suite's test database stays at head meanwhile)."""
    if request.param == "sqlite":
        path = DATA_DIR / "migrations.db"
        path.unlink(missing_ok=True)
        yield f"sqlite:///{path}"
        return
    with scratch_postgres() as url:
        yield url


def mention(story: str | None, url: str, hour: int, compound: float) -> dict[str, Any]:
    published = datetime(2026, 11, 20, hour, tzinfo=UTC)
    label = "positive" if compound > 0 else "negative"
    return {
        "workspace_id": 1, "brand_id": 1, "source_id": 1, "source_kind": "rss",
        "url_key": url, "story_key": story, "url": url, "domain": "example.org",
        "title": "t", "text": "", "author": None, "published_at": published,
        "fetched_at": published, "language": "es", "sentiment_compound": compound,
        "sentiment_positive": 0.0, "sentiment_neutral": 0.0, "sentiment_negative": 0.0,
        "sentiment_label": label, "sentiment_model": "vader", "engagement_score": None,
        "engagement_comments": None, "also_seen_in": [], "media_type": "earned",
    }  # fmt: skip


def add_workspace_and_brand(engine: Engine, names: dict[int, tuple[int, str]]) -> None:
    """Rows with the columns every revision has (the models' may be newer): workspaces
    "w1", "w2"... and brands {id: (workspace id, name)}."""
    with engine.begin() as connection:
        for workspace_id in sorted({w for w, _ in names.values()} | {1}):
            connection.execute(
                text("INSERT INTO workspace (id, name, created_at) VALUES (:id, :n, :t)"),
                {"id": workspace_id, "n": f"w{workspace_id}", "t": datetime(2026, 1, 1)},
            )
        for brand_id, (workspace_id, name) in names.items():
            connection.execute(
                text(
                    "INSERT INTO brand (id, workspace_id, name, query, timezone, languages, "
                    "owned_domains, owned_handles, competitor_ids, created_at, updated_at) "
                    "VALUES (:id, :w, :n, 'lumbre', 'UTC', '[]', '[]', '[]', '[]', :t, :t)"
                ),
                {"id": brand_id, "w": workspace_id, "n": name, "t": datetime(2026, 1, 1)},
            )


def seed_at_0004(engine: Engine) -> None:
    add_workspace_and_brand(engine, {1: (1, "Lumbre")})
    with Session(engine) as session:
        session.add(Source(id=1, workspace_id=1, brand_id=1, kind="rss"))
        session.commit()
    with engine.begin() as connection:
        connection.execute(
            insert(Mention.__table__),  # type: ignore[attr-defined]
            [
                mention("lumbre abre|el norte", "https://a.example/1", 9, 0.5),
                mention("lumbre abre|el norte", "https://b.example/1", 10, -0.4),  # a race's copy
                mention("lumbre abre|el norte", "story:lumbre abre|el norte", 11, 0.3),  # again
                mention("otra nota|el norte", "https://a.example/2", 9, 0.2),
                mention(None, "https://a.example/3", 9, -0.1),
                mention(None, "https://a.example/4", 9, 0.7),
            ],
        )


@contextmanager
def seeded_at_0004(database: str) -> Iterator[tuple[Config, Engine]]:
    """``database`` migrated to 0004 and seeded there; its Alembic config and an engine."""
    config = alembic_config(database)
    command.upgrade(config, "0004")
    engine = create_engine(normalize_database_url(database))
    try:
        seed_at_0004(engine)
        yield config, engine
    finally:
        engine.dispose()


def test_unique_stories_keep_each_storys_oldest_mention_and_exact_rollups(
    empty_database: str,
) -> None:
    with seeded_at_0004(empty_database) as (config, engine):
        command.upgrade(config, "0005")
        with engine.connect() as connection:
            kept = connection.execute(text("SELECT url_key FROM mention ORDER BY id")).scalars()
            assert list(kept) == [
                "https://a.example/1",
                "https://a.example/2",
                "https://a.example/3",
                "https://a.example/4",
            ]
        with Session(engine) as session:
            assert rollup_rows(session) == recomputed(session)
        with engine.begin() as connection, pytest.raises(Exception, match=r"(?i)unique"):
            connection.execute(
                insert(Mention.__table__),  # type: ignore[attr-defined]
                [mention("otra nota|el norte", "https://c.example/2", 12, 0.1)],
            )
        command.downgrade(config, "0004")
        command.upgrade(config, "head")


def test_a_workspace_without_its_own_mention_key_still_takes_its_mentions_along(
    empty_database: str,
) -> None:
    """0006 drops mention.workspace_id's index and (PostgreSQL) foreign key: deleting the
    workspace still deletes its brands, their mentions and rollups; down and up again work."""
    with seeded_at_0004(empty_database) as (config, engine):
        command.upgrade(config, "head")
        with engine.begin() as connection:
            if connection.dialect.name == "sqlite":
                connection.execute(text("PRAGMA foreign_keys=ON"))
            connection.execute(text("DELETE FROM workspace WHERE id = 1"))
            for table in ("mention", "mention_hourly", "brand", "source"):
                count = connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
                assert count == 0, table
        command.downgrade(config, "0005")
        command.upgrade(config, "head")


def test_0014_keys_names_and_keeps_the_names_that_already_clash(empty_database: str) -> None:
    """Brands "OXXO" and "Oxxo" of one workspace, and two workspaces named alike, stored
    before 0014: the upgrade keeps them all; new clashes are refused from then on."""
    config = alembic_config(empty_database)
    command.upgrade(config, "0007")
    engine = create_engine(normalize_database_url(empty_database))
    try:
        add_workspace_and_brand(engine, {1: (1, "OXXO"), 2: (1, "Oxxo"), 3: (2, "Óxxo")})
        with engine.begin() as connection:
            connection.execute(text("UPDATE workspace SET name = 'Acme'"))
        command.upgrade(config, "0014")
        with engine.connect() as connection:
            brands = connection.execute(text("SELECT id, name_key FROM brand ORDER BY id")).all()
            workspaces = connection.execute(text("SELECT name_key FROM workspace ORDER BY id"))
            assert [tuple(row) for row in brands] == [(1, "oxxo"), (2, "oxxo #2"), (3, "oxxo")]
            assert list(workspaces.scalars()) == ["acme", "acme #2"]
        with engine.begin() as connection, pytest.raises(Exception, match=r"(?i)unique"):
            connection.execute(text("UPDATE brand SET name_key = 'oxxo' WHERE id = 2"))
        command.downgrade(config, "0007")
        command.upgrade(config, "head")
    finally:
        engine.dispose()
