"""The final Spanish model: a 3-class linear head over the rule features and emo_Es's tokens.

For each class c (negative, neutral, positive) a score, the logit, is summed from three parts:

    logit_c = bias_c + sum_k rule_k[c] * f_k + sum_t token_t[c] * x_t

- ``f_k`` are the rule features of the text (``features``), weighed by ``data/head_rules.tsv``;
- ``x_t`` is the TF-IDF weight of each emo_Es token of the text (``emo``), weighed by
  ``data/head_tokens.tsv``; a token's three weights are emo_Es's 64 emoji classifiers collapsed
  through the head (stacking, as in EvoMSA) plus the head's own weight on the token;
- the three logits go through a softmax to class probabilities; the label is the most probable
  class. The neutral bias holds the neutral prior: a shift chosen at build time on texts each
  fitted head had not seen (cross-validation and leave-one-corpus-out), not the training
  balance, so that neutral is a decision of its own rather than what is left between two
  thresholds.

All weights were fitted at build time (``scripts/build_es_head.py``); a class's weights are
centred across the three classes, so a positive number always favours that class over the
other two. The compound keeps VADER's scale and thresholds and reproduces the label exactly:
with ``s = p(positive) - p(negative)``, it is ``0.05 + 0.95 s`` when positive is the most
probable class, ``-0.05 + 0.95 s`` when negative is, and ``0.049 s`` when neutral is.
``explain`` lists what moved a text's logits, so every compound can be traced to the rules'
features and the words and character groups of the text.
"""

import math
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from domain.sentiment_es.emo import features, tfidf
from domain.sentiment_es.features import FEATURE_NAMES

CLASSES = ("negative", "neutral", "positive")
POSITIVE_FLOOR = 0.05
NEUTRAL_SPAN = 0.049
BIAS = "bias"

Triple = tuple[float, float, float]


@dataclass(frozen=True)
class Head:
    """The head's weights: bias, one triple per rule feature, IDF and a triple per token."""

    bias: Triple
    rules: tuple[Triple, ...]
    idf: dict[str, float]
    tokens: dict[str, Triple]


@dataclass(frozen=True)
class Explanation:
    """The parts of a text's logits, each a (name, value, contribution per class) row."""

    logits: Triple
    probabilities: Triple
    bias: Triple
    rules: list[tuple[str, float, Triple]]
    tokens: list[tuple[str, float, Triple]]


def _table(name: str, key: str) -> list[list[str]]:
    """The rows of a data table after its comment block and its column header."""
    lines = files("domain.sentiment_es").joinpath("data", name).read_text("utf-8").splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith(key + "\t"))
    return [line.split("\t") for line in lines[header + 1 :] if line]


def _triple(values: list[str]) -> Triple:
    negative, neutral, positive = (float(v) for v in values)
    return negative, neutral, positive


@cache
def load_head() -> Head:
    """The head's weights, read from the package data on first use."""
    rules = {row[0]: _triple(row[1:]) for row in _table("head_rules.tsv", "feature")}
    if set(rules) != {BIAS, *FEATURE_NAMES}:
        raise ValueError("data/head_rules.tsv does not match FEATURE_NAMES")
    idf: dict[str, float] = {}
    tokens: dict[str, Triple] = {}
    for token, token_idf, *weights in _table("head_tokens.tsv", "token"):
        idf[token] = float(token_idf)
        tokens[token] = _triple(weights)
    return Head(rules[BIAS], tuple(rules[name] for name in FEATURE_NAMES), idf, tokens)


def _softmax(logits: Triple) -> Triple:
    top = max(logits)
    negative, neutral, positive = (math.exp(v - top) for v in logits)
    whole = negative + neutral + positive
    return negative / whole, neutral / whole, positive / whole


def logits(text: str, rule_features: tuple[float, ...]) -> Triple:
    """The three class logits of ``text`` whose rule features are ``rule_features``."""
    head = load_head()
    negative, neutral, positive = head.bias
    for value, (a, b, c) in zip(rule_features, head.rules, strict=True):
        if value:
            negative += a * value
            neutral += b * value
            positive += c * value
    for token, weight in tfidf(features(text), head.idf).items():
        a, b, c = head.tokens[token]
        negative += a * weight
        neutral += b * weight
        positive += c * weight
    return negative, neutral, positive


def probabilities(text: str, rule_features: tuple[float, ...]) -> Triple:
    """p(negative), p(neutral), p(positive) of ``text``."""
    return _softmax(logits(text, rule_features))


def compound_of(probabilities: Triple) -> float:
    """The compound (-1..1) whose VADER label is the most probable class (module doc)."""
    negative, neutral, positive = probabilities
    spread = positive - negative
    if positive > neutral and positive >= negative:
        return POSITIVE_FLOOR + (1 - POSITIVE_FLOOR) * spread
    if negative > neutral and negative > positive:
        return -POSITIVE_FLOOR + (1 - POSITIVE_FLOOR) * spread
    return NEUTRAL_SPAN * spread


def _scaled(weights: Triple, value: float) -> Triple:
    return weights[0] * value, weights[1] * value, weights[2] * value


def explain(text: str, rule_features: tuple[float, ...], top: int = 10) -> Explanation:
    """The bias, every non-zero rule feature and the ``top`` tokens that moved the logits
    most (by the spread of their contributions), each with its contribution per class."""
    head = load_head()
    rules = [
        (name, value, _scaled(weights, value))
        for name, value, weights in zip(FEATURE_NAMES, rule_features, head.rules, strict=True)
        if value
    ]
    tokens = [
        (token, weight, _scaled(head.tokens[token], weight))
        for token, weight in tfidf(features(text), head.idf).items()
    ]
    tokens.sort(key=lambda row: max(row[2]) - min(row[2]), reverse=True)
    total = logits(text, rule_features)
    return Explanation(total, _softmax(total), head.bias, rules, tokens[:top])
