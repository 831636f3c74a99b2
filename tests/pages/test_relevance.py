"""Relevance in the dashboard (TestClient, real app, real database): "not about this brand"
on any mention list hides the mention from the lists and the Situation at once, "about this
brand" brings it back, the relevance page shows the API's report and review queue, and its
suggested exclusions apply to the brand's query."""

import re
from typing import Any
from urllib.parse import urlsplit

from fastapi.testclient import TestClient

from core.db import session_scope
from models.types import utcnow
from services.relevance import train_brand
from tests.api.test_relevance import BEER, VIRUS, store
from tests.pages.conftest import Account, sign_in


def _corona(client: TestClient, account: Account) -> tuple[int, int]:
    brand = client.post(
        "/v1/brands",
        json={"name": "Corona", "query": "corona", "timezone": "America/Mexico_City"},
        headers=account.headers,
    )
    assert brand.status_code == 201, brand.text
    brand_id: int = brand.json()["id"]
    source = client.post(
        f"/v1/brands/{brand_id}/sources",
        json={"kind": "rss", "url": "http://127.0.0.1:9/feed"},
        headers=account.headers,
    )
    assert source.status_code == 201, source.text
    return brand_id, source.json()["id"]


def _api(client: TestClient, account: Account, path: str, **params: Any) -> Any:
    answer = client.get(path, params=params, headers=account.headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


def _listed(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'data-mention="(\d+)"', html)]


def _buttons(html: str, mention_id: int) -> list[str]:
    form = re.search(rf'data-feedback-for="{mention_id}">(.*?)</form>', html, re.S)
    assert form, f"no feedback form for mention {mention_id}"
    return re.findall(r'data-feedback="(\w+)"', form.group(1))


def _tile(html: str, kpi: str) -> float:
    found = re.search(rf'data-(?:kpi|figure)="{kpi}" data-value="([^"]*)"', html)
    assert found, kpi
    return float(found.group(1))


def _mark(client: TestClient, token: str, mention_id: int, relevant: bool, back: str) -> str:
    answer = client.post(
        f"/mentions/{mention_id}/feedback",
        data={"csrf_token": token, "relevant": str(relevant).lower(), "next": back},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    location: str = answer.headers["location"]
    return location


def test_not_about_this_brand_hides_a_mention_from_the_list_and_the_situation(
    client: TestClient, account: Account
) -> None:
    brand_id, source_id = _corona(client, account)
    store(brand_id, source_id, BEER[:3], "beer.example")
    store(brand_id, source_id, VIRUS[:2], "virus.example")
    token = sign_in(client, account)
    page = client.get(f"/brands/{brand_id}/mentions").text
    shown = _listed(page)
    assert len(shown) == 5
    assert all(_buttons(page, i) == ["irrelevant"] for i in shown)
    overview = client.get(f"/brands/{brand_id}?days=7").text
    assert _tile(overview, "mentions") == 5
    top = _listed(overview)
    assert top and _buttons(overview, top[0]) == ["irrelevant"]  # on the overview's list too

    virus = [m["id"] for m in _api(client, account, "/v1/mentions", brand_id=brand_id)["items"]
             if m["domain"] == "virus.example"]  # fmt: skip
    back = f"/brands/{brand_id}/mentions?label=negative&q=corona"
    assert _mark(client, token, virus[0], False, back) == back
    assert _mark(client, token, virus[1], False, f"/brands/{brand_id}?days=7") == (
        f"/brands/{brand_id}?days=7"
    )
    left = _listed(client.get(f"/brands/{brand_id}/mentions").text)
    assert len(left) == 3 and not set(virus) & set(left)
    overview = client.get(f"/brands/{brand_id}?days=7").text
    assert _tile(overview, "mentions") == 3
    assert not set(virus) & set(_listed(overview))
    period = re.search(r'id="period" data-since="([^"]+)" data-until="([^"]+)"', overview)
    assert period
    situation = _api(client, account, f"/v1/brands/{brand_id}/situation",
                     since=period.group(1), until=period.group(2))  # fmt: skip
    assert situation["mentions"] == 3

    hidden_page = client.get(f"/brands/{brand_id}/mentions?hidden=true")
    assert hidden_page.status_code == 200
    assert sorted(_listed(hidden_page.text)) == sorted(virus)
    assert "Hidden mentions: marked" in hidden_page.text
    assert 'name="hidden" value="true"' in hidden_page.text  # the filter form keeps it
    assert _buttons(hidden_page.text, virus[0]) == ["relevant"]
    assert "You marked it: not about this brand." in hidden_page.text
    hidden_back = f"/brands/{brand_id}/mentions?hidden=true"
    assert _mark(client, token, virus[0], True, hidden_back) == hidden_back
    assert _listed(client.get(hidden_back).text) == [virus[1]]
    again = client.get(f"/brands/{brand_id}/mentions").text
    assert len(_listed(again)) == 4 and virus[0] in _listed(again)
    assert "You marked it: about this brand." in again
    assert _tile(client.get(f"/brands/{brand_id}?days=7").text, "mentions") == 4
    mention = _api(client, account, "/v1/mentions", brand_id=brand_id, hidden="any")["items"]
    verdicts = {m["id"]: m["relevance"]["verdict"] for m in mention}
    assert (verdicts[virus[0]], verdicts[virus[1]]) == ("relevant", "irrelevant")

    spanish = client.get(f"/brands/{brand_id}/mentions", headers={"Accept-Language": "es"})
    assert "No es de esta marca" in spanish.text and "Relevancia" in spanish.text


def test_marks_refuse_a_form_without_its_token_another_workspace_and_off_site_returns(
    client: TestClient, account: Account, other_account: Account
) -> None:
    brand_id, source_id = _corona(client, account)
    store(brand_id, source_id, VIRUS[:1], "virus.example")
    [mention] = _api(client, account, "/v1/mentions", brand_id=brand_id)["items"]
    path = f"/mentions/{mention['id']}/feedback"
    token = sign_in(client, account)
    refused = client.post(path, data={"relevant": "false", "next": "/"}, follow_redirects=False)
    assert refused.status_code == 403
    forged = client.post(path, data={"csrf_token": "x" * 40, "relevant": "false"})
    assert forged.status_code == 403
    bad = client.post(path, data={"csrf_token": token, "relevant": "maybe"})
    assert bad.status_code == 422
    assert _listed(client.get(f"/brands/{brand_id}/mentions").text) == [mention["id"]]

    fallback = f"/brands/{brand_id}/mentions"
    for off_site in ("//evil.example/x", "https://evil.example/", "/\t/evil.example", "mentions"):
        assert _mark(client, token, mention["id"], False, off_site) == fallback
        assert urlsplit(fallback).netloc == ""
    assert _mark(client, token, mention["id"], True, "") == fallback

    rival = sign_in(client, other_account)
    stranger = client.post(path, data={"csrf_token": rival, "relevant": "false"})
    assert stranger.status_code == 404
    assert client.get(f"/brands/{brand_id}/relevance").status_code == 404
    applied = client.post(
        f"/brands/{brand_id}/relevance/query",
        data={"csrf_token": rival, "from_query": "corona", "query": "corona -virus"},
    )
    assert applied.status_code == 404
    [after] = _api(client, account, "/v1/mentions", brand_id=brand_id)["items"]
    assert after["relevance"]["verdict"] == "relevant"  # the last mark of its own workspace
    brand = _api(client, account, f"/v1/brands/{brand_id}")
    assert brand["query"] == "corona"


def test_the_relevance_page_shows_the_report_and_the_queue_and_applies_the_exclusions(
    client: TestClient, account: Account
) -> None:
    brand_id, source_id = _corona(client, account)
    store(brand_id, source_id, BEER, "beer.example")
    store(brand_id, source_id, VIRUS, "virus.example")
    token = sign_in(client, account)
    empty = client.get(f"/brands/{brand_id}/relevance").text
    assert 'id="no-model"' in empty and "Marks still needed: 6." in empty
    assert f'href="/brands/{brand_id}/relevance" aria-current="page"' in empty

    items = _api(client, account, "/v1/mentions", brand_id=brand_id, limit=100)["items"]
    beer = [m["id"] for m in items if m["domain"] == "beer.example"]
    virus = [m["id"] for m in items if m["domain"] == "virus.example"]
    here = f"/brands/{brand_id}/relevance"
    for i in beer[:4]:
        assert _mark(client, token, i, True, here) == here
    for i in virus[:4]:
        _mark(client, token, i, False, here)
    with session_scope() as session:
        now = utcnow()
        assert train_brand(session, brand_id=brand_id, marked_at=now, now=now, max_delay=30)

    page = client.get(here).text
    report = _api(client, account, f"/v1/brands/{brand_id}/relevance")
    assert report["has_model"] and report["marks"] == 8
    for figure in ("marks", "precision", "recall", "hidden_by_model"):
        assert _tile(page, figure) == float(report[figure]), figure
    assert 'id="no-model"' not in page and 'id="trained"' in page
    for w in report["suggested_exclusions"]:
        assert f'data-exclusion="{w}"' in page
    assert "virus" in report["suggested_exclusions"]
    suggested = re.search(r'id="suggested-query">([^<]+)<', page)
    assert suggested and suggested.group(1) == report["suggested_query"]
    for phrase in (p["phrase"] for p in report["top_for"][:3]):
        assert f"<span>{phrase}</span>" in page
    assert f'href="/brands/{brand_id}/mentions?hidden=true"' in page

    queue = _listed(page)
    api_queue = _api(client, account, f"/v1/brands/{brand_id}/relevance/to-review", limit=10)
    assert queue and queue == [m["id"] for m in api_queue["items"]]
    assert all(_buttons(page, i) in (["relevant", "irrelevant"],) for i in queue)
    assert _mark(client, token, queue[0], False, here) == here
    after = _listed(client.get(here).text)
    assert queue[0] not in after
    api_after = _api(client, account, f"/v1/brands/{brand_id}/relevance/to-review", limit=10)
    assert queue[0] not in [m["id"] for m in api_after["items"]]

    form = {"csrf_token": token, "from_query": "corona", "query": report["suggested_query"]}
    applied = client.post(f"{here}/query", data=form, follow_redirects=False)
    assert applied.status_code == 303 and applied.headers["location"] == f"{here}?saved=query"
    brand = _api(client, account, f"/v1/brands/{brand_id}")
    assert brand["query"] == report["suggested_query"] and "-virus" in brand["query"]
    assert "The query is saved" in client.get(f"{here}?saved=query").text
    stale = client.post(
        f"{here}/query", data={**form, "query": "corona -cerveza"}, follow_redirects=False
    )
    assert stale.headers["location"] == f"{here}?saved=stale"  # its page showed the old query
    assert _api(client, account, f"/v1/brands/{brand_id}")["query"] == report["suggested_query"]
    no_token = client.post(f"{here}/query", data={**form, "csrf_token": ""})
    assert no_token.status_code == 403
