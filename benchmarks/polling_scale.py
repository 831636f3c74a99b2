"""Polling at scale on the deployed path: many sources, several hosts with rate limits, and
1, 2, 4... `escucha worker` processes in turn.

    .venv/bin/python -m benchmarks.polling_scale [--feeds 10000] [--entries 5] [--brands 100]
        [--hosts 10] [--host-rate 50] [--workers 1,2,4] [--steady 120]

The deployment is polling_deployed.py's (benchmarks/deployed_farm.py: API, beat at a 1 s
tick, Redis, PostgreSQL, real `escucha worker` processes with their defaults); the sources
are created once through the API, over `--brands` brands, spread over `--hosts` loopback
addresses (127.0.0.1 ...), each named in ESCUCHA_HOST_RATE_LIMITS at `--host-rate` requests
a second (the limiter then runs through Redis for every request, shared by every worker). For each
number of workers: the stored mentions are wiped and the cursors reset, then a full round
(every entry new), a 304 round, and `--steady` seconds of steady state: every source's due
time spread uniformly over that window, the share of sources whose poll started within
`--late-after` seconds of it. A 15-minute interval over 10,000 sources asks 11 polls a
second; a 120 s window asks 83 a second, 7.5 times that.
"""

import argparse
import time
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import httpx
from sqlalchemy import text

from benchmarks.deployed_farm import (
    add_farm_arguments,
    deployed_farm,
    wait_until,
    workers_answering,
)
from benchmarks.polling_deployed import one_round, steady


def create_brands(api: httpx.Client, urls: list[str], brands: int, interval: int) -> list[int]:
    ids = []
    for n in range(brands):
        answer = api.post(
            "/v1/brands",
            json={"name": f"Lumbre {n}", "query": "lumbre", "timezone": "America/Monterrey"},
        )
        answer.raise_for_status()
        ids.append(int(answer.json()["id"]))

    def add(numbered: tuple[int, str]) -> None:
        n, url = numbered
        body = {"kind": "rss", "url": url, "interval_seconds": interval}
        answer = api.post(f"/v1/brands/{ids[n % brands]}/sources", json=body)
        answer.raise_for_status()

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(add, enumerate(urls)))
    return ids


def enough_workers(broker_url: str, count: int) -> bool:
    return workers_answering(broker_url) >= count


WIPE = [
    "TRUNCATE mention, mention_hourly, poll_attempt, poll_daily RESTART IDENTITY CASCADE",
    "UPDATE source SET cursor = '{}', mentions_found = 0, last_polled_at = NULL, "
    "next_poll_at = now() + interval '1 day', lease_until = NULL",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_farm_arguments(
        parser, feeds=10_000, entries=5, hosts=10, host_rate=50.0, steady=120.0, late_after=30.0
    )
    parser.add_argument("--brands", type=int, default=100)
    parser.add_argument("--workers", default="1,2,4", help="worker counts, in turn")
    args = parser.parse_args()

    with deployed_farm(args, prefix="escucha-scale-bench-", api_timeout=120) as farm:
        engine, deployment = farm.engine, farm.deployment
        began = time.perf_counter()
        brand_ids = create_brands(farm.api, farm.urls, args.brands, args.interval)
        print(
            f"{args.feeds} sources x {args.entries} entries over {args.brands} brands, created "
            f"through the API in {time.perf_counter() - began:.0f} s; {len(farm.bases)} hosts "
            f"at {args.host_rate:g} req/s each; logs in {farm.data_dir}",
            flush=True,
        )
        for count in [int(n) for n in args.workers.split(",")]:
            with engine.begin() as connection:
                for statement in WIPE:
                    connection.execute(text(statement))
            farm.flush_redis()
            workers = [
                deployment.start(f"worker{count}-{n}", "worker", *args.worker_args.split())
                for n in range(count)
            ]
            wait_until(
                partial(enough_workers, farm.env["ESCUCHA_BROKER_URL"], count), 300, "the workers"
            )
            beat = deployment.start(f"beat{count}", "beat")
            time.sleep(4)
            roots = [w.pid for w in workers]
            full = one_round(engine, brand_ids, args.feeds, roots)
            time.sleep(2)
            again = one_round(engine, brand_ids, args.feeds, roots)
            for name, result in (("full round", full), ("304 round", again)):
                print(
                    f"{count} worker(s) {name}: {result['seconds']:.1f} s, "
                    f"{args.feeds / float(result['seconds']):.0f} sources/s, "
                    f"{result['cpu']:.1f} s CPU, {result['mentions']} mentions, "
                    f"{result['failed']} failed; peak PSS {result['pss_mb']:.0f} MB, RSS "
                    f"{result['rss_mb']:.0f} MB over {result['processes']} processes; "
                    f"{result['connections']} database connections",
                    flush=True,
                )
            if args.steady:
                found = steady(engine, brand_ids, args.steady, args.late_after)
                print(
                    f"{count} worker(s) steady, {args.feeds} due over {args.steady:g} s "
                    f"({args.feeds / args.steady:.0f}/s): {100 * float(found['on_time']):.1f}% "
                    f"started within {args.late_after:g} s of due; late by median "
                    f"{found['median_late']:.1f} s, p95 {found['p95_late']:.1f} s, max "
                    f"{found['max_late']:.1f} s",
                    flush=True,
                )
            for process in [beat, *workers]:
                process.terminate()
            for process in [beat, *workers]:
                process.wait(timeout=60)
                deployment.processes.remove(process)


if __name__ == "__main__":
    main()
