"""Export at scale: stream every mention of the benchmark workspace through the real API
(uvicorn in a child process) as CSV and NDJSON, and report rows, time and the server's
resident memory: before, peak (sampled every 100 ms, and the kernel's high-water mark) and
after.

    python -m benchmarks.export --url postgresql://postgres@127.0.0.1:5432/bench
"""

import argparse
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
from sqlalchemy import text

from core.db import build_engine, normalize_database_url


@dataclass
class Server:
    base_url: str
    pid: int

    def memory_kb(self, field: str = "VmRSS") -> int:
        with open(f"/proc/{self.pid}/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
        raise RuntimeError(f"{field} not found")

    def reset_peak(self) -> None:
        """Reset VmHWM to the current RSS (Linux 4.0+: write 5 to clear_refs)."""
        with open(f"/proc/{self.pid}/clear_refs", "w") as refs:
            refs.write("5")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def api_server(database_url: str) -> Iterator[Server]:
    port = _free_port()
    env = {**os.environ, "ESCUCHA_DATABASE_URL": database_url, "ESCUCHA_LOG_LEVEL": "WARNING"}
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "api.app:app", "--port", str(port),
         "--log-level", "warning", "--no-access-log"],
        env=env,
    )  # fmt: skip
    base_url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(base_url + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        yield Server(base_url, process.pid)
    finally:
        process.terminate()
        process.wait(timeout=30)


def api_key(database_url: str, workspace_id: int) -> str:
    os.environ["ESCUCHA_DATABASE_URL"] = database_url
    from core.db import session_scope
    from core.settings import get_settings
    from services.workspaces import create_key

    get_settings.cache_clear()
    with session_scope() as session:
        return create_key(session, workspace_id=workspace_id).api_key


def _export(server: Server, key: str, fmt: str) -> str:
    samples: list[int] = []
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.1):
            samples.append(server.memory_kb())

    before = server.memory_kb()
    server.reset_peak()
    sampler = threading.Thread(target=sample)
    sampler.start()
    lines = size = 0
    began = time.perf_counter()
    headers = {"Authorization": f"Bearer {key}"}
    with httpx.stream(
        "GET", f"{server.base_url}/v1/mentions/export?format={fmt}", headers=headers, timeout=None
    ) as response:
        response.raise_for_status()
        for chunk in response.iter_bytes():
            size += len(chunk)
            lines += chunk.count(b"\n")
    elapsed = time.perf_counter() - began
    done.set()
    sampler.join()
    rows = lines - 1 if fmt == "csv" else lines  # the CSV header
    peak = max([*samples, server.memory_kb("VmHWM")])
    return (
        f"| {fmt:6} | {rows:,} | {size / 1e6:,.0f} MB | {elapsed:,.0f} s | {rows / elapsed:,.0f} "
        f"| {before / 1024:,.0f} MB | {peak / 1024:,.0f} MB | {server.memory_kb() / 1024:,.0f} MB |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", required=True)
    args = parser.parse_args()
    url = normalize_database_url(args.url)
    with build_engine(url).connect() as connection:
        workspace_id = int(connection.execute(text("SELECT min(id) FROM workspace")).scalar_one())
    key = api_key(args.url, workspace_id)
    with api_server(args.url) as server:
        print("| format | rows | bytes | time | rows/s | RSS before | RSS peak | RSS after |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        for fmt in ("csv", "ndjson"):
            print(_export(server, key, fmt), flush=True)


if __name__ == "__main__":
    main()
