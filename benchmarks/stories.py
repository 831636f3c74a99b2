"""Stories: how well near copies are grouped, and what a print costs.

    python -m benchmarks.stories [--threshold 0.5]

For each fixture set (tests/fixtures/stories: dev.tsv, on which the threshold was chosen, and
test.tsv, never tuned on) it groups the mentions in file order as ingest does and prints
pairwise precision and recall (a pair of mentions is "together" when they share a story) and
B-cubed precision and recall. Then the cost of a print per mention (median of 7 runs),
beside raw VADER on the same texts in the same run.
"""

import argparse
import csv
import statistics
import time
from collections.abc import Sequence
from itertools import combinations
from pathlib import Path

from domain import stories
from domain.query import parse_query, prepare_text
from domain.sentiment import score_text
from domain.terms import BrandTerms

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "stories"
BRAND_QUERIES = {"dev.tsv": 'oxxo OR "acme motors"', "test.tsv": 'bimbo OR "nimbus air"'}


def load(name: str) -> list[dict[str, str]]:
    with (FIXTURES / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def prints_of(rows: Sequence[dict[str, str]], query: str) -> list[stories.StoryPrint]:
    brand = BrandTerms.from_query_terms(parse_query(query).positive_terms())
    return [
        stories.story_print(prepare_text(f"{r['title']}\n{r['text']}").tokens, brand) for r in rows
    ]


def scores(truth: Sequence[str], found: Sequence[int]) -> dict[str, float]:
    """Pairwise and B-cubed precision and recall of ``found`` against ``truth``."""
    true_pairs = {(i, j) for i, j in combinations(range(len(truth)), 2) if truth[i] == truth[j]}
    found_pairs = {(i, j) for i, j in combinations(range(len(found)), 2) if found[i] == found[j]}
    both = len(true_pairs & found_pairs)
    b3_p, b3_r = [], []
    for i in range(len(truth)):
        same_found = {j for j in range(len(found)) if found[j] == found[i]}
        same_true = {j for j in range(len(truth)) if truth[j] == truth[i]}
        b3_p.append(len(same_found & same_true) / len(same_found))
        b3_r.append(len(same_found & same_true) / len(same_true))
    return {
        "pair_precision": both / len(found_pairs) if found_pairs else 1.0,
        "pair_recall": both / len(true_pairs) if true_pairs else 1.0,
        "b3_precision": statistics.fmean(b3_p),
        "b3_recall": statistics.fmean(b3_r),
    }


def evaluate(name: str) -> dict[str, float]:
    rows = load(name)
    found = stories.group(prints_of(rows, BRAND_QUERIES[name]))
    return scores([r["story"] for r in rows], found)


def cost_us(rows: Sequence[dict[str, str]], query: str) -> tuple[float, float]:
    """(print, VADER) microseconds per mention, medians of 7 runs, tokens made beforehand
    (ingest has them from matching the brand query)."""
    brand = BrandTerms.from_query_terms(parse_query(query).positive_terms())
    texts = [f"{r['title']}\n{r['text']}" for r in rows] * 20
    tokens = [prepare_text(t).tokens for t in texts]
    own = stories.brand_forms(brand)
    printing, scoring = [], []
    for _ in range(7):
        start = time.perf_counter()
        for t in tokens:
            stories.story_print(t, brand, own)
        printing.append((time.perf_counter() - start) / len(tokens) * 1e6)
        start = time.perf_counter()
        for text in texts:
            score_text(text, "en")
        scoring.append((time.perf_counter() - start) / len(texts) * 1e6)
    return statistics.median(printing), statistics.median(scoring)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threshold", type=float, default=stories.SAME_STORY_AT)
    args = parser.parse_args()
    stories.SAME_STORY_AT = args.threshold
    print(f"threshold {args.threshold}")
    for name in ("dev.tsv", "test.tsv"):
        figures = evaluate(name)
        print(name, "  ".join(f"{k} {v:.2f}" for k, v in figures.items()))
    rows = load("dev.tsv") + load("test.tsv")
    printing, scoring = cost_us(rows, "oxxo OR bimbo")
    print(f"print {printing:.1f} us a mention, VADER {scoring:.1f} us ({printing / scoring:.1%})")


if __name__ == "__main__":
    main()
