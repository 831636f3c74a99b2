"""The dashboard's catalogs and formats (no browser)."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from scripts.pages_catalog import extracted
from pages.i18n import Formats, format_locale, negotiate, translations


def test_every_message_of_the_pages_has_a_spanish_translation() -> None:
    spanish = translations("es")
    missing = [
        str(m.id) for m in extracted()
        if m.id and not isinstance(m.id, tuple) and spanish.gettext(str(m.id)) == m.id
        and m.id not in ("API", "Control", "no", "neutral", "Hashtag")
    ]  # fmt: skip
    assert missing == []


def test_language_comes_from_the_cookie_then_accept_language() -> None:
    assert negotiate(None, "es-MX,es;q=0.9,en;q=0.8") == "es"
    assert negotiate(None, "fr-FR,en;q=0.5,es;q=0.4") == "en"
    assert negotiate(None, "fr, es;q=0.1") == "es"
    assert negotiate("en", "es") == "en"
    assert negotiate(None, None) == "en"
    assert negotiate("xx", "de") == "en"


def test_figures_are_written_as_the_language_writes_them_in_the_brands_country() -> None:
    moment = datetime(2026, 12, 1, 18, tzinfo=UTC)
    mexico = Formats(format_locale("es", "es-MX"), ZoneInfo("America/Mexico_City"))
    assert mexico.decimal(1234.5, 1) == "1,234.5"
    assert mexico.date(moment) == "1 dic 2026"
    spain = Formats(format_locale("es", "es-ES"), ZoneInfo("Europe/Madrid"))
    assert spain.decimal(1234.5, 1) == "1.234,5"
    assert spain.percent(0.125) == "12,5\xa0%"
    english = Formats(format_locale("en", "es-MX"), ZoneInfo("UTC"))
    assert str(english.locale) in ("en_US", "en_MX")
    assert format_locale("en", None).territory == "US"
    assert str(format_locale("es", "en-US")) == "es_US"
