"""Stories end to end: syndicated copies polled from real feeds on a local server, from two
sources and within one feed, become one story in the mentions, the stories list, and the
Situation report with its peaks' explanation; and two workers storing two copies of one
story at the same moment."""

import threading
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session

from core.db import session_scope
from models.types import utcnow
from services.ingest import PolledItems, store_polls
from services.polling import PollReport, poll_source
from sources.base import SourceItem
from tests.api.conftest import Tenant
from tests.support.data import brand_context
from tests.support.feed_server import FeedServer
from tests.support.feeds import Entry, rss2
from tests.support.reports import make_brand

WIRE = (
    "Femsa Comercio informó que los pagos con tarjeta en Oxxo crecieron 28% en el tercer "
    "trimestre, impulsados por Spin by Oxxo, su plataforma de pagos digitales, que ya suma "
    "9 millones de usuarios."
)


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as feed_server:
        yield feed_server


def add_source(client: TestClient, tenant: Tenant, brand_id: int, url: str) -> int:
    response = client.post(
        f"/v1/brands/{brand_id}/sources", json={"kind": "rss", "url": url}, headers=tenant.headers
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def test_syndicated_copies_from_two_sources_are_one_story(
    client: TestClient, tenant: Tenant, server: FeedServer
) -> None:
    # One hour apart on one UTC day (peaks are days), however late in the day this runs.
    noon = (utcnow() - timedelta(hours=13)).replace(hour=12, minute=0, second=0, microsecond=0)
    an_hour_ago, two_hours_ago = noon, noon - timedelta(hours=1)
    server.serve("/economia.xml", rss2([
        Entry("Pagos con tarjeta en Oxxo crecen 28% en el tercer trimestre",
              "https://eleconomista.example/oxxo-pagos", WIRE, two_hours_ago),
        Entry("Spin by Oxxo suma 9 millones de usuarios; pagos con tarjeta crecen 28%",
              "https://forbes.example/spin-oxxo", WIRE, an_hour_ago),
        Entry("Vecinos de Monterrey piden cerrar tienda Oxxo por ruido",
              "https://abc.example/oxxo-ruido",
              "Habitantes de la colonia Mitras Centro denunciaron que la tienda abierta las 24 "
              "horas genera ruido y basura, y pidieron al municipio revisar su licencia.",
              an_hour_ago),
    ]))  # fmt: skip
    server.serve("/wire.xml", rss2([
        Entry("Pagos digitales impulsan a Oxxo: crecen 28% en el trimestre - Reuters",
              "https://reuters.example/oxxo-pagos-digitales", WIRE[:150], an_hour_ago),
    ]))  # fmt: skip
    brand_id = make_brand(client, tenant, name="Oxxo", query="oxxo")
    economia = add_source(client, tenant, brand_id, server.url("/economia.xml"))
    wire = add_source(client, tenant, brand_id, server.url("/wire.xml"))
    assert poll_source(economia).new == 3
    assert poll_source(wire).new == 1

    mentions = client.get(f"/v1/mentions?brand_id={brand_id}", headers=tenant.headers).json()
    story = {m["url"]: m["story_id"] for m in mentions["items"]}
    first = next(m["id"] for m in mentions["items"] if "eleconomista" in m["url"])
    assert story["https://eleconomista.example/oxxo-pagos"] == first
    assert story["https://forbes.example/spin-oxxo"] == first  # a copy in the same feed
    assert story["https://reuters.example/oxxo-pagos-digitales"] == first  # another source
    assert story["https://abc.example/oxxo-ruido"] != first

    stories = client.get(f"/v1/brands/{brand_id}/stories", headers=tenant.headers)
    assert stories.status_code == 200, stories.text
    largest, other = stories.json()["items"]
    assert (largest["id"], largest["mentions"], largest["domains"]) == (first, 3, 3)
    assert largest["title"] == "Pagos con tarjeta en Oxxo crecen 28% en el tercer trimestre"
    assert largest["first_url"] == "https://eleconomista.example/oxxo-pagos"
    assert other["mentions"] == 1

    situation = client.get(f"/v1/brands/{brand_id}/situation", headers=tenant.headers).json()
    assert situation["stories"] == 2
    assert [s["mentions"] for s in situation["top_stories"]] == [3, 1]
    peak = situation["peaks"][0]
    assert peak["mentions"] == 4
    assert peak["explanation"]["kind"] == "story"
    assert peak["explanation"]["share"] == 0.75
    assert peak["explanation"]["story"]["id"] == first


def test_stories_of_another_workspace_answer_404(
    client: TestClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    brand_id = make_brand(client, tenant, name="Oxxo", query="oxxo")
    response = client.get(f"/v1/brands/{brand_id}/stories", headers=other_tenant.headers)
    assert response.status_code == 404
    assert (
        client.get(f"/v1/brands/{brand_id}/stories?limit=0", headers=tenant.headers).status_code
        == 422
    )


def test_a_story_that_began_before_the_period_counts_once_in_it(
    client: TestClient, tenant: Tenant, server: FeedServer
) -> None:
    now = utcnow()
    server.serve("/a.xml", rss2([
        Entry("Pagos con tarjeta en Oxxo crecen 28% en el tercer trimestre",
              "https://eleconomista.example/oxxo-pagos", WIRE, now - timedelta(days=5)),
    ]))  # fmt: skip
    server.serve("/b.xml", rss2([
        Entry("Spin by Oxxo suma 9 millones de usuarios; pagos con tarjeta crecen 28%",
              "https://forbes.example/spin-oxxo", WIRE, now - timedelta(hours=3)),
        Entry("Pagos digitales impulsan a Oxxo: crecen 28% en el trimestre",
              "https://reuters.example/oxxo-pagos", WIRE[:150], now - timedelta(hours=2)),
        Entry("Oxxo llega a Medellín con 20 tiendas", "https://eltiempo.example/oxxo",
              "La cadena mexicana inauguró sus primeras 20 tiendas en el Valle de Aburrá.",
              now - timedelta(hours=1)),
        Entry("Oxxo Gas abrirá 80 estaciones en el Bajío", "https://bajio.example/oxxo-gas",
              "La división de combustibles invertirá en 80 estaciones en Guanajuato.",
              now - timedelta(minutes=30)),
    ]))  # fmt: skip
    brand_id = make_brand(client, tenant, name="Oxxo", query="oxxo")
    poll_source(add_source(client, tenant, brand_id, server.url("/a.xml")))
    poll_source(add_source(client, tenant, brand_id, server.url("/b.xml")))

    since = (now - timedelta(days=1)).isoformat()
    period = {"since": since}
    situation = client.get(
        f"/v1/brands/{brand_id}/situation", params=period, headers=tenant.headers
    ).json()
    assert situation["mentions"] == 4
    assert situation["stories"] == 3  # the copies' story, Medellín, Bajío
    top = situation["top_stories"]
    assert [s["mentions"] for s in top] == [2, 1, 1]
    assert top[0]["first_url"] == "https://eleconomista.example/oxxo-pagos"  # before the period
    assert top[0]["domains"] == 2
    assert [s["first_url"] for s in top[1:]] == [
        "https://eltiempo.example/oxxo",
        "https://bajio.example/oxxo-gas",
    ]
    whole = client.get(f"/v1/brands/{brand_id}/stories", headers=tenant.headers).json()
    assert [s["mentions"] for s in whole["items"]] == [3, 1, 1]


@pytest.mark.parametrize("wire_after", [timedelta(minutes=20), timedelta(hours=2)])
def test_two_workers_storing_two_copies_at_once_still_make_one_story(
    client: TestClient, tenant: Tenant, server: FeedServer, wire_after: timedelta
) -> None:
    """Worker A plans and stores its copy; before A commits, worker B plans its copy, so
    neither sees the other's. 20 minutes apart (the same hour's rollup row), B waits for A
    while storing; 2 hours apart, B stores and commits first. Either way B stored beside A
    (A holds the brand's claim), so once committed B reconciles, waiting for A's commit
    first, and merges the two stories; A, alone from its planning on, reconciles nothing."""
    hour = utcnow().replace(minute=0, second=0, microsecond=0) - timedelta(hours=5)
    server.serve("/wire.xml", rss2([
        Entry("Pagos digitales impulsan a Oxxo: crecen 28% en el trimestre - Reuters",
              "https://reuters.example/oxxo-pagos-digitales", WIRE, hour + wire_after),
    ]))  # fmt: skip
    brand_id = make_brand(client, tenant, name="Oxxo", query="oxxo")
    economia = add_source(client, tenant, brand_id, server.url("/economia.xml"))
    wire = add_source(client, tenant, brand_id, server.url("/wire.xml"))
    first_copy = SourceItem(
        title="Pagos con tarjeta en Oxxo crecen 28% en el tercer trimestre",
        text=WIRE, url="https://eleconomista.example/oxxo-pagos",
        published_at=hour + timedelta(minutes=10),
    )  # fmt: skip
    reports: list[PollReport] = []
    with session_scope() as worker_a:
        polled = PolledItems(economia, "rss", brand_context(worker_a, brand_id), [first_copy])
        stored = store_polls(worker_a, [polled], now=utcnow())[0]
        assert (stored.new, stored.story_starts) == (1, ())  # alone: nothing to reconcile
        worker_b = threading.Thread(target=lambda: reports.append(poll_source(wire)))
        worker_b.start()
        _wait_until_blocked(worker_a)
    worker_b.join(timeout=60)
    assert [report.new for report in reports] == [1]

    with session_scope() as session:
        stories = session.execute(
            text("SELECT id, COALESCE(story_id, id) FROM mention WHERE brand_id = :b ORDER BY id"),
            {"b": brand_id},
        ).all()
    (first, first_story), (_second, second_story) = stories
    assert first_story == second_story == first  # one story, started by the first copy
    listed = client.get(f"/v1/brands/{brand_id}/stories", headers=tenant.headers).json()
    assert [story["mentions"] for story in listed["items"]] == [2]


def test_a_unit_of_work_storing_beside_another_leaves_its_new_stories_to_reconcile(
    client: TestClient, tenant: Tenant
) -> None:
    """While one transaction stores a brand's mentions, another storing the same brand's is
    told to reconcile its new stories (PostgreSQL; on SQLite the second waits to begin)."""
    brand_id = make_brand(client, tenant, name="Oxxo", query="oxxo")
    source = add_source(client, tenant, brand_id, "https://eleconomista.example/feed.xml")
    now = utcnow()

    def item(n: int) -> SourceItem:
        return SourceItem(
            title=f"Oxxo abre su tienda número {n} con pagos digitales en Monterrey y Saltillo",
            text=WIRE, url=f"https://eleconomista.example/oxxo-{n}",
            published_at=now - timedelta(hours=n),
        )  # fmt: skip

    with session_scope() as worker_a:
        polled = PolledItems(source, "rss", brand_context(worker_a, brand_id), [item(1)])
        assert store_polls(worker_a, [polled], now=now)[0].story_starts == ()
        if worker_a.get_bind().dialect.name != "postgresql":
            return
        with session_scope() as worker_b:
            context = brand_context(worker_b, brand_id)
            polled = PolledItems(source, "rss", context, [item(2)])
            starts = store_polls(worker_b, [polled], now=now)[0].story_starts
            assert len(starts) == 1
            worker_b.rollback()


def _wait_until_blocked(session: Session) -> None:
    """Until another connection waits for one of our locks (PostgreSQL), or a moment
    (SQLite: the other worker's BEGIN IMMEDIATE waits for us before it plans anything)."""
    if session.get_bind().dialect.name != "postgresql":
        time.sleep(1.0)
        return
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        # pg_stat_activity is read once per transaction unless its snapshot is cleared.
        session.connection().exec_driver_sql("SELECT pg_stat_clear_snapshot()")
        waiting = (
            session.connection()
            .exec_driver_sql(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND datname = current_database()"
            )
            .scalar_one()
        )
        if waiting:
            return
        time.sleep(0.05)
    raise AssertionError("the second worker never waited for the first")
