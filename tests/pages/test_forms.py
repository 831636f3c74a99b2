"""The dashboard's forms (TestClient, no browser): brands, sources, the query tester and
alert rules, with the API's own validation and the services' answers."""

import re

from fastapi.testclient import TestClient

from tests.pages.conftest import Account, sign_in


def _brand(client: TestClient, account: Account, **extra: object) -> int:
    body = {"name": "Lumbre", "query": "lumbre", "timezone": "America/Monterrey", **extra}
    answer = client.post("/v1/brands", json=body, headers=account.headers)
    assert answer.status_code == 201, answer.text
    found: int = answer.json()["id"]
    return found


def test_a_brand_made_through_the_form_has_every_field(
    client: TestClient, account: Account
) -> None:
    rival = _brand(client, account, name="Brasa", query="brasa")
    token = sign_in(client, account)
    bad = client.post(
        "/brands/new",
        data={"csrf_token": token, "name": "Oxxo", "query": "(oxxo", "timezone": "Mars/Base"},
    )
    assert bad.status_code == 422
    assert re.search(r'data-error="query">invalid query at position', bad.text)
    assert 'data-error="timezone">unknown IANA timezone' in bad.text
    assert "(oxxo" in bad.text  # what was typed is kept
    made = client.post(
        "/brands/new",
        data={
            "csrf_token": token, "name": "Oxxo", "query": 'oxxo -"oxxo gas"',
            "timezone": "America/Monterrey", "locale": "es-MX", "languages": "es, en",
            "owned_domains": "oxxo.com\nblog.oxxo.com", "owned_handles": "@oxxo",
            "competitor_ids": str(rival),
        },
        follow_redirects=False,
    )  # fmt: skip
    assert made.status_code == 303, made.text
    brand = next(b for b in client.get("/v1/brands", headers=account.headers).json()
                 if b["name"] == "Oxxo")  # fmt: skip
    assert brand["locale"] == "es-MX" and brand["languages"] == ["es", "en"]
    assert brand["owned_domains"] == ["oxxo.com", "blog.oxxo.com"]
    assert brand["owned_handles"] == ["@oxxo"] and brand["competitor_ids"] == [rival]
    duplicate = client.post(
        "/brands/new", data={"csrf_token": token, "name": "Oxxo", "query": "x", "timezone": "UTC"}
    )
    assert duplicate.status_code == 422 and "already exists" in duplicate.text


def test_editing_a_brand_keeps_the_api_rules(client: TestClient, account: Account) -> None:
    brand_id = _brand(client, account)
    token = sign_in(client, account)
    refused = client.post(
        f"/brands/{brand_id}/edit",
        data={"csrf_token": token, "name": "Lumbre", "query": "lumbre", "timezone": "UTC",
              "locale": "es-ZZ"},
    )  # fmt: skip
    assert refused.status_code == 422 and 'data-error="locale"' in refused.text
    saved = client.post(
        f"/brands/{brand_id}/edit",
        data={"csrf_token": token, "name": "Lumbre MX", "query": "lumbre OR lumbrería",
              "timezone": "America/Mexico_City", "locale": "es-MX"},
        follow_redirects=False,
    )  # fmt: skip
    assert saved.status_code == 303
    brand = client.get(f"/v1/brands/{brand_id}", headers=account.headers).json()
    assert (brand["name"], brand["timezone"], brand["locale"]) == (
        "Lumbre MX", "America/Mexico_City", "es-MX",
    )  # fmt: skip


def test_the_query_tester_says_which_samples_match(client: TestClient, account: Account) -> None:
    brand_id = _brand(client, account)
    token = sign_in(client, account)
    tried = client.post(
        f"/brands/{brand_id}/query-check",
        data={"csrf_token": token, "test_query": 'oxxo -"oxxo gas"',
              "samples": "Fui al Oxxo\nLa gasolinera Oxxo Gas\nNada que ver"},
    )  # fmt: skip
    assert tried.status_code == 200
    assert re.findall(r'data-match="(yes|no)"', tried.text) == ["yes", "no", "no"]
    broken = client.post(
        f"/brands/{brand_id}/query-check",
        data={"csrf_token": token, "test_query": "(oxxo", "samples": "x"},
    )
    assert 'data-error="test_query">invalid query' in broken.text


def test_sources_of_each_kind_are_added_with_their_fields_and_refused_clearly(
    client: TestClient, account: Account
) -> None:
    brand_id = _brand(client, account)
    token = sign_in(client, account)
    missing = client.post(
        f"/brands/{brand_id}/sources", data={"csrf_token": token, "kind": "mastodon"}
    )
    assert missing.status_code == 422 and "instance: Field required" in missing.text
    slow = client.post(
        f"/brands/{brand_id}/sources",
        data={"csrf_token": token, "kind": "rss", "url": "http://127.0.0.1:9/feed.xml",
              "interval_minutes": "0"},
    )  # fmt: skip
    assert slow.status_code == 422 and 'data-error="interval_seconds"' in slow.text
    for data in (
        {"kind": "rss", "url": "http://127.0.0.1:9/feed.xml", "interval_minutes": "30"},
        {"kind": "google_news", "locale": "es-419:MX"},
        {"kind": "mastodon", "instance": "https://mastodon.social", "hashtag": "#lumbre"},
        {"kind": "hackernews"},
    ):
        added = client.post(
            f"/brands/{brand_id}/sources", data={"csrf_token": token, **data},
            follow_redirects=False,
        )  # fmt: skip
        assert added.status_code == 303, added.text
    sources = client.get(f"/v1/brands/{brand_id}/sources", headers=account.headers).json()
    assert [s["kind"] for s in sources] == ["rss", "google_news", "mastodon", "hackernews"]
    assert sources[0]["interval_seconds"] == 1800 and sources[2]["hashtag"] == "lumbre"
    page = client.get(f"/brands/{brand_id}/sources")
    assert page.text.count("Waiting for its first poll.") == 4
    paused = client.post(f"/sources/{sources[0]['id']}/status",
                         data={"csrf_token": token, "status": "paused"})  # fmt: skip
    assert paused.status_code == 200 and "The source is paused." in paused.text
    listed = client.get(f"/v1/sources/{sources[0]['id']}", headers=account.headers).json()
    assert listed["status"] == "paused"
    removed = client.post(f"/sources/{sources[1]['id']}/delete", data={"csrf_token": token})
    assert removed.status_code == 200
    assert len(client.get(f"/v1/brands/{brand_id}/sources", headers=account.headers).json()) == 3


def test_alert_rules_through_the_form_and_a_test_send_in_the_history(
    client: TestClient, account: Account
) -> None:
    brand_id = _brand(client, account)
    token = sign_in(client, account)
    bad = client.post(
        "/alerts/rules",
        data={"csrf_token": token, "brand_id": str(brand_id), "kind": "digest",
              "email": "not-an-address", "time": "25:00"},
    )  # fmt: skip
    assert bad.status_code == 422
    assert 'data-error="email">not an email address' in bad.text
    none = client.post(
        "/alerts/rules",
        data={"csrf_token": token, "brand_id": str(brand_id), "kind": "spike", "email": ""},
    )
    assert none.status_code == 422 and 'data-error="form"' in none.text
    made = client.post(
        "/alerts/rules",
        data={"csrf_token": token, "brand_id": str(brand_id), "kind": "digest",
              "email": "equipo@example.com, jefa@example.com", "schedule": "weekly",
              "time": "09:30", "weekday": "friday"},
        follow_redirects=False,
    )  # fmt: skip
    assert made.status_code == 303, made.text
    [rule] = client.get("/v1/alert-rules", headers=account.headers).json()
    assert rule["email"] == ["equipo@example.com", "jefa@example.com"]
    assert (rule["schedule"], rule["time"], rule["weekday"]) == ("weekly", "09:30", "friday")
    sent = client.post(f"/alerts/rules/{rule['id']}/test", data={"csrf_token": token})
    assert sent.status_code == 200
    [alert] = client.get("/v1/alerts", headers=account.headers).json()["items"]
    assert alert["test"] is True
    history = client.get("/alerts").text
    assert f'data-alert="{alert["id"]}"' in history
    assert history.count("data-delivery-status=") == len(alert["deliveries"]) == 2
