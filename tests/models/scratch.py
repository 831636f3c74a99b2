"""Databases of a test's own: a scratch PostgreSQL database, and the one brand and source
the model tests put in one."""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import column, create_engine, insert, inspect, table, text
from sqlmodel import Session

from core.db import normalize_database_url
from models.tables import Source, Workspace
from models.types import utcnow
from tests.conftest import TEST_DATABASE_URL

# Named after the suite's database, so that suites run side by side on one server (each
# with its own ESCUCHA_TEST_DATABASE_URL) never drop each other's scratch database.
SCRATCH_DATABASE = (TEST_DATABASE_URL or "escucha").rpartition("/")[2].split("?")[0] + "_scratch"


@contextmanager
def scratch_postgres() -> Iterator[str]:
    """Its URL; the test is skipped without ESCUCHA_TEST_DATABASE_URL (CI sets it)."""
    if not TEST_DATABASE_URL:
        pytest.skip("ESCUCHA_TEST_DATABASE_URL is not set (CI sets it)")
    admin = create_engine(normalize_database_url(TEST_DATABASE_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {SCRATCH_DATABASE}"))
        connection.execute(text(f"CREATE DATABASE {SCRATCH_DATABASE}"))
    base, _, _ = TEST_DATABASE_URL.rpartition("/")
    try:
        yield f"{base}/{SCRATCH_DATABASE}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {SCRATCH_DATABASE} WITH (FORCE)"))
        admin.dispose()


def add_brand_with_source(session: Session) -> None:
    """Workspace 1, its brand 1 (Lumbre) and that brand's RSS source 1, flushed."""
    session.add(Workspace(id=1, name="w"))
    session.flush()
    # Only the columns every revision has (the tests seed old revisions too), defaults in SQL.
    values = {
        "id": 1, "workspace_id": 1, "name": "Lumbre", "query": "lumbre", "timezone": "UTC",
        "languages": "[]", "owned_domains": "[]", "owned_handles": "[]", "competitor_ids": "[]",
        "created_at": utcnow(), "updated_at": utcnow(),
    }  # fmt: skip
    if "name_key" in {c["name"] for c in inspect(session.connection()).get_columns("brand")}:
        values["name_key"] = "lumbre"  # migration 0014 on
    brand = table("brand", *(column(name) for name in values))
    session.execute(insert(brand).values(values))
    session.add(Source(id=1, workspace_id=1, brand_id=1, kind="rss"))
    session.flush()
