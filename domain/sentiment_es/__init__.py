"""Escucha's Spanish sentiment scorer: VADER-style rules over our own lexicon (``data/``),
plus an emoji-valence direction derived at build time from evomsa's emo_Es model."""

from domain.sentiment_es.scorer import (
    EMO_MODEL,
    NO_EMO,
    RULES_MODEL,
    EmoBlend,
    RuleScore,
    score_rules,
    score_spanish,
)

__all__ = [
    "EMO_MODEL",
    "NO_EMO",
    "RULES_MODEL",
    "EmoBlend",
    "RuleScore",
    "score_rules",
    "score_spanish",
]
