"""The newcomer's journey over HTTP only: add a brand and a Google Alerts feed, poll now,
see mentions and a trend, poll again and see nothing new. Shared by the end-to-end tests."""

import time
from dataclasses import dataclass

import httpx

from tests.support.feed_server import FeedServer
from tests.support.processes import wait_for
from tests.support.scenario import MATCHING, alerts_feed

FEED_PATH = "/alerts/feeds/06211843502736001234/9876543210123456789"


@dataclass(frozen=True)
class JourneyResult:
    seconds_to_mentions: float
    brand_id: int
    source_id: int


def poll_and_wait(api: httpx.Client, source_id: int, *, after_polls: int) -> dict[str, object]:
    assert api.post(f"/v1/sources/{source_id}/poll").status_code == 202

    def polled() -> dict[str, object] | None:
        source: dict[str, object] = api.get(f"/v1/sources/{source_id}").json()
        attempts = source["last_polled_at"] is not None
        return source if attempts and _polls(api, source_id) >= after_polls else None

    return wait_for(polled, timeout=60, what=f"poll {after_polls} of source {source_id}")


def _polls(api: httpx.Client, source_id: int) -> int:
    metrics = api.get("/metrics").text
    return sum(
        int(float(line.rsplit(" ", 1)[1]))
        for line in metrics.splitlines()
        if line.startswith("escucha_polls_total{")
    )


def run_journey(api: httpx.Client, feeds: FeedServer) -> JourneyResult:
    feeds.serve(FEED_PATH, alerts_feed(), content_type="application/atom+xml", etag='"a1"')
    brand = api.post(
        "/v1/brands",
        json={"name": "Lumbre", "query": "lumbre", "timezone": "America/Monterrey"},
    )
    assert brand.status_code == 201, brand.text
    brand_id = brand.json()["id"]
    source = api.post(
        f"/v1/brands/{brand_id}/sources",
        json={"kind": "google_alerts", "url": feeds.url(FEED_PATH)},
    )
    assert source.status_code == 201, source.text
    source_id = source.json()["id"]

    started = time.monotonic()
    assert api.post(f"/v1/sources/{source_id}/poll").status_code == 202

    def mentions() -> list[dict[str, object]] | None:
        items: list[dict[str, object]] = api.get(f"/v1/mentions?brand_id={brand_id}").json()[
            "items"
        ]
        return items if len(items) >= MATCHING else None

    items = wait_for(mentions, timeout=60, what="mentions through the API")
    elapsed = time.monotonic() - started
    assert len(items) == MATCHING
    assert {item["domain"] for item in items} == {
        "elnorte.example",
        "blog.example.com",
        "foro.example.net",
    }

    state = poll_and_wait(api, source_id, after_polls=2)
    assert state["status"] == "ok" and state["mentions_found"] == MATCHING
    assert len(api.get(f"/v1/mentions?brand_id={brand_id}").json()["items"]) == MATCHING

    trend = api.get(
        f"/v1/brands/{brand_id}/trends?interval=day"
        "&since=2026-11-20T06:00:00Z&until=2026-11-23T06:00:00Z"
    ).json()
    assert [b["mentions"] for b in trend["buckets"]] == [1, 1, 1]
    assert [b["negative"] for b in trend["buckets"]] == [0, 0, 1]
    return JourneyResult(elapsed, brand_id, source_id)
