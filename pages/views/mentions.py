"""What the mention page shows of its filter: the choices of its controls, and the active
domain or author filter (which a click in the overview sets) with a link that drops it."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from core.i18n import Language
from domain.language import LANGUAGE_CODES
from pages.i18n import Gettext
from pages.views.common import language_labels, mentions_href

REMOVABLE = ("domain", "author")


@dataclass(frozen=True)
class ActiveFilter:
    name: str  # its query parameter
    label: str
    value: str
    remove_href: str  # the same page without it (and from its first page)


def language_choices(
    language: Language, brand_languages: Sequence[str], given: str
) -> dict[str, str]:
    """The brand's languages when it keeps only some, else every language we detect; a code
    from the URL that is neither stays choosable, so the select shows what is filtered."""
    codes = list(brand_languages or LANGUAGE_CODES)
    chosen = given.lower()
    if chosen and chosen not in codes:
        codes.append(chosen)
    return language_labels(language, codes)


def active_filters(brand_id: int, kept: Mapping[str, str], _: Gettext) -> list[ActiveFilter]:
    """`kept`: the page's filters that are set (no cursor)."""
    labels = {"domain": _("Domain"), "author": _("Author")}
    return [
        ActiveFilter(
            name,
            labels[name],
            kept[name],
            mentions_href(brand_id, **{k: v for k, v in kept.items() if k != name}),
        )
        for name in REMOVABLE
        if kept.get(name)
    ]
