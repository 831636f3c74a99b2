from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import Tenant
from tests.support.data import ingest, item
from tests.support.reports import make_brand, make_source, set_fetched_at

AS_OF = "2026-11-04T00:00:00Z"
THEN = f"as_of={AS_OF}&known_at={AS_OF}"  # the report as it could be computed on 4 Nov
CREATED = datetime(2026, 9, 1, tzinfo=UTC)


def utc(month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def en(title: str, url: str, published: datetime) -> Any:
    return item(title, url, published, language="en")


GREAT, WONDERFUL, STORE = "Acme is great, I love it", "Acme is wonderful", "Acme store opens"
TERRIBLE, AWFUL = "Acme is terrible", "Acme is awful"  # compounds below


@pytest.fixture
def acme(client: TestClient, tenant: Tenant) -> int:
    """Acme (UTC) and its competitor Rival. Compounds: great 0.8519, wonderful 0.5719,
    store 0.0, terrible -0.4767, awful -0.4588.

    Baseline of a 1-11 Nov objective (22 Oct-1 Nov): 4 mentions, 1 positive, 1 negative.
    1-3 Nov: 1, 2 and 3 mentions (4 positive, 1 neutral, 1 negative); Rival: 2.
    A positive mention published on 2 Nov arrives late, fetched on 5 Nov."""
    rival = make_brand(client, tenant, name="Rival", query="rival")
    brand = make_brand(client, tenant, name="Acme", query="acme", competitor_ids=[rival])
    source = make_source(client, tenant, brand, "rss", CREATED)
    rival_source = make_source(client, tenant, rival, "rss", CREATED)
    ingest(brand, source, [
        en(GREAT, "https://a.example/b1", utc(10, 25, 12)),
        en(TERRIBLE, "https://a.example/b2", utc(10, 25, 13)),
        en(STORE, "https://a.example/b3", utc(10, 28, 12)),
        en(STORE, "https://a.example/b4", utc(10, 28, 13)),
        en(GREAT, "https://a.example/1", utc(11, 1, 10)),
        en(WONDERFUL, "https://a.example/2", utc(11, 2, 10)),
        en(STORE, "https://a.example/3", utc(11, 2, 11)),
        en(GREAT, "https://a.example/4", utc(11, 3, 10)),
        en(WONDERFUL, "https://a.example/5", utc(11, 3, 11)),
        en(AWFUL, "https://a.example/6", utc(11, 3, 12)),
        en(GREAT, "https://late.example/1", utc(11, 2, 15)),
    ])  # fmt: skip
    ingest(rival, rival_source, [
        en("Rival store opens", "https://r.example/1", utc(11, 1, 9)),
        en("Rival store opens", "https://r.example/2", utc(11, 2, 9)),
    ])  # fmt: skip
    set_fetched_at("https://a.example/", utc(11, 3, 23))
    set_fetched_at("https://r.example/", utc(11, 3, 23))
    set_fetched_at("https://late.example/", utc(11, 5))
    return brand


def objective(
    client: TestClient, tenant: Tenant, brand: int, metric: str, target: float,
    direction: str = "at_least", start: str = "2026-11-01T00:00:00Z",
    deadline: str = "2026-11-11T00:00:00Z",
) -> int:  # fmt: skip
    body = {"name": f"{metric} {direction} {target}", "metric": metric, "target": target,
            "direction": direction, "start": start, "deadline": deadline}  # fmt: skip
    response = client.post(f"/v1/brands/{brand}/objectives", json=body, headers=tenant.headers)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def control(client: TestClient, tenant: Tenant, brand: int, query: str = THEN) -> Any:
    response = client.get(f"/v1/brands/{brand}/control?{query}", headers=tenant.headers)
    assert response.status_code == 200, response.text
    return {o["id"]: o for o in response.json()["objectives"]}


def summary(report: dict[str, Any]) -> tuple[Any, ...]:
    keys = ("baseline", "current", "progress_pct", "projected", "status")
    return tuple(report[k] for k in keys)


def test_mentions_on_track_with_the_projection_and_series(
    client: TestClient, tenant: Tenant, acme: int
) -> None:
    goal = objective(client, tenant, acme, "mentions", 10)
    report = control(client, tenant, acme)[goal]
    # 6 so far, 60% of 10. Daily rates 1, 2, 3 fit rate = t + 0.5 (t in days since start);
    # days 4-10 add the integral of t + 0.5 from 3 to 10 = 49, so 55 are expected.
    assert summary(report) == (4.0, 6.0, 60.0, 55.0, "on_track")
    assert report["series"] == [
        {"start": "2026-11-01T00:00:00Z", "value": 1.0, "cumulative": 1.0},
        {"start": "2026-11-02T00:00:00Z", "value": 2.0, "cumulative": 3.0},
        {"start": "2026-11-03T00:00:00Z", "value": 3.0, "cumulative": 6.0},
    ]
    assert (report["metric"], report["target"], report["direction"]) == (
        "mentions",
        10.0,
        "at_least",
    )


def test_ratio_metrics(client: TestClient, tenant: Tenant, acme: int) -> None:
    net = objective(client, tenant, acme, "net_sentiment", 40)
    share = objective(client, tenant, acme, "positive_share", 0.7)
    voice = objective(client, tenant, acme, "share_of_voice", 0.5)
    mood = objective(client, tenant, acme, "avg_sentiment", 0.05, "at_most")
    reports = control(client, tenant, acme)
    # Net (4 - 1) / 6 = 50 against a baseline of (1 - 1) / 4 = 0: met early.
    assert summary(reports[net]) == (0.0, 50.0, 125.0, 50.0, "achieved")
    # 4 / 6 = 0.6667 from 0.25 toward 0.7; misses 0.7 by 0.0333, less than 10% of it.
    assert summary(reports[share]) == (0.25, 0.6667, 92.6, 0.6667, "at_risk")
    # 6 of the 8 mentions of Acme and Rival; the baseline had only Acme's.
    assert summary(reports[voice]) == (1.0, 0.75, 50.0, 0.75, "achieved")
    # Mean compound: 2.3888 / 6 = 0.3981 (baseline 0.3752 / 4 = 0.0938), moving away from
    # a ceiling of 0.05.
    progress = round((0.3981 - 0.0938) / (0.05 - 0.0938) * 100, 1)
    assert summary(reports[mood]) == (0.0938, 0.3981, progress, 0.3981, "off_track")
    assert [p["value"] for p in reports[net]["series"]] == [100.0, 50.0, 33.33]
    assert [p["cumulative"] for p in reports[net]["series"]] == [100.0, 66.67, 50.0]


def test_at_most_counts_are_judged_on_the_projection(
    client: TestClient, tenant: Tenant, acme: int
) -> None:
    tight = objective(client, tenant, acme, "mentions", 5, "at_most")
    loose = objective(client, tenant, acme, "mentions", 100, "at_most")
    reports = control(client, tenant, acme)
    assert summary(reports[tight]) == (4.0, 6.0, 120.0, 55.0, "off_track")
    assert summary(reports[loose]) == (4.0, 6.0, 6.0, 55.0, "on_track")  # not met early


def test_objectives_past_their_deadline_are_achieved_or_missed(
    client: TestClient, tenant: Tenant, acme: int
) -> None:
    october = {"start": "2026-10-01T00:00:00Z", "deadline": "2026-10-31T00:00:00Z"}
    missed = objective(client, tenant, acme, "mentions", 10, **october)
    met = objective(client, tenant, acme, "mentions", 3, **october)
    reports = control(client, tenant, acme)
    assert summary(reports[missed]) == (0.0, 4.0, 40.0, 4.0, "off_track")
    assert summary(reports[met]) == (0.0, 4.0, 133.3, 4.0, "achieved")
    assert len(reports[met]["series"]) == 30


def test_before_start_the_projection_is_the_baseline(
    client: TestClient, tenant: Tenant, acme: int
) -> None:
    later = {"start": "2026-11-10T00:00:00Z", "deadline": "2026-11-20T00:00:00Z"}
    short = objective(client, tenant, acme, "mentions", 10, **later)
    fine = objective(client, tenant, acme, "mentions", 6, **later)
    reports = control(client, tenant, acme)
    # Baseline 31 Oct-10 Nov as of 4 Nov: the 6 mentions of 1-3 Nov.
    assert summary(reports[short]) == (6.0, 0.0, 0.0, 6.0, "off_track")
    assert summary(reports[fine]) == (6.0, 0.0, 0.0, 6.0, "on_track")
    assert reports[short]["series"] == []


def test_known_at_gives_what_the_report_said_then(
    client: TestClient, tenant: Tenant, acme: int
) -> None:
    goal = objective(client, tenant, acme, "mentions", 10)
    then = control(client, tenant, acme)[goal]
    assert then["current"] == 6.0  # the late mention was not fetched yet
    late = "as_of=2026-11-05T00:00:00Z&known_at=2026-11-05T00:00:00Z"
    assert control(client, tenant, acme, late)[goal]["current"] == 7.0
    now = control(client, tenant, acme, "")[goal]
    assert (now["current"], now["status"]) == (7.0, "off_track")  # deadline passed, 7 < 10
    # Before the on-time mentions were fetched (23:00 on 3 Nov), nothing had been seen.
    early = "as_of=2026-11-03T22:00:00Z&known_at=2026-11-03T22:00:00Z"
    assert control(client, tenant, acme, early)[goal]["current"] == 0.0


def test_a_past_as_of_counts_by_publication_time(
    client: TestClient, tenant: Tenant, acme: int
) -> None:
    """The spec: with `as_of` in the past, whatever was fetched since counts (a brand set
    up today reads where it stood last week). The late mention counts; the old reading
    needs `known_at`."""
    goal = objective(client, tenant, acme, "mentions", 10)
    assert control(client, tenant, acme, f"as_of={AS_OF}")[goal]["current"] == 7.0
    assert control(client, tenant, acme, "as_of=2026-11-03T22:00:00Z")[goal]["current"] == 7.0
    assert control(client, tenant, acme, "as_of=2026-11-02T12:00:00Z")[goal]["current"] == 3.0
    # The baseline (22 Oct - 1 Nov) is cut at as_of too: nothing after it counts.
    assert control(client, tenant, acme, "as_of=2026-10-26T00:00:00Z")[goal]["baseline"] == 2.0
    future_known = f"as_of={AS_OF}&known_at=2999-01-01T00:00:00Z"
    response = client.get(f"/v1/brands/{acme}/control?{future_known}", headers=tenant.headers)
    assert response.status_code == 422


def test_control_dates_without_an_offset_are_local(client: TestClient, tenant: Tenant) -> None:
    """as_of=2026-11-02 is local midnight in Mexico City (06:00 UTC)."""
    brand = make_brand(client, tenant, name="Oxxo", query="acme", timezone="America/Mexico_City")
    response = client.get(
        f"/v1/brands/{brand}/control?as_of=2026-11-02&known_at=2026-11-02T00:00:00",
        headers=tenant.headers,
    )
    assert response.status_code == 200, response.text
    assert response.json()["as_of"] == "2026-11-02T06:00:00Z"


def test_a_dst_day_is_one_point_of_the_series(client: TestClient, tenant: Tenant) -> None:
    brand = make_brand(client, tenant, name="Madrid", query="acme", timezone="Europe/Madrid")
    source = make_source(client, tenant, brand, "rss", CREATED)
    ingest(brand, source, [
        en(STORE, "https://m.example/1", utc(10, 25, 22, 30)),  # 25 Oct 23:30 CET
        en(STORE, "https://m.example/2", utc(10, 25, 23, 30)),  # 26 Oct 00:30 CET
    ])  # fmt: skip
    set_fetched_at("https://m.example/", utc(10, 26, 1))
    goal = objective(
        client, tenant, brand, "mentions", 3,
        start="2026-10-24T22:00:00Z", deadline="2026-10-27T23:00:00Z",
    )  # fmt: skip
    report = control(client, tenant, brand, "as_of=2026-10-27T11:00:00Z")[goal]
    assert [(p["start"], p["value"], p["cumulative"]) for p in report["series"]] == [
        ("2026-10-25T00:00:00+02:00", 1.0, 1.0),  # 25 hours long
        ("2026-10-26T00:00:00+01:00", 1.0, 2.0),
        ("2026-10-27T00:00:00+01:00", 0.0, 2.0),
    ]
    assert report["current"] == 2.0


def test_a_brand_without_objectives_or_competitors(client: TestClient, tenant: Tenant) -> None:
    brand = make_brand(client, tenant, name="Solo", query="solo")
    response = client.get(f"/v1/brands/{brand}/control?as_of={AS_OF}", headers=tenant.headers)
    assert response.json() == {"brand_id": brand, "as_of": AS_OF, "objectives": []}
    source = make_source(client, tenant, brand, "rss", CREATED)
    ingest(brand, source, [en("Solo store opens", "https://s.example/1", utc(11, 2))])
    set_fetched_at("https://s.example/", utc(11, 2, 1))
    goal = objective(client, tenant, brand, "share_of_voice", 0.9)
    assert control(client, tenant, brand)[goal]["current"] == 1.0


def test_wrong_parameters_answer_422(client: TestClient, tenant: Tenant, acme: int) -> None:
    for query in ("as_of=2999-01-01T00:00:00Z", "as_of=last-week", "since=2026-01-01", "as_of="):
        response = client.get(f"/v1/brands/{acme}/control?{query}", headers=tenant.headers)
        assert response.status_code == 422, query
        assert response.json()["detail"]


def test_another_workspace_sees_nothing(
    client: TestClient, tenant: Tenant, other_tenant: Tenant, acme: int
) -> None:
    objective(client, tenant, acme, "mentions", 10)
    assert client.get(f"/v1/brands/{acme}/control", headers=other_tenant.headers).status_code == 404
    other_brand = make_brand(client, other_tenant, name="Acme", query="acme")
    assert control(client, other_tenant, other_brand) == {}
    assert client.get(f"/v1/brands/{acme}/control").status_code == 401
