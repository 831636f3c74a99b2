"""Alert email through a real SMTP server on loopback, parsed with the standard library."""

import base64
import ssl
import subprocess
import threading
from collections.abc import Iterator
from datetime import timedelta
from email.message import EmailMessage
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from core.db import session_scope
from core.settings import get_settings
from models import alerts as repo
from models.alert_tables import AlertDelivery
from services.alerts import evaluate_due
from services.delivery import deliver
from services.objectives import create_objective
from tests.support.alerts import (
    BrandSetup,
    alerts_of,
    burst,
    daily_baseline,
    make_brand,
    make_rule,
    rule_row,
    utc,
)
from tests.support.chromium import png_size, screenshot
from tests.support.data import ingest, item
from tests.support.smtp_server import SmtpSink, smtp_server

NOW = utc(2026, 5, 10, 12, 0, 30)
XSS_TITLE = 'Acme <script>alert(1)</script> & "quotes"'
XSS_ESCAPED = "Acme &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;"
INJECTED_NAME = "Acme\r\nBcc: victim@evil.test\r\nX-Injected: yes"


@pytest.fixture
def smtp(db: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[SmtpSink]:
    with smtp_server() as sink:
        monkeypatch.setenv("ESCUCHA_SMTP_URL", sink.url())
        monkeypatch.setenv("ESCUCHA_MAIL_FROM", "Escucha alerts <alerts@escucha.test>")
        monkeypatch.setenv("ESCUCHA_PUBLIC_URL", "http://testserver")
        get_settings.cache_clear()
        try:
            yield sink
        finally:
            monkeypatch.undo()
            get_settings.cache_clear()


def spike_with_hostile_data() -> tuple[BrandSetup, int, list[int]]:
    acme = make_brand(name=INJECTED_NAME)
    daily_baseline(acme, until=NOW - timedelta(hours=1))
    rule_id = make_rule(acme, now=NOW, kind="spike", email=["pr@acme.test"])
    burst(acme, start=NOW - timedelta(minutes=50), count=11, minutes=40)
    hostile = item(
        XSS_TITLE,
        "https://evil.example/x",
        NOW - timedelta(minutes=5),
        score=999,
        text="Acme <img src=https://evil.example/pixel.gif> fans",
        author='"><b>x',
    )
    ingest(acme.brand_id, acme.source_id, [hostile])
    delivery_ids = evaluate_due(now=NOW)
    return acme, rule_id, delivery_ids


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes |= {name for name, _ in attrs}


def tags_and_attributes(markup: str) -> tuple[set[str], set[str]]:
    collector = _Collector()
    collector.feed(markup)
    return collector.tags, collector.attributes


class _Images(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.sources: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.sources += [value or "" for name, value in attrs if name == "src"]


def image_sources(markup: str) -> list[str]:
    collector = _Images()
    collector.feed(markup)
    return collector.sources


def chart_part(message: EmailMessage) -> tuple[str, bytes]:
    """The Content-ID (without <>) and bytes of the email's one PNG part, inline."""
    (image,) = [p for p in message.walk() if p.get_content_type() == "image/png"]
    assert image.get_content_disposition() == "inline"
    payload = image.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return str(image["Content-ID"]).strip("<>"), payload


def inline_chart(message: EmailMessage, rich: str) -> str:
    """The HTML with its cid: chart as a data: URI, so Chromium draws what a mail client
    draws from the attached part."""
    cid, png = chart_part(message)
    return rich.replace(f"cid:{cid}", "data:image/png;base64," + base64.b64encode(png).decode())


def parts(message: EmailMessage) -> tuple[str, str]:
    plain = message.get_body(preferencelist=("plain",))
    rich = message.get_body(preferencelist=("html",))
    assert plain is not None and rich is not None
    return str(plain.get_content()), str(rich.get_content())


def test_the_spike_email_is_multipart_escaped_and_header_safe(smtp: SmtpSink) -> None:
    _, rule_id, (delivery_id,) = spike_with_hostile_data()
    assert deliver(delivery_id).outcome == "sent"
    (received,) = smtp.messages
    assert received.rcpt_tos == ["pr@acme.test"]  # the injected Bcc added no recipient
    message = received.parsed()
    raw_headers = received.data.split(b"\r\n\r\n", 1)[0].decode()

    assert message["Subject"] == (
        "[Escucha] Spike: 12 mentions of Acme Bcc: victim@evil.test X-Injected: yes in 60 minutes"
    )
    assert message["Bcc"] is None and message["X-Injected"] is None
    assert "\nBcc:" not in raw_headers and "\nX-Injected" not in raw_headers
    assert message["To"] == "pr@acme.test"
    assert message["From"] == "Escucha alerts <alerts@escucha.test>"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Message-ID"].endswith("@escucha.test>")
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == [
        "text/plain",
        "multipart/related",
    ]

    plain, rich = parts(message)
    assert XSS_ESCAPED in rich and "<script" not in rich.lower()
    tags, attributes = tags_and_attributes(rich)
    assert not tags & {"script", "style", "link", "iframe", "form", "object", "base"}
    assert not attributes & {"srcset", "background", "onerror", "onload", "onclick"}
    assert image_sources(rich) == [f"cid:{chart_part(message)[0]}"]  # only our own chart
    assert "&quot;&gt;&lt;b&gt;x" in rich  # the author, escaped too
    assert 'style="' in rich and "Why it fired" in rich and "Sample mentions" in rich
    assert XSS_TITLE in plain and "Why it fired".upper() in plain and "Threshold: 10" in plain

    unsubscribe = message["List-Unsubscribe"]
    assert unsubscribe.startswith("<http://testserver/v1/unsubscribe?token=")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = unsubscribe.strip("<>")
    assert f'href="{link}"' in rich and link in plain
    screenshot(inline_chart(message, rich), "alert_email_spike")

    from api.app import create_app

    with TestClient(create_app()) as client:
        page = client.get(urlsplit(link).path + "?" + urlsplit(link).query)
        assert page.status_code == 200 and "Unsubscribed" in page.text
        assert "pr@acme.test" in page.text
        again = client.post(urlsplit(link).path + "?" + urlsplit(link).query)
        assert again.status_code == 200 and "Already unsubscribed" in again.text
        forged = client.get("/v1/unsubscribe?token=" + link.rpartition("=")[2][:-4] + "0000")
        assert forged.status_code == 400
    assert rule_row(rule_id).email == []


def digest_week(locale: str = "en-US", **rule: object) -> tuple[int, int]:
    """Acme (and its rival) with a quiet day and a busy one, an objective, and a daily
    digest rule at 08:00 in Madrid; (the rule's id, the digest's delivery id)."""
    rival = make_brand(name="Rival", query="rival", timezone="Europe/Madrid")
    acme = make_brand(
        timezone="Europe/Madrid", workspace_id=rival.workspace_id,
        competitor_ids=[rival.brand_id], locale=locale,
    )  # fmt: skip
    rule_id = make_rule(
        acme, now=utc(2026, 3, 27, 12), kind="digest", email=["boss@acme.test"], **rule
    )
    burst(acme, start=utc(2026, 3, 26, 9), count=5, minutes=300, tag="old")
    burst(acme, start=utc(2026, 3, 27, 9), count=4, minutes=120, title="Acme is wonderful")
    burst(acme, start=utc(2026, 3, 27, 13), count=3, minutes=60, title="Acme support is awful",
          tag="bad")  # fmt: skip
    burst(rival, start=utc(2026, 3, 27, 9), count=2, minutes=60, title="Rival news")
    with session_scope() as session:
        create_objective(
            session,
            workspace_id=acme.workspace_id,
            brand_id=acme.brand_id,
            fields={"name": "Be heard in March", "metric": "mentions", "target": 100.0,
                    "direction": "at_least", "start": utc(2026, 3, 1), "deadline": utc(2026, 4, 1)},
        )  # fmt: skip
    (delivery_id,) = evaluate_due(now=utc(2026, 3, 28, 7))
    return rule_id, delivery_id


def test_the_digest_email_renders(smtp: SmtpSink) -> None:
    rule_id, delivery_id = digest_week()
    assert deliver(delivery_id).outcome == "sent"
    (objective,) = alerts_of(rule_id)[0].figures["objectives"]
    assert objective["current"] == 12 and objective["status"] == "off_track"
    message = smtp.messages[0].parsed()
    assert message["Subject"] == "[Escucha] Daily digest for Acme: 7 mentions (+40%)"
    plain, rich = parts(message)
    assert "Be heard in March" in rich and "off track: mentions 12 (target at least 100" in plain
    headings = (
        "Volume",
        "Sentiment",
        "Share of voice",
        "Objectives",
        "Source health",
        "Top mentions",
    )
    for heading in headings:
        assert heading in rich and heading.upper() in plain
    assert "Mar 27, 2026, 8:00\u202fAM to Mar 28, 2026, 8:00\u202fAM" in plain
    cid, png = chart_part(message)
    assert f'src="cid:{cid}"' in rich and 'alt="7 mentions from Mar 27, 2026, 8:00' in rich
    assert png_size(png) == (1120, 504) and 5_000 < len(png) < 80_000
    screenshot(inline_chart(message, rich), "alert_email_digest")
    assert alerts_of(rule_id)[0].figures["mentions"] == 7


def test_the_digest_of_a_spanish_brand_is_in_spanish_with_its_numbers_and_dates(
    smtp: SmtpSink,
) -> None:
    _, delivery_id = digest_week(locale="es-ES")
    assert deliver(delivery_id).outcome == "sent"
    message = smtp.messages[0].parsed()
    assert (
        message["Subject"] == "[Escucha] Resumen diario de Acme: 7 menciones (+40 %)"
    )  # headers are one plain line
    plain, rich = parts(message)
    assert '<html lang="es">' in rich
    for heading in ("Volumen", "Sentimiento", "Cuota de voz", "Objetivos", "Estado de las fuentes",
                    "Menciones destacadas", "Menciones por sentimiento"):  # fmt: skip
        assert heading in rich, heading
    assert "del 27 mar 2026, 8:00 al 28 mar 2026, 8:00" in plain
    assert "Sentimiento neto: +14,3" in plain  # es-ES writes a decimal comma
    assert "desviado: menciones 12 (meta al menos 100, proyección 19)" in plain
    assert "Darse de baja" in rich and "Recibes esto porque boss@acme.test" in plain
    cid, png = chart_part(message)
    assert 'alt="7 menciones del 27 mar 2026, 8:00' in rich and f"cid:{cid}" in rich
    assert 5_000 < len(png) < 80_000
    screenshot(inline_chart(message, rich), "alert_email_digest_es", width=390, height=1400)


def test_a_rule_in_english_on_a_mexican_brand_writes_english_with_the_brands_country(
    smtp: SmtpSink,
) -> None:
    _, delivery_id = digest_week(locale="es-MX", language="en")
    assert deliver(delivery_id).outcome == "sent"
    message = smtp.messages[0].parsed()
    assert message["Subject"] == "[Escucha] Daily digest for Acme: 7 mentions (+40%)"
    plain, rich = parts(message)
    assert '<html lang="en">' in rich and "Net sentiment: +14.3" in plain
    assert "Mar 27, 2026, 8:00\u202fAM to Mar 28, 2026, 8:00\u202fAM" in plain


def test_an_alert_stored_before_the_typed_figures_still_sends(smtp: SmtpSink) -> None:
    """Rows written by the previous release: no chart bars, timestamps as isoformat()."""
    acme = make_brand(timezone="Europe/Madrid", locale="es-MX")
    rule_id = make_rule(acme, now=NOW, kind="spike", email=["pr@acme.test"])
    old = {
        "timezone": "Europe/Madrid", "observed": 12, "expected": 1.5, "threshold": 10,
        "p_value": 1.2e-06, "sensitivity": "medium", "window_minutes": 60,
        "cooldown_minutes": 120, "baseline_days": 28, "baseline_mentions": 1008,
        "baseline_negative": 100, "negative_only": False, "observed_share": None,
        "baseline_share": None, "top_sources": [{"source_kind": "rss", "mentions": 12}],
        "top_authors": [], "top_terms": [{"term": "precio", "count": 4}],
        "sample_mentions": [{
            "id": 1, "title": "Acme sube precios", "url": "https://news.example/1",
            "source_kind": "rss", "domain": "news.example", "author": None,
            "published_at": "2026-05-10T11:40:00+00:00", "sentiment_label": "negative",
            "sentiment_compound": -0.4, "excerpt": "", "engagement_score": None,
        }],
    }  # fmt: skip
    with session_scope() as session:
        alert = repo.insert_alert(
            session,
            {"workspace_id": acme.workspace_id, "rule_id": rule_id, "brand_id": acme.brand_id,
             "kind": "spike", "dedup_key": "old", "fired_at": NOW,
             "window_start": NOW - timedelta(hours=1), "window_end": NOW,
             "reason": "old reason", "figures": old, "sample_mention_ids": [1], "test": False,
             "folded_into_digest": False},
        )  # fmt: skip
        assert alert is not None and alert.id is not None
        (delivery_id,) = repo.add_deliveries(
            session, alert_id=alert.id, targets=[("email", "pr@acme.test")], now=NOW
        )
    assert deliver(delivery_id).outcome == "sent"
    message = smtp.messages[0].parsed()
    assert message["Subject"] == "[Escucha] Pico: 12 menciones de Acme en 60 minutos"
    plain, _ = parts(message)
    assert "Acme sube precios" in plain and "1,2E-6" not in plain and "1.2E-6" in plain
    assert "canal RSS: 12" in plain and "precio: 4" in plain
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]


def test_running_the_deliver_task_twice_sends_one_email(smtp: SmtpSink) -> None:
    from workers.alert_tasks import deliver_alert_task

    _, _, (delivery_id,) = spike_with_hostile_data()
    assert deliver_alert_task.apply(args=(delivery_id,)).get() == "sent"
    assert deliver_alert_task.apply(args=(delivery_id,)).get() == "skipped"
    assert len(smtp.messages) == 1
    with session_scope() as session:
        delivery = session.get(AlertDelivery, delivery_id)
        assert delivery is not None and delivery.status == "sent"
        assert delivery.attempts == 1 and delivery.sent_at is not None


def test_concurrent_workers_send_one_email(smtp: SmtpSink) -> None:
    _, _, (delivery_id,) = spike_with_hostile_data()
    outcomes: list[str] = []
    threads = [
        threading.Thread(target=lambda: outcomes.append(deliver(delivery_id).outcome))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["sent", "skipped", "skipped", "skipped"]
    assert len(smtp.messages) == 1


def test_a_worker_that_died_mid_send_is_taken_over_after_its_lease(smtp: SmtpSink) -> None:
    _, _, (delivery_id,) = spike_with_hostile_data()
    with session_scope() as session:  # a worker claims it, then dies before sending
        assert repo.claim_delivery(session, delivery_id=delivery_id, now=NOW, lease=300)
    assert deliver(delivery_id, now=NOW + timedelta(seconds=60)).outcome == "skipped"
    assert smtp.messages == []
    assert deliver(delivery_id, now=NOW + timedelta(seconds=301)).outcome == "sent"
    assert len(smtp.messages) == 1


def test_a_refused_recipient_fails_for_good_and_a_down_server_is_retried(
    smtp: SmtpSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    smtp.refuse.add("pr@acme.test")
    _, _, (delivery_id,) = spike_with_hostile_data()
    report = deliver(delivery_id, now=NOW)
    assert report.outcome == "failed" and "550" in (report.error or "")
    _, _, (second_id,) = spike_with_hostile_data()
    settings = get_settings().model_copy(update={"smtp_url": "smtp://127.0.0.1:9"})
    report = deliver(second_id, now=NOW, settings=settings)
    assert report.outcome == "retry" and report.retry_at == NOW + timedelta(seconds=30)
    with session_scope() as session:
        delivery = session.get(AlertDelivery, second_id)
        assert delivery is not None and delivery.status == "pending"
        assert "127.0.0.1:9" in (delivery.last_error or "") and delivery.attempts == 1


def _self_signed(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


def test_starttls_and_login_from_the_smtp_url(
    db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cert, key = _self_signed(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # our client trusts the test certificate
    with smtp_server(login=("alerts@acme.test", "p@ss:word"), tls_context=context) as sink:
        _, _, (delivery_id,) = spike_with_hostile_data()
        url = f"smtp://alerts%40acme.test:p%40ss%3Aword@localhost:{sink.port}?starttls=1"
        settings = get_settings().model_copy(update={"smtp_url": url})
        assert deliver(delivery_id, settings=settings).outcome == "sent"
        assert sink.logins == ["alerts@acme.test"] and len(sink.messages) == 1
        _, _, (plain_id,) = spike_with_hostile_data()
        no_tls = settings.model_copy(update={"smtp_url": url.replace("?starttls=1", "")})
        report = deliver(plain_id, settings=no_tls)  # no STARTTLS: the server offers no AUTH
        assert report.outcome == "retry" and "AUTH" in (report.error or "")
        assert len(sink.messages) == 1


def test_smtp_urls_are_read_as_documented() -> None:
    from core.mailer import MailError, SmtpConfig, parse_smtp_url

    assert parse_smtp_url("smtp://u%40x.test:p%3Aw@mail.test:587?starttls=1") == SmtpConfig(
        "mail.test", 587, "u@x.test", "p:w", starttls=True
    )
    assert parse_smtp_url("smtp://relay.test") == SmtpConfig("relay.test", 25)
    assert parse_smtp_url("smtps://u:p@mail.test") == SmtpConfig(
        "mail.test", 465, "u", "p", tls=True
    )
    for bad in ("", "http://mail.test", "smtp://mail.test:99999"):
        with pytest.raises(MailError):
            parse_smtp_url(bad)


def test_the_development_secret_is_refused_outside_development() -> None:
    from pydantic import SecretStr, ValidationError

    from core.settings import Settings

    with pytest.raises(ValidationError, match="ESCUCHA_SECRET_KEY"):
        Settings(environment="production")
    with pytest.raises(ValidationError, match="ESCUCHA_SECRET_KEY"):
        Settings(environment="production", secret_key=SecretStr("too-short"))
    assert (
        Settings(environment="production", secret_key=SecretStr("k" * 40)).environment
        == "production"
    )
    assert Settings().secret_key.get_secret_value()  # development keeps its default
