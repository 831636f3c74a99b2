"""Plain text out of the HTML and half-escaped strings that feeds carry.

Output shape: words separated by single spaces, paragraphs (block elements and ``<br>``)
separated by a single newline, no leading or trailing whitespace. Script, style and
similar elements are dropped with their contents; entities are decoded, including the
double-escaped ones (``&amp;nbsp;``) that Google Alerts and many CMSs emit; Windows-1252
code points that arrive as C1 controls (``&#146;``) become the characters they meant; the
common UTF-8-read-as-Windows-1252 mojibake (``Ã©``, ``â€™``) is repaired where the bytes
round-trip. Parsing uses selectolax (lexbor), a spec-compliant HTML5 parser.
"""

import html
import re

from selectolax.lexbor import LexborHTMLParser

# Elements whose contents are never text a reader sees.
_INVISIBLE_TAGS = [
    "script",
    "style",
    "noscript",
    "template",
    "iframe",
    "object",
    "svg",
    "head",
    "title",
]
_INVISIBLE_START = re.compile(r"<(?:" + "|".join(_INVISIBLE_TAGS) + r")\b", re.IGNORECASE)

# A form feed marks a block boundary. It is ASCII whitespace for the HTML parser, so it is
# never foster-parented out of tables, and it almost never occurs in real content.
_BREAK = "\f"
_BLOCK_TAG = re.compile(
    r"<(?=/?(?:p|div|br|hr|li|ul|ol|dl|dt|dd|h[1-6]|tr|table|thead|tbody|tfoot|caption"
    r"|blockquote|pre|section|article|header|footer|aside|nav|main|figure|figcaption"
    r"|address|details|summary|form|fieldset|legend|option)\b)",
    re.IGNORECASE,
)
_CELL_TAG = re.compile(r"<(?=(?:td|th)\b)", re.IGNORECASE)
# An HTML5 tree builder looks through the open elements at each block start tag, so nested
# blocks cost depth squared (lexbor: 20,000 nested <div>s take seconds, 40,000 half a
# minute). Past this many block tags (no real item has them) tags are stripped by a
# linear regex instead: the text stays, the finer HTML rules do not apply.
MAX_BLOCK_TAGS = 5000
_ANY_TAG = re.compile(r"</?[A-Za-z!?/][^<>]*+>")
_MARKUP = re.compile(r"</?[A-Za-z][^<>]*>|<!--|<!\[CDATA\[")
# Only terminated references: a bare `&copy=2` in a URL must stay as it is.
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")

# UTF-8 bytes that were decoded as Windows-1252 (or Latin-1) and re-encoded. Only lead
# characters that almost never precede a symbol in real text are considered.
_CP1252_HIGH = "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"
_CONT = "[\x80-\xbf" + _CP1252_HIGH + "]"
_MOJIBAKE_LEADS = "ÂÃÄÅÐÑâï"
_MOJIBAKE = re.compile(f"[ÂÃÄÅÐÑ]{_CONT}|[âï]{_CONT}{{2}}")

# C1 controls mean the Windows-1252 character of the same byte (as HTML5 decodes `&#146;`);
# the five bytes Windows-1252 leaves undefined become spaces; invisible characters go.
_CLEANUP_TABLE: dict[int, str | None] = {
    code: bytes([code]).decode("cp1252", errors="replace").replace("\ufffd", " ")
    for code in range(0x80, 0xA0)
}
_CLEANUP_TABLE.update(dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff")))
_NEEDS_CLEANUP = re.compile("[\x80-\x9f\u00ad\u200b\u200c\u200d\u2060\ufeff]")
# What ``drop_controls`` drops (a character class body): C0 controls but tab and breaks, DEL.
C0_CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f"
_C0_CONTROLS = re.compile(f"[{C0_CONTROLS}]")


def html_to_text(markup: str) -> str:
    """Visible text of an HTML fragment or page, per the module's output shape.

    Markup escaped twice at the source (`&amp;nbsp;`, `&amp;lt;b&amp;gt;`) is decoded
    twice: entities left after one HTML decoding are decoded again, and tags that appear
    only after decoding are stripped too.
    """
    if not markup:
        return ""
    text = _visible_text(markup) if "<" in markup else html.unescape(markup).replace("\n", " ")
    text = _visible_text(text) if looks_like_html(text) else _unescape(text)
    return _finish(text)


def _visible_text(markup: str) -> str:
    blocked, blocks = _BLOCK_TAG.subn(_BREAK + "<", markup)
    marked = _CELL_TAG.sub(" <", blocked)
    if blocks > MAX_BLOCK_TAGS:
        return html.unescape(_ANY_TAG.sub("", marked)).replace("\n", " ")
    parser = LexborHTMLParser(marked, is_fragment=True)
    if _INVISIBLE_START.search(marked):
        parser.strip_tags(_INVISIBLE_TAGS)
    text = parser.text(deep=True) if parser.root is not None else ""
    return text.replace("\n", " ")


def normalize_text(text: str) -> str:
    """Tidy plain text: decode stray entities, repair mojibake, collapse whitespace.

    Line breaks are kept as paragraph breaks (one newline); other whitespace runs become
    one space.
    """
    if not text:
        return ""
    return _finish(_unescape(text))


def clean_title(title: str | None, *, html: bool | None = None) -> str:
    """A title on one line. `html=None` sniffs for markup, as RSS titles may carry it,
    including markup that was escaped twice (`&amp;lt;b&amp;gt;`)."""
    if not title:
        return ""
    if html is None:
        if not looks_like_html(title):
            title = _unescape(title)
        html = looks_like_html(title)
    text = html_to_text(title) if html else normalize_text(title)
    return text.replace("\n", " ")


def drop_controls(text: str) -> str:
    """``text`` without C0 control characters (tab and line breaks kept). JSON sources can
    send ``\\u0000``, which PostgreSQL refuses in text, and none of them means anything
    in a mention."""
    return _C0_CONTROLS.sub("", text) if has_controls(text) else text


def has_controls(text: str) -> bool:
    """Whether ``drop_controls`` would change ``text``."""
    return _C0_CONTROLS.search(text) is not None


def looks_like_html(text: str) -> bool:
    return _MARKUP.search(text) is not None


def fix_mojibake(text: str) -> str:
    """Repair UTF-8 sequences that were misread as Windows-1252, where they round-trip."""
    if not any(lead in text for lead in _MOJIBAKE_LEADS) or not _MOJIBAKE.search(text):
        return text
    return _MOJIBAKE.sub(_repair_sequence, text)


def _repair_sequence(match: re.Match[str]) -> str:
    chunk = match.group(0)
    try:
        raw = bytes(ord(c) if ord(c) < 0x100 else c.encode("cp1252")[0] for c in chunk)
        return raw.decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return chunk


def _unescape(text: str) -> str:
    if "&" not in text:
        return text
    return _ENTITY.sub(_decode_entity, text)


def _decode_entity(match: re.Match[str]) -> str:
    return html.unescape(match.group(0))


def _finish(text: str) -> str:
    if not text.isascii():
        if _NEEDS_CLEANUP.search(text):
            text = text.translate(_CLEANUP_TABLE)
        text = fix_mojibake(text)
    # str.split() is the fastest whitespace collapse; breaks are split on first.
    if "\n" in text:
        text = text.replace("\n", _BREAK)
    if _BREAK not in text:
        return " ".join(text.split())
    lines = (" ".join(part.split()) for part in text.split(_BREAK))
    return "\n".join(line for line in lines if line)
