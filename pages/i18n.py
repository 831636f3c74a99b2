"""The dashboard's language: English or Spanish, from the `escucha_lang` cookie when set
(the switch on every page), else the browser's Accept-Language (core.i18n). Words come from
the gettext domain `pages` (locales/es/LC_MESSAGES/pages.po) and core.terms; numbers and
dates from core.i18n.Formats in the locale core.i18n.formats_locale picks for the brand."""

from collections.abc import Callable

from core.i18n import LANGUAGES, Language, negotiate_language, translations

LANG_COOKIE = "escucha_lang"
DOMAIN = "pages"

Gettext = Callable[[str], str]


def negotiate(cookie: str | None, accept_language: str | None) -> Language:
    """The remembered choice, else the first language of the browser's that we speak."""
    for language in LANGUAGES:
        if cookie == language:
            return language
    return negotiate_language(accept_language)


def gettext_of(language: Language) -> Gettext:
    return translations(DOMAIN, language).gettext
