"""Report latency at scale: ours against a hand-written GROUP BY over the same tables and
indexes, in the same run, on a database filled by benchmarks.generate.

    python -m benchmarks.reports --url postgresql://postgres@127.0.0.1:5432/bench

For the loudest brand it times, `--rounds` times each after 3 warm-up rounds, ours and the
hand-written version alternately (so both see the same noise), and prints p50 and p95 in
milliseconds and the ratio of the p50s and of the p95s:
- trends: 90 local-day buckets ending today;
- situation: the last 30 days (with its 3 competitors, source health, terms, peaks);
- control: the brand's objectives as of now, as of 30 days ago (by publication time: the
  rollup, as for now) and as of 30 days ago as known then (`known_at`: reads `mention`);
- for context, the trends and control figures of a hand-written GROUP BY over `mention`
  alone (what the rollup saves).
"ours" is the service function (what the endpoint calls); "api" is the whole endpoint over
HTTP (uvicorn in a child process, keep-alive client: auth, validation, JSON). The
hand-written versions are raw SQL strings on the same connection, doing the same work
(the same queries, the same Python for terms, health and projection), local days by AT
TIME ZONE on PostgreSQL and by a fixed UTC offset on SQLite (a lower bound: it ignores
DST).
"""

import argparse
import statistics
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlmodel import Session

from benchmarks import report_queries as hand
from benchmarks.export import api_key, api_server
from core.db import build_engine, normalize_database_url


@dataclass(frozen=True)
class Case:
    name: str
    ours: Callable[[], object]
    hand: Callable[[], object]
    api: Callable[[], object] | None = None


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def _time(function: Callable[[], object]) -> float:
    began = time.perf_counter()
    function()
    return (time.perf_counter() - began) * 1000


def run(case: Case, rounds: int) -> str:
    runners = {"ours": case.ours, "hand": case.hand}
    if case.api is not None:
        runners["api"] = case.api
    samples: dict[str, list[float]] = {name: [] for name in runners}
    for round_number in range(rounds + 3):
        order = list(runners.items())
        if round_number % 2:
            order.reverse()
        for name, function in order:
            elapsed = _time(function)
            if round_number >= 3:
                samples[name].append(elapsed)
    ours50, ours95 = _percentiles(samples["ours"])
    hand50, hand95 = _percentiles(samples["hand"])
    api = ""
    if "api" in samples:
        api50, api95 = _percentiles(samples["api"])
        api = f" | {api50:8.1f} | {api95:8.1f}"
    return (
        f"| {case.name:28} | {ours50:8.1f} | {ours95:8.1f} | {hand50:8.1f} | {hand95:8.1f} "
        f"| {ours50 / hand50:5.2f} | {ours95 / hand95:5.2f}{api} |"
    )


def _loudest(connection: Connection) -> tuple[int, int, str, datetime]:
    row = connection.execute(
        text(
            "SELECT b.id, b.workspace_id, b.timezone, count(*) FROM brand b "
            "JOIN mention m ON m.brand_id = b.id GROUP BY b.id, b.workspace_id, b.timezone "
            "ORDER BY count(*) DESC LIMIT 1"
        )
    ).one()
    return int(row[0]), int(row[1]), str(row[2]), datetime.now(UTC)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    url = normalize_database_url(args.url)
    engine = build_engine(url)
    with ExitStack() as stack:
        session = stack.enter_context(Session(engine.execution_options(sqlite_begin="DEFERRED")))
        brand_id, workspace_id, timezone, now = _loudest(session.connection())
        server = stack.enter_context(api_server(args.url))
        client = stack.enter_context(httpx.Client(base_url=server.base_url, timeout=60))
        headers = {"Authorization": f"Bearer {api_key(args.url, workspace_id)}"}
        zone = ZoneInfo(timezone)
        today = now.astimezone(zone).replace(hour=0, minute=0, second=0, microsecond=0)
        until = (today.replace(tzinfo=None) + timedelta(days=1)).replace(tzinfo=zone)
        since = (today.replace(tzinfo=None) - timedelta(days=89)).replace(tzinfo=zone)
        work = hand.Work(session, brand_id, timezone, now)
        query = f"since={since.isoformat()}&until={until.isoformat()}".replace("+", "%2B")
        month_ago = now - timedelta(days=30)
        cases = [
            Case(
                "trends, 90 days",
                lambda: work.ours_trend(since, until),
                lambda: work.hand_trend(since, until),
                lambda: client.get(f"/v1/brands/{brand_id}/trends?{query}", headers=headers),
            ),
            Case(
                "situation, 30 days",
                lambda: work.ours_situation(now - timedelta(days=30), now),
                lambda: work.hand_situation(now - timedelta(days=30), now),
                lambda: client.get(f"/v1/brands/{brand_id}/situation", headers=headers),
            ),
            Case(
                "control, as of now",
                lambda: work.ours_control(now),
                lambda: work.hand_control(now),
                lambda: client.get(f"/v1/brands/{brand_id}/control", headers=headers),
            ),
            Case(
                "control, as of 30 days ago",
                lambda: work.ours_control(month_ago),
                lambda: work.hand_control(month_ago),
                lambda: client.get(
                    f"/v1/brands/{brand_id}/control?as_of={month_ago.isoformat()}".replace(
                        "+", "%2B"
                    ),
                    headers=headers,
                ),
            ),
            Case(
                "control, as of 30 days ago, known then",
                lambda: work.ours_control(month_ago, month_ago),
                lambda: work.hand_control(month_ago, month_ago),
            ),
            Case(
                "trends over `mention` (no rollup)",
                lambda: work.ours_trend(since, until),
                lambda: work.raw_trend(since, until),
            ),
        ]
        print(f"{engine.dialect.name}: brand {brand_id} ({timezone}), {args.rounds} rounds")
        print(
            "| case | ours p50 | ours p95 | hand p50 | hand p95 | p50 ratio | p95 ratio "
            "| api p50 | api p95 |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for case in cases:
            print(run(case, args.rounds), flush=True)


if __name__ == "__main__":
    main()
