"""The mention list's language, media type, domain and author filters (and the export's):
exactly the mentions that have them, hidden ones left out, a bad value refused."""

import json
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from models.types import utcnow
from tests.api.conftest import Tenant
from tests.support.data import ingest, item

# (title, domain, author, language); the brand owns acme.example, "#ad" marks paid.
STORED = [
    ("Acme abre su tienda en Madrid", "acme.example", "Acme Oficial", "es"),
    ("Acme launches a store in London", "news.example", "Ana Ruiz", "en"),
    ("Acme shoes, get yours now #ad", "shop.example", "promo", "en"),
    ("Acme sube sus precios otra vez", "news.example", "ana ruiz", "es"),
    ("Acme opens late on Fridays", "blog.example", "Ana Ruiz", "en"),
    ("Acme es la mejor tienda #publicidad", "news.example", "Ana Ruiz", "es"),
    ("Acme off-topic piece on news", "news.example", "Ana Ruiz", "en"),  # hidden below
]
HIDDEN = "Acme off-topic piece on news"


@pytest.fixture
def acme(client: TestClient, tenant: Tenant) -> int:
    brand = client.post(
        "/v1/brands",
        json={"name": "Acme", "query": "acme", "owned_domains": ["acme.example"]},
        headers=tenant.headers,
    ).json()
    source = client.post(
        f"/v1/brands/{brand['id']}/sources",
        json={"kind": "rss", "url": "http://127.0.0.1:9/feed"},
        headers=tenant.headers,
    ).json()
    now = utcnow()
    items = [
        item(
            title,
            f"https://{domain}/{n}",
            now - timedelta(hours=n + 1),
            author=author,
            language=language,
        )
        for n, (title, domain, author, language) in enumerate(STORED)
    ]
    assert ingest(brand["id"], source["id"], items).new == len(STORED)
    hidden = next(m for m in listed(client, tenant, brand["id"]) if m["title"] == HIDDEN)
    marked = client.post(
        f"/v1/mentions/{hidden['id']}/feedback", json={"relevant": False}, headers=tenant.headers
    )
    assert marked.status_code == 200 and marked.json()["relevance"]["hidden"] is True
    return int(brand["id"])


def listed(client: TestClient, tenant: Tenant, brand_id: int, **params: str) -> list[Any]:
    answer = client.get(
        "/v1/mentions", params={"brand_id": brand_id, **params}, headers=tenant.headers
    )
    assert answer.status_code == 200, answer.text
    items: list[Any] = answer.json()["items"]
    return items


def titles(client: TestClient, tenant: Tenant, brand_id: int, **params: str) -> set[str]:
    return {m["title"] for m in listed(client, tenant, brand_id, **params)}


def test_language_keeps_the_mentions_in_that_language(
    client: TestClient, tenant: Tenant, acme: int
) -> None:
    spanish = {t for t, _, _, language in STORED if language == "es"}
    assert titles(client, tenant, acme, language="es") == spanish
    assert titles(client, tenant, acme, language="ES") == spanish
    assert titles(client, tenant, acme, language="en") == {
        "Acme launches a store in London",
        "Acme shoes, get yours now #ad",
        "Acme opens late on Fridays",
    }
    assert titles(client, tenant, acme, language="fr") == set()


def test_media_type_keeps_owned_earned_or_paid(
    client: TestClient, tenant: Tenant, acme: int
) -> None:
    owned = listed(client, tenant, acme, media_type="owned")
    assert [m["title"] for m in owned] == ["Acme abre su tienda en Madrid"]
    assert {m["media_type"] for m in owned} == {"owned"}
    assert titles(client, tenant, acme, media_type="paid") == {
        "Acme shoes, get yours now #ad",
        "Acme es la mejor tienda #publicidad",
    }
    assert titles(client, tenant, acme, media_type="earned") == {
        "Acme launches a store in London",
        "Acme sube sus precios otra vez",
        "Acme opens late on Fridays",
    }


def test_domain_and_author_match_exactly_and_combine_with_the_other_filters(
    client: TestClient, tenant: Tenant, acme: int
) -> None:
    on_news = {
        "Acme launches a store in London",
        "Acme sube sus precios otra vez",
        "Acme es la mejor tienda #publicidad",
    }
    assert titles(client, tenant, acme, domain="news.example") == on_news
    assert titles(client, tenant, acme, domain="example") == set()
    assert titles(client, tenant, acme, domain="www.news.example") == set()
    by_ana = {
        "Acme launches a store in London",
        "Acme opens late on Fridays",
        "Acme es la mejor tienda #publicidad",
    }
    assert titles(client, tenant, acme, author="Ana Ruiz") == by_ana  # not "ana ruiz"
    assert titles(client, tenant, acme, author="ana ruiz") == {"Acme sube sus precios otra vez"}
    assert titles(client, tenant, acme, author="Ana") == set()
    assert titles(client, tenant, acme, domain="news.example", author="Ana Ruiz") == {
        "Acme launches a store in London",
        "Acme es la mejor tienda #publicidad",
    }
    assert titles(
        client, tenant, acme, domain="news.example", author="Ana Ruiz", language="es"
    ) == {"Acme es la mejor tienda #publicidad"}
    assert titles(client, tenant, acme, domain="news.example", media_type="earned") == {
        "Acme launches a store in London",
        "Acme sube sus precios otra vez",
    }


def test_hidden_mentions_stay_out_of_every_new_filter_unless_asked(
    client: TestClient, tenant: Tenant, acme: int
) -> None:
    for params in (
        {"domain": "news.example"},
        {"author": "Ana Ruiz"},
        {"language": "en"},
        {"media_type": "earned"},
    ):
        assert HIDDEN not in titles(client, tenant, acme, **params), params
        assert titles(client, tenant, acme, hidden="true", **params) == {HIDDEN}, params
        assert HIDDEN in titles(client, tenant, acme, hidden="any", **params), params


def test_a_page_of_a_filter_pages_on_with_the_same_filter(
    client: TestClient, tenant: Tenant, acme: int
) -> None:
    first = client.get(
        "/v1/mentions",
        params={"brand_id": acme, "domain": "news.example", "limit": 2},
        headers=tenant.headers,
    ).json()
    second = client.get(
        "/v1/mentions",
        params={"brand_id": acme, "domain": "news.example", "cursor": first["next_cursor"]},
        headers=tenant.headers,
    ).json()
    pages = first["items"] + second["items"]
    assert len(pages) == 3 and second["next_cursor"] is None
    assert {m["domain"] for m in pages} == {"news.example"}


def test_the_export_takes_the_same_filters(client: TestClient, tenant: Tenant, acme: int) -> None:
    params = {"brand_id": acme, "domain": "news.example", "author": "Ana Ruiz"}
    export = client.get("/v1/mentions/export", params=params, headers=tenant.headers)
    assert export.status_code == 200, export.text
    exported = [json.loads(line) for line in export.text.splitlines()]
    assert exported == listed(client, tenant, acme, domain="news.example", author="Ana Ruiz")
    assert len(exported) == 2
    paid = client.get(
        "/v1/mentions/export",
        params={"brand_id": acme, "media_type": "paid", "language": "es", "format": "csv"},
        headers=tenant.headers,
    )
    rows = paid.text.splitlines()
    assert len(rows) == 2 and "Acme es la mejor tienda #publicidad" in rows[1]


@pytest.mark.parametrize(
    "params",
    [
        {"media_type": "viral"},
        {"media_type": "OWNED"},
        {"language": "spanish"},
        {"language": "e1"},
        {"domain": "x" * 256},
        {"author": "y" * 301},
    ],
)
@pytest.mark.parametrize("path", ["/v1/mentions", "/v1/mentions/export"])
def test_a_bad_filter_value_answers_422(
    client: TestClient, tenant: Tenant, acme: int, path: str, params: dict[str, str]
) -> None:
    answer = client.get(path, params={"brand_id": acme, **params}, headers=tenant.headers)
    assert answer.status_code == 422, answer.text
    [name] = params
    assert any(error["loc"][-1] == name for error in answer.json()["detail"]), answer.json()


def test_the_new_filters_are_in_the_openapi_document(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    for path in ("/v1/mentions", "/v1/mentions/export"):
        parameters = {p["name"]: p for p in document["paths"][path]["get"]["parameters"]}
        assert {"language", "media_type", "domain", "author"} <= set(parameters), path
        media = json.dumps(parameters["media_type"]["schema"])
        assert all(value in media for value in ('"owned"', '"earned"', '"paid"'))
