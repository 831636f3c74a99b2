"""The mention page's language and media-type filters, the overview's top domains and
authors as links to their mentions, the peaks' explanation, and the chosen range written and
typed as the brand's locale writes days (no browser: the pages as a client fetches them)."""

import csv
import html
import io
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from core.i18n import Formats
from models.types import utcnow
from tests.pages.conftest import Account, sign_in
from tests.support.data import ingest, item

ZONE = ZoneInfo("America/Monterrey")
WIRE = (
    "Femsa Comercio informó que los pagos con tarjeta en Oxxo crecieron 28% en el tercer "
    "trimestre, impulsados por Spin by Oxxo, su plataforma de pagos digitales, que ya suma "
    "9 millones de usuarios."
)
STORY_TITLE = "Pagos con tarjeta en Oxxo crecen 28% en el tercer trimestre"
HIDDEN = "Oxxo coffee is fine, nothing special"
SPANISH = "es-MX,es;q=0.9"


@dataclass(frozen=True)
class World:
    brand_id: int
    hidden_id: int


def _at(days_ago: int, minutes: int) -> datetime:
    """10:00 local time `days_ago` days back, plus `minutes`: one local day per group."""
    local = (utcnow().astimezone(ZONE) - timedelta(days=days_ago)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    return local + timedelta(minutes=minutes)


@pytest.fixture
def world(client: TestClient, account: Account) -> World:
    brand = client.post(
        "/v1/brands",
        json={
            "name": "Oxxo",
            "query": "oxxo",
            "timezone": "America/Monterrey",
            "locale": "es-ES",
            "owned_domains": ["oxxo.example"],
        },
        headers=account.headers,
    ).json()
    source = client.post(
        f"/v1/brands/{brand['id']}/sources",
        json={"kind": "rss", "url": "http://127.0.0.1:9/feed"},
        headers=account.headers,
    ).json()
    rows = [
        # One day, one story in three copies and one other mention: the busiest day.
        (STORY_TITLE, "eleconomista.example", "Redacción", "es", WIRE, 3, 0),
        ("Spin by Oxxo suma 9 millones de usuarios; pagos con tarjeta crecen 28%",
         "forbes.example", "Redacción", "es", WIRE, 3, 20),
        ("Pagos digitales impulsan a Oxxo: crecen 28% en el trimestre", "reuters.example",
         "Redacción", "es", WIRE[:150], 3, 40),
        ("Vecinos de Monterrey piden cerrar tienda Oxxo por ruido", "abc.example", "Ana Ruiz",
         "es", "Habitantes de la colonia Mitras denunciaron ruido y basura en la tienda.", 3, 60),
        # Another day, three unrelated mentions: broad conversation.
        ("Oxxo opens its first store in Texas", "news.example", "Ana Ruiz", "en",
         "The chain crossed the border with a store in Laredo.", 6, 0),
        ("Oxxo snacks, two for one this week #ad", "promo.example", "promo", "en",
         "Buy now.", 6, 30),
        ("Oxxo celebra 45 años con ofertas en todas sus tiendas", "oxxo.example",
         "Oxxo Oficial", "es", "Descuentos en café y botanas.", 6, 60),
        # A quieter day.
        ("Oxxo coffee is fine, nothing special", "news.example", "ana ruiz", "en",
         "Just coffee.", 9, 0),
        ("Oxxo extends its opening hours", "news.example", "Luis", "en",
         "Now open until midnight.", 9, 30),
    ]  # fmt: skip
    items = [
        item(title, f"https://{domain}/{n}", _at(days, minutes), text=text, author=author,
             language=language)
        for n, (title, domain, author, language, text, days, minutes) in enumerate(rows)
    ]  # fmt: skip
    assert ingest(brand["id"], source["id"], items).new == len(rows)
    stored = api(client, account, "/v1/mentions", brand_id=brand["id"])["items"]
    hidden_id = next(m["id"] for m in stored if m["title"] == HIDDEN)
    marked = client.post(
        f"/v1/mentions/{hidden_id}/feedback", json={"relevant": False}, headers=account.headers
    )
    assert marked.status_code == 200, marked.text
    sign_in(client, account)
    return World(brand["id"], hidden_id)


def api(client: TestClient, account: Account, path: str, **params: Any) -> Any:
    answer = client.get(path, params=params, headers=account.headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


def shown_ids(page_html: str) -> list[int]:
    return [int(found) for found in re.findall(r'data-mention="(\d+)"', page_html)]


def links(page_html: str, parameter: str) -> dict[str, str]:
    """The page's links to mentions filtered by `parameter`: its value -> the link."""
    found = {}
    for href in re.findall(r'href="(/brands/\d+/mentions\?[^"]*)"', page_html):
        href = html.unescape(href)
        params = dict(parse_qsl(urlsplit(href).query))
        if parameter in params:
            found[params[parameter]] = href
    return found


def query_of(href: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(href).query))


@pytest.mark.parametrize(
    ("params", "titles"),
    [
        ({"language": "en"}, {"Oxxo opens its first store in Texas",
                              "Oxxo snacks, two for one this week #ad",
                              "Oxxo extends its opening hours"}),
        ({"media_type": "paid"}, {"Oxxo snacks, two for one this week #ad"}),
        ({"media_type": "owned"}, {"Oxxo celebra 45 años con ofertas en todas sus tiendas"}),
        ({"language": "es", "media_type": "earned"}, {
            STORY_TITLE, "Vecinos de Monterrey piden cerrar tienda Oxxo por ruido",
            "Spin by Oxxo suma 9 millones de usuarios; pagos con tarjeta crecen 28%",
            "Pagos digitales impulsan a Oxxo: crecen 28% en el trimestre"}),
    ],
)  # fmt: skip
def test_language_and_media_type_filters_show_exactly_those_mentions(
    client: TestClient, account: Account, world: World, params: dict[str, str], titles: set[str]
) -> None:
    page = client.get(f"/brands/{world.brand_id}/mentions", params=params)
    assert page.status_code == 200, page.text
    expected = api(client, account, "/v1/mentions", brand_id=world.brand_id, **params)["items"]
    assert {m["title"] for m in expected} == titles
    assert shown_ids(page.text) == [m["id"] for m in expected]
    assert world.hidden_id not in shown_ids(page.text)
    for name, value in params.items():  # the controls show the filter that is applied
        select = re.search(rf'<select name="{name}">(.*?)</select>', page.text, re.S)
        assert select and f'<option value="{value}" selected>' in select[1], name
    export = page.text.split('class="button secondary" href="')[1].split('"')[0]
    assert query_of(html.unescape(export)) == params


def test_the_controls_speak_spanish_and_a_bad_media_type_is_refused_on_the_page(
    client: TestClient, world: World
) -> None:
    page = client.get(f"/brands/{world.brand_id}/mentions", headers={"Accept-Language": SPANISH})
    assert "Idioma" in page.text and "Tipo de medio" in page.text
    assert '<option value="en" >inglés</option>' in page.text
    assert '<option value="paid" >pagados</option>' in page.text
    bad = client.get(f"/brands/{world.brand_id}/mentions?media_type=viral")
    assert bad.status_code == 422
    assert 'role="alert"' in bad.text and shown_ids(bad.text) == []


def test_a_top_domain_or_author_of_the_overview_opens_exactly_its_mentions(
    client: TestClient, account: Account, world: World
) -> None:
    overview = client.get(f"/brands/{world.brand_id}")
    assert overview.status_code == 200
    period = re.search(r'id="period" data-since="([^"]+)" data-until="([^"]+)"', overview.text)
    assert period
    window = {"since": period[1], "until": period[2]}
    report = api(client, account, f"/v1/brands/{world.brand_id}/situation", **window)
    domains, authors = links(overview.text, "domain"), links(overview.text, "author")
    assert set(domains) == {d["domain"] for d in report["top_domains"]}
    assert set(authors) == {a["author"] for a in report["top_authors"]}
    assert "ana ruiz" not in authors  # hidden: its only mention is out of the report
    for parameter, found, ranked in (
        ("domain", domains, report["top_domains"]),
        ("author", authors, report["top_authors"]),
    ):
        for row in ranked:
            value = row[parameter]
            href = found[value]
            assert query_of(href) == {parameter: value, **window}
            page = client.get(href)
            expected = api(
                client, account, "/v1/mentions", brand_id=world.brand_id, **query_of(href)
            )["items"]
            assert shown_ids(page.text) == [m["id"] for m in expected]
            assert len(expected) == row["mentions"], value
            assert {m[parameter] for m in expected} == {value}
    news = client.get(domains["news.example"]).text
    assert world.hidden_id not in shown_ids(news) and len(shown_ids(news)) == 2


def test_the_active_domain_is_shown_removable_and_kept_by_the_form_and_the_export(
    client: TestClient, account: Account, world: World
) -> None:
    params = {"domain": "news.example", "language": "en"}
    page = client.get(f"/brands/{world.brand_id}/mentions", params=params).text
    chip = re.search(r'<span class="chip" data-filter="domain">(.*?)</span>', page, re.S)
    assert chip and "<strong>news.example</strong>" in chip[1]
    assert '<input type="hidden" name="domain" value="news.example">' in page
    found = re.search(r'<a href="([^"]+)" class="chip-remove"', page)
    assert found
    remove = html.unescape(found[1])
    assert query_of(remove) == {"language": "en"}
    without = client.get(remove).text
    assert 'data-filter="domain"' not in without
    english = api(client, account, "/v1/mentions", brand_id=world.brand_id, language="en")
    assert shown_ids(without) == [m["id"] for m in english["items"]]
    assert len(shown_ids(without)) > len(shown_ids(page)) == 2

    export_href = html.unescape(page.split('class="button secondary" href="')[1].split('"')[0])
    downloaded = client.get(export_href)
    assert downloaded.status_code == 200
    same = client.get(
        "/v1/mentions/export",
        params={"brand_id": world.brand_id, "format": "csv", **params},
        headers=account.headers,
    )
    assert downloaded.content == same.content
    rows = list(csv.DictReader(io.StringIO(downloaded.content.decode("utf-8-sig"))))
    assert len(rows) == 2 and {r["domain"] for r in rows} == {"news.example"}
    assert {r["language"] for r in rows} == {"en"}


def _peak_texts(page_html: str) -> list[str]:
    return [
        html.unescape(text)
        for text in re.findall(r'<p class="muted peak-explanation">(.*?)</p>', page_html)
    ]


def test_peaks_say_whether_one_story_carries_them_in_english_and_spanish(
    client: TestClient, account: Account, world: World
) -> None:
    english = client.get(f"/brands/{world.brand_id}").text
    period = re.search(r'id="period" data-since="([^"]+)" data-until="([^"]+)"', english)
    assert period
    report = api(
        client,
        account,
        f"/v1/brands/{world.brand_id}/situation",
        since=period[1],
        until=period[2],
    )
    kinds = [(p["explanation"]["kind"], p["explanation"]["share"]) for p in report["peaks"]]
    assert kinds[0] == ("story", 0.75) and {kind for kind, _ in kinds[1:]} == {"broad"}
    texts = _peak_texts(english)
    assert texts[0] == f"One story carries 75% of this peak: “{STORY_TITLE}”"
    assert texts[1:] == ["Broad conversation: no single story carries this peak."] * (
        len(kinds) - 1
    )
    spanish = _peak_texts(
        client.get(f"/brands/{world.brand_id}", headers={"Accept-Language": SPANISH}).text
    )
    assert spanish[0] == f"Una sola historia reúne el 75\xa0% de este pico: «{STORY_TITLE}»"
    assert spanish[1:] == ["Conversación amplia: ninguna historia concentra este pico."] * (
        len(kinds) - 1
    )


def test_the_chosen_range_is_written_as_the_brands_locale_writes_it(
    client: TestClient, world: World
) -> None:
    chosen = "?from=2026-12-01&to=2026-12-30"
    for path in (f"/brands/{world.brand_id}", f"/brands/{world.brand_id}/mentions"):
        spanish = client.get(path + chosen, headers={"Accept-Language": SPANISH}).text
        assert '<span class="range-shown" id="range-shown">1–30 dic 2026</span>' in spanish, path
        english = client.get(path + chosen).text  # English read in the brand's country
        assert '<span class="range-shown" id="range-shown">1–30 Dec 2026</span>' in english, path
    preset = client.get(f"/brands/{world.brand_id}?days=7", headers={"Accept-Language": SPANISH})
    shown = re.search(r'id="range-shown">([^<]*)</span>', preset.text)
    assert shown and re.search(r"\b(ene|feb|mar|abr|may|jun|jul|ago|sept|oct|nov|dic)\b", shown[1])


def _local_day(days_ago: int) -> date:
    return (utcnow().astimezone(ZONE) - timedelta(days=days_ago)).date()


def test_a_range_typed_as_the_locale_writes_days_is_read_and_kept_in_iso(
    client: TestClient, world: World
) -> None:
    first, last = _local_day(20), _local_day(5)
    spain = Formats("es-ES", "America/Monterrey")  # the brand's locale, read in Spanish
    typed = {"from": f"{first.day}/{first.month}/{first.year}", "to": spain.day_field(last)}
    for path in (f"/brands/{world.brand_id}", f"/brands/{world.brand_id}/mentions"):
        sent = client.get(
            path, params=typed, headers={"Accept-Language": SPANISH}, follow_redirects=False
        )
        assert sent.status_code == 303, path
        moved = dict(parse_qsl(urlsplit(sent.headers["location"]).query))
        assert moved == {"from": first.isoformat(), "to": last.isoformat()}, path
        page = client.get(sent.headers["location"], headers={"Accept-Language": SPANISH}).text
        assert f'name="from" value="{spain.day_field(first)}" placeholder="dd/mm/aaaa"' in page
        assert f'name="to" value="{spain.day_field(last)}"' in page
        shown = html.unescape(re.search(r'id="range-shown">([^<]*)</span>', page)[1])  # type: ignore[index]
        assert shown == spain.date_range(first, last), path


def test_a_month_first_locale_reads_the_month_first(client: TestClient, account: Account) -> None:
    brand = client.post(
        "/v1/brands",
        json={"name": "Acme", "query": "acme", "timezone": "America/Chicago", "locale": "en-US"},
        headers=account.headers,
    ).json()
    sign_in(client, account)
    day = _local_day(10)
    typed = f"{day.month}/{day.day}/{day.year}"
    sent = client.get(f"/brands/{brand['id']}", params={"from": typed}, follow_redirects=False)
    assert dict(parse_qsl(urlsplit(sent.headers["location"]).query)) == {"from": day.isoformat()}
    page = client.get(sent.headers["location"]).text
    assert f'name="from" value="{typed}" placeholder="mm/dd/yyyy"' in page


def test_a_typed_day_that_is_no_date_is_refused_in_the_readers_language(
    client: TestClient, world: World
) -> None:
    spanish = {"Accept-Language": SPANISH}
    overview = client.get(f"/brands/{world.brand_id}?from=31/02/2026", headers=spanish)
    assert overview.status_code == 422
    assert "«31/02/2026» no es una fecha: escríbala como dd/mm/aaaa" in overview.text
    listed = client.get(f"/brands/{world.brand_id}/mentions?to=hoy&q=oxxo", headers=spanish)
    assert listed.status_code == 422
    assert "«hoy» no es una fecha: escríbala como dd/mm/aaaa" in listed.text
    assert 'name="to" value="hoy"' in listed.text and 'name="q" value="oxxo"' in listed.text
    english = client.get(f"/brands/{world.brand_id}/mentions?to=yesterday")
    assert "“yesterday” is not a date: write it as dd/mm/yyyy" in english.text
