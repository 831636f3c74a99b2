"""What a process builds once and shares between its threads: the HTTP client every fetch
and webhook goes through, and the thread pool polls fetch on.

A forked process must not use its parent's (their sockets and threads stay behind in the
parent): the worker's one `worker_process_init` hook calls `reset_process_resources`, and
a process forked some other way gets fresh ones on first use, as the owner's pid changed.
"""

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from threading import Lock

import httpx

from core.db import reset_engine
from core.settings import get_settings
from sources.http import make_client


@dataclass(frozen=True)
class _Resources:
    client: httpx.Client
    fetch_pool: ThreadPoolExecutor
    pid: int


_current: _Resources | None = None
_lock = Lock()


def http_client() -> httpx.Client:
    """The process's pooled HTTP client (SSRF guard, host rate limits, no cookies)."""
    return _resources().client


def fetch_pool() -> ThreadPoolExecutor:
    """ESCUCHA_POLL_FETCH_THREADS threads for the network part of polls."""
    return _resources().fetch_pool


def _resources() -> _Resources:
    global _current
    current = _current
    if current is not None and current.pid == os.getpid():
        return current
    with _lock:
        if _current is None or _current.pid != os.getpid():
            settings = get_settings()
            _current = _Resources(
                client=make_client(settings),
                fetch_pool=ThreadPoolExecutor(
                    settings.poll_fetch_threads, thread_name_prefix="fetch"
                ),
                pid=os.getpid(),
            )
        return _current


def reset_process_resources() -> None:
    """Drop what this process inherited (a forked child): the database pool, the HTTP
    client and the fetch threads are built again on first use."""
    global _current
    with _lock:
        _current = None
    reset_engine(close=False)
