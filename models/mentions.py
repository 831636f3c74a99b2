"""Queries for mentions: idempotent insert, keyset pages, and the trend aggregation."""

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from itertools import compress, repeat
from operator import is_, itemgetter
from typing import Any

import orjson
from sqlalchemy import JSON, and_, bindparam, delete, or_, text, update
from sqlalchemy import select as select_columns
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import Select
from sqlmodel import Session, col, select

from models.tables import Mention

_TABLE = Mention.__table__  # type: ignore[attr-defined]


_INSERTED = [column for column in _TABLE.columns if column.name != "id"]
_INSERTED_NAMES = ", ".join(column.name for column in _INSERTED)
# PostgreSQL: one INSERT for any number of rows, from one JSON parameter: one query text
# whatever the row count, one statement (so one firing of the rollup triggers), RETURNING
# the keys of the rows that were new. Sent through psycopg itself, in pipeline mode.
_POSTGRES_BULK_INSERT = (
    f"INSERT INTO mention ({_INSERTED_NAMES}) SELECT {_INSERTED_NAMES} "
    "FROM json_populate_recordset(NULL::mention, CAST(%s AS json)) "
    "ON CONFLICT DO NOTHING RETURNING brand_id, url_key, id"
)
_POSTGRES_ROWS_PER_INSERT = 50
_POSTGRES_LAST_ROWS_PER_INSERT = 10  # the last rows: less for the server to do once we wait
_SQLITE_ROWS_PER_INSERT = 1000  # 26 parameters a row, under SQLite's 32,766


@cache
def _sqlite_bind_processors(dialect: Dialect) -> list[tuple[int, Callable[[Any], Any]]]:
    """(position, conversion) of each inserted column that SQLAlchemy converts for SQLite.
    The one JSON column (``also_seen_in``: source ids and kinds) is written by orjson, as on
    PostgreSQL: SQLAlchemy's json.dumps path costs 1 us a row more."""
    processors = [
        _json_text
        if isinstance(c.type, JSON)
        else c.type.dialect_impl(dialect).bind_processor(dialect)
        for c in _INSERTED
    ]
    return [(position, process) for position, process in enumerate(processors) if process]


def _json_text(value: Any) -> str:
    return orjson.dumps(value).decode()


_INSERTED_VALUES = itemgetter(*(column.name for column in _INSERTED))


# The columns that may hold None, and a getter for their values in a row's values.
_NULLABLE = [position for position, column in enumerate(_INSERTED) if column.nullable]
_NULLABLE_VALUES = itemgetter(*_NULLABLE)


class _RowShapes(dict[tuple[bool, ...], tuple[str, tuple[bool, ...]]]):
    """By which nullable values of a row are None: the row's placeholders (``?`` for a
    value, ``NULL`` written out for a None) and which of its values are bound. The driver
    binds a None through its adapter lookup, at the cost of two failed attribute lookups
    and a formatted message (~1.5% of storing a mention, with 5-8 None columns a row);
    spelled in the SQL it costs nothing. Few shapes occur, each made once."""

    def __missing__(self, nones: tuple[bool, ...]) -> tuple[str, tuple[bool, ...]]:
        bound = [True] * len(_INSERTED)
        for position, none in zip(_NULLABLE, nones, strict=True):
            bound[position] = not none
        placeholders = "(" + ", ".join("?" if value else "NULL" for value in bound) + ")"
        self[nones] = found = (placeholders, tuple(bound))
        return found


_ROW_SHAPES = _RowShapes()


def _sqlite_insert(session: Session, rows: Sequence[dict[str, Any]]) -> dict[tuple[int, str], int]:
    """Multi-row INSERT ... RETURNING through the driver, the values converted by the
    columns' own SQLAlchemy types: SQLAlchemy's executemany path costs ~5 us a row more."""
    processors = _sqlite_bind_processors(session.get_bind().dialect)
    found: dict[tuple[int, str], int] = {}
    for start in range(0, len(rows), _SQLITE_ROWS_PER_INSERT):
        chunk = rows[start : start + _SQLITE_ROWS_PER_INSERT]
        values: list[Any] = []
        placeholders: list[str] = []
        for row in chunk:
            row_values = list(_INSERTED_VALUES(row))
            for position, process in processors:
                row_values[position] = process(row_values[position])
            shape, bound = _ROW_SHAPES[tuple(map(is_, _NULLABLE_VALUES(row_values), repeat(None)))]
            placeholders.append(shape)
            values += compress(row_values, bound)
        statement = (
            f"INSERT INTO mention ({_INSERTED_NAMES}) VALUES {', '.join(placeholders)} "
            "ON CONFLICT DO NOTHING RETURNING brand_id, url_key, id"
        )
        result = session.connection().exec_driver_sql(statement, tuple(values))
        found.update(((brand_id, key), mention_id) for brand_id, key, mention_id in result)
    return found


class MentionInserts:
    """Insert new mentions as they are made; ``inserted`` holds the ids of those the database
    took by (brand_id, url_key), once the ``with`` block is left.

    A row is inserted unless its (brand_id, url_key) or (brand_id, story_key) is stored
    already: ON CONFLICT DO NOTHING (on either unique key) keeps this idempotent under
    retries and concurrent workers.

    PostgreSQL: every 50 rows go as one INSERT of a JSON array, sent in pipeline mode without
    waiting for the answer, so the server stores them while we score the next ones; the
    answers are read on leaving the block. Told how many rows will come (``expected``), the
    last 50 go 10 at a time: what the server still has to do when we wait is small.
    (SQLAlchemy's multi-row INSERT is a new query text for every row count, which psycopg
    parses anew at ~150 us a row; arrays, one per column, for unnest, cost psycopg ~45 us a
    row to quote.) SQLite works in our own process, so nothing is gained by sending early:
    one INSERT per 1,000 rows at the end.
    """

    def __init__(self, session: Session, *, expected: int = 0) -> None:
        self._session = session
        self._left = expected
        self._postgres = session.get_bind().dialect.name == "postgresql"
        self._rows: list[dict[str, Any]] = []
        self._pipeline: ExitStack | None = None
        self._connection: Any = None  # psycopg's, once the pipeline is open
        self._cursors: list[Any] = []
        self.inserted: dict[tuple[int, str], int] = {}

    def __enter__(self) -> "MentionInserts":
        return self

    @property
    def sends_early(self) -> bool:
        """Whether rows added early are stored while the later ones are made (PostgreSQL)."""
        return self._postgres

    def add(self, row: dict[str, Any]) -> None:
        """Queue a row (every column but ``id``)."""
        self._rows.append(row)
        self._left -= 1
        if not self._postgres:
            return
        last = self._left < _POSTGRES_ROWS_PER_INSERT
        if len(self._rows) >= (
            _POSTGRES_LAST_ROWS_PER_INSERT if last else _POSTGRES_ROWS_PER_INSERT
        ):
            self._send_to_postgres()

    def _send_to_postgres(self) -> None:
        with self._as_sqlalchemy_errors():
            if self._pipeline is None:
                self._connection = self._session.connection().connection.driver_connection
                self._pipeline = ExitStack()
                self._pipeline.enter_context(self._connection.pipeline())
            cursor = self._connection.cursor()
            payload = orjson.dumps(self._rows).decode()  # datetimes as RFC 3339, floats exact
            cursor.execute(_POSTGRES_BULK_INSERT, (payload,))
        self._cursors.append(cursor)
        self._rows = []

    @contextmanager
    def _as_sqlalchemy_errors(self) -> Iterator[None]:
        """psycopg's errors raised as SQLAlchemy raises them elsewhere (IntegrityError,
        OperationalError...): callers see one kind whichever database they run on."""
        dbapi_error = self._session.get_bind().dialect.loaded_dbapi.Error
        try:
            yield
        except dbapi_error as error:
            raise DBAPIError.instance(_POSTGRES_BULK_INSERT, None, error, dbapi_error) from error

    def __exit__(self, *exc_info: object) -> None:
        if not self._postgres:
            if exc_info[0] is None:
                self.inserted = _sqlite_insert(self._session, self._rows)
            return
        if self._rows and exc_info[0] is None:
            self._send_to_postgres()
        if self._pipeline is not None:
            with self._as_sqlalchemy_errors():
                self._pipeline.__exit__(*exc_info)  # type: ignore[arg-type]
        for cursor in self._cursors:
            self.inserted.update(
                ((brand_id, key), mention_id) for brand_id, key, mention_id in cursor.fetchall()
            )


def delete_by_keys(session: Session, *, brand_id: int, url_keys: list[str]) -> int:
    """Forget mentions whose content was deleted or removed at the source."""
    if not url_keys:
        return 0
    statement = delete(Mention).where(
        col(Mention.brand_id) == brand_id, col(Mention.url_key).in_(url_keys)
    )
    result: Any = session.execute(statement)
    return int(result.rowcount or 0)


_STORED_COLUMNS = ("id", "url_key", "story_key", "source_id", "also_seen_in")
# PostgreSQL: each key probed in its own unique index, (url_key, brand_id) or (story_key,
# brand_id) (migration 0007), both kinds in one query. LATERAL ... LIMIT 1 (a key is unique
# per brand) makes the plan a loop of probes, and "brand_id + 0" keeps the brand test out of
# the index conditions, so no index that starts with brand_id can compete: with stale
# statistics PostgreSQL's costs tie, and such an index reads all of the brand's mentions for
# every key (a join with unnest(array), or = ANY(array), reads them all once per lookup).
_POSTGRES_STORED = text(
    " UNION ALL ".join(
        f"SELECT m.* FROM json_array_elements_text(CAST(:{keys} AS json)) AS wanted(key) "
        "CROSS JOIN LATERAL "
        f"(SELECT {', '.join(_STORED_COLUMNS)} FROM mention "
        f"WHERE {column} = wanted.key AND brand_id + 0 = :brand_id LIMIT 1) AS m"
        for keys, column in (("url_keys", "url_key"), ("story_keys", "story_key"))
    )
)


@dataclass(frozen=True)
class StoredKeys:
    """What deduplication reads of a stored mention."""

    id: int
    url_key: str
    story_key: str | None
    source_id: int | None
    also_seen_in: list[dict[str, Any]]


def postgres_stored_parameters(
    brand_id: int, url_keys: list[str], story_keys: list[str]
) -> dict[str, Any]:
    """The parameters of ``_POSTGRES_STORED``: the keys as JSON arrays, which psycopg sends
    in half the time it takes for arrays of text (1.5 ms against 2.6 for 400 keys)."""
    return {
        "brand_id": brand_id,
        "url_keys": orjson.dumps(url_keys).decode(),
        "story_keys": orjson.dumps(story_keys).decode(),
    }


def existing_by_keys(
    session: Session, *, brand_id: int, url_keys: list[str], story_keys: list[str]
) -> list[StoredKeys]:
    """The brand's mentions with one of these URL or story keys; not locked (``add_seen_in``
    locks the few it changes), and only the columns dedup reads.

    PostgreSQL: one query, a probe of a unique index per key (``_POSTGRES_STORED``). SQLite:
    one query per key kind, each an index lookup on (brand_id, key)."""
    if session.get_bind().dialect.name == "postgresql":
        parameters = postgres_stored_parameters(brand_id, url_keys, story_keys)
        rows: Iterable[Any] = session.execute(_POSTGRES_STORED, parameters)
    else:
        columns = [_TABLE.c[name] for name in _STORED_COLUMNS]
        rows = (
            row
            for column, keys in ((_TABLE.c.url_key, url_keys), (_TABLE.c.story_key, story_keys))
            if keys
            for row in session.execute(
                select_columns(*columns).where(_TABLE.c.brand_id == brand_id, column.in_(keys))
            )
        )
    return list({row[0]: StoredKeys(*row) for row in rows}.values())


_SET_SEEN_IN = (
    update(_TABLE)
    .where(_TABLE.c.id == bindparam("mention_id"))
    .values(also_seen_in=bindparam("seen_in", type_=_TABLE.c.also_seen_in.type))
)


def add_seen_in(session: Session, additions: dict[int, list[dict[str, Any]]]) -> None:
    """Append sources to mentions' ``also_seen_in`` (mention id -> entries), each list read
    again under a row lock, taken in id order (no deadlock between workers), so that two
    workers adding to one mention at once both count."""
    if not additions:
        return
    statement = (
        select_columns(_TABLE.c.id, _TABLE.c.also_seen_in)
        .where(_TABLE.c.id.in_(sorted(additions)))
        .order_by(_TABLE.c.id)
        .with_for_update()
    )
    changes = []
    for mention_id, seen_in in session.execute(statement):
        known = {entry.get("source_id") for entry in seen_in or []}
        added = [entry for entry in additions[mention_id] if entry["source_id"] not in known]
        if added:
            changes.append({"mention_id": mention_id, "seen_in": [*(seen_in or []), *added]})
    if changes:
        session.execute(_SET_SEEN_IN, changes)


@dataclass(frozen=True)
class MentionFilter:
    workspace_id: int
    brand_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None
    source_kind: str | None = None
    label: str | None = None
    language: str | None = None
    media_type: str | None = None
    domain: str | None = None
    author: str | None = None
    hidden: bool | None = False  # hidden mentions (relevance) only when asked; None: both


def filtered(statement: Select[Any], f: MentionFilter) -> Select[Any]:
    statement = statement.where(col(Mention.workspace_id) == f.workspace_id)
    if f.hidden is not None:
        statement = statement.where(col(Mention.hidden) == f.hidden)
    if f.brand_id is not None:
        statement = statement.where(col(Mention.brand_id) == f.brand_id)
    if f.since is not None:
        statement = statement.where(col(Mention.published_at) >= f.since)
    if f.until is not None:
        statement = statement.where(col(Mention.published_at) < f.until)
    if f.source_kind is not None:
        statement = statement.where(col(Mention.source_kind) == f.source_kind)
    if f.label is not None:
        statement = statement.where(col(Mention.sentiment_label) == f.label)
    if f.language is not None:
        statement = statement.where(col(Mention.language) == f.language)
    if f.media_type is not None:
        statement = statement.where(col(Mention.media_type) == f.media_type)
    if f.domain is not None:
        statement = statement.where(col(Mention.domain) == f.domain)
    if f.author is not None:
        statement = statement.where(col(Mention.author) == f.author)
    return statement


def page_newest_first(
    session: Session, f: MentionFilter, *, after: tuple[datetime, int] | None, limit: int
) -> list[Mention]:
    """Newest first, keyset on (published_at, id): stable while new rows arrive."""
    statement = filtered(select(Mention), f)
    if after is not None:
        published_at, mention_id = after
        statement = statement.where(
            # The first condition bounds the index range (the OR alone would make every
            # page scan from the newest row down to the cursor: quadratic over an export).
            col(Mention.published_at) <= published_at,
            or_(
                col(Mention.published_at) < published_at,
                and_(col(Mention.published_at) == published_at, col(Mention.id) < mention_id),
            ),
        )
    statement = statement.order_by(col(Mention.published_at).desc(), col(Mention.id).desc())
    return list(session.exec(statement.limit(limit)).all())  # type: ignore[call-overload]


def iter_newest_first(
    session: Session, f: MentionFilter, *, batch: int = 1000
) -> Iterator[Mention]:
    after: tuple[datetime, int] | None = None
    while True:
        rows = page_newest_first(session, f, after=after, limit=batch)
        yield from rows
        if len(rows) < batch:
            return
        last = rows[-1]
        assert last.id is not None
        after = (last.published_at, last.id)
        session.expunge_all()
