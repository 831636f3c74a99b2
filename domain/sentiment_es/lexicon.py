"""Loading of the Spanish scorer's data files (``data/``), once per process.

All keys are lower-case; expressions, boosters and negators are matched without accents.
Words are also indexed without accents, and by their Snowball stem together with whether a
derivational suffix was removed to reach it, so that ``aceptan`` does not find ``aceptable``
while ``odiaba`` finds ``odiar``. A stem shared by entries of opposite sign is left out, as is
any stem shorter than 4 letters; the words of ``neutral.txt`` are never looked up by stem.
"""

import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from domain.sentiment_es.stemmer import stem_and_kind

MIN_STEM_LENGTH = 4


@dataclass(frozen=True)
class Lexicon:
    words: dict[str, float]
    unaccented: dict[str, float]
    stems: dict[tuple[str, bool], float]
    emoji: dict[str, float]
    expressions: dict[tuple[str, ...], float]
    longest_expression: int
    boosters: dict[str, float]
    negators: frozenset[str]
    neutral: frozenset[str]


def strip_accents(word: str) -> str:
    """``word`` without acute accents or diaeresis; ``ñ`` is kept."""
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFD", word)
    kept = (c for c in decomposed if c not in "\u0301\u0308\u0300")
    return unicodedata.normalize("NFC", "".join(kept))


def _lines(name: str) -> list[list[str]]:
    text = files("domain.sentiment_es").joinpath("data", name).read_text(encoding="utf-8")
    rows = (line.rstrip("\n") for line in text.splitlines())
    return [row.split("\t") for row in rows if row.strip() and not row.startswith("#")]


def _valences(name: str) -> dict[str, float]:
    return {key: float(value) for key, value in _lines(name)}


def _stem_index(words: dict[str, float]) -> dict[tuple[str, bool], float]:
    groups: dict[tuple[str, bool], list[float]] = {}
    for word, valence in words.items():
        key = stem_and_kind(strip_accents(word))
        if len(key[0]) >= MIN_STEM_LENGTH:
            groups.setdefault(key, []).append(valence)
    return {
        key: sum(values) / len(values)
        for key, values in groups.items()
        if all(v > 0 for v in values) or all(v < 0 for v in values)
    }


def _expressions() -> dict[tuple[str, ...], float]:
    return {
        tuple(strip_accents(phrase).split()): float(valence)
        for phrase, valence in _lines("expressions.tsv")
    }


@cache
def load_lexicon() -> Lexicon:
    """The lexicon of this process, read from the package data on first use."""
    words = _valences("lexicon.tsv")
    unaccented: dict[str, float] = {}
    for word, valence in words.items():
        unaccented.setdefault(strip_accents(word), valence)
    expressions = _expressions()
    return Lexicon(
        words=words,
        unaccented=unaccented,
        stems=_stem_index(words),
        emoji=_valences("emoji.tsv"),
        expressions=expressions,
        longest_expression=max(len(key) for key in expressions),
        boosters={strip_accents(k): v for k, v in _valences("boosters.tsv").items()},
        negators=frozenset(strip_accents(row[0]) for row in _lines("negators.txt")),
        neutral=frozenset(strip_accents(row[0]) for row in _lines("neutral.txt")),
    )
