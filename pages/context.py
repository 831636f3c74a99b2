"""What every page handler needs about the viewer's language and a brand's formats."""

from zoneinfo import ZoneInfo

from fastapi import Request

from models.tables import Brand
from pages.i18n import Formats, format_locale, translations
from pages.render import language_of
from pages.views.common import Gettext


def gettext_for(request: Request) -> Gettext:
    return translations(language_of(request)).gettext


def brand_locale(brand: Brand) -> str | None:
    """The brand's BCP 47 `locale` (en-US by default) once brands carry one."""
    value = getattr(brand, "locale", None)
    return value if isinstance(value, str) else None


def formats_for(request: Request, brand: Brand | None) -> Formats:
    language = language_of(request)
    if brand is None:
        return Formats(format_locale(language, None), ZoneInfo("UTC"))
    return Formats(format_locale(language, brand_locale(brand)), ZoneInfo(brand.timezone))
