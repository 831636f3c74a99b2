"""Ingest throughput: items per second through parse, match, canonicalise, detect the language,
score, dedup and store, against raw VADER on the same texts, in the same run.

Run from the repository root:

    .venv/bin/python -m benchmarks.ingest [--feeds 400] [--rounds 9] [--postgres URL]

The corpus: `--feeds` RSS feeds of 20 entries, each entry a real text of the VADER ground
truth (tweets, Amazon, movie and NYT snippets; ../shared/fixtures) or of our Spanish brand
set, with the brand's name in its title, so every entry matches and is scored and stored.
Timed per store (a fresh SQLite file; PostgreSQL when `--postgres` names a database, by
default the `bench` database on 127.0.0.1, skipped if unreachable):

- new: every feed parsed and stored the first time, one unit of work per `--batch` feeds as
  a `sources.poll_batch` task does (ESCUCHA_POLL_BATCH_SIZE, default 100);
- again: the same feeds once more: parsed, matched, every item found already stored (dedup).

With `--relevance` every round's brand has a trained relevance model (issue 17), which
scores every new item as it is stored.

Raw VADER: `SentimentIntensityAnalyzer.polarity_scores(title + "\\n" + text)` over the same
items, alternating with the pipeline unit by unit (`paired_round`). ratio = pipeline items/s
/ raw VADER items/s (target >= 0.8), one per round, each round a new brand; the median of
`--rounds` is printed last. One process, its models loaded and frozen out of the garbage
collector's sight (`gc.freeze`) as in a worker.
"""

import argparse
import gc
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import create_engine, text

from core.settings import Settings

if TYPE_CHECKING:
    from services.ingest import BrandContext

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("ESCUCHA_SHARED_DIR") or ROOT.parent / "shared") / "fixtures"
ENTRIES = 20
DEFAULT_BATCH = Settings.model_fields["poll_batch_size"].default  # what workers use
BRAND = "Lumbre"
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/bench"


def corpus_texts(count: int) -> list[str]:
    texts: list[str] = []
    for path in sorted((SHARED / "vader_groundtruth").glob("*_GroundTruth.txt")):
        rows = [line.split("\t", 2) for line in path.read_text(encoding="utf-8").splitlines()]
        texts.extend(row[2] for row in rows if len(row) == 3)
    if not texts:  # the Spanish texts alone would be another benchmark (a slower model)
        sys.exit(f"no VADER ground truth under {SHARED}: set ESCUCHA_SHARED_DIR to shared/")
    spanish = ROOT / "tests" / "fixtures" / "sentiment" / "es_brand_dev.tsv"
    for line in spanish.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            texts.append(line.split("\t", 1)[1])
    # Spread over all sets (every k-th text), repeated if needed.
    step = max(1, len(texts) // count)
    picked = texts[::step]
    while len(picked) < count:
        picked += picked
    return picked[:count]


def build_feeds(feeds: int) -> tuple[list[bytes], list[str]]:
    from tests.support.feeds import Entry, rss2

    texts = corpus_texts(feeds * ENTRIES)
    start = datetime(2026, 11, 1, tzinfo=UTC)
    documents, item_texts = [], []
    for f in range(feeds):
        entries = []
        for e in range(ENTRIES):
            n = f * ENTRIES + e
            body = texts[n]
            title = f"{BRAND}: {body[:70]}"
            entries.append(
                Entry(
                    title=title,
                    link=f"https://news.example.org/{f}/{e}?utm_source=rss",
                    summary=body,
                    published=start + timedelta(minutes=n),
                )
            )
            item_texts.append(f"{title}\n{body}")
        documents.append(rss2(entries))
    return documents, item_texts


def prepare_database(url: str) -> None:
    os.environ["ESCUCHA_DATABASE_URL"] = url
    from core.db import reset_engine
    from core.migrate import upgrade_to_head
    from core.settings import get_settings

    get_settings.cache_clear()
    reset_engine()
    upgrade_to_head(url)


def reset_postgres(url: str) -> str | None:
    from core.db import normalize_database_url

    try:
        engine = create_engine(normalize_database_url(url))
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def give_relevance_model(brand_id: int, texts: list[str]) -> None:
    """A trained relevance model for the brand (60 of the corpus's texts marked, half of each
    kind), so that storing applies it to every new item as it would for a brand with marks."""
    from core.db import session_scope
    from domain.relevance_training import Example, train
    from models.tables import RelevanceModelRow
    from models.types import utcnow
    from services.relevance import features_of, prior_of

    prior = prior_of(BRAND.lower())
    examples = [
        Example(
            features_of(prior, title=text, text="", domain="news.example.org", author=None,
                        media_type="earned", language=None),
            relevant=n % 2 == 0,
        )
        for n, text in enumerate(texts[:60])
    ]  # fmt: skip
    trained = train(examples)
    assert trained is not None
    with session_scope() as session:
        session.add(
            RelevanceModelRow(
                brand_id=brand_id, version=1, marks=60, trained_at=utcnow(), trained_marks=60,
                weights=trained.weights, intercept=trained.intercept, threshold=trained.threshold,
            )
        )  # fmt: skip


def new_brand(sources: int) -> tuple[int, list[int], "BrandContext"]:
    """A new brand with ``sources`` RSS sources: (brand id, source ids, its BrandContext)."""
    from core.db import session_scope
    from tests.support.data import brand_context
    from tests.support.scenario import brand_with_sources

    urls = [f"https://news.example.org/{n}.xml" for n in range(sources)]
    brand_id, source_ids = brand_with_sources(urls, kind="rss")
    with session_scope() as session:
        context = brand_context(session, brand_id)
    return brand_id, source_ids, context


def store_unit(unit: list[bytes], source_ids: list[int], context: "BrandContext") -> None:
    """One unit of work as polling stores it once fetched: each feed parsed, the items of all
    stored in one transaction, then the stories it started reconciled."""
    from core.db import session_scope
    from models.types import utcnow
    from services.ingest import PolledItems, store_polls
    from services.stories import reconcile_stories
    from sources.feeds import parse_feed
    from sources.rss import feed_items

    polls = []  # a last unit may be shorter than the brand's sources (--feeds 150 in 100s)
    for source_id, document in zip(source_ids[: len(unit)], unit, strict=True):
        feed = parse_feed(document, content_type="application/rss+xml")
        now = datetime.now(UTC)
        found = feed_items(feed, base_url="https://news.example.org/", now=now)
        polls.append(PolledItems(source_id, "rss", context, found))
    stored_at = utcnow()
    with session_scope() as session:
        results = store_polls(session, polls, now=stored_at)
    starts = [start for result in results for start in result.story_starts]
    if starts:  # as polling does once the unit of work is committed
        with session_scope() as session:
            terms = {context.brand_id: context.story_terms}
            reconcile_stories(session, {context.brand_id: starts}, terms, stored_at=stored_at)


def paired_round(
    documents: list[bytes], texts: list[str], batch: int, *, relevance: bool = False
) -> dict[str, float]:
    """One round for a new brand with `batch` sources. Unit by unit of work (`batch` feeds,
    20 x `batch` items): raw VADER over the unit's texts, then the pipeline storing the unit
    new; then, unit by unit again, raw VADER and the pipeline finding the unit stored. The
    two sides alternate every few tens of milliseconds, so a change in the machine's speed
    (here, between two passes of a second: up to 1.7x) weighs on both alike. Returns the
    seconds of each side: "vader" (over the items once), "new" and "again"."""
    from domain.sentiment import vader_analyzer

    analyzer = vader_analyzer()
    brand_id, source_ids, context = new_brand(batch)
    if relevance:
        give_relevance_model(brand_id, texts)
    spent = {"vader": 0.0, "new": 0.0, "again": 0.0}
    for side in ("new", "again"):
        for start in range(0, len(documents), batch):
            unit_texts = texts[start * ENTRIES : (start + batch) * ENTRIES]
            began = time.perf_counter()
            for item in unit_texts:
                analyzer.polarity_scores(item)
            spent["vader"] += time.perf_counter() - began
            began = time.perf_counter()
            store_unit(documents[start : start + batch], source_ids, context)
            spent[side] += time.perf_counter() - began
    spent["vader"] /= 2  # VADER ran over the items once per side
    return spent


def stored_count() -> int:
    from sqlalchemy import func
    from sqlmodel import select

    from core.db import session_scope
    from models.tables import Mention

    with session_scope() as session:
        return int(session.exec(select(func.count()).select_from(Mention)).one())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=400)  # 8 units of work of 50 feeds
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="'' to skip")
    parser.add_argument("--batch", type=int, default=DEFAULT_BATCH, help="feeds per unit of work")
    parser.add_argument("--rounds", type=int, default=9, help="paired measurements per store")
    parser.add_argument(
        "--relevance", action="store_true", help="each brand has a trained relevance model"
    )
    args = parser.parse_args()
    os.environ.setdefault("ESCUCHA_DATA_DIR", tempfile.mkdtemp(prefix="escucha-bench-"))
    documents, texts = build_feeds(args.feeds)
    from services.ingest import load_models
    from sources import rss  # noqa: F401  (imported as a worker imports it, before any poll)

    load_models()
    gc.freeze()  # as a worker does once its models are loaded (workers.app)
    stores = {"SQLite": f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"}
    if args.postgres:
        problem = reset_postgres(args.postgres)
        if problem:
            print(f"PostgreSQL skipped ({args.postgres}: {problem})")
        else:
            stores["PostgreSQL"] = args.postgres
    print(
        f"{len(texts)} items in {len(documents)} feeds; every item matches the brand; "
        f"{args.rounds} rounds of (raw VADER, pipeline new, pipeline again) per store, "
        "each round a new brand"
    )
    for name, url in stores.items():
        prepare_database(url)
        new_ratios, again_ratios = [], []
        for round_number in range(1, args.rounds + 1):
            spent = paired_round(documents, texts, args.batch, relevance=args.relevance)
            items = len(texts)
            new_ratios.append(spent["vader"] / spent["new"])
            again_ratios.append(spent["vader"] / spent["again"])
            print(
                f"{name:>10} round {round_number}:"
                f" raw VADER {items / spent['vader']:>7,.0f} items/s"
                f" | new {items / spent['new']:>7,.0f} items/s (ratio {new_ratios[-1]:.2f})"
                f" | again (dedup) {items / spent['again']:>7,.0f} items/s"
                f" (ratio {again_ratios[-1]:.2f})"
            )
        assert stored_count() == len(texts) * args.rounds, "every item stored once"
        print(
            f"{name:>10}: median ratio new {statistics.median(new_ratios):.2f}, "
            f"again (dedup) {statistics.median(again_ratios):.2f} (target >= 0.8)"
        )


if __name__ == "__main__":
    main()
