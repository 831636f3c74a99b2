"""Relevance end to end, as docker-compose runs it: `escucha api` and `escucha worker` on
PostgreSQL and Redis, a feed on a local server. The user marks mentions; a few seconds
later the worker has trained the brand's model (once for a burst of marks), hidden the
unmarked off-topic mentions, and hides new off-topic ones as the next poll stores them."""

import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from models.types import utcnow
from tests.api.test_relevance import BEER, VIRUS
from tests.support.feed_server import FeedServer
from tests.support.feeds import Entry, rss2
from tests.support.journey import poll_and_wait
from tests.support.processes import Process, clean_env, free_port, wait_for, wait_healthy
from tests.support.services import wipe_redis

FEED = "/corona/feed.xml"
NOW = utcnow()


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    with FeedServer() as server:
        yield server


def entries(texts: list[str], host: str, start: int = 0) -> list[Entry]:
    return [
        Entry(
            title=text,
            link=f"https://{host}/{start + n}",
            published=NOW - timedelta(hours=2, minutes=start + n),
        )
        for n, text in enumerate(texts)
    ]


def escucha(args: list[str], env: dict[str, str], cwd: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "cli.main", *args],
        env=env, cwd=cwd, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def listed(api: httpx.Client, brand_id: int, hidden: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = api.get(
        f"/v1/mentions?brand_id={brand_id}&hidden={hidden}&limit=500"
    ).json()["items"]
    return items


def counted(items: list[dict[str, Any]], size: int) -> list[dict[str, Any]] | None:
    return items if len(items) == size else None


def test_marks_train_the_brands_model_in_the_worker_which_hides_off_topic_mentions(
    db: str, postgres_url: str, redis_url: str, tmp_path: Path, feeds: FeedServer
) -> None:
    env = clean_env(
        ESCUCHA_DATABASE_URL=postgres_url,
        ESCUCHA_BROKER_URL=redis_url,
        ESCUCHA_REDIS_URL=redis_url,
        ESCUCHA_ALLOW_PRIVATE_HOSTS="true",
        ESCUCHA_DATA_DIR=str(tmp_path / "data"),
        ESCUCHA_RELEVANCE_TRAIN_DELAY_SECONDS="1",
    )
    escucha(["migrate"], env, tmp_path)
    created = json.loads(escucha(["workspace", "create", "Cervecería", "--json"], env, tmp_path))
    feeds.serve(FEED, rss2([*entries(BEER, "beer.example"), *entries(VIRUS, "virus.example")]))
    port = free_port()
    api_process = Process(["api", "--port", str(port)], env=env, cwd=tmp_path)
    wipe_redis(redis_url)  # no task an earlier worker left queued runs in this one
    worker = Process(["worker", "--concurrency", "2"], env=env, cwd=tmp_path)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_healthy(base)
        headers = {"Authorization": f"Bearer {created['api_key']}"}
        with httpx.Client(base_url=base, headers=headers, timeout=30) as api:
            brand_id = api.post("/v1/brands", json={"name": "Corona", "query": "corona"}).json()[
                "id"
            ]
            source = api.post(
                f"/v1/brands/{brand_id}/sources", json={"kind": "rss", "url": feeds.url(FEED)}
            ).json()
            poll_and_wait(api, source["id"], after_polls=1)
            stored = wait_for(
                lambda: counted(listed(api, brand_id, "false"), 16),
                timeout=60,
                what="the first poll's mentions",
            )
            beer = [m["id"] for m in stored if m["domain"] == "beer.example"]
            virus = [m["id"] for m in stored if m["domain"] == "virus.example"]
            for mention_id, relevant in [
                *((i, True) for i in beer[:4]),
                *((i, False) for i in virus[:4]),
            ]:
                response = api.post(
                    f"/v1/mentions/{mention_id}/feedback", json={"relevant": relevant}
                )
                assert response.status_code == 200, response.text
            # The marks took effect at once; the model comes a few seconds later.
            assert len(listed(api, brand_id, "false")) == 12

            def trained() -> dict[str, Any] | None:
                report: dict[str, Any] = api.get(f"/v1/brands/{brand_id}/relevance").json()
                return report if report["has_model"] else None

            report = wait_for(trained, timeout=60, what="the brand's model")
            assert report["marks"] == 8 and report["model_version"] <= 2  # one burst, one training
            visible = wait_for(
                lambda: counted(listed(api, brand_id, "false"), 8),
                timeout=30,
                what="the unmarked off-topic mentions hidden",
            )
            assert {m["domain"] for m in visible} == {"beer.example"}

            feeds.set_body(FEED, rss2([
                *entries(["Corona virus: nueva ola de contagios y fiebre"], "virus.example", 50),
                *entries(["La cerveza Corona patrocina la liga de surf"], "beer.example", 50),
            ]))  # fmt: skip
            poll_and_wait(api, source["id"], after_polls=2)
            wait_for(
                lambda: len(listed(api, brand_id, "any")) == 18 or None,
                timeout=60,
                what="the second poll's mentions",
            )
            assert {m["url"] for m in listed(api, brand_id, "true")} >= {"https://virus.example/50"}
            assert "https://beer.example/50" in {m["url"] for m in listed(api, brand_id, "false")}
        assert "relevance.train" in worker.output()
    finally:
        worker.stop()
        api_process.stop()
