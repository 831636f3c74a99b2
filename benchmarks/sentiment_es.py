"""Per-set, per-class F1 (95% bootstrap intervals) of the Spanish scorers, and their speed.

Run from the repo root: ``.venv/bin/python -m benchmarks.sentiment_es [TWEETS_JSON]``.

Sets (``scripts/es_corpora.py``):
- ``own test``: ``tests/fixtures/sentiment/es_own_test.tsv``, 270 texts written for the project
  and held out: never trained on, never used to choose anything. An honest figure here;
- ``own tweets test``: ``es_tweets_test.tsv``, 150 tweets written for the project, held out
  the same way;
- ``hard tweets test``: ``es_tweets_hard_test.tsv``, 150 messier tweets written for the project
  apart from ``es_tweets_hard_dev.tsv``, held out the same way: the hardest honest figure;
- ``own dev``: ``es_brand_dev.tsv`` + ``es_own_dev.tsv`` (360 texts);
- ``own tweets``: ``es_tweets_dev.tsv`` (720 tweets);
- ``hard tweets``: ``es_tweets_hard_dev.tsv`` (600 tweets);
- ``brand``: ``../shared/fixtures/sentiment_es_brand/mentions.tsv`` (900, CC0) when present;
- ``tweets``: TWEETS_JSON (or ``$ESCUCHA_EVOMSA_TWEETS``), the ``EvoMSA/tests/tweets.json``
  file of the evomsa 2.0.14 source package (1,000 tweets; 529 positive, 268 negative, 203
  neutral), read from there, never copied. Its figures weigh the classes equally.
The final model was fitted on the last five sets, so its figures there are training-set
figures, marked ``(fitted)``: its honest figures on them are the cross-validated and
leave-one-set-out ones that ``scripts/build_es_head.py`` prints (``benchmarks/README.md``).
Intervals: 1,000 bootstrap resamples of each set (seed 0), percentiles 2.5 and 97.5.
Speed: median of 5 runs of ``domain.sentiment.score_text`` over the texts, in CPU time of the
one core it runs on (less moved by other work on a shared machine than wall time).
"""

import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from domain.sentiment import score_text
from domain.sentiment_es import SPANISH_MODEL, score_rules
from scripts.es_corpora import (
    LABELS,
    Labelled,
    brand_mentions,
    evomsa_tweets,
    hard_tweets,
    hard_tweets_test,
    own_dev,
    own_test,
    own_tweets,
    own_tweets_test,
)

RUNS = 5
DRAWS = 1000

Scores = list[float]  # macro, then one F1 per class in LABELS order


def class_f1(gold: list[str], predicted: list[str], weights: list[float]) -> Scores:
    """Macro-F1 and the F1 of each class, each row counting its weight."""
    result = []
    for label in LABELS:
        hits = sum(w for g, p, w in zip(gold, predicted, weights, strict=True) if g == p == label)
        total = sum(w for g, w in zip(gold, weights, strict=True) if g == label)
        total += sum(w for p, w in zip(predicted, weights, strict=True) if p == label)
        result.append(2 * hits / total if total else 0.0)
    return [statistics.fmean(result), *result]


def balancing(gold: list[str]) -> list[float]:
    """Weights under which each class present counts equally."""
    counts = {label: gold.count(label) for label in set(gold)}
    return [len(gold) / (len(counts) * counts[label]) for label in gold]


def with_intervals(gold: list[str], predicted: list[str]) -> tuple[Scores, Scores, Scores]:
    """The figures and their 95% bootstrap interval (low, high)."""
    rng = random.Random(0)
    point = class_f1(gold, predicted, balancing(gold))
    samples: list[Scores] = []
    for _ in range(DRAWS):
        pick = [rng.randrange(len(gold)) for _ in gold]
        g = [gold[i] for i in pick]
        samples.append(class_f1(g, [predicted[i] for i in pick], balancing(g)))
    columns = list(zip(*samples, strict=True))
    low = [sorted(c)[int(0.025 * DRAWS)] for c in columns]
    high = [sorted(c)[int(0.975 * DRAWS) - 1] for c in columns]
    return point, low, high


def scorers() -> dict[str, Callable[[str], str]]:
    return {
        "VADER": lambda text: score_text(text, None).label,
        "rules alone": lambda text: _label(score_rules(text).compound),
        SPANISH_MODEL: lambda text: score_text(text, "es").label,
    }


def _label(compound: float) -> str:
    return "positive" if compound >= 0.05 else "negative" if compound <= -0.05 else "neutral"


def report(name: str, rows: Labelled, fitted: bool) -> None:
    gold = [label for _, label in rows]
    counts = ", ".join(f"{gold.count(label)} {label}" for label in LABELS)
    print(f"\n{name} ({len(rows)}: {counts})")
    print(f"  {'scorer':24s} {'macro-F1':>20s} " + " ".join(f"{c:>20s}" for c in LABELS))
    for scorer_name, scorer in scorers().items():
        point, low, high = with_intervals(gold, [scorer(text) for text, _ in rows])
        cells = [f"{p:.3f} [{lo:.3f}-{hi:.3f}]" for p, lo, hi in zip(point, low, high, strict=True)]
        mark = " (fitted)" if fitted and scorer_name == SPANISH_MODEL else ""
        print(f"  {scorer_name + mark:24s} " + " ".join(f"{c:>20s}" for c in cells))


def texts_per_second(texts: list[str]) -> float:
    rates = []
    for _ in range(RUNS):
        start = time.process_time()
        for text in texts:
            score_text(text, "es")
        rates.append(len(texts) / (time.process_time() - start))
    return statistics.median(rates)


def main() -> None:
    argument = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("ESCUCHA_EVOMSA_TWEETS")
    score_text("warm up", "es")
    report("own test (held out)", own_test(), fitted=False)
    report("own tweets test (held out)", own_tweets_test(), fitted=False)
    report("hard tweets test (held out)", hard_tweets_test(), fitted=False)
    report("own dev", own_dev(), fitted=True)
    report("own tweets", own_tweets(), fitted=True)
    report("hard tweets", hard_tweets(), fitted=True)
    texts = [text for text, _ in own_dev()]
    brand = brand_mentions()
    if brand is None:
        print("\nbrand: ../shared/fixtures/sentiment_es_brand not found")
    else:
        report("brand (shared fixtures)", brand, fitted=True)
        texts = [text for text, _ in brand]
    if argument and Path(argument).is_file():
        tweets = evomsa_tweets(Path(argument))
        report("evomsa tweets (classes weighed equally)", tweets, fitted=True)
        texts += [text for text, _ in tweets]
    else:
        print("\nevomsa tweets: not given (see the module doc)")
    rate = texts_per_second(texts)
    print(f"\nspeed: {rate:,.0f} Spanish texts/s ({len(texts)} texts, 1 core, median of {RUNS})")


if __name__ == "__main__":
    main()
