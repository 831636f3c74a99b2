"""Median time from `POST /v1/sources/{id}/poll` to the mentions being visible through the
API, on embedded defaults (`escucha up`) and on PostgreSQL + Redis (`escucha api` +
`escucha worker`). Usage:

    python -m benchmarks.poll_latency [--runs 10] [--postgres URL --redis URL]
"""

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from tests.support.feed_server import FeedServer
from tests.support.processes import Process, clean_env, free_port, wait_for, wait_healthy
from tests.support.scenario import MATCHING, alerts_feed


def measure(api: httpx.Client, feeds: FeedServer, runs: int) -> list[float]:
    brand = api.post("/v1/brands", json={"name": f"Lumbre {time.time()}", "query": "lumbre"})
    brand_id = brand.json()["id"]
    seconds = []
    for run in range(runs):
        path = f"/feed/{brand_id}/{run}"
        feeds.serve(path, alerts_feed().replace(b"https://", f"https://r{run}.".encode()))
        source = api.post(
            f"/v1/brands/{brand_id}/sources", json={"kind": "rss", "url": feeds.url(path)}
        )
        source_id = source.json()["id"]
        started = time.monotonic()
        api.post(f"/v1/sources/{source_id}/poll")

        def stored(sid: int = source_id) -> bool:
            return bool(api.get(f"/v1/sources/{sid}").json()["mentions_found"] >= MATCHING)

        wait_for(stored, timeout=60, what="mentions")
        seconds.append(time.monotonic() - started)
    return seconds


def report(mode: str, seconds: list[float]) -> None:
    print(f"{mode}: median {statistics.median(seconds):.3f} s, min {min(seconds):.3f} s, "
          f"max {max(seconds):.3f} s over {len(seconds)} polls")  # fmt: skip


def embedded(runs: int, feeds: FeedServer) -> None:
    folder = Path(tempfile.mkdtemp())
    port = free_port()
    up = Process(
        ["up", "--port", str(port)], env=clean_env(ESCUCHA_ALLOW_PRIVATE_HOSTS="true"), cwd=folder
    )
    try:
        found = wait_for(lambda: re.search(r"esk_[\w-]{20,}", up.output()), timeout=60, what="key")
        api_key = found.group(0).removeprefix("esk_")
        wait_healthy(f"http://127.0.0.1:{port}")
        headers = {"Authorization": f"Bearer esk_{api_key}"}
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers) as api:
            report("embedded (SQLite + filesystem broker)", measure(api, feeds, runs))
    finally:
        up.stop()


def distributed(runs: int, feeds: FeedServer, postgres: str, redis: str) -> None:
    folder = Path(tempfile.mkdtemp())
    env = clean_env(
        ESCUCHA_DATABASE_URL=postgres,
        ESCUCHA_BROKER_URL=redis,
        ESCUCHA_ALLOW_PRIVATE_HOSTS="true",
        ESCUCHA_DATA_DIR=str(folder),
    )
    cli = [sys.executable, "-m", "cli.main"]
    subprocess.run([*cli, "migrate"], env=env, check=True, capture_output=True)
    out = subprocess.run([*cli, "workspace", "create", "bench", "--json"], env=env, check=True,
                         capture_output=True, text=True).stdout  # fmt: skip
    api_key = json.loads(out)["api_key"]
    port = free_port()
    api_process = Process(["api", "--port", str(port)], env=env, cwd=folder)
    worker = Process(["worker", "--concurrency", "2"], env=env, cwd=folder)
    try:
        wait_healthy(f"http://127.0.0.1:{port}")
        headers = {"Authorization": f"Bearer {api_key}"}
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers) as api:
            report("PostgreSQL + Redis", measure(api, feeds, runs))
    finally:
        worker.stop()
        api_process.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--postgres", default="")
    parser.add_argument("--redis", default="")
    args = parser.parse_args()
    with FeedServer() as feeds:
        embedded(args.runs, feeds)
        if args.postgres and args.redis:
            distributed(args.runs, feeds, args.postgres, args.redis)


if __name__ == "__main__":
    main()
