"""The dashboard's words and formats: gettext catalogs (domain `pages`, read from the .po
files at start-up) for the words, Babel for numbers and dates.

The interface language is English or Spanish: the `escucha_lang` cookie when set (the
switch on every page), else the browser's Accept-Language. Figures and dates are written as
the interface language writes them in the brand's country: a brand whose `locale` is
`es-ES` reads 1.234,5 in Spanish, `es-MX` 1,234.5; the brand's locale itself when its
language is the interface's.
"""

import io
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent
from babel.support import Translations

LANGUAGES = ("en", "es")
DEFAULT_LANGUAGE = "en"
LANG_COOKIE = "escucha_lang"
DOMAIN = "pages"
LOCALE_DIR = Path(__file__).parent / "locale"
DEFAULT_TERRITORY = {"en": "US", "es": "MX"}


def negotiate(cookie: str | None, accept_language: str | None) -> str:
    """`es` or `en`: the remembered choice, else the first of the browser's that we speak."""
    if cookie in LANGUAGES:
        return cookie
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        weighted.append((-quality, position, tag.strip().lower()[:2]))
    for negative_quality, _, language in sorted(weighted):
        if negative_quality < 0 and language in LANGUAGES:
            return language
    return DEFAULT_LANGUAGE


@lru_cache(maxsize=len(LANGUAGES))
def translations(language: str) -> Translations:
    """The catalog of `language`, compiled in memory from its .po file."""
    path = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not path.exists():
        return Translations()
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def format_locale(language: str, brand_locale: str | None) -> Locale:
    """How figures are written: the interface language in the brand's country."""
    wanted = (brand_locale or "").replace("-", "_")
    try:
        brand = Locale.parse(wanted) if wanted else None
    except (UnknownLocaleError, ValueError):
        brand = None
    if brand is not None and brand.language == language:
        return brand
    territory = brand.territory if brand is not None else None
    for candidate in (f"{language}_{territory}", f"{language}_{DEFAULT_TERRITORY[language]}"):
        try:
            return Locale.parse(candidate)
        except (UnknownLocaleError, ValueError):
            continue
    return Locale.parse(language)


@dataclass(frozen=True)
class Formats:
    """Numbers and dates in one locale and timezone; templates call these, never format."""

    locale: Locale
    zone: ZoneInfo

    def number(self, value: float | int | None, digits: int = 0) -> str:
        if value is None:
            return "-"
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(value, format=pattern, locale=self.locale)

    def decimal(self, value: float | None, digits: int = 2) -> str:
        if value is None:
            return "-"
        pattern = "#,##0." + "#" * digits if digits else "#,##0"
        return format_decimal(value, format=pattern, locale=self.locale)

    def percent(self, share: float | None, digits: int = 1) -> str:
        """A share 0..1 as a percentage."""
        if share is None:
            return "-"
        # The locale's own pattern ("12,5 %" in Spain, "12.5%" in Mexico), rounded first.
        return format_percent(round(share, 2 + digits), locale=self.locale, decimal_quantization=False)

    def signed_pct(self, value: float | None) -> str:
        """A change already in percent (12.5 -> +12.5%)."""
        if value is None:
            return "-"
        text = format_decimal(abs(value), format="#,##0.#", locale=self.locale)
        sign = "+" if value > 0 else ("−" if value < 0 else "")
        return f"{sign}{text}%"

    def date(self, value: datetime) -> str:
        return format_date(value.astimezone(self.zone), format="medium", locale=self.locale)

    def datetime(self, value: datetime | None) -> str:
        if value is None:
            return "-"
        local = value.astimezone(self.zone)
        return format_datetime(local, format="medium", tzinfo=self.zone, locale=self.locale)

    def time(self, value: datetime) -> str:
        return format_time(value.astimezone(self.zone), format="short", locale=self.locale)

    def short_date(self, value: datetime) -> str:
        return format_date(value.astimezone(self.zone), format="d MMM", locale=self.locale)
