"""What benchmarks/polling_deployed.py and benchmarks/polling_scale.py share: their common
options, and Escucha deployed as an operator runs it (PostgreSQL, Redis, `escucha api` with
a fresh workspace) beside benchmarks/polling.py's feed farm on loopback hosts.

The workers and beat are each benchmark's own to start (`Farm.deployment.start`), as each
runs them differently.
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import redis
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine

from benchmarks.polling import start_farm, write_feeds

ROOT = Path(__file__).resolve().parents[1]
ESCUCHA = str(Path(sys.executable).with_name("escucha"))
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/escucha_perf_bench"
DEFAULT_REDIS = "redis://127.0.0.1:6379/10"


def add_farm_arguments(
    parser: argparse.ArgumentParser,
    *,
    feeds: int,
    entries: int,
    hosts: int,
    host_rate: float,
    steady: float,
    late_after: float,
) -> None:
    """The options both benchmarks take, with each one's defaults."""
    parser.add_argument("--feeds", type=int, default=feeds, help="sources, one feed each")
    parser.add_argument("--entries", type=int, default=entries, help="entries per feed")
    parser.add_argument("--hosts", type=int, default=hosts, help="loopback addresses in the farm")
    parser.add_argument(
        "--host-rate", type=float, default=host_rate, help="per-host limit, req/s (0: none)"
    )
    parser.add_argument("--worker-args", default="", help="extra `escucha worker` options")
    parser.add_argument("--interval", type=int, default=900, help="the sources' interval")
    parser.add_argument(
        "--steady",
        type=float,
        default=steady,
        help="spread the sources' due times over this many seconds and measure the share "
        "polled on time (0: skip)",
    )
    parser.add_argument(
        "--late-after", type=float, default=late_after, help="on time: within this many s"
    )
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES)
    parser.add_argument("--redis", default=DEFAULT_REDIS, help="the broker; the next DB: limits")


@dataclass
class Deployment:
    env: dict[str, str]
    log_dir: Path
    processes: list["subprocess.Popen[bytes]"] = field(default_factory=list)

    def start(self, name: str, *args: str) -> "subprocess.Popen[bytes]":
        log = (self.log_dir / f"{name}.log").open("ab")
        process = subprocess.Popen(
            [ESCUCHA, *args], env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
        )
        self.processes.append(process)
        return process

    def run(self, *args: str) -> str:
        done = subprocess.run(
            [ESCUCHA, *args], env=self.env, cwd=ROOT, capture_output=True, text=True, check=True
        )
        return done.stdout

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.terminate()
        for process in reversed(self.processes):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        self.processes.clear()


@dataclass
class Farm:
    """The running deployment, the farm's feed URLs, and an API client with a key."""

    env: dict[str, str]
    data_dir: Path
    engine: Engine
    bases: list[str]  # the farm's base URLs, one per loopback host
    urls: list[str]  # one feed per source, spread over the hosts
    deployment: Deployment
    api: httpx.Client

    def flush_redis(self) -> None:
        flush_redis(self.env)


@contextmanager
def deployed_farm(args: argparse.Namespace, *, prefix: str, api_timeout: float) -> Iterator[Farm]:
    """Write the feeds, reset and migrate the database, flush Redis, start the farm and
    `escucha api`; stop every process started here (and by `Farm.deployment`) at the end."""
    from benchmarks.ingest import reset_postgres
    from core.db import normalize_database_url
    from core.migrate import upgrade_to_head

    data_dir = Path(tempfile.mkdtemp(prefix=prefix))
    (data_dir / "feeds").mkdir()
    write_feeds(data_dir / "feeds", args.feeds, args.entries)
    problem = reset_postgres(args.postgres)
    if problem:
        raise SystemExit(f"PostgreSQL {args.postgres}: {problem}")
    upgrade_to_head(args.postgres)
    env = environment(args, data_dir)
    flush_redis(env)
    engine = create_engine(normalize_database_url(args.postgres))
    farm, bases = start_farm(data_dir / "feeds", args.hosts)
    urls = [f"{bases[f % len(bases)]}/{f}.xml" for f in range(args.feeds)]
    deployment = Deployment(env, data_dir)
    port = free_port()
    try:
        deployment.start("api", "api", "--port", str(port))
        key = json.loads(deployment.run("workspace", "create", "bench", "--json"))["api_key"]
        api = httpx.Client(
            base_url=f"http://127.0.0.1:{port}",
            headers={"Authorization": f"Bearer {key}"},
            timeout=api_timeout,
        )
        wait_until(lambda: api.get("/healthz").status_code == 200, 60, "the API")
        yield Farm(env, data_dir, engine, bases, urls, deployment, api)
    finally:
        deployment.stop()
        farm.terminate()
        farm.wait(timeout=10)


def environment(args: argparse.Namespace, data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ESCUCHA_")}
    redis_base = args.redis.rsplit("/", 1)[0]
    env |= {
        "ESCUCHA_DATABASE_URL": args.postgres,
        "ESCUCHA_BROKER_URL": args.redis,
        "ESCUCHA_REDIS_URL": f"{redis_base}/{int(args.redis.rsplit('/', 1)[1]) + 1}",
        "ESCUCHA_DATA_DIR": str(data_dir),
        "ESCUCHA_ALLOW_PRIVATE_HOSTS": "true",
        "ESCUCHA_SCHEDULER_TICK_SECONDS": "1",
        "ESCUCHA_LOG_LEVEL": "WARNING",
    }
    if args.host_rate:
        hosts = {f"127.0.0.{n}": args.host_rate for n in range(1, args.hosts + 1)}
        env["ESCUCHA_HOST_RATE_LIMITS"] = json.dumps(hosts)
    return env


def flush_redis(env: dict[str, str]) -> None:
    """Empty the broker's and the rate limits' Redis databases."""
    for url in (env["ESCUCHA_BROKER_URL"], env["ESCUCHA_REDIS_URL"]):
        redis.Redis.from_url(url).flushdb()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(check: Callable[[], object], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except Exception:
            pass
        time.sleep(0.2)
    raise SystemExit(f"gave up waiting for {what}")


def workers_answering(broker_url: str) -> int:
    """How many workers answer a ping on the broker (each once its consumer runs)."""
    from core.settings import Settings
    from workers.app import create_app

    app = create_app(Settings(broker_url=broker_url))
    return len(app.control.ping(timeout=1.0) or [])
