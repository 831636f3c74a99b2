"""Owned, paid or earned: the spec's media-type rule, as a pure function."""

import re
from collections.abc import Sequence

PAID_MARKERS = re.compile(
    r"(?:^|[\s(\[])(?:#ad|#ads|#publicidad|#sponsored|#patrocinado|#publi)\b"
    r"|\b(?:sponsored|patrocinado|patrocinada|publirreportaje|paid partnership)\b",
    re.IGNORECASE,
)


def _has_paid_hint(lowered: str) -> bool:
    """Whether the lower-cased text holds a string every marker above holds: texts without
    one skip the regular expression."""
    return (
        "#ad" in lowered
        or "#publi" in lowered
        or "sponsored" in lowered
        or "patrocinad" in lowered
        or "publirreportaje" in lowered
        or "paid partnership" in lowered
    )


def _host_matches(domain: str, owned: str) -> bool:
    owned = owned.lower().removeprefix("www.")
    return domain == owned or domain.endswith("." + owned)


def media_type(
    *,
    domain: str,
    author: str | None,
    text: str,
    owned_domains: Sequence[str],
    owned_handles: Sequence[str],
) -> str:
    if any(_host_matches(domain, owned) for owned in owned_domains if owned):
        return "owned"
    handle = (author or "").lower().lstrip("@")
    if handle and any(handle == h.lower().lstrip("@") for h in owned_handles if h):
        return "owned"
    if _has_paid_hint(text.lower()) and PAID_MARKERS.search(text):
        return "paid"
    return "earned"
