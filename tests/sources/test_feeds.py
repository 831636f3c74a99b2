import codecs
import random
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sources import feed_dates
from sources.base import SourceError
from sources.feed_dates import parse_feed_date
from sources.feeds import MalformedFeedError, NotAFeedError, parse_feed

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "feeds"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def rss(items: str, *, head: str = '<?xml version="1.0" encoding="utf-8"?>') -> bytes:
    return f"{head}<rss version='2.0'><channel><title>t</title>{items}</channel></rss>".encode()


def test_rss2_news_feed() -> None:
    feed = parse_feed(fixture("rss2_noticias.rss.xml"), content_type="application/rss+xml")
    assert feed.format == "rss2.0"
    assert feed.title == "Diario del Norte (ejemplo) - Negocios"
    assert feed.language == "es-mx"
    assert len(feed.entries) == 5
    first, second, third = feed.entries[:3]
    assert first.guid == "ddn-2026-118830"
    assert first.author == "María Fernanda López"
    assert first.published == datetime(2026, 11, 20, 16, 30, tzinfo=UTC)
    assert first.summary is not None and "<strong>Café Lumbre</strong>" in first.summary
    assert second.title == "Lumbre\u00a0FC asciende a primera división"  # &nbsp; outside CDATA
    assert second.link == "/deportes/lumbre-fc-asciende"  # the adapter makes it absolute
    assert second.content is not None and "<script>" in second.content
    assert third.publisher == "El Financiero Norte"
    assert third.publisher_url == "https://www.financieronorte.example/rss"
    assert feed.entries[3].title is None and feed.entries[3].link is None


def test_rss091_in_latin1_without_declaration_and_portuguese_dates() -> None:
    feed = parse_feed(fixture("rss091_latin1_sem_declaracao.rss.xml"), content_type=None)
    assert feed.format == "rss0.91"
    assert feed.title == "Notícias do Café (exemplo)"
    titles = [entry.title for entry in feed.entries]
    assert titles == [
        "Lumbre chega a São Paulo com cafeteria na Avenida Paulista",
        "Exportações de café crescem 12% em outubro",
    ]
    assert feed.entries[0].published == datetime(2026, 11, 19, 17, 20, tzinfo=UTC)


def test_latin1_bytes_follow_the_http_charset_when_the_document_declares_nothing() -> None:
    body = "<rss><channel><item><title>Ação</title></item></channel></rss>".encode("latin-1")
    feed = parse_feed(body, content_type="text/xml; charset=ISO-8859-1")
    assert feed.entries[0].title == "Ação"


def test_rdf_rss1() -> None:
    feed = parse_feed(fixture("rdf_rss1.rdf.xml"), content_type=None)
    assert feed.format == "rss1.0"
    assert [entry.guid for entry in feed.entries] == [
        "https://cafeteros.example/boletin/precios-noviembre",
        "https://cafeteros.example/boletin/lumbre-contrato",
    ]
    assert feed.entries[1].author == "Ana Gómez"
    assert feed.entries[0].published == datetime(2026, 11, 18, 15, 0, tzinfo=UTC)


def test_atom_with_xhtml_content_xml_base_and_plain_text() -> None:
    feed = parse_feed(fixture("atom_blog.atom.xml"), content_type="application/atom+xml")
    assert feed.format == "atom" and feed.language == "en"
    first, second = feed.entries
    assert first.link == "https://baristas.example/2026/11/lumbre-espresso"
    assert first.title_html is True and first.author == "Sam Ortiz"
    assert first.content is not None and "<strong>cacao</strong>" in first.content
    assert first.published == datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
    assert second.published is None and second.updated == datetime(2026, 11, 14, 8, tzinfo=UTC)
    assert second.content_html is False


def test_google_alerts_feed() -> None:
    feed = parse_feed(fixture("google_alerts_lumbre.atom.xml"), content_type=None)
    assert feed.title == "Google Alert - Lumbre"
    assert len(feed.entries) == 4
    entry = feed.entries[0]
    assert entry.title == "Café <b>Lumbre</b> abre su tienda número 100 en Monterrey"
    assert entry.title_html is True
    assert entry.link is not None and entry.link.startswith("https://www.google.com/url?")
    assert entry.author is None


def test_an_empty_valid_feed_is_a_success_with_no_entries() -> None:
    feed = parse_feed(fixture("vacio.rss.xml"), content_type=None)
    assert feed.title == "Blog de Lumbre (sin entradas todavía)" and feed.entries == []
    atom = b'<feed xmlns="http://www.w3.org/2005/Atom"><title>Nada</title></feed>'
    assert parse_feed(atom, content_type=None).entries == []


def test_a_truncated_feed_fails_clearly() -> None:
    with pytest.raises(MalformedFeedError, match=r"truncated.*</rss>"):
        parse_feed(fixture("truncado.rss.xml"), content_type=None)


def test_a_missing_final_bracket_is_not_truncation() -> None:
    feed = parse_feed(rss("<item><title>a</title></item>")[:-1], content_type=None)
    assert [entry.title for entry in feed.entries] == ["a"]


def test_an_html_page_is_not_a_feed() -> None:
    with pytest.raises(NotAFeedError, match=r"^the URL returned an HTML page, not a feed$"):
        parse_feed(fixture("pagina_html.html"), content_type="text/html")
    with pytest.raises(NotAFeedError, match="HTML page"):
        parse_feed(b"<head><title>Moved</title></head><body>x</body>", content_type=None)


@pytest.mark.parametrize(
    ("body", "error", "message"),
    [
        (b"", NotAFeedError, "empty response"),
        (b"   \n", NotAFeedError, "empty response"),
        (b'{"items": []}', NotAFeedError, "JSON"),
        (b"just some text", MalformedFeedError, "not XML"),
        (b"<opml version='2.0'><body/></opml>", NotAFeedError, "<opml>"),
    ],
)
def test_other_answers_fail_with_a_message(
    body: bytes, error: type[SourceError], message: str
) -> None:
    with pytest.raises(error, match=message):
        parse_feed(body, content_type=None)


def test_a_windows_1252_quote_inside_utf8_is_read_as_meant() -> None:
    body = rss("<item><title>donXt café</title></item>").replace(b"X", b"\x92")
    feed = parse_feed(body, content_type=None)
    assert feed.entries[0].title == "don’t café"


def test_utf8_bytes_under_a_latin1_declaration_are_read_as_utf8() -> None:
    body = rss(
        "<item><title>Ação</title></item>", head='<?xml version="1.0" encoding="ISO-8859-1"?>'
    )
    assert parse_feed(body, content_type=None).entries[0].title == "Ação"


def test_byte_order_marks() -> None:
    text = rss("<item><title>Ação</title></item>", head="").decode()
    for body in (codecs.BOM_UTF8 + text.encode(), codecs.BOM_UTF16_LE + text.encode("utf-16-le")):
        assert parse_feed(body, content_type=None).entries[0].title == "Ação"


def test_html_entities_bare_ampersands_and_control_characters_are_repaired() -> None:
    body = rss(
        "<item><title>Caf&eacute; &amp; t&eacute;&nbsp;AT&T</title>"
        "<link>https://example.org/?a=1&b=2</link>"
        "<description><![CDATA[uno\x01dos]]></description></item>"
    )
    entry = parse_feed(body, content_type=None).entries[0]
    assert entry.title == "Café & té\u00a0AT&T"
    assert entry.link == "https://example.org/?a=1&b=2"
    assert entry.summary == "unodos"


def test_raw_html_inside_description_is_kept_as_markup() -> None:
    body = rss("<item><title>t</title><description>a <b>bold</b> move</description></item>")
    assert parse_feed(body, content_type=None).entries[0].summary == "a <b>bold</b> move"


def test_external_entities_are_never_resolved() -> None:
    body = (
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">'
        b'<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b"<rss version='2.0'><channel><item><title>x&xxe;&b;y</title></item></channel></rss>"
    )
    title = parse_feed(body, content_type=None).entries[0].title or ""
    assert "root:" not in title and "aaaa" not in title


def test_items_outside_channel_and_guid_as_permalink() -> None:
    body = (
        b"<rss version='0.91'><channel><title>t</title></channel>"
        b"<item><title>a</title><guid>https://example.org/a</guid></item></rss>"
    )
    entry = parse_feed(body, content_type=None).entries[0]
    assert entry.link == "https://example.org/a"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Tue, 14 Jul 2026 03:33:16 GMT", datetime(2026, 7, 14, 3, 33, 16, tzinfo=UTC)),
        ("Seg, 24 Set 2018 19:42:40 -0300", datetime(2018, 9, 24, 22, 42, 40, tzinfo=UTC)),
        ("mer, 16 nov 2022 00:38:15 +0100", datetime(2022, 11, 15, 23, 38, 15, tzinfo=UTC)),
        ("mar, 16 nov 2022 00:38:15 +0100", datetime(2022, 11, 15, 23, 38, 15, tzinfo=UTC)),
        ("lun., 5 août 2024 10:00:00 +0200", datetime(2024, 8, 5, 8, 0, tzinfo=UTC)),
        ("Do, 12 Mär 2020 10:00:00 MEZ", datetime(2020, 3, 12, 9, 0, tzinfo=UTC)),
        ("Wed, 03 Jan 2018 14:11:52 GMT\r\n      ", datetime(2018, 1, 3, 14, 11, 52, tzinfo=UTC)),
        ("Mon, 24 Sep 2018 19:42 EST", datetime(2018, 9, 25, 0, 42, tzinfo=UTC)),
        ("Mon, 24 Sep 2018 19:42:40 CET", datetime(2018, 9, 24, 18, 42, 40, tzinfo=UTC)),
        ("Sat, 31 Dec 2016 23:59:60 GMT", datetime(2017, 1, 1, tzinfo=UTC)),  # leap second
        ("Sunday, 06-Nov-94 08:49:37 GMT", datetime(1994, 11, 6, 8, 49, 37, tzinfo=UTC)),
        ("Sun Nov  6 08:49:37 1994", datetime(1994, 11, 6, 8, 49, 37, tzinfo=UTC)),
        ("12 Oct 2019", datetime(2019, 10, 12, tzinfo=UTC)),
        ("2019-07-10T11:53:37Z", datetime(2019, 7, 10, 11, 53, 37, tzinfo=UTC)),
        ("2023-01-25T19:03:02+01:00", datetime(2023, 1, 25, 18, 3, 2, tzinfo=UTC)),
        ("2023-01-25 19:03:02 -0530", datetime(2023, 1, 26, 0, 33, 2, tzinfo=UTC)),
        ("2023-01-25", datetime(2023, 1, 25, tzinfo=UTC)),
        ("2023-01-25T19:03:02.123456789Z", datetime(2023, 1, 25, 19, 3, 2, 123456, tzinfo=UTC)),
        ("", None),
        ("soon", None),
        ("0001-01-01T00:00:00Z", None),
        ("Fri, 31 Feb 2018 10:00:00 GMT", None),
    ],
)
def test_feed_dates(value: str, expected: datetime | None) -> None:
    assert parse_feed_date(value) == expected


def test_usual_rfc822_shape_reads_as_the_general_pattern() -> None:
    """The shortcut for the usual date shape matches only dates the general pattern matches,
    and reads the same fields from them."""
    rng = random.Random(3)
    days = ["Sun, ", "mon, ", "Xyz, ", "", "Sun,", "Lun, "]
    months = ["Nov", "Dec", "nov", "Ene", "Xyz", "Sept"]
    zones = [" GMT", " +0000", " -0530", " EST", " UT", " gmt", " +000", ""]
    taken = 0
    for _ in range(20_000):
        clock = f"{rng.randint(0, 25):02d}:{rng.randint(0, 61):02d}:{rng.randint(0, 61):02d}"
        day = str(rng.randint(0, 40)).zfill(rng.choice([1, 2]))
        year = rng.choice(["1969", "2026", "9999", "26"])
        text = f"{rng.choice(days)}{day} {rng.choice(months)} {year} {clock}{rng.choice(zones)}"
        usual = feed_dates._RFC822_USUAL.fullmatch(text)
        if usual is not None:
            taken += 1
            general = feed_dates._RFC822.match(text)
            assert general is not None and general.groups() == usual.groups(), text
    assert taken > 1000
