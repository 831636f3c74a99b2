"""The Spanish scorer: VADER's arithmetic over the valences that ``rules`` gives, plus the
emoji-valence score of ``emo``.

compound = normalise(sum of valences + emphasis + emo part) with VADER's normalisation
x / sqrt(x^2 + 15); emphasis is 0.292 per ``!`` (at most 4) and, for two or more ``?``,
0.18 each (0.96 from four on), added in the direction of the sum. The emo part is
``weight * (e - threshold)`` shrunk towards 0 by ``dead_zone`` (0 inside it) and capped at
``limit`` (about one sentiment word), where ``e`` is the centred and scaled emoji-valence
score: a text with no sentiment words stays neutral unless the emo_Es direction is clearly on
one side, and the direction never outweighs clear words. ``positive``, ``neutral`` and
``negative`` are VADER's shares of the text's sentiment-bearing and neutral units (rules only).
"""

import math
from dataclasses import dataclass

from domain.sentiment_es.emo import emo_score
from domain.sentiment_es.rules import items_of, valences
from domain.sentiment_es.tokenizer import Kind, Token, tokenize

ALPHA = 15.0
EXCLAMATION_INCREMENT = 0.292
MAX_EXCLAMATIONS = 4
QUESTION_INCREMENT = 0.18
MAX_QUESTION_EMPHASIS = 0.96


RULES_MODEL = "escucha-es-rules"
EMO_MODEL = "escucha-es-rules+emo"


@dataclass(frozen=True, slots=True)
class EmoBlend:
    """How much of the emoji-valence score enters the compound (tuned on the dev set)."""

    weight: float = 8.0
    threshold: float = 0.15
    dead_zone: float = 1.5
    limit: float = 2.0

    def part(self, emo: float) -> float:
        shifted = emo - self.threshold
        size = min(self.limit, self.weight * max(0.0, abs(shifted) - self.dead_zone))
        return math.copysign(size, shifted)


NO_EMO = EmoBlend(weight=0.0)


@dataclass(frozen=True, slots=True)
class RuleScore:
    """VADER's four figures for a Spanish text, plus the raw sum before normalisation."""

    compound: float
    positive: float
    neutral: float
    negative: float
    total: float
    model: str


def normalise(total: float) -> float:
    """VADER's mapping of a sum of valences onto -1..1."""
    return max(-1.0, min(1.0, total / math.sqrt(total * total + ALPHA)))


def _emphasis(tokens: list[Token]) -> float:
    marks = "".join(t.text for t in tokens if t.kind is Kind.PUNCT)
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


def score_spanish(text: str, blend: EmoBlend = EmoBlend()) -> RuleScore:
    """The scores of a Spanish ``text``: rules, plus the emo part unless ``blend`` is NO_EMO."""
    tokens = tokenize(text)
    values = valences(items_of(tokens))
    total = sum(values)
    emphasis = _emphasis(tokens) if total else 0.0
    total += emphasis if total > 0 else -emphasis
    positive, neutral, negative = _shares(values, emphasis)
    if blend.weight:
        total += blend.part(emo_score(text))
    return RuleScore(
        compound=normalise(total) if total else 0.0,
        positive=round(positive, 3),
        neutral=round(neutral, 3),
        negative=round(negative, 3),
        total=total,
        model=EMO_MODEL if blend.weight else RULES_MODEL,
    )


def score_rules(text: str) -> RuleScore:
    """The scores of a Spanish ``text`` by the rules alone."""
    return score_spanish(text, NO_EMO)
