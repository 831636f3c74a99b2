"""Signed webhooks to a real HTTP receiver on loopback: bodies, signatures, retries."""

import hashlib
import hmac
import json
import re
from collections.abc import Iterator
from datetime import timedelta

import pytest

from core.db import session_scope
from core.settings import get_settings
from models.alert_tables import AlertDelivery
from services.alerts import evaluate_due
from services.delivery import deliver
from sources.http import make_client
from tests.support.alerts import burst, daily_baseline, make_brand, make_rule, rule_row, utc
from tests.support.data import ingest, item
from tests.support.webhook_receiver import WebhookReceiver, webhook_receiver

NOW = utc(2026, 5, 10, 12, 0, 30)


def spike_to(url: str) -> tuple[int, int]:
    """A spike rule with a webhook, a burst that fires it; (rule id, delivery id)."""
    acme = make_brand()
    daily_baseline(acme, until=NOW - timedelta(hours=1))
    rule_id = make_rule(acme, now=NOW, kind="spike", webhook_url=url)
    burst(acme, start=NOW - timedelta(minutes=50), count=12, minutes=40)
    (delivery_id,) = evaluate_due(now=NOW)
    return rule_id, delivery_id


def delivery_row(delivery_id: int) -> AlertDelivery:
    with session_scope() as session:
        row = session.get(AlertDelivery, delivery_id)
        assert row is not None
        return row


@pytest.fixture
def receiver(db: str) -> Iterator[WebhookReceiver]:
    with webhook_receiver() as running:
        yield running


def test_the_webhook_body_is_slack_compatible_and_signed(receiver: WebhookReceiver) -> None:
    rule_id, delivery_id = spike_to(receiver.url())
    assert deliver(delivery_id, now=NOW).outcome == "sent"
    (hook,) = receiver.received
    secret = rule_row(rule_id).webhook_secret
    expected = hmac.new(secret.encode(), hook.body, hashlib.sha256).hexdigest()
    assert hook.headers["x-escucha-signature"] == f"sha256={expected}"
    assert hook.headers["content-type"] == "application/json; charset=utf-8"
    assert hook.headers["x-escucha-delivery"] == str(delivery_id)
    body = json.loads(hook.body)
    assert (
        hook.headers["x-escucha-timestamp"] == str(body["timestamp"]) == str(int(NOW.timestamp()))
    )
    assert body["event"] == "alert.spike" and body["delivery_id"] == delivery_id
    assert body["text"].startswith("*[Escucha] Spike: 12 mentions of Acme in 60 minutes*")
    assert "<https://news.example/" in body["text"]  # Slack link syntax for the samples
    alert = body["alert"]
    assert alert["kind"] == "spike" and alert["test"] is False and alert["rule_id"] == rule_id
    assert alert["brand"]["name"] == "Acme"
    assert alert["figures"]["observed"] == 12 and alert["figures"]["threshold"] == 10
    assert alert["window"] == {
        "since": "2026-05-10T11:00:00+00:00",
        "until": "2026-05-10T12:00:00+00:00",
    }
    assert len(body["mentions"]) == 5 and body["mentions"][0]["url"].startswith("https://")
    assert delivery_row(delivery_id).status == "sent"


def test_a_failing_receiver_gets_retries_with_backoff(db: str) -> None:
    with webhook_receiver(script=[500, 503]) as failing:
        _, delivery_id = spike_to(failing.url())
        first = deliver(delivery_id, now=NOW)
        assert first.outcome == "retry" and first.retry_at == NOW + timedelta(seconds=30)
        assert "HTTP 500" in (delivery_row(delivery_id).last_error or "")
        assert deliver(delivery_id, now=NOW + timedelta(seconds=10)).outcome == "skipped"
        assert len(failing.received) == 1  # not due yet: nothing sent
        second = deliver(delivery_id, now=NOW + timedelta(seconds=31))
        assert second.outcome == "retry"
        assert second.retry_at == NOW + timedelta(seconds=31 + 60)  # doubled
        assert deliver(delivery_id, now=NOW + timedelta(seconds=90)).outcome == "skipped"
        assert deliver(delivery_id, now=NOW + timedelta(seconds=91)).outcome == "sent"
    assert len(failing.received) == 3
    assert {h.headers["x-escucha-delivery"] for h in failing.received} == {str(delivery_id)}
    row = delivery_row(delivery_id)
    assert row.status == "sent" and row.attempts == 3 and row.last_error is None


def test_retries_stop_after_the_last_attempt_and_4xx_is_final(db: str) -> None:
    settings = get_settings().model_copy(update={"alert_delivery_max_attempts": 2})
    with webhook_receiver(default=500) as failing:
        _, delivery_id = spike_to(failing.url())
        assert deliver(delivery_id, now=NOW, settings=settings).outcome == "retry"
        later = NOW + timedelta(minutes=5)
        assert deliver(delivery_id, now=later, settings=settings).outcome == "failed"
        assert deliver(delivery_id, now=later + timedelta(hours=1)).outcome == "skipped"
    assert len(failing.received) == 2 and delivery_row(delivery_id).status == "failed"

    with webhook_receiver(default=410) as gone:
        _, delivery_id = spike_to(gone.url())
        report = deliver(delivery_id, now=NOW)
    assert report.outcome == "failed" and report.error == "HTTP 410 from 127.0.0.1"


def test_the_ssrf_guard_refuses_private_webhook_targets(receiver: WebhookReceiver) -> None:
    _, delivery_id = spike_to(receiver.url())
    guarded = make_client(get_settings().model_copy(update={"allow_private_hosts": False}))
    with guarded:
        report = deliver(delivery_id, now=NOW, client=guarded)
    assert report.outcome == "failed" and "loopback" in (report.error or "")
    assert receiver.received == []


PHISH_LINK = "https://news.test/a>|<https://phish.test/login|Reset your password>"


def _slack_links(text: str) -> list[str]:
    return re.findall(r"<([^<>]*)>", text)


def test_a_hostile_feed_link_makes_no_second_link_in_the_slack_text(
    receiver: WebhookReceiver,
) -> None:
    acme = make_brand()
    daily_baseline(acme, until=NOW - timedelta(hours=1))
    make_rule(acme, now=NOW, kind="spike", webhook_url=receiver.url())
    burst(acme, start=NOW - timedelta(minutes=50), count=11, minutes=40)
    hostile = item("Acme <!channel> news", PHISH_LINK, NOW - timedelta(minutes=5), score=999)
    ingest(acme.brand_id, acme.source_id, [hostile])
    (delivery_id,) = evaluate_due(now=NOW)
    assert deliver(delivery_id, now=NOW).outcome == "sent"
    text = json.loads(receiver.received[0].body)["text"]
    links = _slack_links(text)
    assert links and all(link.count("|") == 1 for link in links)
    assert all(link.startswith("https://news.") for link in links)
    assert not any("phish.test/login|" in link for link in links)
    assert "https://news.test/a%3E%7C%3Chttps://phish.test/login%7CReset%20your%20password%3E" in (
        text
    )
    assert "<!channel>" not in text


def test_slack_text_escapes_the_url_it_is_given() -> None:
    from models.alert_figures import SpikeFigures
    from services.alert_message import AlertMessage, MentionLine
    from services.webhook import slack_text

    line = MentionLine(
        id=1, title="Big | news", url=PHISH_LINK, source_kind="rss", domain="news.test",
        author=None, published_at="", sentiment_label="neutral", sentiment_compound=0.0,
        excerpt="", meta="",
    )  # fmt: skip
    figures = SpikeFigures(
        timezone="UTC", observed=12, expected=2.0, threshold=10, p_value=0.0001,
        sensitivity="medium", window_minutes=60, cooldown_minutes=120, baseline_days=28,
        baseline_mentions=1344, baseline_negative=100,
    )  # fmt: skip
    message = AlertMessage(
        alert_id=1, rule_id=1, kind="spike", brand_id=1, brand_name="<https://x.test|Acme>",
        test=False, language="en", locale="en-US", headline="Spike for <https://x.test|Acme>",
        summary="s", window_start=NOW, window_end=NOW, window_text="w", sections=(),
        mentions_title="m", mentions=(line,), figures=figures, chart=None,
    )  # fmt: skip
    text = slack_text(message)
    links = _slack_links(text)
    assert len(links) == 1
    assert links[0] == (
        "https://news.test/a%3E%7C%3Chttps://phish.test/login%7CReset%20your%20password%3E"
        "|Big ¦ news"
    )
