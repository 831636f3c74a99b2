"""report rollups: mentions per brand, UTC hour and source kind, kept exact by triggers

Revision ID: 0004
Revises: 0003

`mention_hourly` holds, per (brand_id, slot_hour = floor(epoch / 3600), source_kind), and
again per (brand_id, slot_hour) under source_kind '*' (all kinds: what unfiltered reports
read, a fifth of the rows), the count of mentions, the count per sentiment label, the sum of the compound score per label
in millionths (integers, so that subtracting a deleted mention restores the exact previous
sum) and the count per media type. Triggers on `mention` apply every insert, delete and
update (of the columns the rollup reads) in the same transaction, so the rollup equals a
GROUP BY over `mention` at every commit, whatever order mentions arrive or leave in.
PostgreSQL uses statement-level triggers over transition tables (one grouped upsert per
statement, row locks taken in key order); SQLite uses row-level triggers.

`poll_daily` holds, per (source_id, day = floor(epoch / 86400)), the attempts and failed
attempts of that UTC day and two 24-bit masks: the hours with a successful poll and the
hours with a failed one (bit h = hour h). The Situation report reads the health of the
sources behind each volume (failures, gaps in polling) from it in a few rows per source
instead of every attempt. Inserts OR their hour in; deletes and updates recompute the day
from the remaining attempts (sum(DISTINCT 1 << hour) is a bitwise OR on both databases).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COUNTS = [
    "mentions", "positive", "neutral", "negative",
    "compound_positive", "compound_neutral", "compound_negative", "owned", "earned", "paid",
]  # fmt: skip
KEY = ["brand_id", "slot_hour", "source_kind"]


def _measures(m: str, sign: str) -> list[str]:
    """SQL for each COUNTS column of one mention row `m`, times `sign`."""
    micro = f"CAST(round({m}.sentiment_compound * 1000000) AS BIGINT)"
    label = f"{m}.sentiment_label"
    media = f"{m}.media_type"
    return [
        sign,
        f"{sign} * (CASE WHEN {label} = 'positive' THEN 1 ELSE 0 END)",
        f"{sign} * (CASE WHEN {label} = 'neutral' THEN 1 ELSE 0 END)",
        f"{sign} * (CASE WHEN {label} = 'negative' THEN 1 ELSE 0 END)",
        f"{sign} * (CASE WHEN {label} = 'positive' THEN {micro} ELSE 0 END)",
        f"{sign} * (CASE WHEN {label} = 'neutral' THEN {micro} ELSE 0 END)",
        f"{sign} * (CASE WHEN {label} = 'negative' THEN {micro} ELSE 0 END)",
        f"{sign} * (CASE WHEN {media} = 'owned' THEN 1 ELSE 0 END)",
        f"{sign} * (CASE WHEN {media} = 'earned' THEN 1 ELSE 0 END)",
        f"{sign} * (CASE WHEN {media} = 'paid' THEN 1 ELSE 0 END)",
    ]


def _pg_slot(m: str) -> str:
    return f"CAST(floor(extract(epoch FROM {m}.published_at) / 3600) AS BIGINT)"


def _sqlite_slot(m: str) -> str:
    seconds = f"CAST(strftime('%s', {m}.published_at) AS INTEGER)"
    return f"(({seconds} - ((({seconds} % 3600) + 3600) % 3600)) / 3600)"


ALL_KINDS = "'*'"


def _pg_rows(table: str, sign: str) -> list[str]:
    columns = ", ".join(f"{expr} AS {name}" for expr, name in zip(_measures("m", sign), COUNTS))
    return [
        f"SELECT m.brand_id, {_pg_slot('m')} AS slot_hour, {kind} AS source_kind, {columns} "
        f"FROM {table} m"
        for kind in ("m.source_kind", ALL_KINDS)
    ]


def _pg_function(name: str, parts: list[str], cleanup: bool) -> str:
    """One grouped upsert of the statement's net change per key, in key order (so concurrent
    writers lock rollup rows in the same order); keys whose brand is gone (a brand deletion
    cascading to its mentions) are skipped, their rollup rows go with the brand."""
    sums = ", ".join(f"sum({c}) AS {c}" for c in COUNTS)
    nonzero = " OR ".join(f"sum({c}) <> 0" for c in COUNTS)
    keys = ", ".join(KEY)
    add = ", ".join(f"{c} = h.{c} + EXCLUDED.{c}" for c in COUNTS)
    delta = (
        f"SELECT {keys}, {sums} FROM ({' UNION ALL '.join(parts)}) AS changed "
        f"GROUP BY {keys} HAVING {nonzero}"
    )
    drop_empty = (
        f"DELETE FROM mention_hourly h WHERE h.mentions = 0 "
        f"AND ({', '.join('h.' + k for k in KEY)}) IN (SELECT {keys} FROM ({delta}) AS d);"
        if cleanup
        else ""
    )
    return f"""
CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO mention_hourly AS h ({keys}, {", ".join(COUNTS)})
        SELECT d.* FROM ({delta}) AS d
        WHERE EXISTS (SELECT 1 FROM brand b WHERE b.id = d.brand_id)
        ORDER BY d.brand_id, d.slot_hour, d.source_kind
        ON CONFLICT ({keys}) DO UPDATE SET {add};
    {drop_empty}
    RETURN NULL;
END $$;
"""


def _postgres_upgrade() -> None:
    new, old = _pg_rows("new_rows", "1"), _pg_rows("old_rows", "-1")
    op.execute(_pg_function("mention_hourly_on_insert", new, cleanup=False))
    op.execute(_pg_function("mention_hourly_on_delete", old, cleanup=True))
    op.execute(_pg_function("mention_hourly_on_update", new + old, cleanup=True))
    for event, tables, function in (
        ("INSERT", "NEW TABLE AS new_rows", "mention_hourly_on_insert"),
        ("DELETE", "OLD TABLE AS old_rows", "mention_hourly_on_delete"),
        ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows", "mention_hourly_on_update"),
    ):
        op.execute(
            f"CREATE TRIGGER {function} AFTER {event} ON mention REFERENCING {tables} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
        )


def _sqlite_add(m: str, sign: str) -> str:
    values = ", ".join(_measures(m, sign))
    add = ", ".join(f"{c} = {c} + excluded.{c}" for c in COUNTS)
    return " ".join(
        f"INSERT INTO mention_hourly ({', '.join(KEY)}, {', '.join(COUNTS)}) "
        f"VALUES ({m}.brand_id, {_sqlite_slot(m)}, {kind}, {values}) "
        f"ON CONFLICT ({', '.join(KEY)}) DO UPDATE SET {add};"
        for kind in (f"{m}.source_kind", ALL_KINDS)
    )


def _sqlite_remove(m: str) -> str:
    subtract = ", ".join(
        f"{c} = {c} - ({expr})" for c, expr in zip(COUNTS, _measures(m, "1"))
    )
    statements = []
    for kind in (f"{m}.source_kind", ALL_KINDS):
        where = f"brand_id = {m}.brand_id AND slot_hour = {_sqlite_slot(m)} AND source_kind = {kind}"
        statements.append(
            f"UPDATE mention_hourly SET {subtract} WHERE {where}; "
            f"DELETE FROM mention_hourly WHERE {where} AND mentions = 0;"
        )
    return " ".join(statements)


def _sqlite_upgrade() -> None:
    read = "published_at, brand_id, source_kind, sentiment_label, sentiment_compound, media_type"
    op.execute(
        f"CREATE TRIGGER mention_hourly_on_insert AFTER INSERT ON mention "
        f"BEGIN {_sqlite_add('NEW', '1')} END"
    )
    op.execute(
        f"CREATE TRIGGER mention_hourly_on_delete AFTER DELETE ON mention "
        f"BEGIN {_sqlite_remove('OLD')} END"
    )
    op.execute(
        f"CREATE TRIGGER mention_hourly_on_update AFTER UPDATE OF {read} ON mention "
        f"BEGIN {_sqlite_remove('OLD')} {_sqlite_add('NEW', '1')} END"
    )


def _backfill(slot: str) -> None:
    sums = ", ".join(f"sum({expr})" for expr in _measures("m", "1"))
    for kind, group in (("m.source_kind", ", m.source_kind"), (ALL_KINDS, "")):
        op.execute(
            f"INSERT INTO mention_hourly ({', '.join(KEY)}, {', '.join(COUNTS)}) "
            f"SELECT m.brand_id, {slot}, {kind}, {sums} FROM mention m "
            f"GROUP BY m.brand_id, {slot}{group}"
        )


POLL_COUNTS = ["attempts", "failed", "ok_hours", "failed_hours"]


def _pg_poll_key(p: str) -> tuple[str, str]:
    epoch = f"CAST(floor(extract(epoch FROM {p}.started_at)) AS BIGINT)"
    day = f"floor({epoch} / 86400.0)"
    return f"CAST({day} AS INTEGER)", f"CAST({epoch} / 3600 - CAST({day} AS BIGINT) * 24 AS INTEGER)"


def _sqlite_poll_key(p: str) -> tuple[str, str]:
    seconds = f"CAST(strftime('%s', {p}.started_at) AS INTEGER)"
    day = f"(({seconds} - ((({seconds} % 86400) + 86400) % 86400)) / 86400)"
    return day, f"CAST(strftime('%H', {p}.started_at) AS INTEGER)"


def _poll_measures(p: str, hour: str) -> list[str]:
    """attempts, failed, ok_hours, failed_hours over the attempts `p` of one group."""
    return [
        "count(*)",
        f"sum(CASE WHEN {p}.ok THEN 0 ELSE 1 END)",
        f"coalesce(sum(DISTINCT CASE WHEN {p}.ok THEN 1 << {hour} END), 0)",
        f"coalesce(sum(DISTINCT CASE WHEN {p}.ok THEN NULL ELSE 1 << {hour} END), 0)",
    ]


def _pg_poll_function(name: str, recompute: bool) -> str:
    day, hour = _pg_poll_key("p")
    measures = ", ".join(_poll_measures("p", hour))
    columns = f"source_id, day, {', '.join(POLL_COUNTS)}"
    if not recompute:  # inserts: add counts, OR the masks in
        rows = f"SELECT p.source_id, {day}, {measures} FROM new_rows p GROUP BY p.source_id, {day}"
        merge = (
            "attempts = h.attempts + EXCLUDED.attempts, failed = h.failed + EXCLUDED.failed, "
            "ok_hours = h.ok_hours | EXCLUDED.ok_hours, "
            "failed_hours = h.failed_hours | EXCLUDED.failed_hours"
        )
        cleanup = ""
    else:  # deletes and updates: recompute the touched days from what remains
        touched = (
            f"SELECT p.source_id, {day} AS day FROM old_rows p "
            f"UNION SELECT p.source_id, {day} AS day FROM new_rows p"
            if name.endswith("update")
            else f"SELECT DISTINCT p.source_id, {day} AS day FROM old_rows p"
        )
        rows = (
            f"SELECT t.source_id, t.day, {measures} FROM ({touched}) t "
            f"JOIN poll_attempt p ON p.source_id = t.source_id AND {day} = t.day "
            f"GROUP BY t.source_id, t.day"
        )
        merge = ", ".join(f"{c} = EXCLUDED.{c}" for c in POLL_COUNTS)
        cleanup = (
            f"DELETE FROM poll_daily h USING ({touched}) t WHERE h.source_id = t.source_id "
            f"AND h.day = t.day AND NOT EXISTS (SELECT 1 FROM poll_attempt p "
            f"WHERE p.source_id = t.source_id AND {day} = t.day);"
        )
    return f"""
CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO poll_daily AS h ({columns})
        SELECT r.* FROM ({rows}) r
        WHERE EXISTS (SELECT 1 FROM source s WHERE s.id = r.source_id)
        ORDER BY 1, 2
        ON CONFLICT (source_id, day) DO UPDATE SET {merge};
    {cleanup}
    RETURN NULL;
END $$;
"""


def _postgres_poll_upgrade() -> None:
    for event, tables, name, recompute in (
        ("INSERT", "NEW TABLE AS new_rows", "poll_daily_on_insert", False),
        ("DELETE", "OLD TABLE AS old_rows", "poll_daily_on_delete", True),
        ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows", "poll_daily_on_update", True),
    ):
        op.execute(_pg_poll_function(name, recompute))
        op.execute(
            f"CREATE TRIGGER {name} AFTER {event} ON poll_attempt REFERENCING {tables} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
        )


def _sqlite_poll_recompute(r: str) -> str:
    day, _ = _sqlite_poll_key(r)
    p_day, p_hour = _sqlite_poll_key("p")
    measures = ", ".join(_poll_measures("p", p_hour))
    return (
        f"INSERT INTO poll_daily (source_id, day, {', '.join(POLL_COUNTS)}) "
        f"SELECT {r}.source_id, {day}, {measures} FROM poll_attempt p "
        f"WHERE p.source_id = {r}.source_id AND {p_day} = {day} "
        f"AND EXISTS (SELECT 1 FROM source s WHERE s.id = {r}.source_id) "
        f"GROUP BY p.source_id "
        f"ON CONFLICT (source_id, day) DO UPDATE SET "
        + ", ".join(f"{c} = excluded.{c}" for c in POLL_COUNTS)
        + f"; DELETE FROM poll_daily WHERE source_id = {r}.source_id AND day = {day} "
        f"AND NOT EXISTS (SELECT 1 FROM poll_attempt p WHERE p.source_id = {r}.source_id "
        f"AND {p_day} = {day});"
    )


def _sqlite_poll_upgrade() -> None:
    day, hour = _sqlite_poll_key("NEW")
    op.execute(
        "CREATE TRIGGER poll_daily_on_insert AFTER INSERT ON poll_attempt BEGIN "
        "INSERT INTO poll_daily (source_id, day, attempts, failed, ok_hours, failed_hours) "
        f"VALUES (NEW.source_id, {day}, 1, CASE WHEN NEW.ok THEN 0 ELSE 1 END, "
        f"CASE WHEN NEW.ok THEN 1 << {hour} ELSE 0 END, "
        f"CASE WHEN NEW.ok THEN 0 ELSE 1 << {hour} END) "
        "ON CONFLICT (source_id, day) DO UPDATE SET attempts = attempts + 1, "
        "failed = failed + excluded.failed, ok_hours = ok_hours | excluded.ok_hours, "
        "failed_hours = failed_hours | excluded.failed_hours; END"
    )
    op.execute(
        "CREATE TRIGGER poll_daily_on_delete AFTER DELETE ON poll_attempt "
        f"BEGIN {_sqlite_poll_recompute('OLD')} END"
    )
    op.execute(
        "CREATE TRIGGER poll_daily_on_update AFTER UPDATE OF source_id, started_at, ok "
        f"ON poll_attempt BEGIN {_sqlite_poll_recompute('OLD')} "
        f"{_sqlite_poll_recompute('NEW')} END"
    )


def _poll_backfill(key: tuple[str, str]) -> None:
    day, hour = key
    op.execute(
        f"INSERT INTO poll_daily (source_id, day, {', '.join(POLL_COUNTS)}) "
        f"SELECT p.source_id, {day}, {', '.join(_poll_measures('p', hour))} "
        f"FROM poll_attempt p GROUP BY p.source_id, {day}"
    )


def upgrade() -> None:
    op.create_table(
        "mention_hourly",
        sa.Column("brand_id", sa.Integer(), nullable=False),
        sa.Column("slot_hour", sa.BigInteger(), nullable=False),
        sa.Column("source_kind", sa.String(length=32), nullable=False),
        *[sa.Column(name, sa.BigInteger(), nullable=False) for name in COUNTS],
        sa.ForeignKeyConstraint(["brand_id"], ["brand.id"], ondelete="CASCADE"),
        # Covering: reports read the rollup by index only (PostgreSQL INCLUDE; on SQLite the
        # table itself is stored in key order).
        sa.PrimaryKeyConstraint(*KEY, postgresql_include=COUNTS),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "poll_daily",
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        *[sa.Column(name, sa.BigInteger(), nullable=False) for name in POLL_COUNTS],
        sa.ForeignKeyConstraint(["source_id"], ["source.id"], ondelete="CASCADE"),
        # No INCLUDE here: a report reads a few rows per source, and plain keys let each
        # attempt update its day row in place (HOT) instead of adding index entries.
        sa.PrimaryKeyConstraint("source_id", "day"),
        sqlite_with_rowid=False,
    )
    # The Situation report's lists (domains, authors, most engaging mentions) and the reads
    # of `mention` the rollup cannot serve (partial hours, `as_of`) scan a brand's period in
    # this index alone on PostgreSQL, never the wide heap rows.
    if op.get_bind().dialect.name == "postgresql":
        op.create_index(
            "ix_mention_brand_published_cover",
            "mention",
            ["brand_id", "published_at"],
            postgresql_include=[
                "id", "author", "domain", "engagement_score", "engagement_comments",
                "fetched_at", "source_kind", "sentiment_label", "sentiment_compound", "media_type",
            ],  # fmt: skip
        )
    # Workspace-wide pages and exports (no brand_id) walk this index newest first.
    op.create_index(
        "ix_mention_workspace_published", "mention", ["workspace_id", "published_at", "id"]
    )
    if op.get_bind().dialect.name == "postgresql":
        _backfill(_pg_slot("m"))
        _postgres_upgrade()
        _poll_backfill(_pg_poll_key("p"))
        _postgres_poll_upgrade()
    else:
        _backfill(_sqlite_slot("m"))
        _sqlite_upgrade()
        _poll_backfill(_sqlite_poll_key("p"))
        _sqlite_poll_upgrade()


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for table, prefix in (("mention", "mention_hourly"), ("poll_attempt", "poll_daily")):
        for name in ("insert", "delete", "update"):
            if postgres:
                op.execute(f"DROP TRIGGER IF EXISTS {prefix}_on_{name} ON {table}")
                op.execute(f"DROP FUNCTION IF EXISTS {prefix}_on_{name}()")
            else:
                op.execute(f"DROP TRIGGER IF EXISTS {prefix}_on_{name}")
    if postgres:
        op.drop_index("ix_mention_brand_published_cover", table_name="mention")
    op.drop_index("ix_mention_workspace_published", table_name="mention")
    op.drop_table("poll_daily")
    op.drop_table("mention_hourly")
