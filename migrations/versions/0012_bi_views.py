"""stable SQL views for BI tools: escucha_mentions and escucha_brand_daily

Revision ID: 0012
Revises: 0011

Metabase, Superset and the like read these two views and nothing else (the README documents
them column by column and the read-only role to grant them); the tables behind them may
change between releases, the views' columns only grow.

`escucha_mentions`: one row per visible mention with its public fields, its brand's name and
the local date it was published on. `escucha_brand_daily`: one row per brand and local day
on which the brand or one of its competitors was mentioned: counts by sentiment label,
average and net sentiment, the competitors' mentions and the share of voice, read from the
hourly rollup (`mention_hourly`, its all-kinds rows), so a year of days costs a few thousand
rollup rows. Local days use the brand's timezone on PostgreSQL; SQLite has no time zone
database, so there they are UTC days (the README says so).

Visibility: hidden mentions (relevance, migration 0010) are left out, as the rollup behind
the daily view leaves them out. Each mention row carries its story (migration 0011).

A later migration that rebuilds `mention`, `brand` or `mention_hourly` on SQLite (alembic's
batch mode: copy, drop, rename) must drop these views first and create them again after:
SQLite refuses to rename a table while a view names a table that is missing.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VISIBLE = "NOT m.hidden"

PG_LOCAL_DATE = "CAST(m.published_at AT TIME ZONE b.timezone AS DATE)"
SQLITE_LOCAL_DATE = "date(m.published_at)"
PG_SLOT_DATE = "CAST(timezone(b.timezone, to_timestamp(h.slot_hour * 3600)) AS DATE)"
SQLITE_SLOT_DATE = "date(h.slot_hour * 3600, 'unixepoch')"
PG_COMPETITORS = "CROSS JOIN LATERAL json_array_elements_text(b.competitor_ids) AS c(value)"
SQLITE_COMPETITORS = "CROSS JOIN json_each(b.competitor_ids) AS c"


def _mentions_view(local_date: str) -> str:
    return f"""
CREATE VIEW escucha_mentions AS
SELECT
    m.id AS id,
    m.workspace_id AS workspace_id,
    m.brand_id AS brand_id,
    b.name AS brand_name,
    m.source_id AS source_id,
    m.source_kind AS source_kind,
    m.url AS url,
    m.domain AS domain,
    m.title AS title,
    m.text AS text,
    m.author AS author,
    m.published_at AS published_at,
    {local_date} AS published_date,
    m.fetched_at AS fetched_at,
    m.language AS language,
    m.sentiment_label AS sentiment_label,
    m.sentiment_compound AS sentiment_compound,
    m.sentiment_positive AS sentiment_positive,
    m.sentiment_neutral AS sentiment_neutral,
    m.sentiment_negative AS sentiment_negative,
    m.sentiment_model AS sentiment_model,
    m.engagement_score AS engagement_score,
    m.engagement_comments AS engagement_comments,
    m.media_type AS media_type,
    COALESCE(m.story_id, m.id) AS story_id
FROM mention AS m
JOIN brand AS b ON b.id = m.brand_id
WHERE {VISIBLE}
"""


def _own(column: str) -> str:
    return f"CAST(SUM(CASE WHEN h.brand_id = v.brand_id THEN h.{column} ELSE 0 END) AS BIGINT)"


def _daily_view(slot_date: str, competitors: str) -> str:
    compound = " + ".join(
        _own(f"compound_{label}") for label in ("positive", "neutral", "negative")
    )
    return f"""
CREATE VIEW escucha_brand_daily AS
WITH voice AS (
    SELECT b.id AS brand_id, b.id AS member_id FROM brand AS b
    UNION
    SELECT b.id AS brand_id, r.id AS member_id
    FROM brand AS b
    {competitors}
    JOIN brand AS r ON r.id = CAST(c.value AS BIGINT) AND r.workspace_id = b.workspace_id
),
daily AS (
    SELECT
        v.brand_id AS brand_id,
        {slot_date} AS day,
        {_own("mentions")} AS mentions,
        {_own("positive")} AS positive,
        {_own("neutral")} AS neutral,
        {_own("negative")} AS negative,
        {compound} AS compound_micro,
        CAST(SUM(h.mentions) AS BIGINT) AS voice_mentions
    FROM voice AS v
    JOIN brand AS b ON b.id = v.brand_id
    JOIN mention_hourly AS h ON h.brand_id = v.member_id AND h.source_kind = '*'
    GROUP BY v.brand_id, {slot_date}
)
SELECT
    d.brand_id AS brand_id,
    b.workspace_id AS workspace_id,
    b.name AS brand_name,
    b.timezone AS timezone,
    d.day AS day,
    d.mentions AS mentions,
    d.positive AS positive,
    d.neutral AS neutral,
    d.negative AS negative,
    CASE WHEN d.mentions > 0
        THEN ROUND(d.compound_micro / 1000000.0 / d.mentions, 4) END AS avg_sentiment,
    CASE WHEN d.mentions > 0
        THEN ROUND(100.0 * (d.positive - d.negative) / d.mentions, 2) END AS net_sentiment,
    d.voice_mentions - d.mentions AS competitor_mentions,
    CASE WHEN d.voice_mentions > 0
        THEN ROUND(1.0 * d.mentions / d.voice_mentions, 4) END AS share_of_voice
FROM daily AS d
JOIN brand AS b ON b.id = d.brand_id
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_mentions_view(PG_LOCAL_DATE))
        op.execute(_daily_view(PG_SLOT_DATE, PG_COMPETITORS))
    else:
        op.execute(_mentions_view(SQLITE_LOCAL_DATE))
        op.execute(_daily_view(SQLITE_SLOT_DATE, SQLITE_COMPETITORS))


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS escucha_brand_daily")
    op.execute("DROP VIEW IF EXISTS escucha_mentions")
