"""Valence of one Spanish word: the lookup chain of the rule scorer.

In order, the first that is found wins:
1. the exact (lower-case) form;
2. the form without accents (``pesimo`` finds ``pésimo``);
3. the de-elongated form (``buenooo``, ``graciasss``), which counts as emphasised;
4. an absolute superlative in ``-ísimo/-ísima(s)`` mapped to its base word (``buenísimo`` ->
   ``bueno``, ``riquísima`` -> ``rico``, ``amabilísimo`` -> ``amable``), emphasised;
5. the Snowball stem, looked up among the stems of our own entries (``odiaba``; see
   ``lexicon`` for the derivational-suffix condition).
Laughter (``jaja``, ``jejeje``, ``jsjs``, ``xd``) has a fixed valence.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from domain.sentiment_es.lexicon import load_lexicon, strip_accents
from domain.sentiment_es.stemmer import stem_and_kind

LAUGHTER_VALENCE = 1.8
ELONGATION_BOOST = 0.293
SUPERLATIVE_BOOST = 0.5
MIN_STEM_LOOKUP_LENGTH = 5

_LAUGHTER = re.compile(r"[jhas]+|[jes]+|[jis]+|x+d+|lo+l")
_LAUGHTER_SYLLABLE = re.compile(r"[jh][aeis]")
_LAUGHTER_MIN_LENGTH = 4
_RUN3 = re.compile(r"(.)\1{2,}")
_RUN2 = re.compile(r"(.)\1+")
_SUPERLATIVE = re.compile(r"(.+?)[ií]sim([oa]s?)")


@dataclass(frozen=True, slots=True)
class WordValence:
    valence: float
    emphasis: float = 0.0


def collapse_elongation(word: str) -> str:
    """``word`` with letters repeated three or more times written once (``nooo`` -> ``no``)."""
    return _RUN3.sub(r"\1", word)


@lru_cache(maxsize=65536)
def is_laughter(word: str) -> bool:
    """``jaja``, ``jajsjs``, ``jejeje``, ``jiji``, ``haha``, ``xd``, ``lol`` and longer forms."""
    word = strip_accents(word)
    if word.startswith("x") or word.startswith("lo"):
        return _LAUGHTER.fullmatch(word) is not None
    if len(word) < _LAUGHTER_MIN_LENGTH or _LAUGHTER.fullmatch(word) is None:
        return False
    return len(_LAUGHTER_SYLLABLE.findall(word)) >= 2


def _plain(word: str) -> float | None:
    lexicon = load_lexicon()
    found = lexicon.words.get(word)
    if found is None:
        found = lexicon.unaccented.get(strip_accents(word))
    return found


def _deelongated(word: str) -> float | None:
    for candidate in (_RUN3.sub(r"\1", word), _RUN3.sub(r"\1\1", word), _RUN2.sub(r"\1", word)):
        if candidate != word:
            found = _plain(candidate)
            if found is not None:
                return found
    return None


def _superlative_bases(base: str, ending: str) -> list[str]:
    gender = ending[0]
    bases = [base + gender, base + "e", base]
    if base.endswith("qu"):
        bases.append(base[:-2] + "c" + gender)
    if base.endswith("gu"):
        bases.append(base[:-1] + gender)
    if base.endswith("bil"):
        bases.append(base[:-3] + "ble")
    if base.endswith("c"):
        bases.append(base[:-1] + "z")
    return bases


def _superlative(word: str) -> float | None:
    match = _SUPERLATIVE.fullmatch(word)
    if match is None:
        return None
    for base in _superlative_bases(match.group(1), match.group(2)):
        found = _plain(base)
        if found is not None:
            return found
    return None


@lru_cache(maxsize=131072)
def word_valence(word: str) -> WordValence | None:
    """Valence of the lower-case ``word`` and the emphasis its spelling adds, or None."""
    found = _plain(word)
    if found is not None:
        return WordValence(found)
    if is_laughter(word):
        return WordValence(LAUGHTER_VALENCE)
    found = _deelongated(word)
    if found is not None:
        return WordValence(found, ELONGATION_BOOST if _RUN3.search(word) else 0.0)
    found = _superlative(collapse_elongation(word))
    if found is not None:
        return WordValence(found, SUPERLATIVE_BOOST)
    plain = strip_accents(collapse_elongation(word))
    lexicon = load_lexicon()
    if len(plain) >= MIN_STEM_LOOKUP_LENGTH and plain not in lexicon.neutral:
        found = lexicon.stems.get(stem_and_kind(plain))
        if found is not None:
            return WordValence(found)
    return None
