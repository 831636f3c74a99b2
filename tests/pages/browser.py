"""A live server on 127.0.0.1, Debian's Chromium driven by Playwright, and a watch on
what a page does (console errors, dialogs, requests that leave this machine)."""

import os
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import uvicorn

from tests.support.processes import free_port

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WIDTHS = (1280, 390)


def chromium_path() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        reason = "chromium is not installed (apt-get install -y chromium)"
        if os.environ.get("ESCUCHA_TEST_REQUIRE_SERVICES") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    return found


@contextmanager
def live_server() -> Iterator[str]:
    """The whole application (API and pages) served by uvicorn in a thread."""
    from api.app import create_app

    port = free_port()
    config = uvicorn.Config(
        create_app(), host="127.0.0.1", port=port, log_level="warning", access_log=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise AssertionError("the live server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@dataclass
class Watch:
    """Everything a page did that a safe page never does."""

    console_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)

    def attach(self, page: object) -> None:
        from playwright.sync_api import ConsoleMessage, Dialog, Page, Request

        assert isinstance(page, Page)

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                self.console_errors.append(message.text)

        def on_dialog(dialog: Dialog) -> None:
            self.dialogs.append(dialog.message)
            dialog.dismiss()

        def on_request(request: Request) -> None:
            host = urlsplit(request.url).hostname or ""
            if request.url.startswith(("http://", "https://")) and host != "127.0.0.1":
                self.outside_requests.append(request.url)

        page.on("console", on_console)
        page.on("dialog", on_dialog)
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.on("request", on_request)

    def assert_clean(self) -> None:
        assert self.dialogs == [], self.dialogs
        assert self.page_errors == [], self.page_errors
        assert self.console_errors == [], self.console_errors
        assert self.outside_requests == [], self.outside_requests


def screenshots(page: object, name: str) -> list[Path]:
    """The page as it is now, full length, at 1280 and 390 pixels wide."""
    from playwright.sync_api import Page

    assert isinstance(page, Page)
    ARTIFACTS.mkdir(exist_ok=True)
    taken = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.reload()
        target = ARTIFACTS / f"page_{name}_{width}.png"
        page.screenshot(path=str(target), full_page=True)
        taken.append(target)
    page.set_viewport_size({"width": 1280, "height": 900})
    return taken
