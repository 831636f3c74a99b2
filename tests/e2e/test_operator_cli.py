"""What an operator meets at the terminal: a port already taken, the one-time key not
scrolled away by the scheduler, `escucha poll` from a second shell with up's settings (and,
without them, a clear message and no failure written into the source), `./dev.sh escucha`."""

import re
import socket
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.feed_server import FeedServer
from tests.support.processes import Process, clean_env, free_port, wait_for, wait_healthy
from tests.support.scenario import alerts_feed

ROOT = Path(__file__).resolve().parents[2]
FEED = "/alerts/feeds/1/2"
# Printed by Celery only when it runs as root (CI containers): not Escucha's to quieten.
ROOT_WARNING = re.compile(
    r"SecurityWarning|superuser privileges|absolutely not recommended|--uid option"
    r"|User information: uid=0|_warn_or_raise_security_error"
)


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    with FeedServer() as server:
        yield server


def run_cli(*args: str, cwd: Path, **settings: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "-m", "cli.main", *args],
        cwd=cwd,
        env=clean_env(**settings),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def source_state(data: Path, source_id: int) -> tuple[int, str | None, str]:
    with sqlite3.connect(data / ".escucha" / "escucha.db") as db:
        row = db.execute(
            "SELECT consecutive_failures, last_error, status FROM source WHERE id = ?",
            (source_id,),
        ).fetchone()
    return int(row[0]), row[1], str(row[2])


@pytest.mark.parametrize("command", ["up", "api"])
def test_a_port_in_use_is_named_with_the_way_to_choose_another(
    tmp_path: Path, command: str
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = run_cli(command, "--port", str(port), cwd=tmp_path)
    assert done.returncode == 1
    assert f"port {port} on 127.0.0.1 is already in use" in done.stderr
    assert f"./dev.sh up --port {port + 1}" in done.stderr
    assert "Errno" not in done.stderr and "Traceback" not in done.stderr


def test_up_stays_quiet_and_a_second_shell_polls_with_its_settings(
    tmp_path: Path, feeds: FeedServer
) -> None:
    feeds.serve(FEED, alerts_feed(), content_type="application/atom+xml")
    port = free_port()
    settings = {"ESCUCHA_ALLOW_PRIVATE_HOSTS": "true", "ESCUCHA_SCHEDULER_TICK_SECONDS": "2"}
    up = Process(["up", "--port", str(port)], env=clean_env(**settings), cwd=tmp_path)
    started = time.monotonic()
    try:
        key = wait_for(
            lambda: re.search(r"esk_[\w-]{20,}", up.output()), timeout=90, what="the API key"
        ).group(0)
        base = f"http://127.0.0.1:{port}"
        wait_healthy(base, timeout=90)
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}) as api:
            brand = api.post("/v1/brands", json={"name": "Lumbre", "query": "lumbre"}).json()
            source = api.post(
                f"/v1/brands/{brand['id']}/sources",
                json={"kind": "google_alerts", "url": feeds.url(FEED)},
            ).json()
        assert (tmp_path / ".escucha" / "up.json").stat().st_mode & 0o077 == 0
        # Another shell: none of up's variables, the same folder.
        second = run_cli("poll", "--source", str(source["id"]), cwd=tmp_path)
        assert second.returncode == 0, second.stdout + second.stderr
        assert f"source {source['id']}: ok" in second.stdout
        time.sleep(max(0.0, 20 - (time.monotonic() - started)))  # 10 ticks at least
        lines = up.output().splitlines()
        after_key = [
            line
            for line in lines[next(i for i, line in enumerate(lines) if key in line) :]
            if line.strip() and not ROOT_WARNING.search(line)
        ]
        assert len(after_key) <= 25, "\n".join(after_key)
        assert not any("Sending due task" in line or "succeeded in" in line for line in lines)
    finally:
        assert up.stop(timeout=40) == 0, up.output()[-3000:]
    assert not (tmp_path / ".escucha" / "up.json").exists()
    before = source_state(tmp_path, source["id"])
    assert before[0] == 0 and before[1] is None
    # up has stopped: this shell alone does not allow loopback feeds.
    alone = run_cli("poll", "--source", str(source["id"]), cwd=tmp_path)
    assert alone.returncode == 1
    assert "not polled" in alone.stdout and "ESCUCHA_ALLOW_PRIVATE_HOSTS=true" in alone.stdout
    assert source_state(tmp_path, source["id"]) == before  # nothing written into the source
    # The same setting from a .env beside the data folder.
    (tmp_path / ".env").write_text("ESCUCHA_ALLOW_PRIVATE_HOSTS=true\n")
    from_file = run_cli("poll", "--source", str(source["id"]), cwd=tmp_path)
    assert f"source {source['id']}: ok" in from_file.stdout, from_file.stdout + from_file.stderr


def test_dev_sh_passes_escucha_commands_through() -> None:
    done = subprocess.run(
        [str(ROOT / "dev.sh"), "escucha", "poll", "--help"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "--brand" in done.stdout and "--source" in done.stdout
