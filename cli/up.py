"""`escucha up`: the API, a worker and the scheduler as child processes, stopped together."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType

import typer

from core.db import session_scope
from core.migrate import upgrade_to_head
from core.settings import UP_JSON_FILE, Settings, get_settings
from services.workspaces import ensure_default_workspace

CHILD_STOP_SECONDS = 15


def _welcome(api_key: str, workspace_id: int, base: str) -> str:
    return f"""
Escucha is starting with a fresh workspace (id {workspace_id}).
Your API key, shown only this once:

    {api_key}

Open the dashboard at {base}/ and sign in with this key: there you add a brand, its
sources (a feed, Google Alerts, Reddit, ...) and see what is said about it.

Or with the API. Add a brand:

    curl -s -X POST {base}/v1/brands -H "Authorization: Bearer {api_key}" \\
      -H "Content-Type: application/json" \\
      -d '{{"name": "Acme", "query": "acme -acmeville", "timezone": "America/Mexico_City"}}'

Add a Google Alerts feed to it (brand id 1 here; create the alert with "Deliver to: RSS feed"):

    curl -s -X POST {base}/v1/brands/1/sources -H "Authorization: Bearer {api_key}" \\
      -H "Content-Type: application/json" \\
      -d '{{"kind": "google_alerts", "url": "https://www.google.com/alerts/feeds/..."}}'

Then: {base}/v1/mentions?brand_id=1 and {base}/docs
"""


def _spawn(*args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "cli.main", *args])


def write_up_json(settings: Settings) -> Path:
    """Keep the ESCUCHA_ variables up was started with where other shells' commands read
    them (core.settings); only the owner may read the file (it may hold secrets)."""
    path = settings.data_dir / UP_JSON_FILE
    values = {k: v for k, v in sorted(os.environ.items()) if k.startswith("ESCUCHA_")}
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(values, handle, indent=1)
    return path


def run_up(*, host: str, port: int) -> int:
    settings = get_settings()
    upgrade_to_head(settings.resolved_database_url())
    with session_scope() as session:
        new = ensure_default_workspace(session)
    if new is not None:
        typer.echo(_welcome(new.api_key, new.workspace_id, f"http://{host}:{port}"))
    up_json = write_up_json(settings)
    try:
        return _run_children(host, port)
    finally:
        up_json.unlink(missing_ok=True)


def _run_children(host: str, port: int) -> int:
    children = [
        _spawn("api", "--host", host, "--port", str(port)),
        _spawn("worker", "--pool", "threads", "--quiet"),
        _spawn("beat", "--quiet"),
    ]
    stopping = False

    def stop(_signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    code = 0
    while not stopping:
        for child in children:
            if child.poll() is not None:
                typer.echo(
                    f"a part of Escucha exited (code {child.returncode}); stopping", err=True
                )
                stopping, code = True, 1
        time.sleep(0.2)
    _stop_all(children)
    return code


def _stop_all(children: list[subprocess.Popen[bytes]]) -> None:
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + CHILD_STOP_SECONDS
    for child in children:
        try:
            child.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            os.kill(child.pid, signal.SIGKILL)
            child.wait()
