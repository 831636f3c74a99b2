from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import Tenant
from tests.support.data import ingest, item
from tests.support.reports import add_polls, hourly, make_brand, make_source

SINCE = datetime(2026, 11, 1, 6, tzinfo=UTC)  # local midnight in Mexico City (UTC-6)
UNTIL = datetime(2026, 11, 8, 6, tzinfo=UTC)
CREATED = datetime(2026, 10, 1, tzinfo=UTC)
PERIOD = "since=2026-11-01T06:00:00Z&until=2026-11-08T06:00:00Z"


def utc(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def en(title: str, url: str, published: datetime, **extra: Any) -> Any:
    return item(title, url, published, language="en", **extra)


@pytest.fixture
def world(client: TestClient, tenant: Tenant) -> dict[str, int]:
    """Acme (Mexico City, owns acme.example) with an rss and a hackernews source, and its
    competitor Rival with one rss source that was never polled."""
    rival = make_brand(client, tenant, name="Rival", query="rival")
    acme = make_brand(
        client, tenant, name="Acme", query="acme", timezone="America/Mexico_City",
        owned_domains=["acme.example"], competitor_ids=[rival],
    )  # fmt: skip
    rss = make_source(client, tenant, acme, "rss", CREATED)
    hn = make_source(client, tenant, acme, "hackernews", CREATED)
    rival_rss = make_source(client, tenant, rival, "rss", CREATED)
    ana = {"author": "ana"}
    ingest(acme, rss, [
        en("Acme is great, I love it", "https://a.example/1", utc(11, 2, 12),
           **ana, score=10, comments=2),
        en("Acme is terrible", "https://a.example/2", utc(11, 2, 13), **ana, score=1, comments=0),
        en("Acme is wonderful, free shipping #ad", "https://c.example/4", utc(11, 7, 23, 30)),
        en("Acme news about free shipping", "https://acme.example/5", utc(11, 3, 10),
           author="carla"),
        # The previous period (25 Oct 06:00 to 1 Nov 06:00) and outside both periods.
        en("Acme store opens", "https://a.example/p1", utc(10, 26, 12)),
        en("Acme store opens again", "https://a.example/p2", utc(11, 1, 5, 59)),
        en("Acme store closes", "https://a.example/o1", UNTIL),
        en("Acme store moves", "https://a.example/o2", utc(10, 25, 5)),
    ])  # fmt: skip
    ingest(acme, hn, [
        en("Acme store opens downtown", "https://b.example/3", utc(11, 7, 20),
           author="bob", score=50, comments=10),
    ], kind="hackernews")  # fmt: skip
    ingest(rival, rival_rss, [
        en("Rival store opens", f"https://r.example/{day}", utc(11, day, 12)) for day in (2, 3, 4)
    ])  # fmt: skip
    # rss: polled every hour but not from 10:00 to 14:00 on 4 Nov; hackernews: polled every
    # hour, two failures in the 08:00 hour of 5 Nov; Rival's source never polled.
    polls = hourly(utc(10, 20, 0), UNTIL)
    add_polls(rss, [p for p in polls if not utc(11, 4, 10) <= p < utc(11, 4, 14)])
    add_polls(hn, polls)
    add_polls(hn, [utc(11, 5, 8, 20), utc(11, 5, 8, 40)], ok=False)
    return {"acme": acme, "rival": rival, "rss": rss, "hn": hn, "rival_rss": rival_rss}


def get(client: TestClient, tenant: Tenant, brand_id: int, query: str = PERIOD) -> Any:
    response = client.get(f"/v1/brands/{brand_id}/situation?{query}", headers=tenant.headers)
    assert response.status_code == 200, response.text
    return response.json()


def ok_health(sources: int) -> dict[str, Any]:
    return {"ok": True, "sources": sources, "failing": 0, "with_gaps": 0, "issues": []}


def test_volumes_sentiment_share_of_voice_and_sources(
    client: TestClient, tenant: Tenant, world: dict[str, int]
) -> None:
    body = get(client, tenant, world["acme"])
    assert body["timezone"] == "America/Mexico_City"
    assert body["mentions"] == 5
    assert body["previous_period"]["mentions"] == 2
    assert body["previous_period"]["change_pct"] == 150.0  # (5 - 2) / 2
    assert body["previous_period"]["since"] == "2026-10-25T06:00:00Z"
    assert body["previous_period"]["health"] == ok_health(2)
    # Compounds: 0.8519, -0.4767, 0.7906, 0.5106 (rss) and 0.0 (hackernews).
    assert body["sentiment"] == {
        "positive": 3, "neutral": 1, "negative": 1,
        "avg": 0.3353,  # 1.6764 / 5
        "net": 40.0,  # (3 - 1) / 5 x 100
    }  # fmt: skip
    voice = [(v["name"], v["mentions"], v["share"]) for v in body["share_of_voice"]]
    assert voice == [("Acme", 5, 0.625), ("Rival", 3, 0.375)]
    assert [(s["source_kind"], s["mentions"], s["avg_sentiment"]) for s in body["by_source"]] == [
        ("rss", 4, 0.4191),  # 1.6764 / 4
        ("hackernews", 1, 0.0),
    ]
    assert body["by_media_type"] == [
        {"media_type": "owned", "mentions": 1, "share": 0.2},
        {"media_type": "earned", "mentions": 3, "share": 0.6},
        {"media_type": "paid", "mentions": 1, "share": 0.2},
    ]


def test_health_beside_every_volume(
    client: TestClient, tenant: Tenant, world: dict[str, int]
) -> None:
    body = get(client, tenant, world["acme"])
    health = body["health"]
    assert (health["ok"], health["sources"], health["failing"], health["with_gaps"]) == (
        False, 2, 1, 1,
    )  # fmt: skip
    issues = {i["kind"]: i for i in health["issues"]}
    assert issues["rss"]["gaps"] == [
        {"since": "2026-11-04T10:00:00Z", "until": "2026-11-04T14:00:00Z"}
    ]
    assert issues["rss"]["failed_hours"] == 0
    assert issues["hackernews"]["failed_hours"] == 1 and issues["hackernews"]["gaps"] == []
    by_kind = {s["source_kind"]: s["health"] for s in body["by_source"]}
    assert (by_kind["rss"]["with_gaps"], by_kind["rss"]["failing"]) == (1, 0)
    assert (by_kind["hackernews"]["with_gaps"], by_kind["hackernews"]["failing"]) == (0, 1)
    rival = body["share_of_voice"][1]["health"]
    assert rival["issues"][0]["source_id"] == world["rival_rss"]
    assert rival["issues"][0]["gaps"] == [
        {"since": "2026-11-01T06:00:00Z", "until": "2026-11-08T06:00:00Z"}
    ]


def test_lists_terms_peaks_and_scores(
    client: TestClient, tenant: Tenant, world: dict[str, int]
) -> None:
    body = get(client, tenant, world["acme"])
    assert body["top_domains"] == [
        {"domain": "a.example", "mentions": 2},
        {"domain": "acme.example", "mentions": 1},
        {"domain": "b.example", "mentions": 1},
        {"domain": "c.example", "mentions": 1},
    ]
    assert body["top_authors"] == [
        {"author": "bob", "mentions": 1, "engagement": 60},
        {"author": "ana", "mentions": 2, "engagement": 13},
        {"author": "carla", "mentions": 1, "engagement": 0},
    ]
    assert body["top_terms"] == [
        {"term": "free", "count": 2},
        {"term": "free shipping", "count": 2},
        {"term": "shipping", "count": 2},
    ]
    assert [m["url"] for m in body["top_mentions"]] == [
        "https://b.example/3", "https://a.example/1", "https://a.example/2",
        "https://c.example/4", "https://acme.example/5",
    ]  # fmt: skip
    peaks = [(p["start"], p["end"], p["mentions"], [m["url"] for m in p["top_mentions"]])
             for p in body["peaks"]]  # fmt: skip
    assert peaks == [
        ("2026-11-02T00:00:00-06:00", "2026-11-03T00:00:00-06:00", 2,
         ["https://a.example/1", "https://a.example/2"]),
        ("2026-11-07T00:00:00-06:00", "2026-11-08T00:00:00-06:00", 2,
         ["https://b.example/3", "https://c.example/4"]),
        ("2026-11-03T00:00:00-06:00", "2026-11-04T00:00:00-06:00", 1,
         ["https://acme.example/5"]),
    ]  # fmt: skip
    assert body["scores"] == {
        "strength": 0.4,  # 2 of 5 in the last 24 hours (7 Nov 20:00 and 23:30 UTC)
        "sentiment_ratio": 3.0,  # 3 positive : 1 negative
        "passion": 0.5,  # 4 with an author, 2 of them by ana who wrote twice
        "reach": 0.6,  # 3 distinct authors / 5 mentions
    }


def test_an_empty_period_and_a_brand_without_competitors(
    client: TestClient, tenant: Tenant
) -> None:
    quiet = make_brand(client, tenant, name="Quiet", query="quiet")
    body = get(client, tenant, quiet)
    assert body["mentions"] == 0
    assert body["previous_period"]["mentions"] == 0
    assert body["previous_period"]["change_pct"] is None
    assert body["sentiment"] == {"positive": 0, "neutral": 0, "negative": 0, "avg": 0.0, "net": 0.0}
    assert body["share_of_voice"] == [
        {"brand_id": quiet, "name": "Quiet", "mentions": 0, "share": 0.0, "health": ok_health(0)}
    ]
    assert body["by_source"] == []
    assert [m["mentions"] for m in body["by_media_type"]] == [0, 0, 0]
    for key in ("top_domains", "top_authors", "top_terms", "top_mentions", "peaks"):
        assert body[key] == [], key
    assert body["scores"] == {
        "strength": 0.0,
        "sentiment_ratio": None,
        "passion": 0.0,
        "reach": 0.0,
    }
    assert body["health"] == ok_health(0)
    source = make_source(client, tenant, quiet, "rss", CREATED)
    ingest(quiet, source, [en("Quiet is nice", "https://q.example/1", utc(11, 3, 0))])
    body = get(client, tenant, quiet)
    assert [(v["mentions"], v["share"]) for v in body["share_of_voice"]] == [(1, 1.0)]
    assert body["scores"]["sentiment_ratio"] is None
    assert body["by_source"][0]["health"]["issues"][0]["gaps"][0]["since"] == "2026-11-01T06:00:00Z"


def test_peaks_are_local_days_across_a_dst_change(client: TestClient, tenant: Tenant) -> None:
    brand = make_brand(client, tenant, name="Madrid", query="acme", timezone="Europe/Madrid")
    source = make_source(client, tenant, brand, "rss", CREATED)
    ingest(brand, source, [
        en("Acme one", "https://m.example/1", utc(10, 24, 22, 30)),  # 25 Oct 00:30 CEST
        en("Acme two", "https://m.example/2", utc(10, 25, 22, 30)),  # 25 Oct 23:30 CET
        en("Acme three", "https://m.example/3", utc(10, 25, 23, 30)),  # 26 Oct 00:30 CET
    ])  # fmt: skip
    body = get(client, tenant, brand, "since=2026-10-23T22:00:00Z&until=2026-10-27T23:00:00Z")
    assert [(p["start"], p["end"], p["mentions"]) for p in body["peaks"]] == [
        ("2026-10-25T00:00:00+02:00", "2026-10-26T00:00:00+01:00", 2),  # 25 hours long
        ("2026-10-26T00:00:00+01:00", "2026-10-27T00:00:00+01:00", 1),
    ]
    assert body["mentions"] == 3 and body["scores"]["strength"] == 0.0


def test_a_short_period_peaks_by_local_hour_and_offsets_are_accepted(
    client: TestClient, tenant: Tenant, world: dict[str, int]
) -> None:
    body = get(
        client, tenant, world["acme"], "since=2026-11-02T05:00:00-01:00&until=2026-11-03T06:00:00Z"
    )
    assert body["since"] == "2026-11-02T06:00:00Z"
    assert [(p["start"], p["mentions"]) for p in body["peaks"]] == [
        ("2026-11-02T06:00:00-06:00", 1),
        ("2026-11-02T07:00:00-06:00", 1),
    ]
    assert body["scores"]["strength"] == 1.0  # a 24-hour period is all "last 24 hours"
    assert body["mentions"] == 2


def test_the_default_period_is_the_last_30_days(client: TestClient, tenant: Tenant) -> None:
    brand = make_brand(client, tenant, name="Now", query="now")
    body = get(client, tenant, brand, "")
    since = datetime.fromisoformat(body["since"])
    until = datetime.fromisoformat(body["until"])
    assert until - since == timedelta(days=30)
    assert abs(until - datetime.now(UTC)) < timedelta(minutes=1)


def test_wrong_parameters_answer_422(
    client: TestClient, tenant: Tenant, world: dict[str, int]
) -> None:
    for query in (
        "since=2026-11-08T00:00:00Z&until=2026-11-01T00:00:00Z",
        "since=2026-11-01T00:00:00Z&until=2026-11-01T00:00:00Z",
        "since=yesterday",
        "until=2026-13-01",
        "interval=day",
        "since=2000-01-01T00:00:00Z&until=2026-01-01T00:00:00Z",
    ):
        response = client.get(
            f"/v1/brands/{world['acme']}/situation?{query}", headers=tenant.headers
        )
        assert response.status_code == 422, query
        assert response.json()["detail"]
    assert client.get("/v1/brands/abc/situation", headers=tenant.headers).status_code == 422


def test_another_workspace_sees_nothing(
    client: TestClient, tenant: Tenant, other_tenant: Tenant, world: dict[str, int]
) -> None:
    response = client.get(f"/v1/brands/{world['acme']}/situation", headers=other_tenant.headers)
    assert response.status_code == 404
    assert client.get("/v1/brands/999999/situation", headers=tenant.headers).status_code == 404
    assert client.get(f"/v1/brands/{world['acme']}/situation").status_code == 401
