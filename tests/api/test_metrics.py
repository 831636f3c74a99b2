"""GET /metrics: bounded labels, per-brand business series, the token, promtool's word."""

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import func, select

from core.db import session_scope
from core.settings import get_settings
from models.tables import Mention, Source
from models.types import utcnow
from services.polling import poll_source
from tests.support.alerts import make_brand
from tests.support.data import ingest, item

SAMPLE = re.compile(r"^(?P<name>[a-z_]+)(?:\{(?P<labels>.*)\})? (?P<value>\S+)$")
LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')
ALLOWED_LABELS = {"kind", "outcome", "status", "brand_id", "brand", "label"}


def samples(text: str) -> list[tuple[str, dict[str, str], float]]:
    found = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        match = SAMPLE.match(line)
        assert match, line
        labels = dict(LABEL.findall(match["labels"] or ""))
        found.append((match["name"], labels, float(match["value"])))
    return found


@pytest.fixture
def app_client(db: str) -> Iterator[TestClient]:
    from api.app import create_app

    with TestClient(create_app()) as client:
        yield client


@pytest.fixture
def brands(db: str) -> tuple[int, int]:
    """Two brands in two workspaces: Acme with mentions of each label and a failing poll
    (its error names the URL), Rival with nothing yet."""
    acme = make_brand(name='Acme "Tiendas"\\ de México')
    rival = make_brand(name="Rival", query="rival")
    now = utcnow()
    ingest(
        acme.brand_id,
        acme.source_id,
        [
            item(
                "Acme is wonderful, I love it", "https://news.example/1", now - timedelta(hours=1)
            ),
            item("Acme is awful and terrible", "https://news.example/2", now - timedelta(hours=2)),
            item("Acme opens a store", "https://news.example/3", now - timedelta(hours=3)),
            item("Acme great great news", "https://news.example/4", now - timedelta(days=3)),
        ],
    )
    assert poll_source(acme.source_id, force=True).status == "failed"
    with session_scope() as session:
        source = session.get(Source, acme.source_id)
        assert source is not None and source.last_error and "127.0.0.1" in source.last_error
    return acme.brand_id, rival.brand_id


def test_labels_are_bounded_and_brand_series_add_up(
    app_client: TestClient, brands: tuple[int, int]
) -> None:
    acme, rival = brands
    response = app_client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    text = response.text
    assert "127.0.0.1" not in text and "http" not in text.replace("# HELP", "")
    found = samples(text)
    for name, labels, _ in found:
        assert name.startswith("escucha_"), name
        assert set(labels) <= ALLOWED_LABELS, (name, labels)
    with session_scope() as session:
        by_label = dict(
            session.exec(
                select(Mention.sentiment_label, func.count())
                .where(Mention.brand_id == acme)
                .group_by(Mention.sentiment_label)
            ).all()
        )
    held = {
        labels["label"]: value
        for name, labels, value in found
        if name == "escucha_brand_mentions" and labels["brand_id"] == str(acme)
    }
    assert held == {label: float(by_label.get(label, 0)) for label in held}
    assert sum(held.values()) == 4 and {"positive", "negative"} <= {
        label for label, count in held.items() if count
    }
    names = {labels["brand"] for name, labels, _ in found if name == "escucha_brand_mentions"}
    assert names == {'Acme \\"Tiendas\\"\\\\ de México'}  # escaped as the format says
    health = {
        (labels["brand_id"], labels["status"]): value
        for name, labels, value in found
        if name == "escucha_brand_sources"
    }
    assert health == {(str(acme), "ok"): 1.0, (str(rival), "ok"): 1.0}
    failures = [
        value
        for name, labels, value in found
        if name == "escucha_brand_source_consecutive_failures" and labels["brand_id"] == str(acme)
    ]
    assert failures == [1.0]
    polled = [n for n, labels, _ in found if n.endswith("_oldest_poll_timestamp_seconds")]
    assert len(polled) == 1  # Rival's source was never polled: no sample, not a zero
    failed = [
        v for n, labels, v in found if n == "escucha_polls_total" and labels["outcome"] == "failed"
    ]
    assert failed == [1.0]


def test_promtool_finds_nothing_to_lint(app_client: TestClient, brands: tuple[int, int]) -> None:
    if shutil.which("promtool") is None:
        reason = "promtool is not installed (apt-get install prometheus; .ci/run does)"
        if os.environ.get("ESCUCHA_TEST_REQUIRE_SERVICES") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    text = app_client.get("/metrics").text
    done = subprocess.run(
        ["promtool", "check", "metrics"], input=text.encode(), capture_output=True, timeout=60
    )
    assert done.returncode == 0, (done.stdout + done.stderr).decode()
    assert done.stdout.strip() == b"" and done.stderr.strip() == b"", done.stderr.decode()


def test_the_metrics_token_is_required_when_set(
    app_client: TestClient, brands: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ESCUCHA_METRICS_TOKEN", "s3cret-scrape-token")
    get_settings.cache_clear()
    try:
        refused = app_client.get("/metrics")
        assert refused.status_code == 401 and "escucha_" not in refused.text
        assert refused.headers["www-authenticate"].startswith("Bearer")
        for wrong in ("Bearer nope", "Basic s3cret-scrape-token", "s3cret-scrape-token"):
            assert app_client.get("/metrics", headers={"Authorization": wrong}).status_code == 401
        ok = app_client.get("/metrics", headers={"Authorization": "Bearer s3cret-scrape-token"})
        assert ok.status_code == 200 and "escucha_brand_mentions" in ok.text
    finally:
        monkeypatch.delenv("ESCUCHA_METRICS_TOKEN")
        get_settings.cache_clear()
    assert app_client.get("/metrics").status_code == 200  # unset: open, as the spec says
