"""One bad item never fails a poll: how adapters read items one by one, and the values an
item may carry to the store.

`read_each` builds each item of a response on its own: an item that cannot be read (a
date past the calendar's ends, a reference to no character, a number no integer holds) is
skipped and counted, and the rest of the poll goes on; the count ends up in the poll's
attempt record (`items_skipped`). `safe_url`, `clamp_count` and `valid_text` say what a
value must be to be stored; `services.ingest` applies them to every item of every adapter.
"""

import re
from collections.abc import Callable, Iterable
from typing import TypeVar
from urllib.parse import urlsplit

from core.logging import get_logger
from domain.text import has_controls

log = get_logger(__name__)
Raw = TypeVar("Raw")
Item = TypeVar("Item")
# The stored engagement columns are 32-bit integers (PostgreSQL INTEGER).
COUNT_MIN = -(2**31)
COUNT_MAX = 2**31 - 1
MAX_URL_LENGTH = 2048
_ERROR_SNIPPET = 200
_CONTROLS = re.compile("[\x00-\x1f\x7f]")
# Nearly every URL: http(s), a plain ASCII host (an optional port), no control character.
# Such a URL needs no urlsplit to be known safe; anything else takes the full check. Only
# the scheme is matched ignoring case: case-insensitive classes cost a regex twice as much
# (the host's class lists both cases; the rest holds every character but the controls).
_PLAIN_HTTP_URL = re.compile(
    r"(?i:https?)://[A-Za-z0-9._~-]+(?::[0-9]{0,5})?(?:[/?#][\x20-\x7e\x80-\U0010ffff]*)?"
)


def read_each(
    raws: Iterable[Raw], read: Callable[[Raw], Item | None], *, kind: str
) -> tuple[list[Item], int]:
    """`read` applied to each raw item: the items it built (None means "nothing to take",
    as for an entry with neither link nor title) and how many it failed on."""
    items: list[Item] = []
    skipped = 0
    for position, raw in enumerate(raws):
        try:
            item = read(raw)
        except Exception as exc:  # any failure of one item's reading: that item only
            skipped += 1
            log.warning(
                "source.item_skipped",
                kind=kind,
                position=position,
                error=f"{type(exc).__name__}: {exc}"[:_ERROR_SNIPPET],
            )
            continue
        if item is not None:
            items.append(item)
    return items, skipped


def safe_url(url: str | None) -> str | None:
    """The URL if it is an absolute http(s) URL with a host that we may store and link to;
    None for anything else (`javascript:`, a relative path, an over-long or broken URL)."""
    if not url or len(url) > MAX_URL_LENGTH:
        return None
    if _PLAIN_HTTP_URL.fullmatch(url):
        return url
    if not url[:8].lower().startswith(("https://", "http://")) or _CONTROLS.search(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.hostname else None


def clamp_count(value: int | None) -> int | None:
    """A count (likes, comments) within what the store holds: larger ones are clamped."""
    if value is None or COUNT_MIN <= value <= COUNT_MAX:
        return value
    return COUNT_MAX if value > 0 else COUNT_MIN


# What ``domain.text.drop_controls`` drops, as bytes (all of them ASCII).
_CONTROL_BYTES = bytes(code for code in range(0x80) if has_controls(chr(code)))


def storable_text(text: str) -> bool:
    """Whether ``text`` holds neither a control character (``drop_controls``) nor a lone
    surrogate (``valid_text``): what nearly every text is. Both found in C, in about a third
    of a regex search's instructions: a lone surrogate has no UTF-8, and in UTF-8 an ASCII
    byte is always that ASCII character, so deleting the control bytes shortens the text's
    UTF-8 exactly when it holds one."""
    try:
        encoded = text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return len(encoded.translate(None, _CONTROL_BYTES)) == len(encoded)


def valid_text(text: str) -> str:
    """The text with lone UTF-16 surrogates (JSON's `"\\ud83d"` decodes to one; no
    database stores it) replaced by U+FFFD; pairs written as two escapes are joined."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        joined = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
        return joined
    return text
