"""Start Escucha's own commands as real processes, and wait for what they print or serve."""

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import httpx

T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def clean_env(**settings: str) -> dict[str, str]:
    """The parent's environment without any ESCUCHA_ setting, plus the given ones."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ESCUCHA_")}
    env.update(settings)
    return env


class Process:
    """A child process whose combined output is collected line by line."""

    def __init__(self, args: list[str], *, env: dict[str, str], cwd: Path) -> None:
        self.lines: list[str] = []
        self.popen = subprocess.Popen(
            [sys.executable, "-m", "cli.main", *args],
            env=env,
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.popen.stdout is not None
        for line in self.popen.stdout:
            self.lines.append(line.rstrip("\n"))

    def output(self) -> str:
        return "\n".join(self.lines)

    def stop(self, timeout: float = 30) -> int:
        if self.popen.poll() is None:
            self.popen.terminate()
        try:
            return self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait()
            raise


def wait_for(check: Callable[[], T | None], *, timeout: float, what: str) -> T:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result is not None and result is not False:
            return result
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def wait_healthy(base_url: str, *, timeout: float = 60) -> None:
    def healthy() -> bool:
        try:
            return httpx.get(f"{base_url}/healthz", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    wait_for(healthy, timeout=timeout, what=f"{base_url}/healthz")
