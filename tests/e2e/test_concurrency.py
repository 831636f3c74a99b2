"""Polling under concurrency and faults, on real PostgreSQL and Redis with real Celery worker
processes (`escucha worker --pool prefork`) and a feed farm in its own process:

- 4 worker processes, 200 sources, several polls each: no mention stored twice, no two polls
  of one source overlapping in time, the scheduler's claim atomic;
- worker processes killed with SIGKILL in the middle of polls: after redelivery every
  mention is there exactly once;
- Redis restarted while polling: polling resumes by itself; nothing stored twice;
- the per-host rate limit is shared by the worker processes through Redis.
"""

import contextlib
import itertools
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
import redis
from celery import Celery
from sqlmodel import col, select

from core.db import session_scope
from core.settings import Settings
from models.tables import Mention, PollAttempt, Source
from models.types import utcnow
from services.brands import create_brand
from services.sources import create_source
from services.workspaces import create_workspace_with_key
from tests.support.feeds import Entry, rss2
from tests.support.processes import Process, clean_env, free_port, wait_for
from tests.support.services import wipe_redis
from workers.app import create_app

pytestmark = pytest.mark.services

ROOT = Path(__file__).resolve().parents[2]
QUEUE = "escucha"
WORKERS = 4
BRANDS, SOURCES_PER_BRAND, ENTRIES = 10, 20, 20
SLOW_SECONDS = 5.0
LEASE_SECONDS = 10.0
RATE_LIMITED_HOST, RATE = "localhost", 10.0

# The farm: files under ROOT, plus every file under ROOT/slow served after SLOW seconds.
FARM = """
import signal, sys
from pathlib import Path
from tests.support.feed_server import FeedServer, Route
root, delay = Path(sys.argv[1]), float(sys.argv[2])
server = FeedServer(root=root).start()
for path in sorted((root / "slow").glob("*.xml")):
    server.set_route("/slow/" + path.name, Route(body=path.read_bytes(), delay=delay))
signal.signal(signal.SIGTERM, lambda *_: server.stopping.set())
print(server.port, flush=True)
server.stopping.wait()
server.stop()
"""


# ---------------------------------------------------------------- processes and feeds


class Farm:
    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "slow").mkdir(parents=True, exist_ok=True)
        self.popen: subprocess.Popen[str] | None = None
        self.port = 0

    def start(self) -> "Farm":
        self.popen = subprocess.Popen(
            [sys.executable, "-c", FARM, str(self.root), str(SLOW_SECONDS)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.popen.stdout is not None
        self.port = int(self.popen.stdout.readline())
        return self

    def stop(self) -> None:
        if self.popen is not None:
            self.popen.terminate()
            self.popen.wait(timeout=10)

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}/{path}"

    def write(self, path: str, keys: list[int]) -> None:
        """Atomically (re)write a feed whose entries are the articles `keys`."""
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_suffix(".tmp")
        temporary.write_bytes(rss2([article(k, variant=path) for k in keys]))
        temporary.replace(target)


def article(key: int, *, variant: str = "") -> Entry:
    """Article `key`, with tracking parameters that differ per feed (canonical URLs)."""
    return Entry(
        title=f"Lumbre abre la tienda número {key} en Monterrey",
        link=f"https://news.example.org/lumbre/{key}?utm_source={variant}&utm_medium=rss",
        summary=f"La cadena Lumbre inauguró hoy su tienda {key}. Los clientes están contentos.",
        published=datetime(2026, 11, 20, tzinfo=UTC) + timedelta(minutes=key),
    )


def url_of(key: int) -> str:
    return f"https://news.example.org/lumbre/{key}"


class RedisServer:
    """A redis-server of our own, on a free port, with no persistence: a restart loses all."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.popen: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        args = ["--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        args += ["--appendonly", "no", "--dir", str(self.workdir)]
        self.popen = subprocess.Popen(["redis-server", *args], stdout=subprocess.DEVNULL)
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.5)
        wait_for(lambda: _pings(client), timeout=10, what="our redis-server")
        client.close()

    def kill(self) -> None:
        if self.popen is not None and self.popen.poll() is None:
            self.popen.send_signal(signal.SIGKILL)
            self.popen.wait(timeout=10)


def _pings(client: "redis.Redis") -> bool:
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False


def worker_env(database_url: str, redis_url: str, data_dir: Path, **extra: str) -> dict[str, str]:
    env = clean_env(
        ESCUCHA_DATABASE_URL=database_url,
        ESCUCHA_BROKER_URL=redis_url,
        ESCUCHA_REDIS_URL=redis_url,
        ESCUCHA_ALLOW_PRIVATE_HOSTS="true",
        ESCUCHA_DATA_DIR=str(data_dir),
        ESCUCHA_POLL_LEASE_SECONDS=str(LEASE_SECONDS),
        ESCUCHA_HOST_RATE_LIMITS=f'{{"{RATE_LIMITED_HOST}": {RATE}}}',
        ESCUCHA_HOST_RATE_BURST="1",
    )
    return env | extra


def start_worker(env: dict[str, str], cwd: Path) -> Process:
    worker = Process(
        ["worker", "--pool", "prefork", "--concurrency", str(WORKERS)], env=env, cwd=cwd
    )
    wait_for(lambda: "ready." in worker.output(), timeout=60, what="the worker to be ready")
    return worker


def stop(process: Process) -> None:
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.stop(timeout=20)


@pytest.fixture(scope="module")
def farm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Farm]:
    root = tmp_path_factory.mktemp("farm")
    server = Farm(root)
    for n in range(WORKERS):  # slow feeds must exist when the farm starts
        server.write(f"slow/{n}.xml", list(range(5000 + n * 10, 5000 + n * 10 + ENTRIES)))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def cluster(
    farm: Farm, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Process, Celery]]:
    """4 worker processes on the test PostgreSQL and Redis, and a client app to send tasks."""
    database_url = os.environ.get("ESCUCHA_TEST_DATABASE_URL", "")
    redis_url = os.environ.get("ESCUCHA_TEST_REDIS_URL", "")
    if not (database_url and redis_url):
        pytest.skip("ESCUCHA_TEST_DATABASE_URL / ESCUCHA_TEST_REDIS_URL are not set (CI sets them)")
    data_dir = tmp_path_factory.mktemp("worker")
    wipe_redis(redis_url)  # no task of an earlier module's worker runs in these
    worker = start_worker(worker_env(database_url, redis_url, data_dir), data_dir)
    app = create_app(Settings(broker_url=redis_url, data_dir=data_dir))
    yield worker, app
    stop(worker)
    app.close()


# ---------------------------------------------------------------- data and observations


def make_brands(brands: int, feeds: list[list[str]], *, interval: int = 3600) -> list[list[int]]:
    """`brands` brands with query `lumbre`; brand b gets one rss source per URL of feeds[b]."""
    ids: list[list[int]] = []
    with session_scope() as session:
        workspace = create_workspace_with_key(session, name=f"Concurrency {uuid4().hex[:8]}")
        for b in range(brands):
            brand = create_brand(
                session,
                workspace_id=workspace.workspace_id,
                fields={"name": f"Lumbre {b}", "query": "lumbre", "languages": []}
                | {"owned_domains": [], "owned_handles": [], "competitor_ids": []},
            )
            assert brand.id is not None
            sources = [
                create_source(
                    session,
                    workspace_id=workspace.workspace_id,
                    brand_id=brand.id,
                    fields={"kind": "rss", "url": url, "interval_seconds": interval},
                )
                for url in feeds[b]
            ]
            ids.append([s.id for s in sources if s.id is not None])
    return ids


def attempts() -> list[PollAttempt]:
    with session_scope() as session:
        statement = select(PollAttempt).order_by(col(PollAttempt.id))
        return list(session.exec(statement).all())


def mentions() -> list[Mention]:
    with session_scope() as session:
        return list(session.exec(select(Mention).order_by(col(Mention.id))).all())


def sources() -> list[Source]:
    with session_scope() as session:
        return list(session.exec(select(Source).order_by(col(Source.id))).all())


def wait_drained(broker_url: str, *, timeout: float, worker: Process) -> None:
    """No message queued nor taken-but-unacknowledged, three checks in a row."""
    client = redis.Redis.from_url(broker_url)
    calm = 0

    def drained() -> bool:
        nonlocal calm
        idle = client.llen(QUEUE) == 0 and client.hlen("unacked") == 0
        calm = calm + 1 if idle else 0
        return calm >= 3

    try:
        wait_for(drained, timeout=timeout, what="the queue to drain")
    except AssertionError as exc:
        raise AssertionError(f"{exc}\nworker output:\n{worker.output()[-4000:]}") from None
    finally:
        client.close()


def assert_no_overlapping_polls(polls: list[PollAttempt]) -> None:
    by_source: dict[int, list[PollAttempt]] = defaultdict(list)
    for poll in polls:
        by_source[poll.source_id].append(poll)
    for source_id, runs in by_source.items():
        runs.sort(key=lambda p: p.started_at)
        for before, after in itertools.pairwise(runs):
            assert after.started_at >= before.finished_at, (
                f"polls of source {source_id} overlap: {before.started_at}-{before.finished_at}"
                f" and {after.started_at}-{after.finished_at}"
            )


def assert_each_mention_once(expected: dict[int, set[str]]) -> None:
    """Per brand, exactly the expected URLs, each once, and the sources' counts agree."""
    stored = mentions()
    by_brand: dict[int, list[str]] = defaultdict(list)
    for mention in stored:
        by_brand[mention.brand_id].append(mention.url)
        seen_in = [entry["source_id"] for entry in mention.also_seen_in]
        assert len(seen_in) == len(set(seen_in)) and mention.source_id not in seen_in
    for brand_id, urls in expected.items():
        assert len(by_brand[brand_id]) == len(set(by_brand[brand_id])), "a URL stored twice"
        assert set(by_brand[brand_id]) == urls
    found: dict[int, int] = defaultdict(int)
    for source in sources():
        found[source.brand_id] += source.mentions_found
    assert found == {b: len(urls) for b, urls in expected.items()}


# ---------------------------------------------------------------- the tests


def window(brand: int, source: int, round_: int) -> list[int]:
    """The articles a feed carries in a round: overlapping its brand's other feeds and its
    neighbouring brands', and moving on a little every round."""
    start = brand * 7 + source * 3 + round_ * 4
    return list(range(start, start + ENTRIES))


def test_many_workers_many_sources_no_duplicates_no_overlapping_polls(
    db: str, postgres_url: str, redis_url: str, farm: Farm, cluster: tuple[Process, Celery]
) -> None:
    worker, app = cluster
    paths = [[f"c/{b}/{s}.xml" for s in range(SOURCES_PER_BRAND)] for b in range(BRANDS)]
    ids = make_brands(BRANDS, [[farm.url(p) for p in row] for row in paths])
    expected: dict[int, set[str]] = defaultdict(set)
    brand_ids = _brand_ids(ids)
    for round_ in range(3):
        for b, row in enumerate(paths):
            for s, path in enumerate(row):
                keys = window(b, s, round_)
                farm.write(path, keys)
                expected[brand_ids[b]].update(url_of(k) for k in keys)
        if round_ == 0:  # the scheduler's way, four claims racing: each source queued once
            for _ in range(4):
                app.send_task("sources.enqueue_due")
        else:  # every source queued twice at once: the copies race for its lease
            for source_id in [sid for row in ids for sid in row for _copy in range(2)]:
                app.send_task("source.poll", args=[source_id])
        wait_drained(redis_url, timeout=90, worker=worker)
        if round_ == 0:
            assert len(attempts()) == BRANDS * SOURCES_PER_BRAND

    polls = attempts()
    failed = [p.error for p in polls if not p.ok]
    assert not failed, failed[:5]
    per_source: dict[int, int] = defaultdict(int)
    for poll in polls:
        per_source[poll.source_id] += 1
    assert len(per_source) == BRANDS * SOURCES_PER_BRAND and min(per_source.values()) >= 3
    assert_no_overlapping_polls(polls)
    assert_each_mention_once(expected)
    print(f"{len(polls)} polls by {WORKERS} worker processes, {len(mentions())} mentions")


def _brand_ids(ids: list[list[int]]) -> list[int]:
    with session_scope() as session:
        return [_brand_of(session, row[0]) for row in ids]


def _brand_of(session: Any, source_id: int) -> int:
    source = session.get(Source, source_id)
    assert source is not None
    return int(source.brand_id)


@pytest.mark.parametrize("task", ["source.poll", "sources.poll_batch"])
def test_a_worker_killed_mid_poll_loses_and_doubles_nothing(
    task: str,
    db: str,
    postgres_url: str,
    redis_url: str,
    farm: Farm,
    cluster: tuple[Process, Celery],
) -> None:
    worker, app = cluster
    normal = [f"k/{n}.xml" for n in range(6)]
    for n, path in enumerate(normal):  # overlapping the slow feeds' articles
        farm.write(path, list(range(5000 + n * 7, 5000 + n * 7 + ENTRIES)))
    slow = [f"slow/{n}.xml" for n in range(WORKERS)]
    [ids] = make_brands(1, [[farm.url(p) for p in slow + normal]])
    slow_ids = set(ids[: len(slow)])
    if task == "source.poll":
        for source_id in ids:  # the slow ones first: each worker process takes one
            app.send_task("source.poll", args=[source_id])
    else:  # the scheduler's batches, a slow feed in each: a kill loses the whole batch
        others = ids[len(slow) :]
        for n, slow_id in enumerate(ids[: len(slow)]):
            app.send_task("sources.poll_batch", args=[[slow_id, *others[n :: len(slow)]]])

    killed = _kill_processes_polling(app, slow_ids)
    assert killed, "no poll of a slow feed was seen running"
    wait_drained(redis_url, timeout=90, worker=worker)

    polls = attempts()
    assert {p.source_id for p in polls if p.ok} == set(ids), worker.output()[-4000:]
    assert_no_overlapping_polls(polls)
    keys = {k for n in range(WORKERS) for k in range(5000 + n * 10, 5000 + n * 10 + ENTRIES)}
    keys |= {k for n in range(len(normal)) for k in range(5000 + n * 7, 5000 + n * 7 + ENTRIES)}
    assert_each_mention_once({_brand_ids([ids])[0]: {url_of(k) for k in keys}})
    print(f"killed {len(killed)} worker processes mid-poll; all {len(keys)} mentions once")


def _kill_processes_polling(app: Celery, source_ids: set[int]) -> list[int]:
    """SIGKILL every worker process that is polling one of `source_ids`, once they all are
    (or after 10 s, those that are)."""
    deadline = time.monotonic() + 10
    pids: dict[int, int] = {}
    while time.monotonic() < deadline and len(pids) < len(source_ids):
        for tasks in (app.control.inspect(timeout=1).active() or {}).values():
            for task in tasks:
                polled = task["args"][0] if task["name"] == "sources.poll_batch" else task["args"]
                for source_id in set(polled) & source_ids:
                    pids[source_id] = task["worker_pid"]
    time.sleep(0.5)  # well into the slow answer
    for pid in set(pids.values()):
        os.kill(pid, signal.SIGKILL)
    return sorted(set(pids.values()))


def test_the_host_rate_limit_is_shared_by_the_worker_processes(
    db: str, postgres_url: str, redis_url: str, farm: Farm, cluster: tuple[Process, Celery]
) -> None:
    worker, app = cluster
    paths = [f"r/{n}.xml" for n in range(40)]
    for n, path in enumerate(paths):
        farm.write(path, [9000 + n])
    [ids] = make_brands(1, [[farm.url(p, host=RATE_LIMITED_HOST) for p in paths]])
    for source_id in ids:
        app.send_task("source.poll", args=[source_id])
    wait_drained(redis_url, timeout=60, worker=worker)

    polls = attempts()
    assert len(polls) == len(ids) and all(p.ok for p in polls), worker.output()[-4000:]
    done = sorted(p.finished_at.timestamp() for p in polls)
    busiest = max(sum(1 for t in done if start <= t < start + 1.0) for start in done)
    # One bucket for all 4 processes: 10 requests a second (+1 burst, +2 for timing jitter);
    # a bucket per process would let about 40 through in the first second.
    assert busiest <= RATE + 3, busiest
    assert done[-1] - done[0] >= (len(ids) - 2) / RATE - 0.5


def test_polling_resumes_after_redis_restarts_and_stores_nothing_twice(
    db: str, postgres_url: str, redis_url: str, farm: Farm, tmp_path: Path
) -> None:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed: this test restarts a Redis of its own")
    own = RedisServer(tmp_path)
    own.start()
    try:
        _poll_through_a_redis_restart(own, farm, postgres_url, tmp_path)
    finally:
        own.kill()


def _poll_through_a_redis_restart(
    own: RedisServer, farm: Farm, database_url: str, tmp_path: Path
) -> None:
    paths = [f"restart/{n}.xml" for n in range(30)]
    for n, path in enumerate(paths):
        farm.write(path, list(range(7000 + n * 5, 7000 + n * 5 + ENTRIES)))
    [ids] = make_brands(1, [[farm.url(p) for p in paths]], interval=2)
    env = worker_env(
        database_url,
        own.url,
        tmp_path,
        ESCUCHA_SCHEDULER_TICK_SECONDS="0.5",
        ESCUCHA_HOST_RATE_LIMITS='{"127.0.0.1": 1000}',  # the limiter's Redis restarts too
    )
    worker = start_worker(env, tmp_path)
    beat = Process(["beat"], env=env, cwd=tmp_path)
    try:
        _wait_polled(ids, since=datetime.min.replace(tzinfo=UTC), times=2, worker=worker)
        for _restart in range(2):  # each restart catches the worker in a different state
            own.kill()
            time.sleep(2)
            own.start()
            _wait_polled(ids, since=utcnow(), times=1, worker=worker)
        for n, path in enumerate(paths):  # new articles after the restarts
            farm.write(path, list(range(7000 + n * 5, 7000 + n * 5 + ENTRIES + 10)))
        _wait_polled(ids, since=utcnow(), times=1, worker=worker)
        assert worker.popen.poll() is None, "the worker exited"
        assert beat.popen.poll() is None, "the scheduler exited"
    finally:
        stop(beat)
        stop(worker)
    keys = {k for n in range(30) for k in range(7000 + n * 5, 7000 + n * 5 + ENTRIES + 10)}
    assert_each_mention_once({_brand_ids([ids])[0]: {url_of(k) for k in keys}})
    assert_no_overlapping_polls(attempts())
    print(f"Redis restarted under {len(attempts())} polls; {len(keys)} mentions, each once")


def _wait_polled(ids: list[int], *, since: datetime, times: int, worker: Process) -> None:
    def polled() -> bool:
        count: dict[int, int] = defaultdict(int)
        for poll in attempts():
            if poll.ok and poll.started_at > since:
                count[poll.source_id] += 1
        return all(count[source_id] >= times for source_id in ids)

    try:
        wait_for(polled, timeout=60, what=f"{times} polls of every source")
    except AssertionError as exc:
        raise AssertionError(f"{exc}\nworker output:\n{worker.output()[-4000:]}") from None
