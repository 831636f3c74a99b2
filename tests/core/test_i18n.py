"""Locales, formats, language negotiation and the catalogs, through Babel and the .po files."""

from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

from core.i18n import (
    Formats,
    bcp47_locale,
    formats_locale,
    gettext,
    message_language,
    negotiate_language,
)
from core.terms import NAMES, metric_value, name

MOMENT = datetime(2026, 12, 1, 15, 5, tzinfo=UTC)


def test_es_mx_writes_1234_5_and_1_dic_2026_while_es_es_writes_1_234_5() -> None:
    mexico, spain = Formats("es-MX", "America/Mexico_City"), Formats("es-ES", "Europe/Madrid")
    assert mexico.decimal(1234.5) == "1,234.5"
    assert spain.decimal(1234.5) == "1.234,5"
    assert mexico.date(MOMENT) == "1 dic 2026"
    assert Formats("en-US").date(MOMENT) == "Dec 1, 2026"
    assert mexico.day(MOMENT) == "1 dic"


def test_counts_are_whole_numbers_and_shares_and_changes_follow_the_locale() -> None:
    spain, us = Formats("es-ES"), Formats("en-US")
    assert us.integer(1234.6) == "1,235" and spain.integer(1234.6) == "1.235"
    assert us.percent(0.1234) == "12%" and spain.percent(0.1234, 1) == "12,3\xa0%"
    assert us.change(40.0) == "+40%" and us.change(-12.0) == "-12%" and us.change(None) is None
    assert us.signed(12.34) == "+12.3" and spain.signed(-3, 2) == "-3,00"


def test_times_are_local_to_the_brand() -> None:
    mexico = Formats("es-MX", "America/Mexico_City")
    assert mexico.time(MOMENT) == "9:05\u202fa.m."
    assert mexico.datetime(MOMENT) == "1 dic 2026, 9:05\u202fa.m."
    assert Formats("en-US").datetime(MOMENT) == "Dec 1, 2026, 3:05\u202fPM"
    assert Formats("en-US", "Asia/Tokyo").date(MOMENT) == "Dec 2, 2026"


@pytest.mark.parametrize(
    ("given", "canonical"),
    [
        ("es_mx", "es-MX"),
        ("EN-us", "en-US"),
        ("es-419", "es-419"),
        ("es", "es"),
        ("es-AR", "es-AR"),
    ],
)
def test_locales_are_stored_in_their_canonical_bcp47_form(given: str, canonical: str) -> None:
    assert bcp47_locale(given) == canonical


@pytest.mark.parametrize("bad", ["es-ZZ", "xx", "", "spanish", "es-MX-u-nu-latn", "en-MX", "e"])
def test_unknown_locales_are_refused_not_guessed(bad: str) -> None:
    with pytest.raises(ValueError, match="locale"):
        bcp47_locale(bad)


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("es-MX,es;q=0.9,en;q=0.8", "es"),
        ("fr-FR,fr;q=0.9,en;q=0.5,es;q=0.7", "es"),
        ("en-GB;q=0.5, es-MX;q=0.6", "es"),
        ("es;q=0, en", "en"),
        ("de-DE", "en"),
        ("", "en"),
        (None, "en"),
        ("es;q=abc, en;q=0.1", "en"),
    ],
)
def test_accept_language_negotiates_es_or_en(header: str | None, language: str) -> None:
    assert negotiate_language(header) == language


def test_a_rules_language_wins_else_the_brand_locales_language() -> None:
    assert message_language("en", "es-MX") == "en"
    assert message_language(None, "es-MX") == "es"
    assert message_language(None, "en-GB") == "en"
    assert message_language("fr", "es-ES") == "es"


def test_numbers_are_written_in_the_brands_country_when_it_has_the_language() -> None:
    assert formats_locale("es", "es-AR") == "es-AR"
    assert formats_locale("es", "en-US") == "es-US"
    assert formats_locale("en", "es-MX") == "en-US"  # CLDR has no en-MX
    assert formats_locale("es", "en-GB") == "es-419"


def test_human_names_in_both_languages() -> None:
    assert name("net_sentiment", "es") == "sentimiento neto"
    assert name("net_sentiment", "en", capital=True) == "Net sentiment"
    assert name("share_of_voice", "es") == "cuota de voz"
    assert name("a_new_field", "es") == "a new field"


def test_metric_values_as_a_reader_expects_them() -> None:
    spain = Formats("es-ES")
    assert metric_value("mentions", 1234.6, spain) == "1.235"
    assert metric_value("share_of_voice", 0.4567, spain) == "45,7\xa0%"
    assert metric_value("net_sentiment", 12.345, Formats("en-US")) == "+12.3"


def _catalog(domain: str) -> Catalog:
    po = resources.files("locales").joinpath("es", "LC_MESSAGES", f"{domain}.po")
    with po.open("rb") as handle:
        return read_po(handle, locale="es", domain=domain)


@pytest.mark.parametrize("domain", ["terms", "emails"])
def test_every_spanish_catalog_parses_with_no_fuzzy_or_empty_entry(domain: str) -> None:
    catalog = _catalog(domain)
    entries = [m for m in catalog if m.id]
    assert entries
    assert [m.id for m in entries if m.fuzzy or not m.string] == []


def test_every_human_name_has_its_spanish_words() -> None:
    ids = {m.id for m in _catalog("terms") if m.id}
    assert sorted(set(NAMES.values()) - ids) == []
    assert gettext("terms", "es", "net sentiment") == "sentimiento neto"


ROOT = Path(__file__).resolve().parents[2]
# Where each domain's words are written, and the call that marks them.
Keywords = dict[str, tuple[int, ...] | None]
SOURCES: dict[str, tuple[list[str], Keywords]] = {
    "emails": (
        ["services/alert_message.py", "services/email_render.py"],
        {"w": None, "words": None, "plural": (1, 2), "self": None},
    ),
    "terms": (["services/charts/build.py"], {"_t": (2,), "ngettext": (3, 4)}),
}


@pytest.mark.parametrize("domain", sorted(SOURCES))
def test_every_word_the_code_writes_has_its_spanish(domain: str) -> None:
    files, keywords = SOURCES[domain]
    used = set()
    for path in files:
        for _, message, _, _ in extract_from_file("python", ROOT / path, keywords=keywords):
            used.add(message[0] if isinstance(message, tuple) else message)
    assert len(used) > 5
    ids = {m.id[0] if isinstance(m.id, tuple) else m.id for m in _catalog(domain) if m.id}
    assert sorted(used - ids) == []


@pytest.mark.parametrize(
    ("locale", "written", "hint"),
    [
        ("es-MX", "01/12/2026", "dd/mm/aaaa"),
        ("es-ES", "1/12/2026", "dd/mm/aaaa"),
        ("en-US", "12/1/2026", "mm/dd/yyyy"),
        ("en-GB", "01/12/2026", "dd/mm/yyyy"),
        ("de-DE", "01.12.2026", "dd.mm.yyyy"),
    ],
)
def test_a_date_field_is_written_and_read_as_the_locale_writes_a_day(
    locale: str, written: str, hint: str
) -> None:
    fmt = Formats(locale)
    assert fmt.day_field(MOMENT.date()) == written
    assert fmt.day_field_hint == hint
    assert fmt.read_day_field(written) == MOMENT.date()
    assert fmt.read_day_field("2026-12-01") == MOMENT.date()  # links and bookmarks
    first = MOMENT.date().replace(month=1, day=1)
    every_day = [first + timedelta(days=n) for n in range(366 * 2)]
    assert [fmt.read_day_field(fmt.day_field(day)) for day in every_day] == every_day


def test_a_typed_day_may_use_short_numbers_another_separator_or_a_two_digit_year() -> None:
    mexico, us = Formats("es-MX"), Formats("en-US")
    for typed in ("1/12/2026", "1-12-2026", " 01.12.26 ", "1 12 2026"):
        assert mexico.read_day_field(typed) == MOMENT.date(), typed
    assert us.read_day_field("12/1/26") == MOMENT.date()
    assert us.read_day_field("1/12/2026") == MOMENT.date().replace(month=1, day=12)


@pytest.mark.parametrize("typed", ["31/02/2026", "13/13/2026", "1/12", "hoy", "", "2026-13-01"])
def test_a_typed_day_that_is_no_date_is_refused_naming_the_format(typed: str) -> None:
    with pytest.raises(ValueError, match="dd/mm/aaaa"):
        Formats("es-MX").read_day_field(typed)
