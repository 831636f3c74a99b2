"""Fit the Spanish model's head and write ``domain/sentiment_es/data/head_*.tsv``.

Build time only, never at run time, in a throw-away virtualenv (not the project's):

    python3.11 -m venv /tmp/eshead-venv
    /tmp/eshead-venv/bin/pip install numpy==2.4.6 scipy==1.17.1 scikit-learn==1.9.1 \
        microtc==2.4.13 b4msa==2.2.4 vaderSentiment==3.3.2
    /tmp/eshead-venv/bin/pip download evomsa==2.0.14 --no-deps --no-binary :all: -d /tmp/evomsa_src
    tar xzf /tmp/evomsa_src/evomsa-2.0.14.tar.gz -C /tmp/evomsa_src
    PYTHONPATH=. /tmp/eshead-venv/bin/python scripts/build_es_head.py \
        /tmp/evomsa_src/evomsa-2.0.14/EvoMSA/models/emo_Es.tm \
        /tmp/evomsa_src/evomsa-2.0.14/EvoMSA/tests/tweets.json

(microtc and b4msa only check that ``domain.sentiment_es.emo`` gives emo_Es's own tokens on
every text; vaderSentiment only adds VADER to the report.) The tweets and the model stay in
/tmp: only the fitted weights are written to the repo.

What is fitted (EvoMSA's stacking, with our rule engine beside it): a multinomial logistic
regression over three blocks, each text being
- emo_Es's 64 emoji decision values (``x @ W + b``, x the text's TF-IDF vector), standardised;
- the rule features of ``domain.sentiment_es.features``, standardised;
- the TF-IDF vector itself times ``TOKEN_SCALE`` (a weaker L2 penalty on the head's own
  per-token weights than on the other blocks).
Texts: the 1,000 labelled tweets of evomsa's test data (P / N / NONE+NEU) and our 150 brand
texts (``tests/fixtures/sentiment/es_brand_dev.tsv``), each class weighed equally within each
set and a brand text ``BRAND_WEIGHT`` times a tweet. Everything is then collapsed into one
bias and one weight per class for each rule feature and each emo_Es token, centred across the
classes (a softmax does not change), and written with the tokens' IDF.

The report printed is 5-fold stratified cross-validation (seed 0; folds stratified by set and
label) on the same texts: macro-F1 of the held-out fold only, for the tweets weighed to balanced
classes (as the held-out set we are judged on is balanced), as they are, and for the brand
texts; next to VADER and the rule score on the same folds. Then the same CV with seeds 1-4, to
show how much the split moves the figures; nested CV, in which inner folds also choose
TOKEN_SCALE and C (an estimate that includes that choice); and a check that the run-time code
gives the same probabilities as the fitted model.
"""

import gzip
import json
import pickle
import statistics
import sys
import types
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold

from domain.sentiment_es.emo import features, tfidf
from domain.sentiment_es.features import FEATURE_NAMES, rule_features
from domain.sentiment_es.head import CLASSES, load_head, probabilities
from domain.sentiment_es.scorer import analyse

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "domain" / "sentiment_es" / "data"
BRAND = REPO / "tests" / "fixtures" / "sentiment" / "es_brand_dev.tsv"
TWEET_CLASSES = {"P": "positive", "N": "negative", "NONE": "neutral", "NEU": "neutral"}
SEED = 0
FOLDS = 5
REPEATS = 5
TOKEN_SCALE = 6.0
C = 0.03
BRAND_WEIGHT = 6.0
GRID = [(scale, c) for scale in (3.0, 6.0, 10.0) for c in (0.03, 0.1)]

Rows = list[tuple[str, str, str]]  # text, label, set ("tweet" or "brand")


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


def read_rows(tweets: Path) -> Rows:
    rows = [json.loads(line) for line in tweets.read_text("utf-8").splitlines()]
    result = [(row["text"], TWEET_CLASSES[row["klass"]], "tweet") for row in rows]
    for line in BRAND.read_text("utf-8").splitlines():
        if line and not line.startswith("#"):
            label, text = line.split("\t")
            result.append((text, label, "brand"))
    return result


class Data:
    """The texts as the three blocks of the design, with labels, sets and weights."""

    def __init__(self, rows: Rows, model: Any) -> None:
        text_model = model._textModel
        self.vocabulary = {token: i for token, i in text_model.model._w2id.items()}
        self.idf = {t: float(text_model.model._weight[i]) for t, i in self.vocabulary.items()}
        self.emoji_weights = np.array(model._coef).reshape(-1, len(model._intercept))
        self.emoji_bias = np.array(model._intercept)
        entries: list[tuple[int, int, float]] = []
        rules = []
        for row, (text, _, _) in enumerate(rows):
            tokens = features(text)
            if tokens != text_model.tokenize(text):
                raise SystemExit(f"feature mismatch on {text!r}")
            entries += [(row, self.vocabulary[t], w) for t, w in tfidf(tokens, self.idf).items()]
            rules.append(rule_features(analyse(text), text))
        r, c, v = zip(*entries, strict=True)
        shape = (len(rows), len(self.vocabulary))
        self.tfidf = sparse.csr_matrix((v, (r, c)), shape=shape)
        self.emoji = np.asarray(self.tfidf @ self.emoji_weights) + self.emoji_bias
        self.rules = np.array(rules)
        self.labels = np.array([label for _, label, _ in rows])
        self.sets = np.array([which for _, _, which in rows])
        self.weights = np.zeros(len(rows))
        for which, factor in (("tweet", 1.0), ("brand", BRAND_WEIGHT)):
            mask = self.sets == which
            counts = Counter(self.labels[mask])
            self.weights[mask] = [factor * mask.sum() / (3 * counts[y]) for y in self.labels[mask]]


class Head:
    """The logistic regression over the three blocks, standardised on its training rows."""

    def __init__(self, data: Data, rows: Any, scale: float, c: float) -> None:
        self.data, self.scale = data, scale
        self.emoji_mean, self.emoji_sd = _moments(data.emoji[rows])
        self.rules_mean, self.rules_sd = _moments(data.rules[rows])
        self.fit = LogisticRegression(C=c, max_iter=10_000)
        self.fit.fit(self.design(rows), data.labels[rows], sample_weight=data.weights[rows])

    def design(self, rows: Any) -> Any:
        emoji = (self.data.emoji[rows] - self.emoji_mean) / self.emoji_sd
        rules = (self.data.rules[rows] - self.rules_mean) / self.rules_sd
        return sparse.hstack([self.data.tfidf[rows] * self.scale, emoji, rules]).tocsr()

    def predict(self, rows: Any) -> Any:
        return self.fit.predict(self.design(rows))

    def collapsed(self) -> tuple[Any, Any, Any]:
        """(bias, rule weights, token weights), one column per class, centred across classes."""
        size = self.data.tfidf.shape[1]
        coef = self.fit.coef_.T  # rows: features, columns: classes
        own, emoji, rules = coef[:size], coef[size : size + 64], coef[size + 64 :]
        emoji = emoji / self.emoji_sd[:, None]
        rules = rules / self.rules_sd[:, None]
        tokens = self.scale * own + self.data.emoji_weights @ emoji
        bias = (
            self.fit.intercept_
            + (self.data.emoji_bias - self.emoji_mean) @ emoji
            - self.rules_mean @ rules
        )
        return _centred(bias), _centred(rules), _centred(tokens)


def _centred(weights: Any) -> Any:
    return weights - weights.mean(axis=-1, keepdims=True)


def _moments(block: Any) -> tuple[Any, Any]:
    sd = block.std(axis=0)
    return block.mean(axis=0), np.where(sd > 0, sd, 1.0)


def folds(data: Data, seed: int = SEED) -> list[tuple[Any, Any]]:
    strata = np.char.add(data.sets, data.labels)
    splitter = StratifiedKFold(FOLDS, shuffle=True, random_state=seed)
    return list(splitter.split(np.zeros(len(strata)), strata))


def macro_f1(gold: Any, predicted: Any) -> float:
    return float(f1_score(gold, predicted, average="macro"))


def balanced_f1(gold: Any, predicted: Any) -> float:
    counts = Counter(gold)
    weights = [len(gold) / (3 * counts[y]) for y in gold]
    return float(f1_score(gold, predicted, average="macro", sample_weight=weights))


def figures(data: Data, predicted: Any, split: list[tuple[Any, Any]]) -> dict[str, list[float]]:
    """Per-fold macro-F1 on the held-out part of each fold."""
    result: dict[str, list[float]] = {"tweets balanced": [], "tweets as is": [], "brand": []}
    for _, test in split:
        tweets = test[data.sets[test] == "tweet"]
        brand = test[data.sets[test] == "brand"]
        gold = data.labels
        result["tweets balanced"].append(balanced_f1(gold[tweets], predicted[tweets]))
        result["tweets as is"].append(macro_f1(gold[tweets], predicted[tweets]))
        result["brand"].append(macro_f1(gold[brand], predicted[brand]))
    return result


def out_of_fold(data: Data, split: list[tuple[Any, Any]], scale: float, c: float) -> Any:
    predicted = np.empty(len(data.labels), dtype=object)
    for train, test in split:
        head = Head(data, train, scale, c)
        predicted[test] = head.predict(test)
    return predicted


def nested(data: Data, split: list[tuple[Any, Any]]) -> tuple[Any, list[tuple[float, float]]]:
    """Out-of-fold predictions where each outer fold picks (scale, C) by inner 5-fold CV."""
    predicted = np.empty(len(data.labels), dtype=object)
    chosen = []
    for train, test in split:
        inner = StratifiedKFold(FOLDS, shuffle=True, random_state=SEED)
        strata = np.char.add(data.sets[train], data.labels[train])
        inner_split = [(train[a], train[b]) for a, b in inner.split(train, strata)]
        best = max(GRID, key=lambda p: _inner_score(data, inner_split, *p))
        chosen.append(best)
        predicted[test] = Head(data, train, *best).predict(test)
    return predicted, chosen


def _inner_score(data: Data, split: list[tuple[Any, Any]], scale: float, c: float) -> float:
    predicted = out_of_fold(data, split, scale, c)
    scores = figures(data, predicted, split)["tweets balanced"]
    return statistics.fmean(scores)


def fixed_labels(compounds: list[float]) -> Any:
    return np.array(
        ["positive" if v >= 0.05 else "negative" if v <= -0.05 else "neutral" for v in compounds],
        dtype=object,
    )


def report(name: str, scores: dict[str, list[float]]) -> None:
    parts = [
        f"{key} {statistics.fmean(v):.3f} ± {statistics.stdev(v):.3f}" for key, v in scores.items()
    ]
    print(f"  {name:28s} " + " | ".join(parts))


def write_head(head: Head) -> None:
    bias, rules, tokens = head.collapsed()
    names = {i: t for t, i in head.data.vocabulary.items()}
    header = "\t".join(CLASSES)
    rule_lines = [
        "# The Spanish model's bias and weights on the rule features (features.py), per class;",
        "# fitted by scripts/build_es_head.py. A positive weight favours the class.",
        f"feature\t{header}",
        "bias\t" + "\t".join(f"{v:.6g}" for v in bias),
    ]
    rule_lines += [
        name + "\t" + "\t".join(f"{v:.6g}" for v in row)
        for name, row in zip(FEATURE_NAMES, rules, strict=True)
    ]
    token_lines = [
        "# The Spanish model's weights on emo_Es's tokens, per class: emo_Es (evomsa 2.0.14,",
        "# Apache-2.0) collapsed through the head fitted by scripts/build_es_head.py, plus the",
        "# head's own weight; idf is emo_Es's. A positive weight favours the class.",
        f"token\tidf\t{header}",
    ]
    token_lines += [
        f"{names[i]}\t{head.data.idf[names[i]]:.6g}\t" + "\t".join(f"{v:.4g}" for v in tokens[i])
        for i in sorted(names)
    ]
    (DATA / "head_rules.tsv").write_text("\n".join(rule_lines) + "\n", encoding="utf-8")
    (DATA / "head_tokens.tsv").write_text("\n".join(token_lines) + "\n", encoding="utf-8")


def check_runtime(head: Head, rows: Rows) -> None:
    load_head.cache_clear()
    fitted = head.fit.predict_proba(head.design(np.arange(len(rows))))
    worst, disagreements = 0.0, 0
    for (text, _, _), expected in zip(rows, fitted, strict=True):
        got = probabilities(text, rule_features(analyse(text), text))
        worst = max(worst, float(np.abs(np.array(got) - expected).max()))
        disagreements += int(np.argmax(got) != np.argmax(expected))
    print(f"run-time check: max |p difference| {worst:.2e}, {disagreements} labels differ")
    if worst > 1e-3:
        raise SystemExit("the written head does not reproduce the fitted model")


def main(model_path: Path, tweets_path: Path) -> None:
    rows = read_rows(tweets_path)
    data = Data(rows, load_model(model_path))
    print(f"{len(rows)} texts, {len(data.vocabulary)} emo_Es tokens, features checked")
    split = folds(data)
    print(f"{FOLDS}-fold stratified CV, seed {SEED}; macro-F1 of the held-out folds (mean ± sd):")
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        vader = SentimentIntensityAnalyzer()
        compounds = [vader.polarity_scores(text)["compound"] for text, _, _ in rows]
        report("VADER", figures(data, fixed_labels(compounds), split))
    except ImportError:
        print("  VADER: vaderSentiment not installed")
    rules = [float(r[FEATURE_NAMES.index("compound")]) for r in data.rules]
    report("rule score", figures(data, fixed_labels(rules), split))
    predicted = out_of_fold(data, split, TOKEN_SCALE, C)
    report(f"head (scale {TOKEN_SCALE}, C {C})", figures(data, predicted, split))
    repeats = []
    for seed in range(1, REPEATS):
        other = folds(data, seed)
        repeats.append(figures(data, out_of_fold(data, other, TOKEN_SCALE, C), other))
    for key in ("tweets balanced", "brand"):
        means = [statistics.fmean(r[key]) for r in repeats]
        print(
            f"  (same head, CV seeds 1-{REPEATS - 1}: {key} "
            + ", ".join(f"{m:.3f}" for m in means)
            + ")"
        )
    predicted, chosen = nested(data, split)
    report("head, nested CV", figures(data, predicted, split))
    print(f"  (inner choices of scale, C: {chosen})")
    head = Head(data, np.arange(len(rows)), TOKEN_SCALE, C)
    write_head(head)
    check_runtime(head, rows)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
