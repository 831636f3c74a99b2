"""`escucha up` on its embedded defaults (SQLite, the filesystem broker, no Redis), started
as a real process on a free port, driven over HTTP only, then stopped with SIGTERM."""

import re
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.feed_server import FeedServer
from tests.support.journey import run_journey
from tests.support.processes import Process, clean_env, free_port, wait_for, wait_healthy


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    with FeedServer() as server:
        yield server


def test_escucha_up_serves_the_whole_journey_and_stops_cleanly(
    tmp_path: Path, feeds: FeedServer
) -> None:
    port = free_port()
    env = clean_env(ESCUCHA_ALLOW_PRIVATE_HOSTS="true", ESCUCHA_SCHEDULER_TICK_SECONDS="2")
    up = Process(["up", "--port", str(port)], env=env, cwd=tmp_path)
    try:
        key = wait_for(
            lambda: re.search(r"esk_[\w-]{20,}", up.output()), timeout=60, what="the API key"
        ).group(0)
        assert "curl" in up.output() and "/v1/brands" in up.output()
        base = f"http://127.0.0.1:{port}"
        assert f"dashboard at {base}/ and sign in with this key" in up.output()
        wait_healthy(base)
        with httpx.Client(base_url=base) as browser:
            assert browser.get("/").headers["location"].startswith("/login")
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}) as api:
            assert api.get("/readyz").json() == {"status": "ok", "database": "ok", "broker": "ok"}
            result = run_journey(api, feeds)
        print(f"embedded mode: poll to mentions visible in {result.seconds_to_mentions:.2f} s")
        assert (tmp_path / ".escucha" / "escucha.db").exists()
    finally:
        started = time.monotonic()
        code = up.stop(timeout=40)
    assert code == 0, up.output()[-3000:]
    assert time.monotonic() - started < 30


def test_a_second_start_keeps_the_data_and_prints_no_new_key(tmp_path: Path) -> None:
    port = free_port()
    env = clean_env()
    for attempt in range(2):
        up = Process(["up", "--port", str(port)], env=env, cwd=tmp_path)
        try:
            wait_healthy(f"http://127.0.0.1:{port}")
        finally:
            assert up.stop(timeout=40) == 0, up.output()[-3000:]
        keys = set(re.findall(r"esk_[\w-]{20,}", up.output()))
        assert len(keys) == (1 if attempt == 0 else 0)
