"""The rule features of a Spanish text: what the final model reads from the rule engine.

Each is a plain number that can be read off the text and the rules' analysis of it:

- ``compound``: the rule score (``scorer``); ``rule_positive`` / ``rule_negative``: whether it
  is at or beyond VADER's thresholds (+-0.05); ``strength``: its magnitude; ``compound_squared``:
  compound * |compound|;
- ``positive_words`` / ``negative_words``: the summed valences (magnitudes) of sentiment words
  and expressions, after negation, boosters and contrast; ``positive_symbols`` /
  ``negative_symbols``: the same for emoji, emoticons and laughter; ``positive_items`` /
  ``negative_items``: how many units carry a positive / negative valence;
- ``negation``: 1 if a negator (``no``, ``nunca``, ``ni``, ``sin`` ...) occurs, also inside an
  expression (``no vale la pena``); ``contrast``: 1 if ``pero``, ``sino``, ``sin embargo`` ...
  occurs;
- ``questions`` (at most 3) and ``exclamations`` (at most 4): counts of ``?`` and ``!``;
- ``laughter``, ``emoji``, ``emoticons``, ``words``, ``capitals`` (words of two or more letters
  written in capitals): counts of tokens;
- ``link``: 1 if the text has a URL; ``handles`` and ``hashtags``: counts of ``@user`` and
  ``#tag``;
- then the style features of ``style`` (person, questions, names, no sentiment, English words;
  numbers, dates, reported speech, headlines; check-ins, replies, how many words).
"""

import re

from domain.sentiment_es.lexicon import load_lexicon
from domain.sentiment_es.lookup import is_laughter
from domain.sentiment_es.scorer import RuleAnalysis, punctuation
from domain.sentiment_es.style import STYLE_NAMES, style_features
from domain.sentiment_es.tokenizer import Kind

FEATURE_NAMES = (
    "compound",
    "rule_positive",
    "rule_negative",
    "strength",
    "compound_squared",
    "positive_words",
    "negative_words",
    "positive_symbols",
    "negative_symbols",
    "positive_items",
    "negative_items",
    "negation",
    "contrast",
    "questions",
    "exclamations",
    "laughter",
    "emoji",
    "emoticons",
    "words",
    "capitals",
    "link",
    "handles",
    "hashtags",
    *STYLE_NAMES,
)
MAX_QUESTIONS = 3
MAX_EXCLAMATIONS = 4
POSITIVE_THRESHOLD = 0.05

_LINK = re.compile(r"https?://\S+|www\.\S+")
_HANDLE = re.compile(r"@\w+")
_HASHTAG = re.compile(r"#\w+")


def _masses(analysis: RuleAnalysis) -> tuple[float, float, float, float]:
    words_pos = words_neg = symbols_pos = symbols_neg = 0.0
    for item, value in zip(analysis.items, analysis.values, strict=True):
        if item.is_word:
            words_pos += max(value, 0.0)
            words_neg -= min(value, 0.0)
        else:
            symbols_pos += max(value, 0.0)
            symbols_neg -= min(value, 0.0)
    return words_pos, words_neg, symbols_pos, symbols_neg


def rule_features(analysis: RuleAnalysis, text: str) -> tuple[float, ...]:
    """The features of ``text`` in the order of ``FEATURE_NAMES`` (module doc)."""
    negators = load_lexicon().negators
    compound = analysis.score.compound
    words = [t for t in analysis.tokens if t.kind is Kind.WORD]
    marks = punctuation(analysis.tokens)
    positive_items = sum(v > 0 for v in analysis.values)
    negative_items = sum(v < 0 for v in analysis.values)
    return (
        compound,
        float(compound >= POSITIVE_THRESHOLD),
        float(compound <= -POSITIVE_THRESHOLD),
        abs(compound),
        compound * abs(compound),
        *_masses(analysis),
        float(positive_items),
        float(negative_items),
        float(any(w in negators for item in analysis.items for w in item.base.split())),
        float(any(item.is_contrast for item in analysis.items)),
        float(min(marks.count("?"), MAX_QUESTIONS)),
        float(min(marks.count("!"), MAX_EXCLAMATIONS)),
        float(sum(is_laughter(t.lower) for t in words)),
        float(sum(t.kind is Kind.EMOJI for t in analysis.tokens)),
        float(sum(t.kind is Kind.EMOTICON for t in analysis.tokens)),
        float(len(words)),
        float(sum(t.text.isupper() and len(t.text) > 1 for t in words)),
        float(_LINK.search(text) is not None),
        float(len(_HANDLE.findall(text))),
        float(len(_HASHTAG.findall(text))),
        *style_features(text, positive_items + negative_items),
    )
