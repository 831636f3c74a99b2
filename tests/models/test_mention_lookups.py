"""Dedup's lookup of stored keys stays a probe per key, however large the brand and however
stale PostgreSQL's statistics."""

from datetime import UTC, datetime, timedelta

import orjson
from alembic import command
from sqlalchemy import create_engine, text
from sqlmodel import Session

from core.db import normalize_database_url
from core.migrate import alembic_config
from models.mentions import (
    _POSTGRES_STORED,
    MentionInserts,
    existing_by_keys,
    postgres_stored_parameters,
)
from models.stories import _POSTGRES_CANDIDATES, CANDIDATES_PER_WORD, story_candidates
from tests.models.scratch import add_brand_with_source, scratch_postgres

WHEN = datetime(2026, 11, 20, tzinfo=UTC)


def row(n: int) -> dict[str, object]:
    url = f"https://news.example.org/{n}"
    return {
        "workspace_id": 1, "brand_id": 1, "source_id": 1, "source_kind": "rss",
        "url_key": url, "story_key": f"lumbre {n}|el norte", "url": url,
        "domain": "news.example.org", "title": f"Lumbre {n}", "text": "", "author": None,
        "published_at": WHEN + timedelta(minutes=n), "fetched_at": WHEN, "language": "es",
        "sentiment_compound": 0.0, "sentiment_positive": 0.0, "sentiment_neutral": 1.0,
        "sentiment_negative": 0.0, "sentiment_label": "neutral", "sentiment_model": "vader",
        "engagement_score": None, "engagement_comments": None, "also_seen_in": [],
        "media_type": "earned", "relevance_score": None, "relevance_verdict": None,
        "relevance_marked_at": None, "hidden": False,
    }  # fmt: skip


def test_a_lookup_probes_the_key_indexes_in_a_new_fast_growing_table() -> None:
    """A new database whose brand got 3,000 mentions at once, before any ANALYZE: the state
    in which PostgreSQL once read all of the brand's mentions for each key looked up."""
    with scratch_postgres() as url:
        command.upgrade(alembic_config(url), "head")
        engine = create_engine(normalize_database_url(url))
        try:
            with Session(engine) as session:
                add_brand_with_source(session)
                with MentionInserts(session, expected=3000) as inserts:
                    for n in range(3000):
                        inserts.add(row(n))
                session.commit()
            url_keys = [f"https://news.example.org/{n}" for n in range(2800, 3200)]
            story_keys = [f"lumbre {n}|el norte" for n in range(0, 400, 2)]
            parameters = postgres_stored_parameters(1, url_keys, story_keys)
            with Session(engine) as session:
                explained = session.execute(text(f"EXPLAIN {_POSTGRES_STORED}"), parameters)
                plan = "\n".join(line for (line,) in explained)
                found = existing_by_keys(
                    session, brand_id=1, url_keys=url_keys, story_keys=story_keys
                )
        finally:
            engine.dispose()
    scans = [line.strip() for line in plan.splitlines() if " on mention" in line]
    assert scans and all(
        "uq_mention_url_key_brand" in scan or "uq_mention_story_key_brand" in scan for scan in scans
    ), plan
    wanted = {f"https://news.example.org/{n}" for n in [*range(2800, 3000), *range(0, 400, 2)]}
    assert sorted(m.url_key for m in found) == sorted(wanted)


def test_story_candidates_are_a_short_range_of_the_key_index_per_key() -> None:
    """Stories' lookup (models.stories) in the same state: 3,000 mentions sharing 30 keys
    before any ANALYZE. Each key is one backward range of its own index, at most 8 rows, the
    newest."""
    with scratch_postgres() as url:
        command.upgrade(alembic_config(url), "head")
        engine = create_engine(normalize_database_url(url))
        try:
            with Session(engine) as session:
                add_brand_with_source(session)
                with MentionInserts(session, expected=3000) as inserts:
                    for n in range(3000):
                        inserts.add({**row(n), "story_word": f"word{n % 30}"})
                session.commit()
            words = [f"word{n}" for n in range(0, 30, 3)] + ["unknown"]
            parameters = {"words": orjson.dumps(words).decode(), "brand_id": 1, "since": WHEN}
            with Session(engine) as session:
                explained = session.execute(text(f"EXPLAIN {_POSTGRES_CANDIDATES}"), parameters)
                plan = "\n".join(line for (line,) in explained)
                found = story_candidates(session, brand_id=1, words=words, since=WHEN)
        finally:
            engine.dispose()
    scans = [line.strip() for line in plan.splitlines() if " on mention" in line]
    assert scans and all("ix_mention_story_word_brand" in scan for scan in scans), plan
    assert len(found) == 10 * CANDIDATES_PER_WORD
    newest = [c.id for c in found if c.story_word == "word3"]
    assert newest == sorted(newest, reverse=True) and newest[0] == 3000 - 30 + 3 + 1
