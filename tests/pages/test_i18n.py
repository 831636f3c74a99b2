"""The dashboard's catalog and language choice (no browser)."""

from core.i18n import Formats, formats_locale, translations
from models.tables import Brand, Source
from models.types import utcnow
from pages.catalog import extracted
from pages.context import formats_of
from pages.i18n import gettext_of, negotiate
from pages.views.sources import source_view

SAME_IN_SPANISH = {"API", "Control", "no", "Hashtag"}


def test_every_message_of_the_pages_has_a_spanish_translation() -> None:
    spanish = translations("pages", "es")
    missing = [
        str(m.id)
        for m in extracted()
        if m.id
        and not isinstance(m.id, tuple)
        and spanish.gettext(str(m.id)) == m.id
        and m.id not in SAME_IN_SPANISH
    ]
    assert missing == []


def test_language_comes_from_the_cookie_then_accept_language() -> None:
    assert negotiate(None, "es-MX,es;q=0.9,en;q=0.8") == "es"
    assert negotiate(None, "fr-FR,en;q=0.5,es;q=0.4") == "en"
    assert negotiate(None, "fr, es;q=0.1") == "es"
    assert negotiate("en", "es") == "en"
    assert negotiate("es", None) == "es"
    assert negotiate(None, None) == "en"
    assert negotiate("xx", "de") == "en"


def test_pages_write_figures_in_the_brands_country() -> None:
    spain = Brand(workspace_id=1, name="B", query="b", timezone="Europe/Madrid", locale="es-ES")
    assert formats_of("es", spain) == Formats(formats_locale("es", "es-ES"), "Europe/Madrid")
    assert formats_of("es", spain).decimal(12345.5, 1) == "12.345,5"
    mexico = Brand(
        workspace_id=1, name="M", query="m", timezone="America/Mexico_City", locale="es-MX"
    )
    assert formats_of("es", mexico).decimal(1234.5, 1) == "1,234.5"
    assert formats_of("en", mexico).locale.startswith("en")


def test_a_source_health_line_agrees_with_its_number_of_failures() -> None:
    one, three = (
        Source(id=n, workspace_id=1, brand_id=1, kind="rss", url="https://a.example/feed",
               status="ok", consecutive_failures=n, last_polled_at=utcnow())
        for n in (1, 3)
    )  # fmt: skip
    said = {
        (language, source.consecutive_failures): source_view(
            source, formats_of(language, Brand(workspace_id=1, name="B", query="b")),
            gettext_of(language), language,
        ).summary
        for language in ("en", "es")
        for source in (one, three)
    }  # fmt: skip
    assert said[("en", 1)].startswith("Working, but the last poll failed;")
    assert said[("en", 3)].startswith("Working, but the last 3 polls failed;")
    assert said[("es", 1)].startswith("Funciona, pero la última consulta falló;")
    assert said[("es", 3)].startswith("Funciona, pero las últimas 3 consultas fallaron;")
