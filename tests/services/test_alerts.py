"""Rule evaluation with an injected clock, on the real database built by the migrations."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from core.db import session_scope
from models.alert_tables import Alert
from services.alerts import evaluate_due
from tests.support.alerts import (
    alerts_of,
    burst,
    daily_baseline,
    deliveries_of,
    make_brand,
    make_rule,
    rule_row,
    utc,
)

NOW = utc(2026, 5, 10, 12, 0, 30)


def test_a_burst_fires_one_spike_and_the_cooldown_holds_the_next(db: str) -> None:
    acme = make_brand()
    daily_baseline(acme, until=NOW - timedelta(hours=1))
    rule_id = make_rule(
        acme, now=NOW - timedelta(days=1), kind="spike", email=["pr@acme.test"],
        webhook_url="http://127.0.0.1:9/hook", cooldown_minutes=120,
    )  # fmt: skip
    assert evaluate_due(now=NOW) == []  # a quiet hour fires nothing

    burst(acme, start=NOW - timedelta(minutes=50), count=15, minutes=45)
    created = evaluate_due(now=NOW)
    assert len(created) == 2  # one email, one webhook
    assert evaluate_due(now=NOW) == [] and evaluate_due(now=NOW + timedelta(seconds=20)) == []
    (alert,) = alerts_of(rule_id)
    assert alert.kind == "spike" and not alert.test and not alert.folded_into_digest
    assert (alert.window_start, alert.window_end) == (utc(2026, 5, 10, 11), utc(2026, 5, 10, 12))
    f = alert.figures
    assert f["observed"] == 15 and f["threshold"] == 10 and f["baseline_mentions"] == 28
    assert f["expected"] < 0.05 and f["p_value"] < 1e-10
    assert f["top_sources"] == [{"source_kind": "rss", "mentions": 15}]
    assert {a["author"] for a in f["top_authors"]} == {"author0", "author1", "author2"}
    assert {"opens", "store", "downtown"} <= {t["term"] for t in f["top_terms"]}
    assert len(f["sample_mentions"]) == 5 and alert.sample_mention_ids == [
        m["id"] for m in f["sample_mentions"]
    ]
    assert "15 mentions" in alert.reason
    # The 15 are copies of one headline: one story carries the whole spike.
    assert f["explanation"]["kind"] == "story" and f["explanation"]["share"] == 1.0
    assert f["explanation"]["story"]["mentions"] == 15
    assert sorted(d.channel for d in deliveries_of(alert.id or 0)) == ["email", "webhook"]

    # The burst goes on: still unusual, but the 120-minute cool-down holds.
    burst(acme, start=NOW + timedelta(minutes=40), count=20, minutes=50, tag="c")
    assert evaluate_due(now=NOW + timedelta(minutes=95)) == []
    assert len(alerts_of(rule_id)) == 1
    # After the cool-down, a new burst fires again.
    burst(acme, start=NOW + timedelta(minutes=125), count=20, minutes=30, tag="d")
    assert len(evaluate_due(now=NOW + timedelta(minutes=160))) == 2
    assert len(alerts_of(rule_id)) == 2


def test_negative_surge_fires_on_negatives_not_on_volume(db: str) -> None:
    acme = make_brand()
    daily_baseline(acme, until=NOW - timedelta(hours=1), per_day=3)
    surge_id = make_rule(acme, now=NOW, kind="negative_surge", email=["care@acme.test"])
    spike_id = make_rule(acme, now=NOW, kind="spike", email=["pr@acme.test"])
    burst(acme, start=NOW - timedelta(minutes=55), count=12, minutes=50, title="Acme store opens")
    evaluate_due(now=NOW)
    assert len(alerts_of(spike_id)) == 1 and alerts_of(surge_id) == []

    later = NOW + timedelta(hours=3)
    burst(
        acme, start=later - timedelta(minutes=50), count=8, minutes=40,
        title="Acme is terrible, awful service, I hate it", tag="neg",
    )  # fmt: skip
    evaluate_due(now=later)
    (surge,) = alerts_of(surge_id)
    assert surge.figures["observed"] == 8 and surge.figures["observed_share"] == 1.0
    assert all(m["sentiment_label"] == "negative" for m in surge.figures["sample_mentions"])
    assert "negative share 100%" in surge.reason


def test_alerts_over_the_daily_budget_are_folded_into_the_next_digest(db: str) -> None:
    acme = make_brand(timezone="America/Mexico_City")
    daily_baseline(acme, until=NOW - timedelta(hours=2))
    spike_id = make_rule(
        acme, now=NOW, kind="spike", email=["pr@acme.test"], cooldown_minutes=0, daily_budget=1
    )
    digest_id = make_rule(acme, now=NOW, kind="digest", email=["boss@acme.test"], time="08:00")
    burst(acme, start=NOW - timedelta(minutes=50), count=12, minutes=40)
    assert len(evaluate_due(now=NOW)) == 1
    burst(acme, start=NOW + timedelta(minutes=70), count=30, minutes=40, tag="again")
    assert evaluate_due(now=NOW + timedelta(minutes=110)) == []  # over budget: folded, not sent
    sent, held = alerts_of(spike_id)
    assert not sent.folded_into_digest and held.folded_into_digest and held.folded_into_id is None
    assert deliveries_of(held.id or 0) == []

    # The digest at 08:00 in Mexico City (14:00 UTC) carries the held alert.
    digest_time = utc(2026, 5, 10, 14, 0)
    assert rule_row(digest_id).next_run_at == digest_time
    assert len(evaluate_due(now=digest_time)) == 1
    (digest,) = alerts_of(digest_id)
    assert [a["id"] for a in digest.figures["folded_alerts"]] == [held.id]
    with session_scope() as session:
        refreshed = session.get(Alert, held.id)
        assert refreshed is not None and refreshed.folded_into_id == digest.id


def test_the_digest_goes_out_at_0800_local_across_a_dst_change(db: str) -> None:
    rival = make_brand(name="Rival", query="rival", timezone="Europe/Madrid")
    acme = make_brand(
        timezone="Europe/Madrid", workspace_id=rival.workspace_id, competitor_ids=[rival.brand_id]
    )
    rule_id = make_rule(acme, now=utc(2026, 3, 27, 12), kind="digest", email=["boss@acme.test"])
    assert rule_row(rule_id).next_run_at == utc(2026, 3, 28, 7)  # 08:00 CET
    burst(acme, start=utc(2026, 3, 27, 9), count=4, minutes=120)
    burst(acme, start=utc(2026, 3, 28, 9), count=6, minutes=120, tag="sat",
          title="Acme is wonderful, great coffee")  # fmt: skip
    burst(rival, start=utc(2026, 3, 28, 9), count=2, minutes=60, title="Rival news")

    assert evaluate_due(now=utc(2026, 3, 28, 6, 59)) == []
    assert len(evaluate_due(now=utc(2026, 3, 28, 7, 0, 20))) == 1
    assert evaluate_due(now=utc(2026, 3, 28, 7, 1)) == []  # sent once
    assert rule_row(rule_id).next_run_at == utc(2026, 3, 29, 6)  # 08:00 CEST
    assert evaluate_due(now=utc(2026, 3, 29, 5, 59)) == []
    assert len(evaluate_due(now=utc(2026, 3, 29, 6, 0))) == 1

    first, second = alerts_of(rule_id)
    zone = ZoneInfo("Europe/Madrid")
    assert [a.window_end.astimezone(zone).strftime("%d %H:%M %Z") for a in (first, second)] == [
        "28 08:00 CET",
        "29 08:00 CEST",
    ]
    assert second.window_end - second.window_start == timedelta(hours=24)
    f = second.figures
    assert f["mentions"] == 6 and f["previous_period"] == {"mentions": 4, "change_pct": 50.0}
    assert f["sentiment"]["positive"] == 6 and f["sentiment"]["net"] == 100.0
    assert [(s["name"], s["mentions"], s["share"]) for s in f["share_of_voice"]] == [
        ("Acme", 6, 0.75),
        ("Rival", 2, 0.25),
    ]
    assert len(f["sample_mentions"]) == 5
    assert f["sources"][0]["status"] == "ok" and "not polled yet" in f["sources"][0]["health"]


def test_after_downtime_one_digest_goes_out_for_the_latest_missed_time(db: str) -> None:
    acme = make_brand(timezone="Europe/Madrid")
    rule_id = make_rule(acme, now=utc(2026, 3, 27, 12), kind="digest", email=["boss@acme.test"])
    assert len(evaluate_due(now=utc(2026, 4, 1, 10))) == 1
    (digest,) = alerts_of(rule_id)
    assert digest.window_end == utc(2026, 4, 1, 6)
    assert rule_row(rule_id).next_run_at == utc(2026, 4, 2, 6)


def test_the_evaluate_task_queues_new_and_due_deliveries_after_its_commit(db: str) -> None:
    from core.settings import get_settings
    from workers.alert_tasks import evaluate_alerts_task

    acme = make_brand()
    make_rule(acme, now=utc(2026, 3, 27, 12), kind="digest", email=["a@acme.test", "b@acme.test"])
    folder = get_settings().broker_folder()
    before = {p.name for p in folder.glob("*.msg")}
    assert evaluate_alerts_task.apply().get() == 2
    queued = [p for p in folder.glob("*.msg") if p.name not in before]
    assert len(queued) == 2 and all(b"alerts.deliver" in p.read_bytes() for p in queued)
    for path in queued:
        path.unlink()
