"""The dashboard's Situation overview at scale: server time, first contentful paint, bytes.

    python -m benchmarks.dashboard --url postgresql://postgres@127.0.0.1:5432/bench

On a database filled by benchmarks.generate, for the loudest brand and `?days=90`:
- server: the page and everything it loads (the HTML, which carries the charts as inline
  SVG and needs no data call, plus its stylesheet and icon) over HTTP from uvicorn in a child
  process, signed in through the login form, a keep-alive client asking for gzip: `--rounds`
  times after 3 of warm-up, p50 and p95 in ms. In the same run, for scale: the two API calls
  a client-side dashboard would make for the same figures (situation and trends, 90 days);
- paint: first contentful paint in headless Chromium (Debian's, through Playwright), a fresh
  browser context (empty cache) every round, from the Performance API, and the part of it
  after the HTML's first byte (the browser's own work, without the server's);
- bytes: what that first load transferred (navigation plus resources, `transferSize`,
  compressed as sent), and the HTML's size before compression.
"""

import argparse
import re
import statistics
import time
from collections.abc import Callable
from contextlib import ExitStack
from datetime import timedelta

import httpx
from sqlmodel import Session

from benchmarks.export import api_key, api_server
from benchmarks.reports import _loudest
from core.db import build_engine, normalize_database_url

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
ASSETS = ("/static/app.css", "/static/favicon.svg")
# The paint entry may be recorded after `load`: wait for it (buffered observer).
FCP_JS = """new Promise(resolve => {
  const seen = performance.getEntriesByName('first-contentful-paint')[0];
  if (seen) { resolve(seen.startTime); return; }
  new PerformanceObserver(list => {
    for (const e of list.getEntries())
      if (e.name === 'first-contentful-paint') resolve(e.startTime);
  }).observe({type: 'paint', buffered: true});
})"""


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[round(0.95 * (len(ordered) - 1))]


def _timed(rounds: int, function: Callable[[], object]) -> tuple[float, float]:
    samples = []
    for index in range(rounds + 3):
        began = time.perf_counter()
        function()
        if index >= 3:
            samples.append((time.perf_counter() - began) * 1000)
    return _percentiles(samples)


def _sign_in(client: httpx.Client, key: str) -> str:
    form = client.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert token is not None
    answer = client.post("/login", data={"api_key": key, "csrf_token": token.group(1)})
    assert answer.status_code in (200, 303), answer.status_code
    return client.cookies["escucha_session"]


def _first_load(client: httpx.Client, path: str) -> None:
    page = client.get(path)
    assert page.status_code == 200, page.status_code
    for asset in ASSETS:
        assert client.get(asset).status_code == 200


def _paint(
    base_url: str, cookie: str, path: str, rounds: int
) -> tuple[list[float], list[float], int]:
    from playwright.sync_api import sync_playwright

    paints: list[float] = []
    after_first_byte: list[float] = []
    transferred = 0
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for _ in range(rounds + 1):
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            context.add_cookies([{"name": "escucha_session", "value": cookie, "url": base_url}])
            page = context.new_page()
            page.goto(base_url + path, wait_until="load")
            fcp = page.evaluate(FCP_JS)
            transferred = int(
                page.evaluate(
                    "performance.getEntriesByType('navigation')[0].transferSize + "
                    "performance.getEntriesByType('resource')"
                    ".reduce((sum, r) => sum + r.transferSize, 0)"
                )
            )
            first_byte = page.evaluate(
                "performance.getEntriesByType('navigation')[0].responseStart"
            )
            paints.append(float(fcp))
            after_first_byte.append(float(fcp) - float(first_byte))
            context.close()
        browser.close()
    return paints[1:], after_first_byte[1:], transferred


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--paint-rounds", type=int, default=10)
    args = parser.parse_args()
    engine = build_engine(normalize_database_url(args.url))
    with ExitStack() as stack:
        session = stack.enter_context(Session(engine))
        brand_id, workspace_id, timezone, now = _loudest(session.connection())
        session.close()
        key = api_key(args.url, workspace_id)
        server = stack.enter_context(api_server(args.url))
        client = stack.enter_context(
            httpx.Client(base_url=server.base_url, timeout=60, follow_redirects=True)
        )
        cookie = _sign_in(client, key)
        path = f"/brands/{brand_id}?days=90"
        page = client.get(path)
        html = page.text
        print(f"brand {brand_id} ({timezone}), 90 days, {args.rounds} rounds")
        print(f"HTML: {len(html.encode()):,} bytes, {page.headers.get('content-encoding')}")
        p50, p95 = _timed(args.rounds, lambda: _first_load(client, path))
        print(f"server, page + assets: p50 {p50:.1f} ms, p95 {p95:.1f} ms")
        page_only = _timed(args.rounds, lambda: client.get(path))
        print(f"server, page alone:    p50 {page_only[0]:.1f} ms, p95 {page_only[1]:.1f} ms")
        headers = {"Authorization": f"Bearer {key}"}
        since = (now - timedelta(days=90)).isoformat()
        window = {"since": since, "until": now.isoformat()}

        def api_calls() -> None:
            client.get(f"/v1/brands/{brand_id}/situation", params=window, headers=headers)
            client.get(
                f"/v1/brands/{brand_id}/trends",
                params={**window, "interval": "day"},
                headers=headers,
            )

        api = _timed(args.rounds, api_calls)
        print(f"API situation + trends (same run): p50 {api[0]:.1f} ms, p95 {api[1]:.1f} ms")
        paints, client_side, transferred = _paint(server.base_url, cookie, path, args.paint_rounds)
        f50, f95 = _percentiles(paints)
        print(f"first contentful paint: p50 {f50:.0f} ms, p95 {f95:.0f} ms ({len(paints)} loads)")
        c50, c95 = _percentiles(client_side)
        print(f"  of which after the first byte (the browser's part): p50 {c50:.0f}, p95 {c95:.0f}")
        print(f"first load transferred: {transferred:,} bytes")


if __name__ == "__main__":
    main()
