"""Texts per second of raw VADER, ``score_text`` and ``detect_language`` on ~2,000 texts.

Run from the repo root: ``.venv/bin/python -m benchmarks.sentiment``. The texts are the VADER
ground-truth tweets and review snippets of the shared fixtures when present, else generated.
Each figure is the median of 5 runs on one core.
"""

import os
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from domain.language import detect_language
from domain.sentiment import score_text, vader_analyzer

RUNS = 5
COUNT = 2000
SHARED_DIR = Path(
    os.environ.get("ESCUCHA_SHARED_DIR") or Path(__file__).resolve().parents[1].parent / "shared"
)
GROUNDTRUTH_DIR = SHARED_DIR / "fixtures" / "vader_groundtruth"

_VOCABULARY = (
    "the service was great terrible slow fast love hate app phone order delivery "
    "support refund broken amazing awful not very really never again happy sad"
)
_WORDS = _VOCABULARY.split()


def load_texts() -> tuple[list[str], str]:
    """About ``COUNT`` realistic texts and where they came from."""
    texts: list[str] = []
    for path in sorted(GROUNDTRUTH_DIR.glob("*_GroundTruth.txt")):
        lines = path.read_text(encoding="utf-8").splitlines()
        texts.extend(
            line.split("\t", 2)[2] for line in lines[: COUNT // 4] if line.count("\t") >= 2
        )
    if texts:
        return texts, str(GROUNDTRUTH_DIR)
    rng = random.Random(7)
    generated = [
        " ".join(rng.choice(_WORDS) for _ in range(rng.randint(5, 25))).capitalize() + "."
        for _ in range(COUNT)
    ]
    return generated, "generated"


def texts_per_second(function: Callable[[str], object], texts: list[str]) -> float:
    """Median over ``RUNS`` runs of len(texts) / seconds taken to call ``function`` on each."""
    rates = []
    for _ in range(RUNS):
        start = time.perf_counter()
        for text in texts:
            function(text)
        rates.append(len(texts) / (time.perf_counter() - start))
    return statistics.median(rates)


def main() -> None:
    texts, origin = load_texts()
    analyzer = vader_analyzer()
    detect_language("warm up the detector")
    cases: dict[str, Callable[[str], object]] = {
        "raw VADER": analyzer.polarity_scores,
        "score_text(text, None)": lambda text: score_text(text, None),
        "detect_language": detect_language,
        "detect + score": lambda text: score_text(text, detect_language(text)),
    }
    print(f"{len(texts)} texts from {origin}, median of {RUNS} runs")
    for name, function in cases.items():
        print(f"{name:>24}: {texts_per_second(function, texts):>9,.0f} texts/s")


if __name__ == "__main__":
    main()
