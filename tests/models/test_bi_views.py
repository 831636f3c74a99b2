"""The BI views (migration 0012) on the suite's database, SQLite or PostgreSQL, and the
read-only role the README tells an operator to grant, on PostgreSQL."""

import re
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from core.db import get_engine, normalize_database_url
from tests.support.alerts import make_brand
from tests.support.data import ingest, item

README = Path(__file__).resolve().parents[2] / "README.md"
MENTION_COLUMNS = [
    "id", "workspace_id", "brand_id", "brand_name", "source_id", "source_kind", "url",
    "domain", "title", "text", "author", "published_at", "published_date", "fetched_at",
    "language", "sentiment_label", "sentiment_compound", "sentiment_positive",
    "sentiment_neutral", "sentiment_negative", "sentiment_model", "engagement_score",
    "engagement_comments", "media_type", "story_id",
]  # fmt: skip
DAILY_COLUMNS = [
    "brand_id", "workspace_id", "brand_name", "timezone", "day", "mentions", "positive",
    "neutral", "negative", "avg_sentiment", "net_sentiment", "competitor_mentions",
    "share_of_voice",
]  # fmt: skip


def rows(sql: str, **params: Any) -> list[dict[str, Any]]:
    with get_engine().connect() as connection:
        return [dict(r._mapping) for r in connection.execute(text(sql), params)]


def is_postgres() -> bool:
    return get_engine().dialect.name == "postgresql"


def seed() -> tuple[int, int, datetime]:
    """Acme (America/Mexico_City, UTC-6) with Rival as its competitor. Acme: one mention
    at 03:00 UTC on day D (21:00 local on D-1), two on D's afternoon; Rival: one on D's evening."""
    rival = make_brand(name="Rival", query="rival")
    acme = make_brand(
        name="Acme",
        timezone="America/Mexico_City",
        workspace_id=rival.workspace_id,
        competitor_ids=[rival.brand_id],
    )
    day = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(3)
    ingest(
        acme.brand_id,
        acme.source_id,
        [
            item("Acme is wonderful, I love it", "https://a.example/1", day + timedelta(hours=3)),
            item("Acme is awful and terrible", "https://a.example/2", day + timedelta(hours=18)),
            item("Acme opens a store", "https://a.example/3", day + timedelta(hours=19)),
        ],
    )
    rival_news = item("Rival news", "https://r.example/1", day + timedelta(hours=20))
    ingest(rival.brand_id, rival.source_id, [rival_news])
    return acme.brand_id, rival.brand_id, day


def test_escucha_mentions_has_one_row_per_mention_with_its_public_fields(db: str) -> None:
    acme, _, day = seed()
    found = rows("SELECT * FROM escucha_mentions ORDER BY id")
    assert list(found[0]) == MENTION_COLUMNS  # the documented order, kept across releases
    assert [r["brand_id"] for r in found].count(acme) == 3 and len(found) == 4
    first = next(r for r in found if r["url"] == "https://a.example/1")
    assert first["brand_name"] == "Acme" and first["sentiment_label"] == "positive"
    local = (day - timedelta(days=1)) if is_postgres() else day  # SQLite: the UTC day
    assert str(first["published_date"]) == local.date().isoformat()


def test_escucha_brand_daily_counts_local_days_and_share_of_voice(db: str) -> None:
    acme, rival, day = seed()
    found = rows("SELECT * FROM escucha_brand_daily ORDER BY brand_id, day")
    assert list(found[0]) == DAILY_COLUMNS
    compounds = {
        r["url"]: r["sentiment_compound"]
        for r in rows("SELECT url, sentiment_compound FROM escucha_mentions")
    }
    by_day = {(r["brand_id"], str(r["day"])): r for r in found}
    d, before = day.date().isoformat(), (day - timedelta(days=1)).date().isoformat()
    if is_postgres():
        assert set(by_day) == {(rival, d), (acme, before), (acme, d)}
        evening = by_day[(acme, before)]
        assert (evening["mentions"], evening["positive"], evening["competitor_mentions"]) == (
            1,
            1,
            0,
        )
        assert float(evening["share_of_voice"]) == 1.0
        assert float(evening["net_sentiment"]) == 100.0
        assert float(evening["avg_sentiment"]) == round(compounds["https://a.example/1"], 4)
        afternoon = by_day[(acme, d)]
        own = ["https://a.example/2", "https://a.example/3"]
    else:  # UTC days
        assert set(by_day) == {(rival, d), (acme, d)}
        afternoon = by_day[(acme, d)]
        own = ["https://a.example/1", "https://a.example/2", "https://a.example/3"]
    mentions = len(own)
    assert afternoon["mentions"] == mentions and afternoon["competitor_mentions"] == 1
    assert afternoon["negative"] == 1
    positive = afternoon["positive"]
    net = round(100 * (positive - 1) / mentions, 2)
    assert float(afternoon["net_sentiment"]) == net
    assert float(afternoon["share_of_voice"]) == round(mentions / (mentions + 1), 4)
    expected_avg = round(sum(round(compounds[u] * 1e6) for u in own) / 1e6 / mentions, 4)
    assert float(afternoon["avg_sentiment"]) == pytest.approx(expected_avg, abs=1e-4)
    theirs = by_day[(rival, d)]
    assert theirs["mentions"] == 1 and theirs["competitor_mentions"] == 0
    assert float(theirs["share_of_voice"]) == 1.0


def readme_role_sql(role: str, password: str, database: str) -> list[str]:
    """The read-only role block of the README, for `role` on `database`."""
    block = re.search(r"```sql\n(-- A read-only role for BI tools.*?)```", README.read_text(), re.S)
    assert block, "the README's read-only role SQL block is missing"
    sql = block.group(1).replace("escucha_bi", role).replace("change-me", password)
    sql = sql.replace("DATABASE escucha", f"DATABASE {database}")
    lines = [line for line in sql.splitlines() if not line.startswith("--")]
    return [s.strip() for s in " ".join(lines).split(";") if s.strip()]


def test_the_readme_read_only_role_reads_the_views_and_nothing_else(db: str) -> None:
    if not is_postgres():
        pytest.skip("roles are PostgreSQL's (ESCUCHA_TEST_DATABASE_URL; CI sets it)")
    seed()
    url = get_engine().url
    role, password = f"escucha_bi_{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    admin = create_engine(normalize_database_url(str(url.render_as_string(False))))
    try:
        with admin.begin() as connection:
            for statement in readme_role_sql(role, password, str(url.database)):
                connection.execute(text(statement))
        reader = create_engine(
            url.set(username=role, password=password).render_as_string(hide_password=False)
        )
        try:
            with reader.connect() as connection:
                count = connection.execute(text("SELECT count(*) FROM escucha_mentions"))
                assert count.scalar_one() == 4
                daily = connection.execute(text("SELECT count(*) FROM escucha_brand_daily"))
                assert daily.scalar_one() == 3
            for forbidden in (
                "SELECT count(*) FROM mention",
                "SELECT key_hash FROM api_key",
                "DELETE FROM escucha_mentions",
                "CREATE TABLE escucha_bi_scratch (x int)",
            ):
                with reader.connect() as connection, pytest.raises(DBAPIError):
                    connection.execute(text(forbidden))
        finally:
            reader.dispose()
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP OWNED BY {role}"))
            connection.execute(text(f"DROP ROLE IF EXISTS {role}"))
        admin.dispose()


def test_the_views_come_and_go_with_their_migration(tmp_path: Path) -> None:
    from alembic import command

    from core.migrate import alembic_config

    url = f"sqlite:///{tmp_path / 'views.db'}"
    config = alembic_config(url)
    command.upgrade(config, "0012")
    engine = create_engine(url)
    views = "SELECT name FROM sqlite_master WHERE type = 'view' ORDER BY name"
    try:
        with engine.connect() as connection:
            found = [r[0] for r in connection.execute(text(views))]
            assert found == ["escucha_brand_daily", "escucha_mentions"]
            assert connection.execute(text("SELECT * FROM escucha_brand_daily")).all() == []
        command.downgrade(config, "0007")
        with engine.connect() as connection:
            assert connection.execute(text(views)).all() == []
    finally:
        engine.dispose()
