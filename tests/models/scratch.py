"""A PostgreSQL database of a test's own, created empty and dropped after."""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text

from core.db import normalize_database_url
from tests.conftest import TEST_DATABASE_URL

SCRATCH_DATABASE = "escucha_scratch_test"


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
