"""Render HTML in headless Chromium and keep the screenshot under tests/artifacts/."""

import os
import shutil
import struct
import subprocess
import tempfile
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def chromium_binary() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def screenshot(html: str, name: str, *, width: int = 800, height: int = 1200) -> Path:
    """Write `html` to a file, have Chromium render it, and keep tests/artifacts/<name>.png.

    Skips (with the reason) when Chromium is missing, unless ESCUCHA_TEST_REQUIRE_SERVICES=1,
    where a missing Chromium fails the test."""
    binary = chromium_binary()
    if binary is None:
        reason = "chromium is not installed (apt-get install -y chromium); screenshot not taken"
        if os.environ.get("ESCUCHA_TEST_REQUIRE_SERVICES") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / f"{name}.png"
    with tempfile.TemporaryDirectory(prefix="escucha-chromium-") as folder:
        page = Path(folder) / f"{name}.html"
        page.write_text(html, encoding="utf-8")
        command = [
            binary,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            f"--user-data-dir={Path(folder) / 'profile'}",
            f"--screenshot={target}",
            f"--window-size={width},{height}",
            page.as_uri(),
        ]
        done = subprocess.run(command, capture_output=True, timeout=120, check=False)
    assert done.returncode == 0 and target.exists(), done.stderr.decode(errors="replace")[-2000:]
    assert png_size(target.read_bytes()) == (width, height)
    return target
