"""The pieces of ``build_es_head.py``: the design matrix, the fitted head, its figures.

Build time only (numpy, scipy, scikit-learn in a throw-away venv; see ``build_es_head.py``).
"""

import gzip
import pickle
import sys
import types
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from domain.sentiment_es.emo import features, tfidf
from domain.sentiment_es.features import rule_features
from domain.sentiment_es.head import CLASSES
from domain.sentiment_es.scorer import analyse

FOLDS = 5
NEUTRAL = CLASSES.index("neutral")

Rows = list[tuple[str, str, str]]  # text, label, set


class _LabeledDataSet:
    """Stands in for EvoMSA.model.LabeledDataSet so the pickle loads without EvoMSA."""

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)


def load_model(path: Path) -> Any:
    package, module = types.ModuleType("EvoMSA"), types.ModuleType("EvoMSA.model")
    module.LabeledDataSet = _LabeledDataSet  # type: ignore[attr-defined]
    sys.modules.update({"EvoMSA": package, "EvoMSA.model": module})
    with gzip.open(path) as handle:
        return pickle.load(handle)  # the Apache-2.0 model file of a pinned sdist


def _linear(model: Any) -> tuple[Any, Any]:
    bias = np.array(model._intercept)
    return np.array(model._coef).reshape(-1, len(bias)), bias


class Data:
    """Every text as the blocks of the design: TF-IDF, emo_Es's 64 and ha_Es's 3 decision
    values, and the rule features; with labels (0, 1, 2 in ``CLASSES`` order) and sets."""

    def __init__(self, rows: Rows, emo: Any, ha: Any) -> None:
        text_model = emo._textModel
        if ha._textModel.model._w2id != text_model.model._w2id:
            raise SystemExit("emo_Es and ha_Es do not share one vocabulary")
        self.vocabulary: dict[str, int] = dict(text_model.model._w2id)
        self.idf = {t: float(text_model.model._weight[i]) for t, i in self.vocabulary.items()}
        self.emo_weights, self.emo_bias = _linear(emo)
        self.ha_weights, self.ha_bias = _linear(ha)
        entries: list[tuple[int, int, float]] = []
        rules = []
        for row, (text, _, _) in enumerate(rows):
            tokens = features(text)
            if tokens != text_model.tokenize(text):
                raise SystemExit(f"feature mismatch on {text!r}")
            entries += [(row, self.vocabulary[t], w) for t, w in tfidf(tokens, self.idf).items()]
            rules.append(rule_features(analyse(text), text))
        r, c, v = zip(*entries, strict=True)
        self.tfidf = sparse.csr_matrix((v, (r, c)), shape=(len(rows), len(self.vocabulary)))
        self.emo = np.asarray(self.tfidf @ self.emo_weights) + self.emo_bias
        self.ha = np.asarray(self.tfidf @ self.ha_weights) + self.ha_bias
        self.rules = np.array(rules)
        self.labels = np.array([CLASSES.index(label) for _, label, _ in rows])
        self.sets = np.array([which for _, _, which in rows])
        self.texts = [text for text, _, _ in rows]


@dataclass(frozen=True)
class Design:
    """What the head reads and how it is fitted."""

    scale: float = 6.0  # the TF-IDF block's multiplier: weaker L2 on per-token weights
    c: float = 0.03
    emo: bool = True
    ha: bool = True
    rules: bool = True
    set_weights: tuple[tuple[str, float], ...] = (
        ("tweets", 1.0),
        ("brand", 1.0),
        ("own", 1.0),
        ("own tweets", 1.0),
        ("hard tweets", 1.0),
    )
    rule_mask: tuple[int, ...] | None = None  # indices of the rule features kept (None: all)


def weights_of(data: Data, rows: Any, design: Design) -> Any:
    """Each class counts equally within each set, each set as its weight (of the total)."""
    factors = dict(design.set_weights)
    result = np.zeros(len(rows))
    for which in np.unique(data.sets[rows]):
        mask = data.sets[rows] == which
        counts = Counter(data.labels[rows][mask])
        classes = len(counts)
        result[mask] = [factors[which] / (classes * counts[y]) for y in data.labels[rows][mask]]
    return result * len(rows) / result.sum()


def _moments(block: Any) -> tuple[Any, Any]:
    sd = block.std(axis=0)
    return block.mean(axis=0), np.where(sd > 0, sd, 1.0)


class Head:
    """The logistic regression over the design's blocks, standardised on its training rows."""

    def __init__(self, data: Data, rows: Any, design: Design) -> None:
        self.data, self.design = data, design
        self.moments = [_moments(block[rows]) for block in self._dense()]
        self.fit = LogisticRegression(C=design.c, max_iter=5_000)
        self.fit.fit(
            self.matrix(rows), data.labels[rows], sample_weight=weights_of(data, rows, design)
        )

    def _rule_block(self) -> Any:
        mask = self.design.rule_mask
        return self.data.rules if mask is None else self.data.rules[:, list(mask)]

    def _dense(self) -> list[Any]:
        blocks = []
        if self.design.emo:
            blocks.append(self.data.emo)
        if self.design.ha:
            blocks.append(self.data.ha)
        if self.design.rules:
            blocks.append(self._rule_block())
        return blocks

    def matrix(self, rows: Any) -> Any:
        dense = [(b[rows] - m) / sd for b, (m, sd) in zip(self._dense(), self.moments, strict=True)]
        return sparse.hstack([self.data.tfidf[rows] * self.design.scale, *dense]).tocsr()

    def logits(self, rows: Any) -> Any:
        return np.asarray(self.fit.decision_function(self.matrix(rows)))

    def collapsed(self, neutral_shift: float) -> tuple[Any, Any, Any]:
        """(bias, rule weights, token weights), one column per class, centred across classes;
        ``neutral_shift`` is added to the neutral logit (the prior of the decision)."""
        coef = self.fit.coef_.T  # rows: features, columns: classes
        size = self.data.tfidf.shape[1]
        tokens = self.design.scale * coef[:size]
        bias = self.fit.intercept_.copy()
        bias[NEUTRAL] += neutral_shift
        start = size
        rules = np.zeros((self.data.rules.shape[1], 3))
        blocks: list[tuple[str, Any]] = []
        if self.design.emo:
            blocks.append(("emo", self.data.emo_weights))
        if self.design.ha:
            blocks.append(("ha", self.data.ha_weights))
        if self.design.rules:
            blocks.append(("rules", None))
        for (name, weights), (mean, sd) in zip(blocks, self.moments, strict=True):
            width = len(mean)
            part = coef[start : start + width] / sd[:, None]
            start += width
            bias -= mean @ part
            if name == "rules":
                kept = list(self.design.rule_mask or range(width))
                rules[kept] = part
            else:
                bias += (self.data.emo_bias if name == "emo" else self.data.ha_bias) @ part
                tokens = tokens + weights @ part
        return _centred(bias), _centred(rules), _centred(tokens)


def _centred(weights: Any) -> Any:
    return weights - weights.mean(axis=-1, keepdims=True)


def cv_split(data: Data, seed: int, rows: Any = None) -> list[tuple[Any, Any]]:
    rows = np.arange(len(data.labels)) if rows is None else rows
    strata = np.char.add(data.sets[rows], data.labels[rows].astype(str))
    splitter = StratifiedKFold(FOLDS, shuffle=True, random_state=seed)
    return [(rows[a], rows[b]) for a, b in splitter.split(np.zeros(len(rows)), strata)]


def out_of_fold(data: Data, split: Sequence[tuple[Any, Any]], design: Design) -> Any:
    """The logits of every row of the split's test folds by a head fitted on the rest."""
    result = np.full((len(data.labels), 3), np.nan)
    for train, test in split:
        result[test] = Head(data, train, design).logits(test)
    return result


def leave_one_set_out(data: Data, design: Design) -> Any:
    """The logits of each set's rows by a head fitted on the other sets only."""
    result = np.full((len(data.labels), 3), np.nan)
    for which in np.unique(data.sets):
        test = np.flatnonzero(data.sets == which)
        result[test] = Head(data, np.flatnonzero(data.sets != which), design).logits(test)
    return result


def decide(logits: Any, neutral_shift: float) -> Any:
    shifted = logits.copy()
    shifted[:, NEUTRAL] += neutral_shift
    return shifted.argmax(axis=1)


def class_f1(gold: Any, predicted: Any, weights: Any = None) -> Any:
    """F1 of each class (``CLASSES`` order), rows weighed by ``weights``."""
    weights = np.ones(len(gold)) if weights is None else weights
    result = np.zeros(3)
    for c in range(3):
        hits = weights[(gold == c) & (predicted == c)].sum()
        total = weights[gold == c].sum() + weights[predicted == c].sum()
        result[c] = 2 * hits / total if total else 0.0
    return result


def balancing(gold: Any) -> Any:
    """Row weights under which the three classes count equally (the held-out set we are
    judged on is balanced)."""
    counts = np.bincount(gold, minlength=3).astype(float)
    return len(gold) / (3 * counts[gold])


def set_f1(data: Data, predicted: Any, which: str) -> Any:
    mask = data.sets == which
    gold = data.labels[mask]
    return class_f1(gold, predicted[mask], balancing(gold))


def pooled_f1(data: Data, predicted: Any) -> float:
    """Macro-F1 over every set's rows at once, each set weighing equally and the classes
    equally within it: the pooled dev sets."""
    weights = np.zeros(len(data.labels))
    for which in np.unique(data.sets):
        mask = data.sets == which
        weights[mask] = balancing(data.labels[mask]) / mask.sum()
    return float(class_f1(data.labels, predicted, weights).mean())


def bootstrap(gold: Any, predicted: Any, balanced: bool, draws: int = 1000, seed: int = 0) -> Any:
    """(macro, negative, neutral, positive) F1: the figure and its 95% bootstrap interval."""
    rng = np.random.default_rng(seed)
    weights = balancing(gold) if balanced else None
    point = class_f1(gold, predicted, weights)
    samples = []
    for _ in range(draws):
        pick = rng.integers(0, len(gold), len(gold))
        w = balancing(gold[pick]) if balanced else None
        f1 = class_f1(gold[pick], predicted[pick], w)
        samples.append([f1.mean(), *f1])
    low, high = np.percentile(np.array(samples), [2.5, 97.5], axis=0)
    return np.array([point.mean(), *point]), low, high
