"""The rule score: VADER's arithmetic over the valences that ``rules`` gives.

compound = normalise(sum of valences + emphasis) with VADER's normalisation x / sqrt(x^2 + 15);
emphasis is 0.292 per ``!`` (at most 4) and, for two or more ``?``, 0.18 each (0.96 from four
on), added in the direction of the sum. ``positive``, ``neutral`` and ``negative`` are VADER's
shares of the text's sentiment-bearing and neutral units. The rule score is one of the inputs
of the final Spanish model (``model``); on its own it is ``score_rules``.
"""

import math
from dataclasses import dataclass

from domain.sentiment_es.rules import Item, items_of, valences
from domain.sentiment_es.tokenizer import Kind, Token, tokenize

ALPHA = 15.0
EXCLAMATION_INCREMENT = 0.292
MAX_EXCLAMATIONS = 4
QUESTION_INCREMENT = 0.18
MAX_QUESTION_EMPHASIS = 0.96

RULES_MODEL = "escucha-es-rules"


@dataclass(frozen=True, slots=True)
class RuleScore:
    """VADER's four figures for a Spanish text, plus the raw sum before normalisation."""

    compound: float
    positive: float
    neutral: float
    negative: float
    total: float
    model: str


@dataclass(frozen=True, slots=True)
class RuleAnalysis:
    """What the rules saw in a text: its tokens, items, their valences and the score."""

    tokens: list[Token]
    items: list[Item]
    values: list[float]
    score: RuleScore


def normalise(total: float) -> float:
    """VADER's mapping of a sum of valences onto -1..1."""
    return max(-1.0, min(1.0, total / math.sqrt(total * total + ALPHA)))


def punctuation(tokens: list[Token]) -> str:
    """The clause punctuation of a tokenized text, run together."""
    return "".join(t.text for t in tokens if t.kind is Kind.PUNCT)


def _emphasis(tokens: list[Token]) -> float:
    marks = punctuation(tokens)
    exclamations = min(marks.count("!"), MAX_EXCLAMATIONS) * EXCLAMATION_INCREMENT
    questions = marks.count("?")
    if questions <= 1:
        return exclamations
    if questions <= 3:
        return exclamations + questions * QUESTION_INCREMENT
    return exclamations + MAX_QUESTION_EMPHASIS


def _shares(values: list[float], emphasis: float) -> tuple[float, float, float]:
    positive = sum(v + 1 for v in values if v > 0)
    negative = sum(v - 1 for v in values if v < 0)
    neutral = float(sum(1 for v in values if v == 0))
    if positive > abs(negative):
        positive += emphasis
    elif positive < abs(negative):
        negative -= emphasis
    whole = positive + abs(negative) + neutral
    if whole == 0:
        return 0.0, 0.0, 0.0
    return positive / whole, neutral / whole, abs(negative) / whole


def analyse(text: str) -> RuleAnalysis:
    """The rules' view of a Spanish ``text``, with its rule score."""
    tokens = tokenize(text)
    items = items_of(tokens)
    values = valences(items)
    total = sum(values)
    emphasis = _emphasis(tokens) if total else 0.0
    total += emphasis if total > 0 else -emphasis
    positive, neutral, negative = _shares(values, emphasis)
    score = RuleScore(
        compound=normalise(total) if total else 0.0,
        positive=round(positive, 3),
        neutral=round(neutral, 3),
        negative=round(negative, 3),
        total=total,
        model=RULES_MODEL,
    )
    return RuleAnalysis(tokens, items, values, score)


def score_rules(text: str) -> RuleScore:
    """The scores of a Spanish ``text`` by the rules alone."""
    return analyse(text).score
