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
# Matched at the end of the leading whitespace and comments (`prolog_end`): no regex
# repeats over comments, whose `.*?` could split `<!----><!---->` in exponentially many ways.
_DECLARATION_TEXT = re.compile(r"<\?xml[^>]*\?>")
_SPACE = re.compile(r"\s*")
# Codecs Python calls text encodings that are no character set a document can be in: they
# fail on ordinary bytes (idna, punycode, undefined) or turn text into markup (utf-7, the
# escape codecs). Bytes-to-bytes codecs (hex, base64, rot13...) are refused as not text.
_NOT_CHARSETS = frozenset(
    {"idna", "punycode", "undefined", "utf-7", "unicode-escape", "raw-unicode-escape"}
)
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
# Character references to UTF-16 surrogates (`&#55357;&#56832;` for one emoji, as some
# CMSs write them) name no character: lxml keeps them as bytes that no text can be read
# from. A pair becomes the reference to the character it encodes; a lone one, U+FFFD.
SUSPECT_REFERENCE = re.compile(rb"&#(?:[xX]0*[dD][89a-fA-F][0-9a-fA-F]{2}|0*5[5-7][0-9]{3});")
_REFERENCE_RUN = re.compile(r"(?:&#(?:[xX]0*[dD][89a-fA-F][0-9a-fA-F]{2}|0*5[5-7][0-9]{3});)+")
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
    head = _DECLARATION_TEXT.match(text, prolog_end(text))
    if head is not None:
        text = text[: head.start()] + text[head.end() :]
    text = _FORBIDDEN_CHARS.sub("", text)
    if "&#" in text:
        text = _REFERENCE_RUN.sub(_join_surrogates, text)
    return _LOOSE_AMPERSAND.sub(_escape_ampersand, text)


def prolog_end(text: str, start: int = 0) -> int:
    """Where the leading whitespace and comments of `text` end (from `start`): in linear
    time, whatever the text (an unterminated comment ends the prolog where it starts)."""
    position = _SPACE.match(text, start).end()  # type: ignore[union-attr]
    while text.startswith("<!--", position):
        close = text.find("-->", position + 4)
        if close < 0:
            return position
        position = _SPACE.match(text, close + 3).end()  # type: ignore[union-attr]
    return position


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
    try:
        return content.decode(encoding, errors="replace")
    except (LookupError, UnicodeError, ValueError):  # a codec that fails even so: as UTF-8
        return content.decode("utf-8", errors="escucha-windows-1252")


def _codec_name(label: str) -> str | None:
    """The Python codec of a charset label; None for an unknown label and for a codec that
    is no character set (`hex`, `base64`, `rot13`, `idna`, `punycode`...)."""
    try:
        codec = codecs.lookup(label)
    except LookupError:
        return None
    name = codec.name
    if not codec._is_text_encoding or name in _NOT_CHARSETS:
        return None
    if name.startswith("utf-16") or name.startswith("utf-32"):
        return None  # without a BOM the declaration cannot be what the bytes are
    return name


def _join_surrogates(match: re.Match[str]) -> str:
    """A run of numeric references in the surrogate range, as references to characters."""
    units = []
    for reference in match.group(0)[2:-1].split(";&#"):
        hexadecimal = reference[:1] in ("x", "X")
        units.append(int(reference[1:], 16) if hexadecimal else int(reference))
    raw = b"".join(min(unit, 0xFFFF).to_bytes(2, "little") for unit in units)
    chars = raw.decode("utf-16-le", errors="surrogatepass")
    fixed = chars.encode("utf-16-le", errors="surrogatepass").decode("utf-16-le", "replace")
    return "".join(f"&#{ord(c)};" for c in fixed)


def _escape_ampersand(match: re.Match[str]) -> str:
    entity = match.group(1)
    if entity is None:
        return "&amp;"
    chars = html.entities.html5.get(entity)
    if chars is None:
        return "&amp;" + entity
    return "".join(f"&#{ord(c)};" for c in chars)
