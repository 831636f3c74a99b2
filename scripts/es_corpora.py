"""The labelled Spanish sets that the head is built and judged on (build and benchmark time only).

- ``tweets``: the 1,000 labelled tweets of evomsa 2.0.14's source package
  (``EvoMSA/tests/tweets.json``; classes ``P``, ``N``, ``NONE``/``NEU``), read where they are;
- ``brand``: the 900 brand mentions of ``../shared/fixtures/sentiment_es_brand/mentions.tsv``
  (CC0), read where they are, never copied into the repo;
- ``own``: the project's own development texts (``tests/fixtures/sentiment/es_brand_dev.tsv``
  and ``es_own_dev.tsv``);
- ``own_tweets``: the project's own labelled tweets (``es_tweets_dev.tsv``, 720, CC0): chatter,
  check-ins, replies, news and slang as tweets are written;
- ``hard_tweets``: more of our own labelled tweets (``es_tweets_hard_dev.tsv``, 600, CC0),
  written to be as messy and allusive as real ones (handles, abbreviations, slang, sarcasm,
  retweeted news, stance without textbook sentiment words; 40% from Spain);
- ``own_test``, ``own_tweets_test`` and ``hard_tweets_test``: the project's own held-out texts
  (``es_own_test.tsv``) and tweets (``es_tweets_test.tsv``, ``es_tweets_hard_test.tsv``): the
  benchmark and the tests report them, the build script never reads them.
"""

import json
from pathlib import Path

from scripts.shared_fixtures import shared_fixtures

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures" / "sentiment"
TWEET_CLASSES = {"P": "positive", "N": "negative", "NONE": "neutral", "NEU": "neutral"}
LABELS = ("negative", "neutral", "positive")

Labelled = list[tuple[str, str]]  # text, label


BRAND_MENTIONS = shared_fixtures() / "sentiment_es_brand" / "mentions.tsv"


def read_table(path: Path) -> Labelled:
    """(text, label) of a tab-separated file whose first column is the label and last the
    text; lines starting with ``#`` and a ``label`` header line are skipped."""
    rows: Labelled = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#") or line.startswith("label\t"):
            continue
        fields = line.split("\t")
        if fields[0] not in LABELS:
            raise ValueError(f"{path}: unknown label {fields[0]!r}")
        rows.append((fields[-1], fields[0]))
    return rows


def evomsa_tweets(path: Path) -> Labelled:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return [(row["text"], TWEET_CLASSES[row["klass"]]) for row in rows]


def own_dev() -> Labelled:
    return read_table(FIXTURES / "es_brand_dev.tsv") + read_table(FIXTURES / "es_own_dev.tsv")


def own_tweets() -> Labelled:
    return read_table(FIXTURES / "es_tweets_dev.tsv")


def hard_tweets() -> Labelled:
    return read_table(FIXTURES / "es_tweets_hard_dev.tsv")


def hard_tweets_test() -> Labelled:
    return read_table(FIXTURES / "es_tweets_hard_test.tsv")


def own_test() -> Labelled:
    return read_table(FIXTURES / "es_own_test.tsv")


def own_tweets_test() -> Labelled:
    return read_table(FIXTURES / "es_tweets_test.tsv")


def brand_mentions() -> Labelled | None:
    return read_table(BRAND_MENTIONS) if BRAND_MENTIONS.is_file() else None
