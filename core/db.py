"""One engine per process, and the unit-of-work scope that API requests and tasks open."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from threading import Lock
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

from core.settings import get_settings

_engine: Engine | None = None
_engine_pid: int | None = None
_lock = Lock()


def normalize_database_url(url: str) -> str:
    """Accept the usual spellings and pick the psycopg 3 driver for PostgreSQL."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def build_engine(url: str) -> Engine:
    url = normalize_database_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin_immediate)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (see below)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin_immediate(connection: Any) -> None:
    # Units of work that write take SQLite's write lock up front (BEGIN IMMEDIATE), so two
    # processes never fail upgrading a read snapshot; busy_timeout then queues writers.
    # Read-only units (see read_only_engine) begin DEFERRED and never block anyone in WAL.
    mode = connection.get_execution_options().get("sqlite_begin", "IMMEDIATE")
    connection.exec_driver_sql(f"BEGIN {mode}")


def get_engine() -> Engine:
    """The process's engine; a forked child gets a fresh one instead of its parent's pool."""
    global _engine, _engine_pid
    with _lock:
        if _engine is None or _engine_pid != os.getpid():
            if _engine is not None:
                _engine.dispose(close=False)
            _engine = build_engine(get_settings().resolved_database_url())
            _engine_pid = os.getpid()
        return _engine


def read_only_engine() -> Engine:
    """The same pool, for units of work that only read."""
    return get_engine().execution_options(sqlite_begin="DEFERRED")


def reset_engine(*, close: bool = True) -> None:
    """Forget the engine; `close=False` in a forked child, whose inherited connections are
    the parent's to close."""
    global _engine, _engine_pid
    with _lock:
        if _engine is not None:
            _engine.dispose(close=close)
        _engine = None
        _engine_pid = None


@contextmanager
def session_scope() -> Iterator[Session]:
    """One unit of work: commit at the end, roll back on error."""
    with Session(get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def commit_asynchronously(session: Session) -> None:
    """Let this unit of work's commit return before its WAL reaches the disk (PostgreSQL's
    `synchronous_commit = off`, for this transaction only; a no-op elsewhere). For writes
    whose loss in a database crash only means a poll is repeated: a claim, a lease, the
    record of a poll that stored no items. The commit is visible to every other session at
    once, as any commit; it is only its durability that lags, by at most three times
    `wal_writer_delay` (0.6 s by default), and a crash loses those transactions whole, never
    half of one. On a database busy writing, waiting for that flush was most of a 304
    round's time (benchmarks/README.md: the deployed path)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL synchronous_commit TO OFF"))
