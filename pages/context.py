"""What every page handler needs about the viewer's language and a brand's formats."""

from fastapi import Request

from core.i18n import DEFAULT_LOCALE, Formats, Language, formats_locale
from models.tables import Brand
from pages.i18n import Gettext, gettext_of
from pages.periods import DayReader
from pages.render import language_of


def gettext_for(request: Request) -> Gettext:
    return gettext_of(language_of(request))


def formats_of(language: Language, brand: Brand | None) -> Formats:
    """The brand's figures as the reader's language writes them in the brand's country."""
    if brand is None:
        return Formats(formats_locale(language, DEFAULT_LOCALE), "UTC")
    return Formats(formats_locale(language, brand.locale), brand.timezone)


def formats_for(request: Request, brand: Brand | None) -> Formats:
    return formats_of(language_of(request), brand)


def day_reader(request: Request, brand: Brand) -> DayReader:
    return DayReader(formats_for(request, brand), gettext_for(request))
