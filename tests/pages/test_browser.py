"""The dashboard in a real browser (Debian's Chromium through Playwright): sign in, a brand
fed from a local feed by a real poll, tiles equal to the Situation report, drill-down,
objectives through the form, Spanish, a hostile feed, /docs offline, screenshots."""

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from core.i18n import Formats, Language, formats_locale
from services.polling import poll_source
from tests.pages import scenario
from tests.pages.browser import CHROMIUM_ARGS, Watch, chromium_path, live_server, screenshots
from tests.pages.conftest import Account, new_account
from tests.support.feed_server import FeedServer, Route

LOCALE = "es-ES"


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with live_server() as url:
        yield url


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    launched = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
    yield launched
    launched.close()


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    with FeedServer() as server:
        yield server


@pytest.fixture
def account(db: str) -> Account:
    return new_account("Acme marketing")


@pytest.fixture
def world(base_url: str, account: Account, feeds: FeedServer) -> scenario.Scenario:
    return scenario.build(base_url, account, feeds, locale=LOCALE)


@pytest.fixture
def page(browser: Browser, base_url: str) -> Iterator[Page]:
    context = browser.new_context(base_url=base_url, locale="en-US")
    opened = context.new_page()
    yield opened
    context.close()


def sign_in(page: Page, account: Account) -> None:
    page.goto("/")
    assert urlsplit(page.url).path == "/login"
    page.fill("input[name=api_key]", account.api_key)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: urlsplit(url).path == "/")
    assert account.api_key not in page.content()


def api_get(base_url: str, account: Account, path: str, **params: Any) -> Any:
    answer = httpx.get(f"{base_url}{path}", params=params, headers=account.headers, timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.json()


def fmt_of(language: Language) -> Formats:
    return Formats(formats_locale(language, LOCALE), "America/Monterrey")


def tile_expectations(report: dict[str, Any], fmt: Formats) -> dict[str, tuple[Any, str]]:
    share = next(
        v["share"] for v in report["share_of_voice"] if v["brand_id"] == report["brand_id"]
    )
    scores = report["scores"]
    expected = {
        "mentions": (report["mentions"], fmt.integer(report["mentions"])),
        "net_sentiment": (report["sentiment"]["net"], fmt.decimal(report["sentiment"]["net"], 2)),
        "avg_sentiment": (report["sentiment"]["avg"], fmt.decimal(report["sentiment"]["avg"], 4)),
        "share_of_voice": (share, fmt.percent(share, 1)),
        "strength": (scores["strength"], fmt.percent(scores["strength"], 1)),
        "passion": (scores["passion"], fmt.percent(scores["passion"], 1)),
        "reach": (scores["reach"], fmt.percent(scores["reach"], 1)),
    }
    if "stories" in report:
        expected["stories"] = (report["stories"], fmt.integer(report["stories"]))
    return expected


def check_tiles(page: Page, base_url: str, account: Account, brand_id: int, fmt: Formats) -> None:
    period = page.locator("#period")
    since, until = period.get_attribute("data-since"), period.get_attribute("data-until")
    report = api_get(
        base_url, account, f"/v1/brands/{brand_id}/situation", since=since, until=until
    )
    assert report["mentions"] > 0
    for kpi, (value, shown) in tile_expectations(report, fmt).items():
        tile = page.locator(f'[data-kpi="{kpi}"]')
        assert float(tile.get_attribute("data-value") or "nan") == pytest.approx(value), kpi
        assert tile.locator(".tile-value").inner_text() == shown, kpi
    assert page.locator("[data-kpi]").count() == 8


def test_tiles_equal_the_situation_report_and_a_click_opens_exactly_those_mentions(
    page: Page, base_url: str, account: Account, world: scenario.Scenario
) -> None:
    watch = Watch()
    watch.attach(page)
    sign_in(page, account)
    assert page.locator(f'[data-brand="{world.brand_id}"]').count() == 1
    for days in (30, 7, 90):
        page.goto(f"/brands/{world.brand_id}?days={days}")
        check_tiles(page, base_url, account, world.brand_id, fmt_of("en"))

    page.goto(f"/brands/{world.brand_id}?days=7")
    segment = page.locator("#volume-chart a[href*='label=positive']").first
    href = segment.get_attribute("href") or ""
    query = {k: v[0] for k, v in parse_qs(urlsplit(href).query).items()}
    since, until = datetime.fromisoformat(query["since"]), datetime.fromisoformat(query["until"])
    local = ZoneInfo("America/Monterrey")
    assert since.astimezone(local).date() == (until.astimezone(local)).date() or (
        until.astimezone(local).hour == 0 and until.astimezone(local).minute == 0
    )
    segment.click()
    page.wait_for_url(lambda url: "/mentions" in url)
    shown = [
        int(i)
        for i in page.locator("[data-mention]").evaluate_all(
            "items => items.map(i => i.dataset.mention)"
        )
    ]
    expected = api_get(
        base_url,
        account,
        "/v1/mentions",
        brand_id=world.brand_id,
        since=query["since"],
        until=query["until"],
        label="positive",
    )["items"]
    assert shown == [m["id"] for m in expected]
    assert shown, "the positive slice of a day with mentions opens them"

    # A whole day: the day's column link without a sentiment, through the filter form.
    page.goto(f"/brands/{world.brand_id}/mentions?since={query['since']}&until={query['until']}")
    shown_day = page.locator("[data-mention]").count()
    day = api_get(
        base_url,
        account,
        "/v1/mentions",
        brand_id=world.brand_id,
        since=query["since"],
        until=query["until"],
    )["items"]
    assert shown_day == len(day) >= len(expected)
    watch.assert_clean()


def test_export_these_downloads_the_same_filter_as_csv(
    page: Page, base_url: str, account: Account, world: scenario.Scenario
) -> None:
    sign_in(page, account)
    page.goto(f"/brands/{world.brand_id}/mentions?label=negative")
    with page.expect_download() as download:
        page.click("text=Export these (CSV)")
    body = download.value.path().read_bytes()
    api = httpx.get(
        f"{base_url}/v1/mentions/export",
        params={"brand_id": world.brand_id, "label": "negative", "format": "csv"},
        headers=account.headers,
    )
    assert body == api.content
    assert body.count(b"\n") > 1


def test_a_click_on_a_top_domain_opens_only_that_domains_mentions(
    page: Page, base_url: str, account: Account, world: scenario.Scenario
) -> None:
    watch = Watch()
    watch.attach(page)
    sign_in(page, account)
    page.goto(f"/brands/{world.brand_id}")
    period = page.locator("#period")
    since, until = period.get_attribute("data-since"), period.get_attribute("data-until")
    report = api_get(
        base_url, account, f"/v1/brands/{world.brand_id}/situation", since=since, until=until
    )
    # Not the first bar, and not the brand's own site (news0): earned mentions to narrow to.
    [second] = [d for d in report["top_domains"] if d["domain"] == "news1.example.com"]
    bar = page.locator("#top-domains li", has_text=second["domain"])
    assert bar.locator(".hb-fig").inner_text() == str(second["mentions"])
    bar.locator("a").click()
    page.wait_for_url(lambda url: "domain=" in url)
    rows = page.locator("[data-mention]")
    assert rows.count() == second["mentions"] > 0
    assert all(second["domain"] in meta for meta in page.locator(".m-meta").all_inner_texts())
    expected = api_get(
        base_url, account, "/v1/mentions",
        brand_id=world.brand_id, domain=second["domain"], since=since, until=until,
    )["items"]  # fmt: skip
    shown = rows.evaluate_all("items => items.map(i => Number(i.dataset.mention))")
    assert shown == [m["id"] for m in expected]
    chip = page.locator('#active-filters [data-filter="domain"]')
    assert second["domain"] in chip.inner_text()

    # Language and media type through the form: the domain and the period stay.
    page.select_option("select[name=language]", "en")
    page.select_option("select[name=media_type]", "earned")
    page.click("form.filters button[type=submit]")
    page.wait_for_url(lambda url: "media_type=earned" in url)
    query = {k: v[0] for k, v in parse_qs(urlsplit(page.url).query).items()}
    assert query["domain"] == second["domain"] and query["language"] == "en"
    assert query["since"] == since and query["until"] == until
    narrowed = api_get(
        base_url, account, "/v1/mentions", brand_id=world.brand_id, domain=second["domain"],
        language="en", media_type="earned", since=since, until=until,
    )["items"]  # fmt: skip
    assert page.locator("[data-mention]").count() == len(narrowed)
    for shot in screenshots(page, "mentions_filtered"):
        assert shot.stat().st_size > 5000

    chip.locator("a.chip-remove").click()
    page.wait_for_url(lambda url: "domain=" not in url)
    assert page.locator("#active-filters").count() == 0
    every_domain = api_get(
        base_url, account, "/v1/mentions", brand_id=world.brand_id,
        language="en", media_type="earned", since=since, until=until,
    )["items"]  # fmt: skip
    assert page.locator("[data-mention]").count() == len(every_domain) > len(narrowed)
    watch.assert_clean()


def test_an_objective_created_through_its_form_appears_in_the_control_report(
    page: Page, base_url: str, account: Account, world: scenario.Scenario
) -> None:
    sign_in(page, account)
    page.goto(f"/brands/{world.brand_id}/control")
    today = datetime.now(ZoneInfo("UTC")).date()
    fill_objective(page, name="", target="500", typed_start="31/02/2026")
    assert page.locator('#new-objective [data-error="name"]').count() == 1  # next to the field
    assert page.locator('#new-objective [data-error="start"]').inner_text() == (
        "“31/02/2026” is not a date: write it as dd/mm/yyyy, e.g. "
        + fmt_of("en").day_field(datetime.now(ZoneInfo("America/Monterrey")).date())
    )

    fill_objective(
        page, name="Sentimiento", metric="net_sentiment", target="500",
        start=today - timedelta(days=30), deadline=today + timedelta(days=60),
    )  # fmt: skip
    assert "between -100 and 100" in page.locator('#new-objective [data-error="form"]').inner_text()

    fill_objective(
        page, name="Q4 volume", metric="mentions", target="40",
        start=today - timedelta(days=7), deadline=today + timedelta(days=30),
    )  # fmt: skip
    page.wait_for_url(lambda url: urlsplit(url).path.endswith("/control"))
    control = api_get(base_url, account, f"/v1/brands/{world.brand_id}/control")
    [objective] = control["objectives"]
    assert objective["name"] == "Q4 volume" and objective["target"] == 40
    zone = ZoneInfo("America/Monterrey")  # the brand's
    start = datetime.fromisoformat(objective["start"]).astimezone(zone)
    assert (start.date(), start.time().isoformat()) == (today - timedelta(days=7), "00:00:00")
    card = page.locator(f'[data-objective="{objective["id"]}"]')
    assert card.locator("[data-status]").get_attribute("data-status") == objective["status"]
    assert card.locator(".chart-wide svg path").count() >= 1

    card.locator("summary").click()
    card.locator("input[name=target]").fill("60")
    card.locator("button[type=submit]", has_text="Save").click()
    page.wait_for_url(lambda url: urlsplit(url).path.endswith("/control"))
    control = api_get(base_url, account, f"/v1/brands/{world.brand_id}/control")
    assert control["objectives"][0]["target"] == 60
    card = page.locator(f'[data-objective="{objective["id"]}"]')
    card.locator("summary").click()
    card.locator("button.danger").click()
    page.wait_for_url(lambda url: urlsplit(url).path.endswith("/control"))
    assert api_get(base_url, account, f"/v1/brands/{world.brand_id}/control")["objectives"] == []


def fill_objective(
    page: Page,
    *,
    name: str,
    target: str,
    metric: str | None = None,
    start: date | None = None,
    deadline: date | None = None,
    typed_start: str | None = None,
) -> None:
    """Fill the new-objective form with what is given, days typed as the page's locale writes
    them (English about an es-ES brand: 01/12/2026), and send it."""
    form = page.locator("#new-objective form")
    form.locator("input[name=name]").fill(name)
    if metric is not None:
        form.locator("select[name=metric]").select_option(metric)
    form.locator("input[name=target]").fill(target)
    fmt = Formats(formats_locale("en", LOCALE))
    for field, day in (("start", start), ("deadline", deadline)):
        if day is not None:
            form.locator(f"input[name={field}]").fill(fmt.day_field(day))
    if typed_start is not None:
        form.locator("input[name=start]").fill(typed_start)
    form.locator("button[type=submit]").click()


def test_spanish_labels_and_number_formats_after_switching(
    page: Page, base_url: str, account: Account, world: scenario.Scenario
) -> None:
    sign_in(page, account)
    page.goto(f"/brands/{world.brand_id}")
    assert page.locator("h1").inner_text().startswith("Situation")
    page.click("a[lang=es]")
    page.wait_for_url(lambda url: urlsplit(url).path == f"/brands/{world.brand_id}")
    assert page.locator("h1").inner_text().startswith("Situación")
    assert page.locator('[data-kpi="mentions"] .tile-label').inner_text() == "Menciones"
    assert page.locator("html").get_attribute("lang") == "es"
    check_tiles(page, base_url, account, world.brand_id, fmt_of("es"))
    avg = page.locator('[data-kpi="avg_sentiment"] .tile-value').inner_text()
    assert "," in avg  # es-ES writes 0,0926
    period = page.locator("#period").inner_text()
    assert any(
        month in period
        for month in (
            "ene",
            "feb",
            "mar",
            "abr",
            "may",
            "jun",
            "jul",
            "ago",
            "sept",
            "oct",
            "nov",
            "dic",
        )
    )
    spain, today = fmt_of("es"), datetime.now(ZoneInfo("America/Monterrey")).date()
    first, last = today - timedelta(days=14), today - timedelta(days=2)
    assert page.locator("input[name=from]").get_attribute("placeholder") == "dd/mm/aaaa"
    page.locator("input[name=from]").fill(f"{first.day}-{first.month}-{first.year % 100}")
    page.locator("input[name=to]").fill(spain.day_field(last))
    page.locator("form.period button[type=submit]").click()
    page.wait_for_url(lambda url: f"to={last.isoformat()}" in url)
    assert parse_qs(urlsplit(page.url).query)["from"] == [first.isoformat()]
    assert page.locator("input[name=from]").input_value() == spain.day_field(first)
    assert page.locator("#range-shown").inner_text() == spain.date_range(first, last)
    page.goto("/alerts")  # remembered on the next page
    assert page.locator("h1").inner_text() == "Alertas"


def test_a_hostile_feed_runs_no_script(
    page: Page, base_url: str, account: Account, world: scenario.Scenario
) -> None:
    watch = Watch()
    watch.attach(page)
    sign_in(page, account)
    stored = api_get(base_url, account, "/v1/mentions", brand_id=world.brand_id, limit=100)["items"]
    hostile = [m for m in stored if "alert" in m["title"] or "alert" in m["text"]]
    assert any("<script>" in m["title"] for m in hostile)
    assert any("onerror" in m["title"] for m in hostile)
    unsafe = [m for m in hostile if not m["url"].startswith(("http://", "https://"))]
    assert unsafe, [m["url"] for m in hostile]
    for path in ("", "/mentions", "/control", "/sources"):
        page.goto(f"/brands/{world.brand_id}{path}")
    page.goto(f"/brands/{world.brand_id}/mentions?limit=100")
    assert page.evaluate("window.__pwned") is None
    text = page.locator("ul.mentions").inner_text()
    for m in hostile:
        assert m["title"] in text  # shown as text, not markup
    for m in unsafe:  # a javascript: URL is no link
        title = page.locator(f'[data-mention="{m["id"]}"] .m-title')
        assert title.locator("a").count() == 0 and title.inner_text() == m["title"]
    links = page.locator("ul.mentions a").evaluate_all("links => links.map(a => a.href)")
    assert links and all(link.startswith(("http://", "https://")) for link in links)
    watch.assert_clean()


def test_docs_work_offline(page: Page, base_url: str) -> None:
    watch = Watch()
    watch.attach(page)
    page.route(
        "**/*",
        lambda route: (
            route.continue_()
            if urlsplit(route.request.url).hostname == "127.0.0.1"
            else route.abort()
        ),
    )
    page.goto("/docs")
    page.wait_for_selector(".swagger-ui .info .title", timeout=20000)
    assert "Escucha" in page.locator(".swagger-ui .info .title").inner_text()
    assert page.locator(".opblock").count() > 10
    watch.assert_clean()


def test_screenshots_of_every_page(
    page: Page, base_url: str, account: Account, world: scenario.Scenario, feeds: FeedServer
) -> None:
    feeds.set_route("/broken.xml", Route(body=b"down", status=500))
    today = datetime.now(ZoneInfo("UTC")).date()
    with httpx.Client(base_url=base_url, headers=account.headers) as api:
        broken = api.post(
            f"/v1/brands/{world.brand_id}/sources",
            json={"kind": "google_alerts", "url": feeds.url("/broken.xml")},
        ).json()["id"]
        assert poll_source(broken).error is not None
        api.post(
            "/v1/alert-rules",
            json={"brand_id": world.brand_id, "kind": "digest", "email": ["equipo@example.com"]},
        )
        api.post(
            f"/v1/brands/{world.brand_id}/objectives",
            json={
                "name": "Q4 volume",
                "metric": "mentions",
                "target": 40,
                "start": (today - timedelta(days=12)).isoformat() + "T00:00:00Z",
                "deadline": (today + timedelta(days=30)).isoformat() + "T00:00:00Z",
            },
        )
    page.goto("/login")
    screenshots(page, "login")
    sign_in(page, account)
    pages = {
        "home": "/",
        "overview": f"/brands/{world.brand_id}",
        "overview_7d": f"/brands/{world.brand_id}?days=7",
        "mentions": f"/brands/{world.brand_id}/mentions",
        "control": f"/brands/{world.brand_id}/control",
        "sources": f"/brands/{world.brand_id}/sources",
        "alerts": "/alerts",
        "brand_new": "/brands/new",
        "docs": "/docs",
    }
    for name, path in pages.items():
        page.goto(path)
        for shot in screenshots(page, name):
            assert shot.stat().st_size > 5000
    page.goto(f"/brands/{world.brand_id}")
    assert "Google Alerts" in page.locator("#health-banner").inner_text()
    page.goto(f"/brands/{world.brand_id}")
    page.click("a[lang=es]")
    page.wait_for_url(lambda url: urlsplit(url).path == f"/brands/{world.brand_id}")
    screenshots(page, "overview_es")
