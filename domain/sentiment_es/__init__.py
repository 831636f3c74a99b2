"""Escucha's Spanish sentiment scorer: VADER-style rules over our own lexicon (``data/``),
read together with emo_Es's text features by a 3-class head fitted at build time."""

from domain.sentiment_es.head import Explanation
from domain.sentiment_es.model import SPANISH_MODEL, SpanishScore, explain_spanish, score_spanish
from domain.sentiment_es.scorer import RULES_MODEL, RuleScore, score_rules

EMO_MODEL = SPANISH_MODEL  # the name domain.sentiment imports for the model of Spanish texts

__all__ = [
    "EMO_MODEL",
    "RULES_MODEL",
    "SPANISH_MODEL",
    "Explanation",
    "RuleScore",
    "SpanishScore",
    "explain_spanish",
    "score_rules",
    "score_spanish",
]
