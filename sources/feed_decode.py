"""Bytes of a feed to XML text that lxml can parse, whatever the feed's encoding sins.

Encoding, in order: a byte-order mark; the XML declaration; the HTTP charset; else UTF-8.
Labels ISO-8859-1, Latin-1 and US-ASCII are read as Windows-1252, as browsers do. A
document labelled with a legacy encoding whose bytes are valid UTF-8 is read as UTF-8;
bytes that are invalid in UTF-8 are read one by one as Windows-1252, so a Latin-1 feed
without a declaration, or a UTF-8 feed with a stray Windows-1252 quote, still reads right.
HTML named entities (undefined in XML) become numeric references, bare ampersands are
escaped, and characters XML forbids are dropped.
"""

import codecs
import html.entities
import re

_DECLARATION = re.compile(rb"<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._:-]{1,40})[\"']")
_DECLARATION_TEXT = re.compile(r"^\s*(?:<!--.*?-->\s*)*<\?xml[^>]*\?>", re.DOTALL)
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]{1,40})", re.IGNORECASE)
_AS_WINDOWS_1252 = frozenset({"latin-1", "iso8859-1", "ascii", "cp1252"})
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_FORBIDDEN_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# An `&` that does not start one of XML's own references: a bare ampersand, or an HTML
# named entity such as &nbsp; that XML does not define.
_LOOSE_AMPERSAND = re.compile(
    r"&(?!(?:amp|lt|gt|quot|apos|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});)([A-Za-z][A-Za-z0-9]{0,31};)?"
)
_CP1252_BYTES = [bytes([b]).decode("cp1252", errors="replace") for b in range(256)]
_CP1252_BYTES = [c if c != "\ufffd" else chr(b) for b, c in enumerate(_CP1252_BYTES)]


def _windows_1252_fallback(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start : error.end]
    return "".join(_CP1252_BYTES[b] for b in bad), error.end


codecs.register_error("escucha-windows-1252", _windows_1252_fallback)


def decode_feed(content: bytes, content_type: str | None = None) -> str:
    """The document as text, its XML declaration removed, ready for `lxml.etree`."""
    text = _decode(content, content_type)
    if text.startswith("\ufeff"):
        text = text[1:]
    head = _DECLARATION_TEXT.match(text)
    if head is not None:
        text = text[: head.start()] + text[head.end() :]
    text = _FORBIDDEN_CHARS.sub("", text)
    return _LOOSE_AMPERSAND.sub(_escape_ampersand, text)


def declared_encoding(content: bytes, content_type: str | None) -> str | None:
    """The encoding the bytes say they are in (BOM, declaration, HTTP charset), normalized
    to a Python codec name; None when nothing (usable) is said."""
    for bom, name in _BOMS:
        if content.startswith(bom):
            return name
    match = _DECLARATION.search(content[:1024])
    label = match.group(1).decode("ascii") if match else None
    if label is None and content_type:
        charset = _CHARSET.search(content_type)
        label = charset.group(1) if charset else None
    return _codec_name(label) if label else None


def _decode(content: bytes, content_type: str | None) -> str:
    encoding = declared_encoding(content, content_type)
    if encoding is None and content[:4] in (b"<\x00?\x00", b"\x00<\x00?"):
        encoding = "utf-16-le" if content[0] == 0x3C else "utf-16-be"
    if encoding is None or encoding == "utf-8":
        return content.decode("utf-8", errors="escucha-windows-1252")
    if not encoding.startswith("utf-"):
        # A legacy label on bytes that are valid UTF-8 (beyond ASCII): the label is wrong.
        try:
            return content.decode("utf-8")
        except UnicodeDecodeError:
            pass
    if encoding in _AS_WINDOWS_1252:
        return content.decode("cp1252", errors="escucha-windows-1252")
    return content.decode(encoding, errors="replace")


def _codec_name(label: str) -> str | None:
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    if name.startswith("utf-16") or name.startswith("utf-32"):
        return None  # without a BOM the declaration cannot be what the bytes are
    return name


def _escape_ampersand(match: re.Match[str]) -> str:
    entity = match.group(1)
    if entity is None:
        return "&amp;"
    chars = html.entities.html5.get(entity)
    if chars is None:
        return "&amp;" + entity
    return "".join(f"&#{ord(c)};" for c in chars)
