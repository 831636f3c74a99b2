"""Languages, locales and formats: one place for every layer (API, pages, emails).

- **Words** come from gettext catalogs: ``locales/<language>/LC_MESSAGES/<domain>.po``, read at
  run time with Babel (parsed and compiled in memory once per process, so there is no compile
  step at install or run time). Source strings are English, so English needs no catalog.
  Domains: ``terms`` (names of metrics, fields, labels and statuses, shared by pages and
  emails: see ``core.terms``), ``emails`` (digest and alert emails), ``pages`` (the dashboard).
- **Numbers and dates** through Babel in a BCP 47 locale (``es-MX`` writes 1,234.5 and
  "1 dic 2026"; ``es-ES`` 1.234,5): :class:`Formats`.
- **Which language**: :func:`negotiate_language` reads Accept-Language; a message's language is
  the alert rule's own ``language`` else the brand locale's (:func:`message_language`); the
  locale that writes its numbers is the brand's when it speaks that language, else the same
  language in the brand's country when CLDR knows it, else that language's default
  (:func:`formats_locale`).
"""

import datetime as dt
import io
import re
from dataclasses import dataclass
from functools import lru_cache
from gettext import NullTranslations
from importlib import resources
from typing import Literal
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_interval, format_skeleton, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent, format_scientific
from babel.support import Translations

Language = Literal["es", "en"]
LANGUAGES: tuple[Language, ...] = ("es", "en")
DEFAULT_LANGUAGE: Language = "en"
DEFAULT_LOCALE = "en-US"
# The locale that writes a language when the brand's country has none for it.
LANGUAGE_LOCALES: dict[Language, str] = {"en": "en-US", "es": "es-419"}

_TAG = re.compile(
    r"^(?P<language>[A-Za-z]{2,3})"
    r"(?:[-_](?P<script>[A-Za-z]{4}))?"
    r"(?:[-_](?P<territory>[A-Za-z]{2}|[0-9]{3}))?$"
)


def bcp47_locale(value: str) -> str:
    """The canonical BCP 47 form of a locale CLDR knows (``es_mx`` -> ``es-MX``); ValueError
    otherwise. Strict: ``es-ZZ`` is refused, not read as ``es``."""
    match = _TAG.match(value.strip())
    if match is None:
        raise ValueError(f"not a BCP 47 locale such as 'es-MX' or 'en-US': {value!r}")
    language = match["language"].lower()
    script = match["script"].title() if match["script"] else None
    territory = match["territory"].upper() if match["territory"] else None
    try:
        parsed = Locale(language, territory=territory, script=script)
    except (UnknownLocaleError, ValueError) as exc:
        raise ValueError(f"unknown locale {value!r}; e.g. 'es-MX', 'es-ES', 'en-US'") from exc
    return "-".join(part for part in (parsed.language, parsed.script, parsed.territory) if part)


@lru_cache(maxsize=256)
def babel_locale(tag: str) -> Locale:
    """Babel's Locale for a BCP 47 tag; an unknown one falls back to en-US (stored tags are
    validated, so this only guards old or hand-edited rows)."""
    try:
        return Locale.parse(bcp47_locale(tag), sep="-")
    except ValueError:
        return Locale.parse(DEFAULT_LOCALE, sep="-")


def language_of(tag: str) -> Language:
    """The message language (es or en) of a locale: Spanish for es-*, else English."""
    return "es" if babel_locale(tag).language == "es" else "en"


def message_language(rule_language: str | None, brand_locale: str) -> Language:
    if rule_language in LANGUAGES:
        return rule_language
    return language_of(brand_locale)


def formats_locale(language: Language, brand_locale: str) -> str:
    """The locale that writes numbers and dates for a reader of `language` about this brand."""
    brand = babel_locale(brand_locale)
    if brand.language == language:
        return bcp47_locale(str(brand))
    if brand.territory:
        try:
            return bcp47_locale(f"{language}-{brand.territory}")
        except ValueError:
            pass
    return LANGUAGE_LOCALES[language]


def negotiate_language(
    accept_language: str | None, default: Language = DEFAULT_LANGUAGE
) -> Language:
    """es or en from an Accept-Language header, by its q-values (RFC 9110); `default` when it
    names neither."""
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate((accept_language or "").split(",")):
        name, _, params = item.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if name and q > 0:
            ranked.append((-q, position, name.strip().lower()))
    for _, _, name in sorted(ranked):
        primary = name.split("-")[0]
        if primary in LANGUAGES:
            return primary
    return default


# --- words -------------------------------------------------------------------------------


@lru_cache(maxsize=32)
def translations(domain: str, language: Language) -> NullTranslations:
    """The catalog of `domain` in `language`, compiled in memory from its .po file once per
    process; English (the source language) or a missing catalog give the source strings."""
    po = resources.files("locales").joinpath(language, "LC_MESSAGES", f"{domain}.po")
    if language == "en" or not po.is_file():
        return NullTranslations()
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=language, domain=domain)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=domain)


def gettext(domain: str, language: Language, message: str) -> str:
    return translations(domain, language).gettext(message)


def ngettext(domain: str, language: Language, singular: str, plural: str, n: int) -> str:
    return translations(domain, language).ngettext(singular, plural, n)


# --- numbers and dates -------------------------------------------------------------------


@dataclass(frozen=True)
class Formats:
    """Numbers and dates as `locale` writes them, times in `timezone`. Never hand-made
    format strings: Babel's CLDR patterns."""

    locale: str = DEFAULT_LOCALE
    timezone: str = "UTC"

    @property
    def _babel(self) -> Locale:
        return babel_locale(self.locale)

    def integer(self, value: float) -> str:
        """A count, as a whole number (a projection of 1234.6 mentions is 1,235)."""
        return _decimal(round(value), None, self.locale)

    def decimal(self, value: float, digits: int = 1) -> str:
        return _decimal(round(value, digits), _fixed(digits), self.locale)

    def signed(self, value: float, digits: int = 1) -> str:
        """With its sign: +12.5, -3.0 (0 without one)."""
        pattern = _fixed(digits)
        return format_decimal(
            round(value, digits), format=f"+{pattern};-{pattern}", locale=self._babel
        )

    def significant(self, value: float) -> str:
        """A small probability: 0.034, or 1.2E-5 once it needs more than 2 decimals."""
        if value == 0 or abs(value) >= 0.01:
            return self.decimal(value, 2) if value else self.integer(0)
        return format_scientific(value, format="0.#E0", locale=self._babel)

    def percent(self, fraction: float, digits: int = 0) -> str:
        """A share: 0.123 -> 12% (es-ES 12 %)."""
        return _percent(fraction, _percent_pattern(self.locale, digits), self.locale)

    def change(self, pct: float | None, digits: int = 0) -> str | None:
        """A change in percent (12.5 -> +13%); None when there is nothing to compare with."""
        if pct is None:
            return None
        pattern = _percent_pattern(self.locale, digits)
        return _percent(pct / 100, f"+{pattern};-{pattern}", self.locale)

    def local(self, moment: dt.datetime) -> dt.datetime:
        return moment.astimezone(ZoneInfo(self.timezone))

    def date(self, moment: dt.datetime | dt.date) -> str:
        """1 dic 2026 (es-MX), Dec 1, 2026 (en-US); a datetime is taken in `timezone`."""
        day = self.local(moment).date() if isinstance(moment, dt.datetime) else moment
        return _skeleton("yMMMd", day, self.locale)

    def day(self, moment: dt.datetime | dt.date) -> str:
        """1 dic, Dec 1: a chart's axis."""
        day = self.local(moment).date() if isinstance(moment, dt.datetime) else moment
        return _skeleton("MMMd", day, self.locale)

    def date_range(self, first: dt.date, last: dt.date) -> str:
        """Two days, both included, as the locale writes a range: 1–30 dic 2026 (es-ES),
        Nov 20 – Dec 30, 2026 (en-US); one day alone when they are the same."""
        return format_interval(first, last, "yMMMd", locale=self._babel)

    def day_field(self, day: dt.date) -> str:
        """A day as a form's date field shows it: the locale's numeric order with the full
        year, 01/12/2026 (es-MX), 1/12/2026 (es-ES), 12/1/2026 (en-US)."""
        return _day_field(self.locale).write(day)

    @property
    def day_field_hint(self) -> str:
        """What to type in a date field: dd/mm/aaaa (es-MX), mm/dd/yyyy (en-US)."""
        return _day_field(self.locale).hint

    def read_day_field(self, text: str) -> dt.date:
        """A day typed as :meth:`day_field` writes it (any of ``/ . -`` or spaces between the
        numbers, a two-digit year read as 20xx), or as ISO 8601 (2026-12-01, which links and
        bookmarks carry); ValueError otherwise."""
        return _day_field(self.locale).read(text)

    def time(self, moment: dt.datetime) -> str:
        return format_time(self.local(moment), "short", locale=self._babel)

    def datetime(self, moment: dt.datetime) -> str:
        """1 dic 2026, 8:05 a.m. (the locale's own way of joining a date and a time)."""
        joiner = str(self._babel.datetime_formats["medium"])
        return joiner.replace("{1}", self.date(moment)).replace("{0}", self.time(moment))


# A page writes the same few hundred numbers and days many times over (a chart's axis, its
# tooltips, its links), and each Babel call costs tens of microseconds: remember them.
@lru_cache(maxsize=16_384)
def _decimal(value: float, pattern: str | None, locale: str) -> str:
    return format_decimal(value, format=pattern, locale=babel_locale(locale))


@lru_cache(maxsize=16_384)
def _percent(fraction: float, pattern: str, locale: str) -> str:
    return format_percent(fraction, format=pattern, locale=babel_locale(locale))


@lru_cache(maxsize=4_096)
def _skeleton(skeleton: str, day: dt.date, locale: str) -> str:
    return format_skeleton(skeleton, day, locale=babel_locale(locale))


@lru_cache(maxsize=64)
def _percent_pattern(locale: str, digits: int) -> str:
    """The locale's own percent pattern (12 % in es-ES) with `digits` decimals."""
    pattern = str(babel_locale(locale).percent_formats[None].pattern).split(";")[0]
    decimals = "." + "0" * digits if digits > 0 else ""
    return re.sub(r"0(?:\.[0#]*)?", "0" + decimals, pattern, count=1)


@dataclass(frozen=True)
class _DayField:
    """The numeric short date of a locale (CLDR's short pattern), with the full year."""

    order: str  # "dMy", "Mdy" or "yMd"
    padded: frozenset[str]  # the fields written with two digits
    separator: str
    suffix: str
    year_word: str  # "aaaa" in Spanish ("año"), "yyyy" elsewhere

    def write(self, day: dt.date) -> str:
        values = {"d": day.day, "M": day.month, "y": day.year}
        parts = [f"{values[f]:02d}" if f in self.padded else str(values[f]) for f in self.order]
        return self.separator.join(parts) + self.suffix

    @property
    def hint(self) -> str:
        words = {"d": "dd", "M": "mm", "y": self.year_word}
        return self.separator.join(words[f] for f in self.order) + self.suffix

    def read(self, text: str) -> dt.date:
        value = text.strip()
        numbers = _DAY_NUMBERS.fullmatch(value.rstrip(". "))
        try:
            if _ISO_DAY.fullmatch(value):
                return dt.date.fromisoformat(value)
            if numbers is not None:
                fields = dict(zip(self.order, map(int, numbers.groups()), strict=True))
                if len(numbers.group(self.order.index("y") + 1)) <= 2:
                    fields["y"] += 2000
                return dt.date(fields["y"], fields["M"], fields["d"])
        except ValueError:
            pass
        raise ValueError(f"not a date written as {self.hint}: {text!r}")


_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DAY_NUMBERS = re.compile(r"([0-9]{1,4})[./\- ]+([0-9]{1,4})[./\- ]+([0-9]{1,4})")
_PATTERN_FIELD = re.compile(r"d+|M+|L+|y+")


@lru_cache(maxsize=64)
def _day_field(locale: str) -> _DayField:
    pattern = re.sub(r"'[^']*'", "", str(babel_locale(locale).date_formats["short"].pattern))
    fields = list(_PATTERN_FIELD.finditer(pattern))
    order = "".join(m.group()[0].replace("L", "M") for m in fields)
    if sorted(order) != sorted("dMy"):
        order, fields = "yMd", []  # a pattern without the three numbers: ISO's order
    padded = frozenset(m.group()[0].replace("L", "M") for m in fields if len(m.group()) == 2)
    separator = pattern[fields[0].end() : fields[1].start()] if fields else "-"
    suffix = pattern[fields[2].end() :] if fields else ""
    year_word = "aaaa" if babel_locale(locale).language == "es" else "yyyy"
    return _DayField(order, padded - {"y"}, separator or "/", suffix, year_word)


def _fixed(digits: int) -> str:
    return "#,##0" + ("." + "0" * digits if digits > 0 else "")
