"""A brand fed by a real feed server on 127.0.0.1 and a real poll, with a competitor, for
the browser tests. Dates are relative to now."""

from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx

from core.db import session_scope
from models.tables import Brand, Mention
from models.types import utcnow
from services.polling import poll_source
from tests.pages.conftest import Account
from tests.support.feed_server import FeedServer
from tests.support.feeds import Entry, rss2

# The feed parser strips real tags; escaped ones survive as text, which pages must show
# as text. RAW_HOSTILE goes into the store directly, as a careless adapter could put it.
HOSTILE_TITLES = [
    "Lumbre &lt;script&gt;window.__pwned = 1; alert('title')&lt;/script&gt; review",
    "Lumbre &lt;img src=x onerror=alert('img')&gt; deal",
    "Lumbre &quot;&gt;&lt;svg onload=alert('svg')&gt; launch",
]
RAW_HOSTILE = [
    ("<script>window.__pwned = 2; alert('raw')</script> Lumbre", "https://raw.example.net/1"),
    ("Lumbre <img src=x onerror=\"alert('raw img')\">", "javascript:alert('raw href')"),
    ("Lumbre <a href=\"javascript:alert('a')\">link</a>", "https://raw.example.net/3"),
]


def lumbre_entries(now: datetime) -> list[Entry]:
    texts = [
        ("Lumbre coffee is wonderful, great service", "ana", 3),
        ("I love the new Lumbre store, amazing staff", "ana", 5),
        ("Lumbre delivery was terrible and slow", "beto", 8),
        ("Lumbre abre su primera tienda en Monterrey", "carla", 20),
        ("Lumbre prices are awful, worst experience", "dani", 27),
        ("Lumbre announces a new menu", None, 30),
        ("Excelente servicio de Lumbre, me encanta", "elena", 50),
        ("Lumbre is fine I guess", "beto", 52),
        ("Great news: Lumbre hires 200 people", "fer", 75),
        ("Lumbre customers angry about the refund policy", "gabo", 100),
        ("Lumbre opens late tonight", "ana", 101),
        ("Happy birthday Lumbre, best brand", "hugo", 126),
    ]
    entries = [
        Entry(
            title=title,
            link=f"https://news{i % 3}.example.com/lumbre/{i}",
            summary=f"{title}. More about Lumbre here.",
            published=now - timedelta(hours=hours),
            author=author,
        )
        for i, (title, author, hours) in enumerate(texts)
    ]
    hostile = [
        Entry(
            title=title,
            link=f"https://evil.example.net/lumbre/{i}",
            summary=(
                "Lumbre <a href=\"javascript:alert('link')\">click</a> <img src=x onerror=alert(1)>"
            ),
            published=now - timedelta(hours=10 + i),
            author="<b>mallory</b>",
        )
        for i, title in enumerate(HOSTILE_TITLES)
    ]
    hostile.append(
        Entry(
            title="Lumbre javascript link",
            link="javascript:alert('href')",
            summary="Lumbre",
            published=now - timedelta(hours=12),
        )
    )
    return entries + hostile


def brasa_entries(now: datetime) -> list[Entry]:
    return [
        Entry(
            title=f"Brasa grill story {i}",
            link=f"https://food.example.org/brasa/{i}",
            summary="Brasa is good",
            published=now - timedelta(hours=6 + 13 * i),
            author=f"critic{i % 2}",
        )
        for i in range(6)
    ]


@dataclass(frozen=True)
class Scenario:
    brand_id: int
    competitor_id: int
    source_id: int


def build(base_url: str, account: Account, feeds: FeedServer, *, locale: str | None) -> Scenario:
    now = utcnow()
    feeds.serve("/lumbre.xml", rss2(lumbre_entries(now), language="en"))
    feeds.serve("/brasa.xml", rss2(brasa_entries(now), language="en"))
    with httpx.Client(base_url=base_url, headers=account.headers, timeout=30) as api:
        competitor = _post(
            api, "/v1/brands", {"name": "Brasa", "query": "brasa", "timezone": "America/Monterrey"}
        )
        body: dict[str, object] = {
            "name": "Lumbre",
            "query": "lumbre",
            "timezone": "America/Monterrey",
            "competitor_ids": [competitor],
            "owned_domains": ["news0.example.com"],
        }
        if locale is not None:
            body["locale"] = locale
        brand = _post(api, "/v1/brands", body)
        source = _post(
            api, f"/v1/brands/{brand}/sources", {"kind": "rss", "url": feeds.url("/lumbre.xml")}
        )
        other = _post(
            api, f"/v1/brands/{competitor}/sources", {"kind": "rss", "url": feeds.url("/brasa.xml")}
        )
    for source_id in (source, other):
        report = poll_source(source_id)
        assert report.error is None, report
    _store_as_an_older_release_could(brand, source, now)
    return Scenario(brand, competitor, source)


def _store_as_an_older_release_could(brand_id: int, source_id: int, now: datetime) -> None:
    """RAW_HOSTILE straight into the store: today's ingest refuses a javascript: URL and
    strips tags, but rows stored by an earlier release (or a careless adapter) may hold
    them, and pages must still show them as inert text."""
    with session_scope() as session:
        brand = session.get(Brand, brand_id)
        assert brand is not None
        for i, (title, url) in enumerate(RAW_HOSTILE):
            session.add(
                Mention(
                    workspace_id=brand.workspace_id,
                    brand_id=brand_id,
                    source_id=source_id,
                    source_kind="rss",
                    url_key=url,
                    url=url,
                    domain="raw.example.net",
                    title=title,
                    text=f"{title} onerror=alert(1)",
                    published_at=now - timedelta(hours=14 + i),
                    fetched_at=now,
                    language="en",
                    also_seen_in=[],
                )
            )


def _post(api: httpx.Client, path: str, body: dict[str, object]) -> int:
    answer = api.post(path, json=body)
    assert answer.status_code == 201, answer.text
    found: int = answer.json()["id"]
    return found
