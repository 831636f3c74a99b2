"""benchmarks.generate fills a database the way ingest would: the report benchmarks (and the
dashboard's) measure on it, so a column it forgets breaks them. Run on a small SQLite file."""

import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_generated_mentions_hold_every_column_and_copies_of_stories(tmp_path: Path) -> None:
    database = tmp_path / "generated.db"
    run = subprocess.run(
        [sys.executable, "-m", "benchmarks.generate", "--url", f"sqlite:///{database}",
         "--mentions", "3000", "--brands", "3"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    connection = sqlite3.connect(database)
    counted = connection.execute("SELECT count(*), count(story_id) FROM mention").fetchone()
    mentions, copies = counted
    assert 2900 <= mentions <= 3000
    assert copies == mentions // 25
    # A copy points at an earlier mention of its own brand that starts the story.
    wrong = connection.execute(
        "SELECT count(*) FROM mention c LEFT JOIN mention f ON f.id = c.story_id "
        "WHERE c.story_id IS NOT NULL AND (f.id IS NULL OR f.brand_id <> c.brand_id "
        "OR f.story_id IS NOT NULL OR f.published_at > c.published_at)"
    ).fetchone()[0]
    assert wrong == 0
