"""Training a brand's relevance model from its marks: scikit-learn's logistic regression
over the features of ``domain.relevance_features``, cross-validated on the marks.

The brand's stored mentions that nobody marked (``unlabeled``) tell which features are so
common that they say nothing of a sense: the brand's own word, the language, a source that
carries every sense. Present in more than ``UBIQUITOUS`` of the brand's mentions, they get
no weight (they still count in the vector's length, as ``RelevanceModel.score`` counts
them), so a mention of a sense the marks never showed has nothing to lift it over the
threshold (benchmarks/README.md: relevance).

No I/O, but numerical: scikit-learn (and numpy, scipy) are imported only when a model is
trained, so the API and the polling path never load them. What comes out is plain Python
(``TrainedModel``), applied by ``domain.relevance.RelevanceModel``.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

MIN_PER_CLASS = 3  # marks of each kind before a model is trained
C = 8.0  # inverse L2 strength (the vectors are of unit length)
MAX_FOLDS = 5
THRESHOLD_RANGE = (0.4, 0.6)
TOP = 10
# Mentions about the brand share its vocabulary (its products, its company); the off-topic
# ones are a long tail of other senses, new ones arriving all the time. So a mention with
# nothing the marks taught the model leans off-topic: this many empty examples, marked
# irrelevant, pull the intercept down (benchmarks/README.md: relevance).
UNSEEN_IS_OFF_TOPIC = 4
UBIQUITOUS = 0.5  # share of the brand's mentions above which a feature gets no weight


@dataclass(frozen=True)
class Example:
    features: frozenset[str]
    relevant: bool


@dataclass(frozen=True)
class TrainedModel:
    weights: dict[str, float]
    intercept: float
    threshold: float
    precision: float | None  # cross-validated on the marks, at the threshold
    recall: float | None
    top_for: list[tuple[str, float]]
    top_against: list[tuple[str, float]]


def can_train(examples: Sequence[Example]) -> bool:
    relevant = sum(e.relevant for e in examples)
    return min(relevant, len(examples) - relevant) >= MIN_PER_CLASS


def train(
    examples: Sequence[Example], unlabeled: Sequence[frozenset[str]] = ()
) -> TrainedModel | None:
    """None while there are fewer than ``MIN_PER_CLASS`` marks of either kind. ``unlabeled``:
    the features of the brand's stored mentions that have no mark."""
    if not can_train(examples):
        return None
    from sklearn.feature_extraction import DictVectorizer  # lazily: ~60 MB of libraries

    ignored = ubiquitous([e.features for e in examples] + list(unlabeled))
    vectors = [_vector(e.features, ignored) for e in examples] + [{}] * UNSEEN_IS_OFF_TOPIC
    vectorizer = DictVectorizer()
    matrix = _int32_indices(vectorizer.fit_transform(vectors))
    labels = [int(e.relevant) for e in examples] + [0] * UNSEEN_IS_OFF_TOPIC
    marks = len(examples)
    probabilities = _cross_validated(matrix, labels)[:marks]
    threshold = _threshold(probabilities, labels[:marks])
    precision, recall = _precision_recall(probabilities, labels[:marks], threshold)
    model = _model().fit(matrix, labels)
    names = vectorizer.get_feature_names_out()
    weights = {
        str(name): round(float(w), 6)
        for name, w in zip(names, model.coef_[0], strict=True)
        if abs(w) > 1e-6
    }
    return TrainedModel(
        weights=weights,
        intercept=float(model.intercept_[0]),
        threshold=threshold,
        precision=precision,
        recall=recall,
        top_for=top_weighted(weights, positive=True),
        top_against=top_weighted(weights, positive=False),
    )


def ubiquitous(mentions: Sequence[frozenset[str]]) -> frozenset[str]:
    """The features present in more than ``UBIQUITOUS`` of these mentions."""
    counts: dict[str, int] = {}
    for found in mentions:
        for feature in found:
            counts[feature] = counts.get(feature, 0) + 1
    most = UBIQUITOUS * len(mentions)
    return frozenset(feature for feature, count in counts.items() if count > most)


def _int32_indices(matrix: Any) -> Any:
    """liblinear takes sparse matrices with 32-bit indices only (DictVectorizer makes 64)."""
    import numpy

    matrix = matrix.tocsr()
    matrix.indices = matrix.indices.astype(numpy.int32)
    matrix.indptr = matrix.indptr.astype(numpy.int32)
    return matrix


def _vector(features: frozenset[str], ignored: frozenset[str]) -> dict[str, float]:
    """Unit length over all the features (as ``RelevanceModel.score`` counts them), the
    ``ignored`` ones left out."""
    value = 1.0 / math.sqrt(len(features)) if features else 0.0
    return dict.fromkeys(features - ignored, value)


def _model() -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=C, class_weight="balanced", solver="liblinear", max_iter=1000)


def _cross_validated(matrix: Any, labels: list[int]) -> list[float]:
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    folds = min(MAX_FOLDS, sum(labels), len(labels) - sum(labels))
    split = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
    predicted = cross_val_predict(_model(), matrix, labels, cv=split, method="predict_proba")
    return [float(p) for p in predicted[:, 1]]


def _threshold(probabilities: list[float], labels: list[int]) -> float:
    """The cut with the best F1 on the cross-validated scores, kept within
    ``THRESHOLD_RANGE`` (few marks make extreme cuts a matter of luck)."""
    low, high = THRESHOLD_RANGE
    cuts = [low + step * (high - low) / 20 for step in range(21)]
    best = max(cuts, key=lambda cut: (_f1(probabilities, labels, cut), -abs(cut - 0.5)))
    return round(best, 3)


def _f1(probabilities: list[float], labels: list[int], cut: float) -> float:
    precision, recall = _precision_recall(probabilities, labels, cut)
    if not precision or not recall:
        return 0.0
    return 2 * precision * recall / (precision + recall)


def _precision_recall(
    probabilities: list[float], labels: list[int], cut: float
) -> tuple[float | None, float | None]:
    kept = [label for p, label in zip(probabilities, labels, strict=True) if p >= cut]
    relevant = sum(labels)
    precision = sum(kept) / len(kept) if kept else None
    recall = sum(kept) / relevant if relevant else None
    return precision, recall


def top_weighted(weights: dict[str, float], *, positive: bool) -> list[tuple[str, float]]:
    """The words and phrases that weigh most for (or against), each shown once; not the
    ones a reader could make nothing of (numbers, one or two letters: "3", "x", "vs")."""
    ranked = sorted(weights.items(), key=lambda kv: -kv[1] if positive else kv[1])
    found: dict[str, float] = {}
    for feature, weight in ranked:
        if (weight > 0) != positive or feature[:2] not in ("w:", "c:", "q:"):
            continue
        phrase = feature[2:].replace("_", " ")
        if len(phrase) < 3 or phrase.isdigit():
            continue
        found.setdefault(phrase, weight)
        if len(found) == TOP:
            break
    return list(found.items())
