"""Language of a mention, as an ISO 639-1 code, or None when the text does not say.

Two steps, measured on 23,700 English texts (VADER's four ground-truth sets) and our 150
Spanish brand mentions, against lingua in high-accuracy mode alone:

1. A quick look at function words (``domain.language_words``): each word of a list adds to its
   language, shared words by a share (``de`` is Spanish, Portuguese, French, Catalan and Dutch,
   so a fifth each). When English or Spanish leads with at least ``MIN_WORD_SCORE`` and at
   least twice the runner-up, that is the answer. This decides 77% of tweets, 90% of reviews and
   editorials and 67% of the Spanish mentions, wrong once in about 20,000, at well over
   100,000 texts/s.
2. Otherwise lingua in low-accuracy mode over the languages below. High-accuracy mode is about
   1 point better on the texts left here (tweets 96.4% against 95.0% right, Spanish 99.3%
   against 98.7%) but holds 235 MB of models in every worker process, against about 20 MB.

Before either step the text is cleaned the way a tweet needs: URLs, @handles, #hashtags and
HTML entities are dropped, and for step 2 letters repeated three or more times are collapsed
(``holaaaa`` -> ``hola``); only its first ``MAX_CHARS`` characters are read. Fewer than
``MIN_LETTERS`` letters left: None (nothing to go on).
A single word that step 1 cannot place is None too (a name, a brand: trigrams of one word
say little). Lingua's best guess is kept when its confidence is at least ``MIN_CONFIDENCE``,
else None.
"""

import math
import re
from collections.abc import Sequence
from functools import cache

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

from domain.language_words import FUNCTION_WORDS, word_languages

LANGUAGES: tuple[Language, ...] = (
    Language.SPANISH,
    Language.ENGLISH,
    Language.PORTUGUESE,
    Language.FRENCH,
    Language.ITALIAN,
    Language.GERMAN,
    Language.CATALAN,
    Language.DUTCH,
)
# The codes a mention's `language` can hold, Spanish and English first.
LANGUAGE_CODES: tuple[str, ...] = tuple(lang.iso_code_639_1.name.lower() for lang in LANGUAGES)
QUICK_LANGUAGES = frozenset({"en", "es"})
MIN_LETTERS = 3
MIN_CONFIDENCE = 0.3
# Our users' languages first: Spanish or English among lingua's first PREFERRED_AMONG guesses
# wins when its confidence is at least PREFERRED_SHARE of the best one's (and at least
# PREFERRED_FLOOR). On short texts lingua hesitates between neighbours ("qué asco de servicio"
# French, "me encanta" Portuguese); measured on evomsa's 1,000 Spanish tweets, 23,703 English
# texts (VADER's ground truth) and our 115 texts in five other languages
# (tests/fixtures/language/other_languages.tsv): Spanish tweets found 83.8% -> 89.3%, English
# 98.0% -> 98.6%, the other languages 98.3% -> 95.7% (3 more of 115 taken for Spanish;
# `python -m benchmarks.language` prints these).
PREFERRED = {Language.SPANISH: "es", Language.ENGLISH: "en"}
PREFERRED_AMONG = 4
PREFERRED_SHARE = 0.2
PREFERRED_FLOOR = 0.05
MIN_WORD_SCORE = 1.5
# The first this many characters say which language a text is in as well as all of it.
MAX_CHARS = 1000

_NOISE = re.compile(r"https?://\S+|www\.\S+|[@#]\w+|&[a-zA-Z]+;|&#\d+;")
_REPEATED = re.compile(r"([^\W\d_])\1{2,}")
_WORD = re.compile(r"[^\W\d_]+")
_WORD_LANGUAGES = tuple(FUNCTION_WORDS)
_LISTS_OF = {word: len(languages) for word, languages in word_languages().items()}
# A word's share of a language, 1 / how many lists hold it, in whole units of _UNIT (the
# least common multiple of those counts): sums of shares are then exact integers.
_UNIT = math.lcm(*_LISTS_OF.values())
# Each function word: its shares for the languages of _WORD_LANGUAGES packed into one int,
# _FIELD_BITS bits each, so that a text's scores are one sum() of ints, in C (a field holds
# millions of words' shares: it never carries over into the next).
_FIELD_BITS = 32
_FIELD = (1 << _FIELD_BITS) - 1
_POSITIONS = range(len(_WORD_LANGUAGES))
_WORD_SHARES: dict[str, int] = {
    word: sum(
        (_UNIT // _LISTS_OF[word]) << (_FIELD_BITS * position)
        for position, lang in enumerate(_WORD_LANGUAGES)
        if lang in languages
    )
    for word, languages in word_languages().items()
}
_MIN_UNITS = MIN_WORD_SCORE * _UNIT
# For ASCII texts (most), split and lower-cased in C: bytes.translate turns A-Z to a-z and
# anything but a letter to a space, which gives the words of _WORD.
_ASCII_WORD_SHARES = {word.encode(): s for word, s in _WORD_SHARES.items() if word.isascii()}
_ASCII_LOWER_LETTERS = bytes(
    code + 32 if 65 <= code <= 90 else code if 97 <= code <= 122 else 32 for code in range(256)
)


@cache
def _detector() -> LanguageDetector:
    """The one detector of this process, its models loaded up front (they ship in the wheel)."""
    builder = LanguageDetectorBuilder.from_languages(*LANGUAGES).with_low_accuracy_mode()
    return builder.with_preloaded_language_models().build()


def clean_for_detection(text: str) -> str:
    """The words of ``text`` that say something about its language."""
    text = _REPEATED.sub(r"\1", _NOISE.sub(" ", text))
    return " ".join(text.split())


def _function_words(text: str) -> tuple[int, int, list[int]]:
    """Step 1's reading of ``text``: how many letters and words it has without its noise,
    and the shares of each function word among them. Repeated letters are not collapsed (a
    third of the cost of cleaning): such a word is no function word anyway."""
    if "@" in text or "#" in text or "&" in text or "http" in text or "www." in text:
        text = _NOISE.sub(" ", text)  # no match of _NOISE without one of these
    if text.isascii():
        letters = text.encode("ascii").translate(_ASCII_LOWER_LETTERS)
        ascii_words = letters.split()
        found = list(filter(None, map(_ASCII_WORD_SHARES.get, ascii_words)))
        return len(letters) - letters.count(b" "), len(ascii_words), found
    words = _WORD.findall(text.lower())
    found = list(filter(None, map(_WORD_SHARES.get, words)))
    return sum(map(len, words)), len(words), found


def language_by_function_words(text: str) -> str | None:
    """English or Spanish when their function words clearly lead (step 1 of the module doc)."""
    return _by_function_words(_function_words(text)[2])


def _by_function_words(found: list[int]) -> str | None:
    if not found:
        return None
    total = sum(found)
    scores = [(total >> (_FIELD_BITS * position)) & _FIELD for position in _POSITIONS]
    top, runner_up = sorted(scores)[-1:-3:-1]
    best = _WORD_LANGUAGES[scores.index(top)]
    if best in QUICK_LANGUAGES and top >= _MIN_UNITS and top >= 2 * runner_up:
        return best
    return None


def warm_up() -> None:
    """Load lingua and run it over ten texts of each language's function words (~50 ms):
    in a new process its first few hundred calls took 230 us each, not 60, until warmed."""
    for words in FUNCTION_WORDS.values():
        listed = words.split()
        for text in range(10):
            _step_two(" ".join(listed[(text * 12 + k) % len(listed)] for k in range(12)))


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the language of ``text`` (``"es"``, ``"en"``, ...) or None when unsure."""
    return detect_languages([text])[0]


def detect_languages(texts: Sequence[str]) -> list[str | None]:
    """``detect_language`` of each text: step 1 for all of them, then lingua for those it
    left open, one after the other."""
    found: list[str | None] = []
    open_ones: list[int] = []
    for index, text in enumerate(texts):
        decided, language = _step_one(text[:MAX_CHARS])
        found.append(language)
        if not decided:
            open_ones.append(index)
    for index in open_ones:
        found[index] = _step_two(texts[index][:MAX_CHARS])
    return found


def _step_one(text: str) -> tuple[bool, str | None]:
    """(decided, language) by the function words."""
    letters, words, hits = _function_words(text)
    if letters < MIN_LETTERS:
        return True, None
    quick = _by_function_words(hits)
    return quick is not None or words < 2, quick


def _step_two(text: str) -> str | None:
    values = _detector().compute_language_confidence_values(clean_for_detection(text))
    best = values[0]
    for candidate in values[:PREFERRED_AMONG]:
        if candidate.language in PREFERRED and candidate.value >= max(
            PREFERRED_SHARE * best.value, PREFERRED_FLOOR
        ):
            return PREFERRED[candidate.language]
    if best.value < MIN_CONFIDENCE:
        return None
    return best.language.iso_code_639_1.name.lower()
