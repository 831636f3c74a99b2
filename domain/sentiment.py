"""Sentiment of a mention: VADER for English and unknown languages, our own scorer for Spanish.

Routing: ``language`` "es" (or "es-MX", "es_ES", ...) goes to ``domain.sentiment_es`` (model
"escucha-es-v5"); anything else, None included, to VADER ("vader"): vaderSentiment's lexicon
and rules, run by ``domain.vader_fast`` (same scores, about 2.7 times faster).

How a text is scored (product spec, "Sentiment"):
- VADER's compound score of the whole text;
- except where the text is longer than two sentences and longer than a tweet
  (``LONG_TEXT_CHARS`` = 280 characters): then the mean of VADER's scores over its sentences,
  as VADER's authors advise for paragraphs and articles. The length condition is ours: VADER
  was tuned and validated on tweet-length units, and on the VADER ground-truth tweets the plain
  sentence mean lowered Pearson r from 0.872 to 0.850 (511 of 4,200 tweets have three or more
  short sentences such as "Yay. So lucky."), while with the condition all four ground-truth
  sets keep exactly VADER's own r.

How sentences are split (``split_sentences``):
- a line break always ends a sentence;
- ``.``, ``!``, ``?`` or ``…`` (repeats allowed, closing quotes and brackets kept) end a
  sentence when whitespace follows and the next sentence opens with an upper-case letter,
  a digit or an opening mark (``¿ ¡ " “ ‘ ' ( [ «``);
- a single ``.`` does not end a sentence after a known abbreviation (``Mr.``, ``Dr.``, ``Sr.``,
  ``Sra.``, ``etc.``, ``ej.``, month names, ...), after a single letter (initials, ``p. ej.``)
  or after a word with an inner dot (``U.S.``, ``EE.UU.``).

The VADER analyzer is built once per process, on first use.
"""

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from domain.sentiment_es import EMO_MODEL, score_spanish
from domain.vader_fast import FastVader

POSITIVE_THRESHOLD = 0.05
NEGATIVE_THRESHOLD = -0.05
LONG_TEXT_CHARS = 280
VADER_MODEL = "vader"

_ABBREVIATION_WORDS = """
    mr mrs ms dr drs sr sra srta sres st jr vs etc inc ltd co corp gen gov sen rep prof
    jan feb apr jun jul aug sep sept oct nov dec ene abr ago dic
    ud uds dña dn lic ing arq pág pag núm num cap ej aprox av avda dept depto fig vol ed
    mt ft op cit approx esq tel
"""
ABBREVIATIONS = frozenset(_ABBREVIATION_WORDS.split())

# Linear time: a match starts only where a run of end marks starts, and nothing is given
# back once taken (the possessive runs are followed by characters they cannot match), so a
# text of a million dots costs one pass, not a million.
_SENTENCE_END = re.compile(
    r"(?<![.!?…])[.!?…]++[\"'”’)\]»]*+(?P<gap>\s++)(?=[\"'“‘(\[¿¡«]*+[A-ZÁÉÍÓÚÑÜ0-9])",
)
_LAST_WORD = re.compile(r"(?<![\w.])[\w.]+$")
_ABBREVIATION_WINDOW = 64  # looked back from a full stop: no abbreviation is longer
_LINES = re.compile(r"[\r\n]+")


@dataclass(slots=True)  # not frozen: one is built per mention, and frozen builds 3x slower
class SentimentScore:
    """A text's sentiment: VADER's four figures, our label and the model that produced them."""

    compound: float
    positive: float
    neutral: float
    negative: float
    label: str
    model: str


def label_for(compound: float) -> str:
    """VADER's published thresholds: positive at >= 0.05, negative at <= -0.05."""
    if compound >= POSITIVE_THRESHOLD:
        return "positive"
    if compound <= NEGATIVE_THRESHOLD:
        return "negative"
    return "neutral"


@cache
def vader_analyzer() -> SentimentIntensityAnalyzer:
    """vaderSentiment's own analyzer: the reference our scores are checked against.

    Mentions are scored by ``fast_vader()``, which gives the same scores about 2.7 times faster."""
    return SentimentIntensityAnalyzer()


@cache
def fast_vader() -> FastVader:
    """The one VADER analyzer of this process that scores mentions (lexicon load ~100 ms)."""
    return FastVader()


def _is_abbreviation(line: str, start: int, end: int) -> bool:
    """Whether the word ending at ``end`` in ``line`` (not before ``start``) is one."""
    match = _LAST_WORD.search(line, max(start, end - _ABBREVIATION_WINDOW), end)
    if match is None:
        return False
    word = match.group().lower()
    return word in ABBREVIATIONS or (len(word) == 1 and word.isalpha()) or "." in word


def _split_line(line: str) -> list[str]:
    sentences: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(line):
        end = match.start("gap")
        if (
            line[end - 1] == "."
            and line[end - 2 : end] != ".."
            and _is_abbreviation(line, start, end - 1)
        ):
            continue
        sentences.append(line[start:end])
        start = match.end()
    sentences.append(line[start:])
    return sentences


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text``, stripped, empty ones left out (rules in the module doc)."""
    sentences: list[str] = []
    for line in _LINES.split(text):
        sentences.extend(s.strip() for s in _split_line(line) if s.strip())
    return sentences


def _vader_scores(text: str) -> dict[str, float]:
    return fast_vader().polarity_scores(text)


def _from_parts(parts: list[dict[str, float]], model: str) -> SentimentScore:
    if len(parts) == 1:  # most mentions: the mean of one is itself
        [part] = parts
        compound = part["compound"]
        return SentimentScore(
            compound, part["pos"], part["neu"], part["neg"], label_for(compound), model
        )

    def mean(key: str) -> float:
        return math.fsum(part[key] for part in parts) / len(parts)

    compound = mean("compound")
    return SentimentScore(
        compound=compound,
        positive=mean("pos"),
        neutral=mean("neu"),
        negative=mean("neg"),
        label=label_for(compound),
        model=model,
    )


def score_with(scorer: Callable[[str], dict[str, float]], text: str, model: str) -> SentimentScore:
    """Score ``text`` whole, or as the mean over its sentences when it is long (module doc)."""
    if len(text) > LONG_TEXT_CHARS:
        sentences = split_sentences(text)
        if len(sentences) > 2:
            return _from_parts([scorer(s) for s in sentences], model)
    return _from_parts([scorer(text)], model)


def _spanish_scores(text: str) -> dict[str, float]:
    score = score_spanish(text)
    return {
        "compound": score.compound,
        "pos": score.positive,
        "neu": score.neutral,
        "neg": score.negative,
    }


def is_spanish(language: str | None) -> bool:
    """Whether ``language`` (ISO 639-1, maybe with a region) is Spanish."""
    if language is None or language == "en":  # most mentions: no string work
        return False
    return language.lower().replace("_", "-").split("-")[0] == "es"


def score_text(text: str, language: str | None) -> SentimentScore:
    """Sentiment of a mention's plain text in ``language`` (ISO 639-1, None when unknown)."""
    if is_spanish(language):
        return score_with(_spanish_scores, text, EMO_MODEL)
    return score_with(_vader_scores, text, VADER_MODEL)
