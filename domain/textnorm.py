"""Word normalisation shared by brand queries and term statistics.

`fold` makes text case- and accent-insensitive; `words` splits folded text into the
tokens that queries match against. Both sides of a match (query and text) go through
the same functions, so whatever they decide is applied symmetrically.
"""

import re
import unicodedata

_BMP_END = 0x10000


def _bmp_combining_marks_pattern() -> str:
    ranges: list[tuple[int, int]] = []
    for code_point in range(_BMP_END):
        if not unicodedata.combining(chr(code_point)):
            continue
        if ranges and ranges[-1][1] == code_point - 1:
            ranges[-1] = (ranges[-1][0], code_point)
        else:
            ranges.append((code_point, code_point))
    return "[" + "".join(f"{chr(first)}-{chr(last)}" for first, last in ranges) + "]+"


# Built from the running Python's Unicode tables (a few milliseconds at import).
# Marks outside the Basic Multilingual Plane are rare (historic scripts, musical
# notation) and would make the character class ten times slower, so they take a
# separate slow path, only when a text contains one.
_BMP_COMBINING_MARKS = re.compile(_bmp_combining_marks_pattern())
_ASTRAL_CHARACTER = re.compile("[\U00010000-\U0010ffff]")
# After a letter or digit: a possessive "'s" ending the word, or an apostrophe inside
# a word. (It starts with the literal "'" so that the regex engine can skip ahead fast.)
_DROPPED_APOSTROPHE = re.compile(r"'(?<=[^\W_]')(?:s(?![^\W_])|(?=[^\W_]))")
_WORD = re.compile(r"[^\W_]+")
# ASCII letters and digits (the ASCII characters of _WORD) kept, anything else a space.
_ASCII_WORD_BYTES = bytes(code if chr(code).isalnum() and code < 128 else 32 for code in range(256))


def fold(text: str) -> str:
    """Case-fold and strip diacritics: "Café" -> "cafe", "Straße" -> "strasse", "Ñu" -> "nu".

    Typographic apostrophes become "'" so that possessives fold the same way.
    """
    if text.isascii():
        return text.lower()
    text = _strip_marks(unicodedata.normalize("NFKD", text)).casefold()
    if not unicodedata.is_normalized("NFKD", text):
        # Case folding can itself produce decomposable characters.
        text = _strip_marks(unicodedata.normalize("NFKD", text))
    return text.replace("’", "'").replace("‘", "'").replace("ʼ", "'")


def unaccented(text: str) -> str:
    """Diacritics stripped, case kept: "Pumá" -> "Puma" (what the brand's name looked like
    where it was written, for ``domain.relevance_features``)."""
    if text.isascii():
        return text
    return _strip_marks(unicodedata.normalize("NFKD", text))


def words(text: str) -> list[str]:
    """The folded words of `text`, in order, as queries see them.

    A word is a run of letters and digits (`\\w` without `_`). Apostrophes inside a
    word are dropped ("O'Reilly" -> "oreilly") and a possessive "'s" is removed
    ("Nike's" -> "nike"), so "nikes" stays a different word.
    """
    folded = fold(text)
    if "'" in folded:
        folded = _DROPPED_APOSTROPHE.sub("", folded)
    if folded.isascii():  # most texts: the same words, split in C
        return folded.encode("ascii").translate(_ASCII_WORD_BYTES).decode("ascii").split()
    found: list[str] = _WORD.findall(folded)
    return found


def _strip_marks(decomposed: str) -> str:
    stripped = _BMP_COMBINING_MARKS.sub("", decomposed)
    astral = _ASTRAL_CHARACTER.findall(stripped)
    if any(unicodedata.combining(char) for char in astral):
        return "".join(char for char in stripped if not unicodedata.combining(char))
    return stripped
