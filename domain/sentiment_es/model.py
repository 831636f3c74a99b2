"""Escucha's Spanish sentiment model: the rule engine's features and emo_Es's tokens, weighed
by a 3-class head (``head``); model name ``escucha-es-v5`` (``escucha-es-v4`` was fitted without our
600 hard tweets; ``escucha-es-v3`` was fitted without
our own tweets and without the news-style and tweet-shape features; ``escucha-es-v2`` had
neither the style features nor the neutral prior chosen on texts it was not fitted on)."""

from dataclasses import dataclass

from domain.sentiment_es.features import rule_features
from domain.sentiment_es.head import (
    CLASSES,
    POSITIVE_FLOOR,
    Explanation,
    Triple,
    compound_of,
    explain,
)
from domain.sentiment_es.head import probabilities as head_probabilities
from domain.sentiment_es.scorer import RuleScore, analyse

SPANISH_MODEL = "escucha-es-v5"


@dataclass(frozen=True, slots=True)
class SpanishScore:
    """The final scores of a Spanish text.

    ``compound`` comes from the head's class probabilities (``head``); ``positive``,
    ``neutral`` and ``negative`` are VADER's shares of the text's units by the rules, and
    ``rules`` the rule score itself, kept for explanation.
    """

    compound: float
    positive: float
    neutral: float
    negative: float
    probabilities: Triple
    rules: RuleScore
    model: str

    @property
    def label(self) -> str:
        """VADER's label of the compound, which is always the most probable class."""
        if self.compound >= POSITIVE_FLOOR:
            return CLASSES[2]
        return CLASSES[0] if self.compound <= -POSITIVE_FLOOR else CLASSES[1]


def score_spanish(text: str) -> SpanishScore:
    """The scores of a Spanish ``text`` by the final model."""
    analysis = analyse(text)
    probabilities = head_probabilities(text, rule_features(analysis, text))
    rules = analysis.score
    return SpanishScore(
        compound=compound_of(probabilities),
        positive=rules.positive,
        neutral=rules.neutral,
        negative=rules.negative,
        probabilities=probabilities,
        rules=rules,
        model=SPANISH_MODEL,
    )


def explain_spanish(text: str, top: int = 10) -> Explanation:
    """Why ``text`` scores as it does: the parts of its logits (``head.explain``)."""
    analysis = analyse(text)
    return explain(text, rule_features(analysis, text), top)
