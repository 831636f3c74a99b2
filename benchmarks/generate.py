"""Fill a database with synthetic mentions for the report benchmarks.

    python -m benchmarks.generate --url postgresql://postgres@127.0.0.1:5432/bench \
        --mentions 1000000 --brands 20

The database is migrated first and must be empty (use a throw-away one). One workspace gets
M brands whose volumes follow Zipf's law (a few loud brands, a long tail), each with a few
competitors, 3 to 7 sources with a poll history (some failing, some with gaps) and a year of
mentions ending now: a weekly rhythm, a handful of bursts per brand (10 to 30 times the
usual daily volume for a day or two), skewed authors and domains, engagement on about half,
sentiment drawn per label, 3% paid and 5% owned, and 2% of mentions fetched days late; one
mention in 25 is a copy of a story (``story_id``: the brand's third mention before it).
PostgreSQL is loaded with COPY, SQLite with executemany, in batches of 50,000 rows.
"""

import argparse
import bisect
import itertools
import json
import math
import random
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, insert, text
from sqlmodel import col

from core.db import build_engine, normalize_database_url
from core.migrate import upgrade_to_head
from models.objectives import Objective
from models.tables import Brand, Mention, PollAttempt, Source, Workspace

BATCH = 50_000
TIMEZONES = ["America/Mexico_City", "Europe/Madrid", "UTC", "America/Bogota", "Europe/London"]
KINDS = ["rss", "google_news", "reddit", "google_alerts", "hackernews", "mastodon", "bluesky"]
KIND_WEIGHTS = [30, 25, 15, 10, 8, 6, 6]
WORDS = [
    "precio",
    "tienda",
    "nueva",
    "campaña",
    "servicio",
    "cliente",
    "calidad",
    "lanzamiento",
    "oferta",
    "envío",
    "app",
    "price",
    "store",
    "new",
    "campaign",
    "service",
    "customer",
    "quality",
    "launch",
    "offer",
    "delivery",
    "review",
    "mercado",
    "ventas",
    "producto",
    "marca",
    "café",
    "tacos",
    "entrega",
    "pedido",
    "soporte",
    "atención",
    "pago",
    "market",
    "sales",
    "product",
    "brand",
    "coffee",
    "order",
    "support",
    "payment",
    "refund",
    "shipping",
    "update",
    "México",
    "Madrid",
    "Bogotá",
    "Londres",
    "ciudad",
    "evento",
    "concierto",
    "fútbol",
    "temporada",
    "récord",
]
POSITIVE = ["excelente", "great", "love", "amazing", "increíble", "feliz", "best", "recomiendo"]
NEGATIVE = ["terrible", "awful", "hate", "pésimo", "malo", "worst", "queja", "fraude"]


@dataclass(frozen=True)
class BrandPlan:
    brand_id: int
    name: str
    weight: float
    source_ids: list[int]
    source_kinds: list[str]
    bursts: list[int]  # day offsets with a burst


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--url", required=True, help="database URL (sqlite:///... or postgresql://...)"
    )
    parser.add_argument("--mentions", type=int, default=1_000_000)
    parser.add_argument("--brands", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    return parser.parse_args()


def _zipf_weights(count: int, exponent: float = 1.1) -> list[float]:
    raw = [1 / (rank**exponent) for rank in range(1, count + 1)]
    total = sum(raw)
    return [value / total for value in raw]


def _setup(engine: Engine, brands: int, rng: random.Random, end: datetime) -> list[BrandPlan]:
    with engine.begin() as connection:
        workspace_id: int = connection.execute(
            insert(Workspace)
            .values(name="bench", created_at=end)
            .returning(Workspace.__table__.c.id)  # type: ignore[attr-defined]
        ).scalar_one()
        weights = _zipf_weights(brands)
        plans: list[BrandPlan] = []
        for index in range(brands):
            brand_id: int = connection.execute(
                insert(Brand)
                .values(
                    workspace_id=workspace_id,
                    name=f"brand{index}",
                    query=f"brand{index}",
                    timezone=TIMEZONES[index % len(TIMEZONES)],
                    languages=[],
                    owned_domains=[f"brand{index}.example"],
                    owned_handles=[],
                    competitor_ids=[],
                    created_at=end,
                    updated_at=end,
                )
                .returning(Brand.__table__.c.id)  # type: ignore[attr-defined]
            ).scalar_one()
            kinds = rng.sample(KINDS, rng.randint(3, 7))
            source_ids = [
                _add_source(connection, workspace_id, brand_id, kind, rng, end) for kind in kinds
            ]
            bursts = rng.sample(range(365), rng.randint(3, 8))
            plans.append(
                BrandPlan(brand_id, f"brand{index}", weights[index], source_ids, kinds, bursts)
            )
        for plan in plans:  # competitors: the next three brands, cyclically
            rivals = [plans[(plans.index(plan) + step) % brands].brand_id for step in (1, 2, 3)]
            connection.execute(
                Brand.__table__.update()  # type: ignore[attr-defined]
                .where(Brand.__table__.c.id == plan.brand_id)  # type: ignore[attr-defined]
                .values(competitor_ids=[r for r in rivals if r != plan.brand_id])
            )
        _add_objectives(connection, workspace_id, plans, end)
    return plans


def _add_source(
    connection: Any, workspace_id: int, brand_id: int, kind: str, rng: random.Random, end: datetime
) -> int:
    failing = rng.random() < 0.15
    source_id: int = connection.execute(
        insert(Source)
        .values(
            workspace_id=workspace_id,
            brand_id=brand_id,
            kind=kind,
            url="https://feeds.example/" + kind,
            interval_seconds=900,
            status="failing" if failing else "ok",
            cursor={},
            last_polled_at=end,
            next_poll_at=end,
            consecutive_failures=3 if failing else 0,
            mentions_found=0,
            created_at=end - timedelta(days=366),
            last_error="HTTP 503" if failing else None,
        )
        .returning(col(Source.id))
    ).scalar_one()
    attempts = []
    moment = end - timedelta(days=60)
    gap_at = end - timedelta(days=rng.randint(5, 50))
    while moment < end:  # every 15 minutes for 60 days, one gap of a day, failures at the end
        if gap_at <= moment < gap_at + timedelta(days=1):
            moment += timedelta(minutes=15)
            continue
        ok = not (failing and moment > end - timedelta(hours=6))
        attempts.append(
            {
                "source_id": source_id,
                "started_at": moment,
                "ok": ok,
                "not_modified": False,
                "finished_at": moment + timedelta(seconds=2),
                "items": 5,
                "new_mentions": 1,
                "error": None if ok else "HTTP 503",
            }
        )
        moment += timedelta(minutes=15)
    connection.execute(insert(PollAttempt), attempts)
    return source_id


def _add_objectives(
    connection: Any, workspace_id: int, plans: list[BrandPlan], end: datetime
) -> None:
    rows = []
    for plan in plans[:3]:
        for metric, target, direction in (
            ("mentions", 30_000.0, "at_least"),
            ("net_sentiment", 20.0, "at_least"),
            ("share_of_voice", 0.5, "at_least"),
            ("avg_sentiment", 0.1, "at_most"),
        ):
            rows.append(
                {
                    "workspace_id": workspace_id,
                    "brand_id": plan.brand_id,
                    "name": f"{metric} goal",
                    "metric": metric,
                    "target": target,
                    "direction": direction,
                    "start": end - timedelta(days=45),
                    "deadline": end + timedelta(days=45),
                    "created_at": end - timedelta(days=45),
                }
            )
    connection.execute(insert(Objective), rows)


def _day_weights(plan: BrandPlan) -> list[float]:
    """Relative volume per day: a weekly rhythm, slow growth, bursts."""
    weights = []
    for day in range(365):
        weight = 1.0 + 0.3 * math.sin(day / 7 * 2 * math.pi) + day / 730  # weekly rhythm, growth
        if day in plan.bursts or day - 1 in plan.bursts:
            weight *= 20.0
        weights.append(weight)
    return weights


def _text(rng: random.Random, label: str, name: str) -> tuple[str, str]:
    mood = POSITIVE if label == "positive" else NEGATIVE if label == "negative" else WORDS
    words = rng.choices(WORDS, k=rng.randint(12, 40)) + rng.choices(mood, k=2)
    rng.shuffle(words)
    title = f"{name} " + " ".join(words[:8])
    return title, " ".join(words[8:]) + f" {name}."


def _rows(
    plans: Sequence[BrandPlan], workspace_id: int, total: int, rng: random.Random, end: datetime
) -> Iterator[dict[str, Any]]:
    """Day by day, oldest first, each day's rows in fetch order: the physical order that
    live polling produces (rows of one period sit together in the table)."""
    start = end - timedelta(days=365)
    daily = {plan.brand_id: _daily_counts(plan, total) for plan in plans}
    author_weights = list(itertools.accumulate(_zipf_weights(5000, 1.2)))
    domain_weights = list(itertools.accumulate(_zipf_weights(800, 1.0)))
    number = itertools.count()
    for day in range(365):
        rows = [
            _row(
                plan,
                workspace_id,
                start + timedelta(days=day),
                next(number),
                rng,
                author_weights,
                domain_weights,
                end,
            )
            for plan in plans
            for _ in range(daily[plan.brand_id][day])
        ]
        rows.sort(key=lambda row: row["fetched_at"])
        yield from rows


def _daily_counts(plan: BrandPlan, total: int) -> list[int]:
    weights = _day_weights(plan)
    scale = total * plan.weight / sum(weights)
    counts, carry = [], 0.0
    for weight in weights:
        carry += weight * scale
        counts.append(int(carry))
        carry -= int(carry)
    return counts


def _row(
    plan: BrandPlan,
    workspace_id: int,
    day_start: datetime,
    number: int,
    rng: random.Random,
    author_weights: list[float],
    domain_weights: list[float],
    end: datetime,
) -> dict[str, Any]:
    published = day_start + timedelta(seconds=rng.randrange(86400))
    late = rng.random() < 0.02
    fetched = published + timedelta(
        seconds=rng.randrange(3 * 86400) if late else rng.randrange(60, 1800)
    )
    fetched = min(fetched, end)
    label = rng.choices(["positive", "neutral", "negative"], [40, 35, 25])[0]
    compound = {
        "positive": rng.uniform(0.05, 1.0),
        "neutral": rng.uniform(-0.0499, 0.0499),
        "negative": rng.uniform(-1.0, -0.05),
    }[label]
    source = rng.randrange(len(plan.source_ids))
    author_rank = bisect.bisect(author_weights, rng.random() * author_weights[-1])
    domain_rank = bisect.bisect(domain_weights, rng.random() * domain_weights[-1])
    media = rng.choices(["earned", "owned", "paid"], [92, 5, 3])[0]
    domain = f"brand{plan.brand_id}.example" if media == "owned" else f"site{domain_rank}.example"
    title, body = _text(rng, label, plan.name)
    engaged = rng.random() < 0.5
    url = f"https://{domain}/{number}"
    return {
        "workspace_id": workspace_id,
        "brand_id": plan.brand_id,
        "source_id": plan.source_ids[source],
        "source_kind": plan.source_kinds[source],
        "url_key": url,
        "story_key": None,
        "url": url,
        "domain": domain,
        "title": title,
        "text": body,
        "author": None if rng.random() < 0.1 else f"author{author_rank}",
        "published_at": published,
        "fetched_at": fetched,
        "language": rng.choice(["es", "en"]),
        "sentiment_compound": round(compound, 4),
        "sentiment_positive": max(compound, 0.0),
        "sentiment_neutral": 0.5,
        "sentiment_negative": max(-compound, 0.0),
        "sentiment_label": label,
        "sentiment_model": "vader",
        "engagement_score": int(rng.paretovariate(1.2)) if engaged else None,
        "engagement_comments": int(rng.paretovariate(1.5)) if engaged else None,
        "also_seen_in": [],
        "media_type": media,
        "relevance_score": None,
        "relevance_verdict": None,
        "relevance_marked_at": None,
        "hidden": False,
        "story_id": None,
        "story_word": None,
    }


COPY_EVERY = 25
# Copies point at a first mention that is no copy itself, as ingest makes them; in SQL after
# the load, since ids are the database's. The brand's index on published_at finds them.
_MAKE_COPIES = text(
    f"UPDATE mention SET story_id = (SELECT f.id FROM mention f WHERE f.brand_id = mention.brand_id"
    f" AND f.published_at < mention.published_at AND f.id % {COPY_EVERY} <> 0"
    f" ORDER BY f.published_at DESC LIMIT 1 OFFSET 2) WHERE id % {COPY_EVERY} = 0"
)


def _load_postgres(engine: Engine, rows: Iterator[dict[str, Any]]) -> None:
    columns = [c.name for c in Mention.__table__.columns if c.name != "id"]  # type: ignore[attr-defined]
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        while batch := list(itertools.islice(rows, BATCH)):
            with cursor.copy(f"COPY mention ({', '.join(columns)}) FROM STDIN") as copy:
                for row in batch:
                    row["also_seen_in"] = json.dumps(row["also_seen_in"])
                    copy.write_row([row[name] for name in columns])
            raw.commit()
    finally:
        raw.close()


def _load_sqlite(engine: Engine, rows: Iterator[dict[str, Any]]) -> None:
    while batch := list(itertools.islice(rows, BATCH)):
        with engine.begin() as connection:
            connection.execute(insert(Mention), batch)


def main() -> None:
    args = _arguments()
    url = normalize_database_url(args.url)
    rng = random.Random(args.seed)
    end = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    began = time.perf_counter()
    upgrade_to_head(url)
    engine = build_engine(url)
    with engine.connect() as connection:
        if connection.execute(text("SELECT count(*) FROM mention")).scalar_one():
            raise SystemExit("the database already holds mentions: use an empty one")
    plans = _setup(engine, args.brands, rng, end)
    with engine.connect() as connection:
        workspace_id = connection.execute(text("SELECT max(id) FROM workspace")).scalar_one()
    rows = _rows(plans, workspace_id, args.mentions, rng, end)
    (_load_postgres if engine.dialect.name == "postgresql" else _load_sqlite)(engine, rows)
    with engine.begin() as connection:
        connection.execute(_MAKE_COPIES)
        connection.execute(text("ANALYZE"))
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE mention"))
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT count(*) FROM mention")).scalar_one()
    print(f"{stored} mentions over {args.brands} brands in {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    main()
