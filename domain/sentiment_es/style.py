"""Style features of a Spanish text: signs of information rather than opinion, and the reverse.

Measured on three corpora (``scripts/build_es_head.py``, ``benchmarks/README.md``): the
capitalised names and the questions carry across them; the others changed the worst figure by
less than the noise. Each is a plain count or flag read off the text:

- ``first_person`` / ``second_person``: words of the writer (``yo me mi mis estoy``,
  ``nosotros``) and of the reader (``tú te tu vos ustedes os``), at most 3 each;
- ``question_only``: the text ends with ``?`` (closing quotes and brackets aside) and has no
  ``!``;
- ``opens_question``: the text opens with ``¿``;
- ``proper_share``: the share of words written with a capital that do not open a sentence
  (names of places, brands, products);
- ``no_sentiment``: 1 when no word, expression, emoji, emoticon or laughter carries a valence;
- ``english``: English function words in the text (``the my so this is ever``), at most 3.

News style (counts of numbers, of dates and clock times, of reported-speech verbs such as
``según``, ``informó``, ``anuncia``, and a headline flag) was measured too and left out: it
helped on the brand mentions and our own texts but cost more on tweets scored by a head that
had not seen tweets (leave-one-set-out macro-F1 0.536 without it, 0.530 with it, at each
design's best neutral prior; ``benchmarks/README.md``).
"""

import re

STYLE_NAMES = (
    "first_person",
    "second_person",
    "question_only",
    "opens_question",
    "proper_share",
    "no_sentiment",
    "english",
)
CAP = 3

_WORD = re.compile(r"[^\W\d_]+")
_SENTENCE_START = re.compile(r"(?:^|[.!?¡¿…:;\n]\s*)([^\W\d_]+)")

_FIRST_WORDS = "yo me mi mis conmigo estoy estuve nosotros nosotras nuestro nuestra"
_SECOND_WORDS = "tú tu tus te ti contigo vos ustedes os vosotros vosotras"
_ENGLISH_WORDS = "the my so this is ever you all of and to it"
_FIRST = frozenset(_FIRST_WORDS.split())
_SECOND = frozenset(_SECOND_WORDS.split())
_ENGLISH = frozenset(_ENGLISH_WORDS.split())


def _capped(count: int) -> float:
    return float(min(count, CAP))


def _proper_share(text: str, words: list[str]) -> float:
    if not words:
        return 0.0
    openers = {m.start(1) for m in _SENTENCE_START.finditer(text)}
    capitals = sum(
        1 for m in _WORD.finditer(text) if m.group()[0].isupper() and m.start() not in openers
    )
    return capitals / len(words)


def _question_only(text: str) -> bool:
    stripped = text.rstrip(" \t\"'”’)»")
    if not stripped.endswith("?"):
        return False
    return "!" not in stripped


def style_features(text: str, sentiment_items: int) -> tuple[float, ...]:
    """The style features of ``text`` in the order of ``STYLE_NAMES`` (module doc);
    ``sentiment_items`` is how many units carry a valence by the rules."""
    words = [w.lower() for w in _WORD.findall(text)]
    return (
        _capped(sum(w in _FIRST for w in words)),
        _capped(sum(w in _SECOND for w in words)),
        float(_question_only(text)),
        float(text.lstrip().startswith("¿")),
        _proper_share(text, words),
        float(sentiment_items == 0),
        _capped(sum(w in _ENGLISH for w in words)),
    )
