"""Relevance from few marks, measured as issue 17 sets it: for each stream of
tests/fixtures/relevance/ (mentions in arrival order, each labelled as the brand would mark
it), the first ``--pool`` (200) arrive and are stored; the user marks the first 20 in
arrival order, then 40 that the review queue asks for (``--batch`` at a time, the model
retrained between batches, as a few seconds after each mark it is), and the model trained
on those 60 marks scores the next 200 arrivals as ingest would. Printed per stream: the
precision and recall of the mentions left visible among those 200, and the model's own
cross-validated estimate; beside them, the issue's yardstick (TF-IDF and logistic
regression on the first 60 arrivals' text) on the same 200. Then the query exclusions the
relevance report would suggest (``domain.relevance.suggested_exclusions``, read as the
service reads them) and how many of the next 200 arrivals applying them would drop, and how
many of those are about the brand (an exclusion drops them for good). `share`: the relevant share of
the 200 (what keeping everything would score as precision); `thr`: the model's threshold;
`cv P`, `cv R` and `s` (seconds spent training and choosing for the whole protocol, 5
trainings with cross-validation) are those of the first of ``--batches``.

The code is the service's: features (``services.relevance.features_of``), training
(``domain.relevance_training.train``, given the stored mentions nobody marked as
``services.relevance.train_brand`` gives it the brand's), the review queue
(``domain.relevance.to_review``) and the decision (``RelevanceModel.score`` against the
threshold).

Each stream is run twice, the 40 review marks asked 10 at a time and all 40 at once. The
``hand_*`` streams are written by hand, every text on its own (the others are put together
from recurring sentence banks by ``scripts/build_relevance_streams.py``); the summary
lines give the held-out streams of each kind apart.

    .venv/bin/python -m benchmarks.relevance [--streams hand_delta_en,...] [--batches 10,40]
"""

import argparse
import json
import statistics
import time
from pathlib import Path
from typing import Any

from domain.canonical import domain_of
from domain.relevance import Candidate, RelevanceModel, exclusions_from, to_review
from domain.relevance_features import BrandPrior
from domain.relevance_training import Example, TrainedModel, train
from domain.textnorm import words
from services.relevance import content_words, features_of, prior_of

STREAMS = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "relevance"
# Tuned on these (features, C, threshold range); the others were only ever measured.
DEVELOPED_ON = ("corona_es", "jaguar_en", "hand_puma_es", "hand_puma_en")
HAND_WRITTEN = "hand_"


def load(name: str) -> tuple[str, list[dict[str, Any]]]:
    lines = (STREAMS / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0])
    return header["query"], [json.loads(line) for line in lines[1:]]


def _features(prior: BrandPrior, row: dict[str, Any]) -> frozenset[str]:
    return features_of(
        prior,
        title=row["title"],
        text=row["text"],
        domain=domain_of(row["url"]),
        author=row["author"],
        media_type="earned",
        language=row["language"],
    )


def _applied(trained: TrainedModel | None) -> RelevanceModel | None:
    if trained is None:
        return None
    return RelevanceModel(0, trained.weights, trained.intercept, trained.threshold)


def _train(
    rows: list[dict[str, Any]], feats: list[frozenset[str]], marked: list[int], pool: int
) -> TrainedModel | None:
    """Train as the service does: on the marks, with the stored mentions nobody marked."""
    unmarked = set(range(pool)) - set(marked)
    return train(
        [Example(feats[i], rows[i]["relevant"]) for i in marked],
        [feats[i] for i in sorted(unmarked)],
    )


def run(name: str, *, pool: int, first: int, asked: int, batch: int) -> dict[str, Any]:
    query, rows = load(name)
    prior = prior_of(query)
    feats = [_features(prior, row) for row in rows]
    marked = list(range(first))
    started = time.perf_counter()
    trained = _train(rows, feats, marked, pool)
    while len(marked) < first + asked:
        model = _applied(trained)
        candidates = [
            Candidate(i, feats[i], model.score(feats[i]) if model else None)
            for i in range(pool)
            if i not in marked
        ]
        limit = min(batch, first + asked - len(marked))
        marked += to_review(
            candidates,
            marked=[feats[i] for i in marked],
            threshold=model.threshold if model else None,
            limit=limit,
        )
        trained = _train(rows, feats, marked, pool)
    seconds = time.perf_counter() - started
    model = _applied(trained)
    test = range(pool, min(len(rows), pool + 200))
    visible = [i for i in test if model is None or model.score(feats[i]) >= model.threshold]
    relevant = [i for i in test if rows[i]["relevant"]]
    hits = sum(rows[i]["relevant"] for i in visible)
    words_of = [content_words(row["title"], row["text"]) for row in rows]
    excluded = exclusions(model, prior, rows, feats, words_of, marked, pool) if model else []
    dropped = [i for i in test if not words_of[i].isdisjoint(excluded)]
    return {
        "stream": name,
        "exclusions": excluded,
        "dropped": len(dropped),
        "dropped_relevant": sum(rows[i]["relevant"] for i in dropped),
        "developed_on": name in DEVELOPED_ON,
        "marks_relevant": sum(rows[i]["relevant"] for i in marked),
        "precision": hits / len(visible) if visible else 0.0,
        "recall": hits / len(relevant) if relevant else 1.0,
        "baseline_precision": len(relevant) / len(test),
        "cv_precision": trained.precision if trained else None,
        "cv_recall": trained.recall if trained else None,
        "threshold": trained.threshold if trained else None,
        "train_seconds": seconds,
    }


def exclusions(
    model: RelevanceModel,
    prior: BrandPrior,
    rows: list[dict[str, Any]],
    feats: list[frozenset[str]],
    words_of: list[set[str]],
    marked: list[int],
    pool: int,
) -> list[str]:
    """The query exclusions the relevance report would suggest after these marks, from
    what ``services.relevance`` reads: the marks, and the stored mentions nobody marked,
    those the model shows and those it hides."""
    marks = set(marked)
    unmarked = [i for i in range(pool) if i not in marks]
    shown = {i for i in unmarked if model.score(feats[i]) >= model.threshold}
    return exclusions_from(
        model.weights,
        marked=[(words_of[i], rows[i]["relevant"]) for i in marked],
        shown=[words_of[i] for i in unmarked if i in shown],
        hidden=[words_of[i] for i in unmarked if i not in shown],
        brand_words=prior.words,
    )


def baseline(name: str, *, pool: int, marks: int) -> tuple[float, float]:
    """The issue's yardstick: plain TF-IDF and logistic regression on the first ``marks``
    arrivals' text, at 0.5; precision and recall of what it keeps among the next 200."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    _, rows = load(name)
    texts = [f"{row['title']}\n{row['text']}" for row in rows]
    labels = [row["relevant"] for row in rows]
    vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
    train_x = vectorizer.fit_transform(texts[:marks])
    model = LogisticRegression().fit(train_x, labels[:marks])
    test = range(pool, min(len(rows), pool + 200))
    kept = model.predict(vectorizer.transform([texts[i] for i in test]))
    hits = sum(1 for i, k in zip(test, kept, strict=True) if k and labels[i])
    relevant = sum(labels[i] for i in test)
    return hits / max(1, sum(kept)), hits / max(1, relevant)


def cost(rounds: int = 7) -> None:
    """What scoring a new mention costs at ingest, against raw VADER on the same texts,
    alternating chunk by chunk (the machine's speed changes weigh on both alike). The words
    are split outside the timing: ingest has them from matching the brand's query."""
    from domain.sentiment import vader_analyzer

    analyzer = vader_analyzer()
    shares = []
    for name in sorted(p.stem for p in STREAMS.glob("*.jsonl")):
        query, rows = load(name)
        prior = prior_of(query)
        texts = [f"{row['title']}\n{row['text']}" for row in rows]
        split = {text: words(text) for text in texts}
        trained = train([Example(_features(prior, row), row["relevant"]) for row in rows[:60]])
        model = _applied(trained)
        assert model is not None
        for _ in range(rounds):
            spent = {"vader": 0.0, "relevance": 0.0}
            for start in range(0, len(texts), 50):
                chunk = texts[start : start + 50]
                began = time.perf_counter()
                for text in chunk:
                    analyzer.polarity_scores(text)
                spent["vader"] += time.perf_counter() - began
                began = time.perf_counter()
                for row, text in zip(rows[start : start + 50], chunk, strict=True):
                    model.score_mention(split[text], text=text, prior=prior,
                                        domain=domain_of(row["url"]), author=row["author"],
                                        language=row["language"])  # fmt: skip
                spent["relevance"] += time.perf_counter() - began
            shares.append(spent["relevance"] / spent["vader"])
    print(
        f"relevance scoring at ingest: median {statistics.median(shares):.1%} of raw VADER's "
        f"time per item ({len(shares)} paired rounds over the streams' texts)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--streams", default="")
    parser.add_argument("--pool", type=int, default=200)
    parser.add_argument("--first", type=int, default=20)
    parser.add_argument("--asked", type=int, default=40)
    parser.add_argument("--batches", default="10,40", help="review marks asked at a time")
    parser.add_argument("--cost", action="store_true", help="only the cost of scoring at ingest")
    args = parser.parse_args()
    if args.cost:
        cost()
        return
    every = sorted(p.stem for p in STREAMS.glob("*.jsonl"))
    names = args.streams.split(",") if args.streams else every
    batches = [int(b) for b in args.batches.split(",")]
    runs = {
        (name, batch): run(name, pool=args.pool, first=args.first, asked=args.asked, batch=batch)
        for name in names
        for batch in batches
    }
    heads = "".join(f" {f'P/{b}':>5} {f'R/{b}':>5} {f'thr/{b}':>6}" for b in batches)
    print(f"{'stream':<14} {'tuned':<5}{heads} {'share':>5} {'cv P':>5} {'cv R':>5} "
          f"{'s':>5} {'tfidf P':>7} {'tfidf R':>7}")  # fmt: skip
    for name in names:
        first = runs[name, batches[0]]
        cells = "".join(
            f" {r['precision']:5.2f} {r['recall']:5.2f} {r['threshold'] or 0:6.2f}"
            for r in (runs[name, b] for b in batches)
        )
        base_p, base_r = baseline(name, pool=args.pool, marks=args.first + args.asked)
        print(
            f"{name:<14} {'yes' if first['developed_on'] else 'no':<5}{cells} "
            f"{first['baseline_precision']:5.2f} {first['cv_precision'] or 0:5.2f} "
            f"{first['cv_recall'] or 0:5.2f} {first['train_seconds']:5.1f} "
            f"{base_p:7.2f} {base_r:7.2f}"
        )
    print(f"\nsuggested query exclusions ({batches[0]} at a time) and what applying them drops of")
    print("the next 200 arrivals: how many mentions, of which about the brand")
    for name in names:
        found = runs[name, batches[0]]
        print(f"{name:<14} drops {found['dropped']:>3}, relevant {found['dropped_relevant']:>2}: "
              f"{' '.join('-' + word for word in found['exclusions']) or '(none)'}")  # fmt: skip
    for kind, hand in (("template", False), ("hand-written", True)):
        for batch in batches:
            held_out = [
                r
                for (name, b), r in runs.items()
                if b == batch and not r["developed_on"] and name.startswith(HAND_WRITTEN) == hand
            ]
            if held_out:
                print(
                    f"held-out {kind} streams, {batch} at a time: median precision "
                    f"{statistics.median(r['precision'] for r in held_out):.2f}, "
                    f"median recall {statistics.median(r['recall'] for r in held_out):.2f}, "
                    f"min precision {min(r['precision'] for r in held_out):.2f}, "
                    f"min recall {min(r['recall'] for r in held_out):.2f}"
                )


if __name__ == "__main__":
    main()
