"""Speed of the Spanish model, and dev-set macro-F1 of the scorers that were not fitted on it.

Run from the repo root: ``.venv/bin/python -m benchmarks.sentiment_es [TWEETS_JSON]``.

- Our own labelled brand texts (``tests/fixtures/sentiment/es_brand_dev.tsv``) are always used.
- TWEETS_JSON (or ``$ESCUCHA_EVOMSA_TWEETS``) is the ``EvoMSA/tests/tweets.json`` file of the
  evomsa 2.0.14 source package (``pip download evomsa==2.0.14 --no-deps --no-binary :all:``),
  1,000 labelled Spanish tweets; they are read from there, never copied into the repo. Classes
  ``P``, ``N`` and ``NONE``/``NEU`` (neutral); figures on all of them and on a balanced sample.
- The final model (``escucha-es-v2``) was fitted on these same texts, so its figures here would
  be training-set figures: they are not printed. Its honest figures are the cross-validated
  ones that ``scripts/build_es_head.py`` prints (see ``benchmarks/README.md``).
Speed is the median of 5 runs of ``domain.sentiment.score_text`` over the texts, on one core.
"""

import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from domain.sentiment import label_for, score_text, vader_analyzer
from domain.sentiment_es import score_rules

LABELS = ("positive", "negative", "neutral")
BRAND_DEV = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "sentiment"
TWEET_CLASSES = {"P": "positive", "N": "negative", "NONE": "neutral", "NEU": "neutral"}
RUNS = 5

Labelled = list[tuple[str, str]]


def macro_f1(gold: list[str], predicted: list[str]) -> float:
    """Mean over the three classes of F1 (0 for a class never predicted or never present)."""
    scores = []
    for label in LABELS:
        pairs = list(zip(gold, predicted, strict=True))
        true_pos = sum(g == label and p == label for g, p in pairs)
        predicted_n = sum(p == label for _, p in pairs)
        gold_n = sum(g == label for g, _ in pairs)
        denominator = predicted_n + gold_n
        scores.append(2 * true_pos / denominator if denominator else 0.0)
    return statistics.fmean(scores)


def brand_dev() -> Labelled:
    lines = (BRAND_DEV / "es_brand_dev.tsv").read_text(encoding="utf-8").splitlines()
    return [(text, label) for label, text in (ln.split("\t") for ln in lines if ln[:1] != "#")]


def evomsa_tweets(path: Path) -> Labelled:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return [(row["text"], TWEET_CLASSES[row["klass"]]) for row in rows]


def balanced(rows: Labelled, seed: int = 0) -> Labelled:
    by_label = {label: [r for r in rows if r[1] == label] for label in LABELS}
    size = min(len(group) for group in by_label.values())
    rng = random.Random(seed)
    return [row for group in by_label.values() for row in rng.sample(group, size)]


def scorers() -> dict[str, Callable[[str], float]]:
    return {
        "VADER": lambda text: float(vader_analyzer().polarity_scores(text)["compound"]),
        "rule score": lambda text: score_rules(text).compound,
    }


def report(name: str, rows: Labelled) -> None:
    gold = [label for _, label in rows]
    figures = []
    for scorer_name, scorer in scorers().items():
        predicted = [label_for(scorer(text)) for text, _ in rows]
        figures.append(f"{scorer_name} {macro_f1(gold, predicted):.3f}")
    print(f"{name} ({len(rows)}): macro-F1 " + ", ".join(figures))


def texts_per_second(texts: list[str]) -> float:
    rates = []
    for _ in range(RUNS):
        start = time.perf_counter()
        for text in texts:
            score_text(text, "es")
        rates.append(len(texts) / (time.perf_counter() - start))
    return statistics.median(rates)


def main() -> None:
    argument = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("ESCUCHA_EVOMSA_TWEETS")
    brand = brand_dev()
    report("own brand texts", brand)
    texts = [text for text, _ in brand]
    if argument and Path(argument).is_file():
        tweets = evomsa_tweets(Path(argument))
        report("evomsa tweets, all", tweets)
        report("evomsa tweets, balanced", balanced(tweets))
        texts = [text for text, _ in tweets]
    else:
        print("evomsa tweets: not given (see the module doc)")
    score_text("warm up", "es")
    print(f"speed: {texts_per_second(texts):,.0f} Spanish texts/s ({len(texts)} texts, 1 core)")


if __name__ == "__main__":
    main()
