"""The docker-compose shape on real PostgreSQL and Redis: `escucha migrate`, `escucha api`
and `escucha worker` as separate processes configured only through ESCUCHA_ variables; the
worker consumes polls from Redis."""

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.feed_server import FeedServer
from tests.support.journey import run_journey
from tests.support.processes import Process, clean_env, free_port, wait_healthy
from tests.support.services import wipe_redis


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    with FeedServer() as server:
        yield server


def escucha(args: list[str], env: dict[str, str], cwd: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "cli.main", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_api_and_worker_on_postgres_and_redis(
    db: str, postgres_url: str, redis_url: str, tmp_path: Path, feeds: FeedServer
) -> None:
    env = clean_env(
        ESCUCHA_DATABASE_URL=postgres_url,
        ESCUCHA_BROKER_URL=redis_url,
        ESCUCHA_REDIS_URL=redis_url,
        ESCUCHA_ALLOW_PRIVATE_HOSTS="true",
        ESCUCHA_DATA_DIR=str(tmp_path / "data"),
    )
    assert "latest schema" in escucha(["migrate"], env, tmp_path)
    created = json.loads(
        escucha(["workspace", "create", "Acme marketing", "--json"], env, tmp_path)
    )
    assert set(created) == {"workspace_id", "api_key"}
    port = free_port()
    api = Process(["api", "--port", str(port)], env=env, cwd=tmp_path)
    wipe_redis(redis_url)  # no task an earlier worker left queued runs in this one
    worker = Process(["worker", "--concurrency", "2"], env=env, cwd=tmp_path)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_healthy(base)
        headers = {"Authorization": f"Bearer {created['api_key']}"}
        with httpx.Client(base_url=base, headers=headers) as client:
            assert client.get("/readyz").json()["broker"] == "ok"
            result = run_journey(client, feeds)
        print(f"PostgreSQL + Redis: poll to mentions visible in {result.seconds_to_mentions:.2f} s")
        assert "source.poll" in worker.output()
    finally:
        worker.stop()
        api.stop()


def test_key_create_for_a_missing_workspace_fails_clearly(db: str, tmp_path: Path) -> None:
    env = clean_env(ESCUCHA_DATABASE_URL=db, ESCUCHA_DATA_DIR=str(tmp_path))
    done = subprocess.run(
        [sys.executable, "-m", "cli.main", "key", "create", "--workspace", "999"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1 and "workspace 999 does not exist" in done.stderr
