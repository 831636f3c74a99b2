"""How often `domain.language.detect_language` names each set's language.

Run from the repo root: ``.venv/bin/python -m benchmarks.language [TWEETS_JSON]``.

Sets: the Spanish texts (``../shared/fixtures/sentiment_es_brand/mentions.tsv``, 900, and
evomsa's 1,000 Spanish tweets, ``TWEETS_JSON`` or ``$ESCUCHA_EVOMSA_TWEETS``: see
benchmarks/sentiment_es.py), VADER's English ground truth (``../shared/fixtures/
vader_groundtruth``, 23,703 texts) and our texts in five other languages
(``tests/fixtures/language/other_languages.tsv``). For each: the share detected right, and
what the others were taken for. A Spanish tweet taken for another language is scored by
VADER, not by the Spanish scorer: the share matters for sentiment as much as for filters.
"""

import os
import sys
from collections import Counter
from pathlib import Path

from domain.language import detect_languages
from scripts.es_corpora import REPO, brand_mentions, evomsa_tweets
from scripts.shared_fixtures import shared_fixtures

OTHER_LANGUAGES = REPO / "tests" / "fixtures" / "language" / "other_languages.tsv"


def english_ground_truth() -> list[str]:
    texts = []
    for path in sorted((shared_fixtures() / "vader_groundtruth").glob("*_GroundTruth.txt")):
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            fields = line.split("\t")
            if len(fields) >= 3:
                texts.append(fields[2])
    return texts


def other_languages() -> list[tuple[str, str]]:
    """(text, language) of our own texts in Portuguese, French, Italian, Catalan, German."""
    rows = [line.split("\t") for line in OTHER_LANGUAGES.read_text(encoding="utf-8").splitlines()]
    return [(text, language) for language, text in rows[1:]]


def report(name: str, labelled: list[tuple[str, str]]) -> None:
    found = detect_languages([text for text, _ in labelled])
    right = sum(got == want for got, (_, want) in zip(found, labelled, strict=True))
    wrong = Counter(str(got) for got, (_, want) in zip(found, labelled, strict=True) if got != want)
    taken = ", ".join(f"{language} {count}" for language, count in wrong.most_common(6))
    print(f"{name:34} {len(labelled):6,} {right / len(labelled):7.1%}   {taken}")


def main() -> None:
    print(f"{'set':34} {'texts':>6} {'right':>7}   taken for")
    brand = brand_mentions()
    if brand is not None:
        report("Spanish brand mentions", [(text, "es") for text, _ in brand])
    argument = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("ESCUCHA_EVOMSA_TWEETS")
    if argument:
        report("evomsa Spanish tweets", [(text, "es") for text, _ in evomsa_tweets(Path(argument))])
    english = english_ground_truth()
    if english:
        report("VADER ground truth (English)", [(text, "en") for text in english])
    report("our other languages", other_languages())


if __name__ == "__main__":
    main()
