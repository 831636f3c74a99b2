"""Test set-up: a real database built by the migrations, real services when configured.

ESCUCHA_TEST_DATABASE_URL / ESCUCHA_TEST_REDIS_URL name the PostgreSQL and Redis to use.
With ESCUCHA_TEST_REQUIRE_SERVICES=1 (as .ci/run sets) an unreachable one FAILS the run;
without it, tests that need them are skipped and the rest run on SQLite.
"""

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

DATA_DIR = Path(tempfile.mkdtemp(prefix="escucha-test-"))
TEST_DATABASE_URL = os.environ.get("ESCUCHA_TEST_DATABASE_URL", "")
TEST_REDIS_URL = os.environ.get("ESCUCHA_TEST_REDIS_URL", "")
REQUIRE_SERVICES = os.environ.get("ESCUCHA_TEST_REQUIRE_SERVICES") == "1"

KEEP = ("ESCUCHA_TEST_", "ESCUCHA_SHARED_DIR")
for _name in list(os.environ):
    if _name.startswith("ESCUCHA_") and not _name.startswith(KEEP):
        del os.environ[_name]
os.environ["ESCUCHA_DATA_DIR"] = str(DATA_DIR)
os.environ["ESCUCHA_ALLOW_PRIVATE_HOSTS"] = "true"
os.environ["ESCUCHA_DATABASE_URL"] = TEST_DATABASE_URL or f"sqlite:///{DATA_DIR / 'test.db'}"

from sqlalchemy import create_engine, text  # noqa: E402

from core.db import normalize_database_url, reset_engine  # noqa: E402
from core.migrate import upgrade_to_head  # noqa: E402
from core.settings import get_settings  # noqa: E402
from tests.support.services import redis_reachable, wipe_redis  # noqa: E402


def _database_reachable(url: str) -> str | None:
    try:
        engine = create_engine(normalize_database_url(url))
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def _reset_postgres_schema(url: str) -> None:
    engine = create_engine(normalize_database_url(url))
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def pytest_sessionstart(session: pytest.Session) -> None:
    if REQUIRE_SERVICES and not (TEST_DATABASE_URL and TEST_REDIS_URL):
        pytest.exit("ESCUCHA_TEST_REQUIRE_SERVICES=1 but a TEST database or Redis URL is unset", 3)
    if TEST_DATABASE_URL:
        problem = _database_reachable(TEST_DATABASE_URL)
        if problem:
            pytest.exit(f"test database {TEST_DATABASE_URL} unreachable: {problem}", 3)
        _reset_postgres_schema(TEST_DATABASE_URL)
    if TEST_REDIS_URL and not redis_reachable(TEST_REDIS_URL) and REQUIRE_SERVICES:
        pytest.exit(f"test Redis {TEST_REDIS_URL} unreachable", 3)
    if TEST_REDIS_URL and redis_reachable(TEST_REDIS_URL):
        wipe_redis(TEST_REDIS_URL)  # what an earlier run left queued
    get_settings.cache_clear()
    upgrade_to_head(get_settings().resolved_database_url())


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    reset_engine()
    shutil.rmtree(DATA_DIR, ignore_errors=True)


@pytest.fixture
def db() -> Iterator[str]:
    """An empty database (schema from the migrations); yields its URL."""
    from sqlmodel import SQLModel

    from core.db import get_engine

    tables = [table.name for table in reversed(SQLModel.metadata.sorted_tables)]
    engine = get_engine()
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(text(f"DELETE FROM {table}"))
    yield get_settings().resolved_database_url()


@pytest.fixture
def postgres_url() -> str:
    if not TEST_DATABASE_URL:
        pytest.skip("ESCUCHA_TEST_DATABASE_URL is not set (CI sets it)")
    return TEST_DATABASE_URL


@pytest.fixture
def redis_url() -> str:
    if not TEST_REDIS_URL:
        pytest.skip("ESCUCHA_TEST_REDIS_URL is not set (CI sets it)")
    if not redis_reachable(TEST_REDIS_URL):
        pytest.fail(f"test Redis {TEST_REDIS_URL} is unreachable")
    return TEST_REDIS_URL
