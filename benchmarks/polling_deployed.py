"""Polling the way an operator runs Escucha, side by side with the `reader` library.

    .venv/bin/python -m benchmarks.polling_deployed [--feeds 1000] [--runs 3] [--workers 1]
        [--postgres URL] [--redis URL] [--worker-args '...']

Everything is the deployed path: PostgreSQL, Redis as the broker (and for the shared host
rate limits), `escucha api` with the sources created through the API, `escucha beat` with
ESCUCHA_SCHEDULER_TICK_SECONDS=1, and `--workers` real `escucha worker` processes with their
defaults (as docker-compose and the README start them; `--worker-args` to try others). The
feed farm is benchmarks/polling.py's (1,000 loopback feeds of 20 entries, one write per
response on a TCP_NODELAY socket, every feed with an ETag and Last-Modified), and reader
3.26 polls the same farm in the same run, after Escucha's rounds.

A round starts when its sources become due (one UPDATE sets their next_poll_at to 2 s ahead,
and time passing makes them due) and ends when the last of them has its poll recorded; the
scheduler, the queue and the workers do the rest. Each run uses a new brand with new sources
(the previous run's are paused), so its first round is a full one (every entry new: parse,
match, language, sentiment, store) and its second is answered by 304s. While the rounds run,
the worker process trees are sampled every 0.1 s: RSS and PSS (which splits pages shared
copy-on-write between the processes sharing them) summed over every process.
"""

import argparse
import os
import statistics
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import httpx
from sqlalchemy import text
from sqlalchemy.engine import Engine

from benchmarks.deployed_farm import (
    add_farm_arguments,
    deployed_farm,
    wait_until,
    workers_answering,
)
from benchmarks.polling import ENTRIES, run_reader

ROUND_TIMEOUT_SECONDS = 600.0
# A round's sources become due this long after the UPDATE that schedules them, as time
# passing makes them due: the round is timed from that instant.
DUE_LEAD_SECONDS = 2.0


# ------------------------------------------------------------------ memory of process trees


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with suppress(OSError):
            found += [int(c) for c in (task / "children").read_text().split()]
    return found


def process_tree(pid: int) -> list[int]:
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo += _children(current)
    return tree


def memory_kb(pid: int) -> tuple[int, int]:
    """(RSS, PSS) in kB from /proc/PID/smaps_rollup; zeros for a process gone meanwhile."""
    rss = pss = 0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Rss:"):
                rss = int(line.split()[1])
            elif line.startswith("Pss:"):
                pss = int(line.split()[1])
    except OSError:
        pass
    return rss, pss


def cpu_seconds(pids: list[int]) -> float:
    """User plus system CPU seconds of `pids` so far (fields 14 and 15 of /proc/PID/stat)."""
    ticks = 0
    for pid in pids:
        with suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


@dataclass
class MemorySampler:
    """Peak RSS and PSS summed over the process trees of `roots`, sampled every 0.1 s."""

    roots: list[int]
    peak_rss_mb: float = 0.0
    peak_pss_mb: float = 0.0
    processes: int = 0
    cpu: float = 0.0
    _stop: threading.Event = field(default_factory=threading.Event)

    def sample(self) -> None:
        pids = self._tree()
        sizes = [memory_kb(pid) for pid in pids]
        self.processes = max(self.processes, len(pids))
        self.peak_rss_mb = max(self.peak_rss_mb, sum(s[0] for s in sizes) / 1024)
        self.peak_pss_mb = max(self.peak_pss_mb, sum(s[1] for s in sizes) / 1024)

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            self.sample()

    def _tree(self) -> list[int]:
        return [pid for root in self.roots for pid in process_tree(root)]

    @contextmanager
    def running(self) -> Iterator["MemorySampler"]:
        """Also counts the CPU the trees used meanwhile (their processes live throughout)."""
        cpu_began = cpu_seconds(self._tree())
        thread = threading.Thread(target=self._run, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self._stop.set()
            thread.join()
            self.sample()
            self.cpu = cpu_seconds(self._tree()) - cpu_began


def create_sources(api: httpx.Client, *, run: int, urls: list[str], interval: int) -> int:
    """A new brand and its sources, through the API (8 requests in flight); its id."""
    from concurrent.futures import ThreadPoolExecutor

    brand = api.post(
        "/v1/brands",
        json={"name": f"Lumbre {run}", "query": "lumbre", "timezone": "America/Monterrey"},
    )
    brand.raise_for_status()
    brand_id = int(brand.json()["id"])

    def add(url: str) -> None:
        body = {"kind": "rss", "url": url, "interval_seconds": interval}
        answer = api.post(f"/v1/brands/{brand_id}/sources", json=body)
        answer.raise_for_status()

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(add, urls))
    return brand_id


def polled_since(engine: Engine, brand_ids: list[int], since: object) -> int:
    with engine.connect() as connection:
        return int(
            connection.execute(
                text(
                    "SELECT count(*) FROM source WHERE brand_id = ANY(:b) AND last_polled_at >= :t"
                ),
                {"b": brand_ids, "t": since},
            ).scalar_one()
        )


def database_connections(engine: Engine) -> int:
    """Client connections to the benchmark's database, the benchmark's own excepted (the
    API's and beat's idle ones included)."""
    with engine.connect() as connection:
        return int(
            connection.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
                )
            ).scalar_one()
        )


def steady(
    engine: Engine, brand_ids: list[int], window: float, late_after: float
) -> dict[str, float | int]:
    """Spread the sources' due times uniformly over the next `window` seconds and let the
    deployment run; then how late each first poll started after its due time."""
    with engine.begin() as connection:
        began = connection.execute(text("SELECT now()")).scalar_one()
        due: dict[int, datetime] = dict(
            connection.execute(
                text(
                    "UPDATE source SET next_poll_at = now() + make_interval(secs => :w * random())"
                    " WHERE brand_id = ANY(:b) RETURNING id, next_poll_at"
                ),
                {"b": brand_ids, "w": window},
            ).all()
        )
    time.sleep(window + 2 * late_after)
    with engine.connect() as connection:
        started: dict[int, datetime] = dict(
            connection.execute(
                text(
                    "SELECT a.source_id, min(a.started_at) FROM poll_attempt a "
                    "JOIN source s ON s.id = a.source_id WHERE s.brand_id = ANY(:b) "
                    "AND a.started_at >= :t GROUP BY a.source_id"
                ),
                {"b": brand_ids, "t": began},
            ).all()
        )
    late = sorted(
        (started[s] - due[s]).total_seconds() if s in started else float("inf") for s in due
    )
    return {
        "sources": len(due),
        "on_time": sum(1 for x in late if x <= late_after) / len(late),
        "median_late": statistics.median(late),
        "p95_late": late[int(0.95 * (len(late) - 1))],
        "max_late": late[-1],
    }


def timeline(engine: Engine, brand_ids: list[int], due_at: datetime) -> dict[str, float | int]:
    """Where a round's time went, from the attempts it recorded: the first poll's start and
    the last one's record after the due time, and its batches (a batch's polls share one
    `finished_at`): how many, and the median of each one's first start to its record."""
    with engine.connect() as connection:
        batches = connection.execute(
            text(
                "SELECT min(a.started_at), a.finished_at FROM poll_attempt a "
                "JOIN source s ON s.id = a.source_id WHERE s.brand_id = ANY(:b) "
                "AND a.started_at >= :t GROUP BY a.finished_at"
            ),
            {"b": brand_ids, "t": due_at},
        ).all()
    return {
        "first_start": min(b[0] for b in batches).timestamp() - due_at.timestamp(),
        "last_record": max(b[1] for b in batches).timestamp() - due_at.timestamp(),
        "batches": len(batches),
        "batch_seconds": statistics.median((b[1] - b[0]).total_seconds() for b in batches),
    }


def one_round(
    engine: Engine, brand_ids: list[int], feeds: int, roots: list[int]
) -> dict[str, float | int]:
    """Make the brand's sources due in DUE_LEAD_SECONDS; wait until every one has its poll
    recorded; time the round from the instant they were due."""
    sampler = MemorySampler(roots)
    with sampler.running():
        with engine.begin() as connection:
            due_at = (
                connection.execute(
                    text(
                        "UPDATE source SET next_poll_at = now() + make_interval(secs => :lead) "
                        "WHERE brand_id = ANY(:b) RETURNING next_poll_at"
                    ),
                    {"b": brand_ids, "lead": DUE_LEAD_SECONDS},
                )
                .scalars()
                .first()
            )
        assert due_at is not None
        deadline = time.time() + ROUND_TIMEOUT_SECONDS
        connections = 0
        while polled_since(engine, brand_ids, due_at) < feeds:
            if time.time() > deadline:
                raise SystemExit("a round did not finish in time: see the logs")
            connections = max(connections, database_connections(engine))
            time.sleep(0.05)
        seconds = time.time() - due_at.timestamp()
    with engine.connect() as connection:
        failed = connection.execute(
            text(
                "SELECT count(*) FROM poll_attempt a JOIN source s ON s.id = a.source_id "
                "WHERE s.brand_id = ANY(:b) AND NOT a.ok"
            ),
            {"b": brand_ids},
        ).scalar_one()
        mentions = connection.execute(
            text("SELECT count(*) FROM mention WHERE brand_id = ANY(:b)"), {"b": brand_ids}
        ).scalar_one()
    return {
        "seconds": seconds,
        "rss_mb": sampler.peak_rss_mb,
        "pss_mb": sampler.peak_pss_mb,
        "processes": sampler.processes,
        "cpu": sampler.cpu,
        "connections": connections,
        "failed": int(failed),
        "mentions": int(mentions),
        **timeline(engine, brand_ids, due_at),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_farm_arguments(
        parser, feeds=1000, entries=ENTRIES, hosts=1, host_rate=0.0, steady=0.0, late_after=60.0
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=1, help="`escucha worker` processes")
    parser.add_argument("--reader-workers", type=int, default=16)
    parser.add_argument("--no-reader", action="store_true")
    args = parser.parse_args()

    results: list[dict[str, object]] = []
    with deployed_farm(args, prefix="escucha-deployed-bench-", api_timeout=60) as farm:
        engine, deployment = farm.engine, farm.deployment
        workers = [
            deployment.start(f"worker{n}", "worker", *args.worker_args.split())
            for n in range(args.workers)
        ]
        broker = farm.env["ESCUCHA_BROKER_URL"]
        wait_until(lambda: workers_answering(broker) >= args.workers, 180, "the workers")
        print(
            f"{args.feeds} feeds x {args.entries} entries on {len(farm.bases)} loopback "
            f"host(s); {args.workers} x `escucha worker {args.worker_args}`, beat tick 1 s, "
            f"PostgreSQL, Redis; reader update_feeds(workers={args.reader_workers}); "
            f"logs in {farm.data_dir}",
            flush=True,
        )
        previous: int | None = None
        for run in range(1, args.runs + 1):
            with engine.begin() as connection:  # nothing due until the round starts
                if previous is not None:
                    connection.execute(
                        text("UPDATE source SET status = 'paused' WHERE brand_id = ANY(:b)"),
                        {"b": [previous]},
                    )
            brand_id = create_sources(farm.api, run=run, urls=farm.urls, interval=args.interval)
            with engine.begin() as connection:
                connection.execute(
                    text(
                        "UPDATE source SET next_poll_at = now() + interval '1 day' "
                        "WHERE brand_id = ANY(:b)"
                    ),
                    {"b": [brand_id]},
                )
            beat = deployment.start("beat", "beat")  # sources created: none due now
            time.sleep(4)  # beat ticking, the queue empty
            roots = [w.pid for w in workers]
            full = one_round(engine, [brand_id], args.feeds, roots)
            time.sleep(2)
            not_modified = one_round(engine, [brand_id], args.feeds, roots)
            print_run(run, full, not_modified, None)
            if args.steady:
                print(
                    f"run {run} steady: {steady(engine, [brand_id], args.steady, args.late_after)}"
                )
            beat.terminate()
            beat.wait(timeout=30)
            deployment.processes.remove(beat)
            theirs = None if args.no_reader else run_reader(args, farm.bases[0])
            results.append({"full": full, "304": not_modified, "reader": theirs})
            if theirs is not None:
                print_run(run, full, not_modified, theirs)
            previous = brand_id
    print_summary(results)


def print_run(run: int, full: dict, not_modified: dict, theirs: object) -> None:  # type: ignore[type-arg]
    for name, mine, n in (("full round", full, 0), ("304 round", not_modified, 1)):
        line = (
            f"run {run} {name:>10}: Escucha {mine['seconds']:6.2f} s "
            f"({mine['cpu']:.1f} s CPU, {mine['mentions']} mentions, {mine['failed']} failed; "
            f"peak over "
            f"{mine['processes']} worker processes: RSS {mine['rss_mb']:.0f} MB, "
            f"PSS {mine['pss_mb']:.0f} MB; {mine['connections']} database connections; "
            f"first poll started {mine['first_start']:.3f} s after due, last recorded at "
            f"{mine['last_record']:.3f} s, {mine['batches']} batches of "
            f"{mine['batch_seconds']:.3f} s median)"
        )
        if isinstance(theirs, list):
            other = theirs[n]
            line += f" | reader {other['seconds']:6.2f} s ({other['cpu']:.1f} s CPU)"
            line += f" | reader/Escucha {other['seconds'] / mine['seconds']:.2f}x"
        elif theirs is not None:
            line += f" | {theirs}"
        print(line, flush=True)


def print_summary(results: list[dict[str, object]]) -> None:
    for name, n in (("full", 0), ("304", 1)):
        ours = [float(r[name]["seconds"]) for r in results]  # type: ignore[index]
        line = f"median {name} round: Escucha {statistics.median(ours):.2f} s"
        ratios = [
            float(r["reader"][n]["seconds"]) / float(r[name]["seconds"])  # type: ignore[index]
            for r in results
            if isinstance(r["reader"], list)
        ]
        if ratios:
            line += f", reader/Escucha median {statistics.median(ratios):.2f}x"
            line += f" (each run: {', '.join(f'{x:.2f}' for x in ratios)})"
        pss = max(float(r[name]["pss_mb"]) for r in results)  # type: ignore[index]
        rss = max(float(r[name]["rss_mb"]) for r in results)  # type: ignore[index]
        line += f"; peak PSS {pss:.0f} MB, RSS {rss:.0f} MB summed over the worker processes"
        print(line, flush=True)


if __name__ == "__main__":
    main()
