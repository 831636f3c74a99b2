"""Relevance in a real browser (Debian's Chromium through Playwright): "not about this
brand" on a mention takes it off the list, and the relevance page at 1280 and 390 px."""

from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from core.db import session_scope
from models.types import utcnow
from services.relevance import train_brand
from tests.api.test_relevance import BEER, VIRUS, store
from tests.pages.browser import CHROMIUM_ARGS, Watch, chromium_path, live_server, screenshots
from tests.pages.conftest import Account
from tests.pages.test_browser import sign_in


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with live_server() as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, base_url: str) -> Iterator[Page]:
    context = browser.new_context(base_url=base_url, locale="en-US")
    yield context.new_page()
    context.close()


def _corona_with_a_model(base_url: str, account: Account) -> int:
    """A brand whose name is also a virus, its mentions stored, 8 marks and a model."""
    with httpx.Client(base_url=base_url, headers=account.headers, timeout=30) as api:
        brand = api.post(
            "/v1/brands",
            json={"name": "Corona", "query": "corona", "timezone": "America/Mexico_City"},
        ).json()["id"]
        source = api.post(
            f"/v1/brands/{brand}/sources", json={"kind": "rss", "url": "http://127.0.0.1:9/x"}
        ).json()["id"]
        store(brand, source, BEER, "beer.example")
        store(brand, source, VIRUS, "virus.example")
        items = api.get("/v1/mentions", params={"brand_id": brand, "limit": 100}).json()["items"]
        beer = [m["id"] for m in items if m["domain"] == "beer.example"]
        virus = [m["id"] for m in items if m["domain"] == "virus.example"]
        for ids, relevant in ((beer[:4], True), (virus[:4], False)):
            for i in ids:
                answer = api.post(f"/v1/mentions/{i}/feedback", json={"relevant": relevant})
                assert answer.status_code == 200, answer.text
    with session_scope() as session:
        now = utcnow()
        assert train_brand(session, brand_id=brand, marked_at=now, now=now, max_delay=30)
    return int(brand)


def test_not_about_this_brand_takes_a_mention_off_the_list_and_the_relevance_page(
    page: Page, base_url: str, account: Account
) -> None:
    brand_id = _corona_with_a_model(base_url, account)
    watch = Watch()
    watch.attach(page)
    sign_in(page, account)
    page.goto(f"/brands/{brand_id}/mentions?q=cerveza")
    rows = page.locator("[data-mention]")
    before = rows.evaluate_all("items => items.map(i => i.dataset.mention)")
    unmarked = rows.filter(has_not=page.locator(".m-verdict"))
    assert len(before) >= 2 and unmarked.count() >= 1
    target = unmarked.first.get_attribute("data-mention")
    page.locator(f'[data-mention="{target}"] [data-feedback="irrelevant"]').click()
    page.wait_for_load_state()
    assert urlsplit(page.url).path == f"/brands/{brand_id}/mentions"
    assert urlsplit(page.url).query == "q=cerveza"  # back where the click was
    after = rows.evaluate_all("items => items.map(i => i.dataset.mention)")
    assert target not in after and after == [i for i in before if i != target]

    page.goto(f"/brands/{brand_id}/mentions?hidden=true")
    hidden = page.locator(f'[data-mention="{target}"]')
    assert hidden.count() == 1
    assert hidden.locator('[data-feedback="relevant"]').inner_text() == "About this brand"

    page.goto(f"/brands/{brand_id}")
    page.click(f'.brand-nav a[href="/brands/{brand_id}/relevance"]')
    page.wait_for_url(lambda url: urlsplit(url).path == f"/brands/{brand_id}/relevance")
    assert page.locator('[data-figure="marks"] .tile-value').inner_text() == "9"
    assert page.locator("#review [data-mention]").count() >= 1
    assert page.locator("#exclusions [data-exclusion]").count() >= 1
    for shot in screenshots(page, "relevance"):
        assert shot.stat().st_size > 5000
    watch.assert_clean()
