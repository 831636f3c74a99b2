"""The relevance streams that benchmarks/relevance.py measures the model on are well formed:
a header with the brand and its query, then 400 labelled mentions that the query matches
(ingest stores nothing else); the hand-written ones have every text written once; and on
the dev split the model still reaches what benchmarks/README.md reports."""

import json
from pathlib import Path
from typing import Any

import pytest

from domain.query import parse_query

STREAMS = sorted((Path(__file__).parents[1] / "fixtures" / "relevance").glob("*.jsonl"))
FIELDS = {"url", "title", "text", "author", "language", "relevant", "sense"}


def read(path: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return json.loads(lines[0]), [json.loads(line) for line in lines[1:]]


def test_there_are_hand_written_streams_in_both_languages() -> None:
    hand = [read(p)[1] for p in STREAMS if p.stem.startswith("hand_")]
    assert len(hand) >= 3
    assert {rows[0]["language"] for rows in hand} == {"es", "en"}


@pytest.mark.parametrize("path", STREAMS, ids=lambda p: p.stem)
def test_a_stream_is_400_labelled_mentions_its_query_matches(path: Path) -> None:
    header, rows = read(path)
    assert set(header) == {"brand", "query"} and header["brand"] and header["query"]
    assert len(rows) == 400
    query = parse_query(header["query"])
    for row in rows:
        assert set(row) == FIELDS, row
        assert isinstance(row["relevant"], bool) and row["sense"], row
        assert row["language"] in ("es", "en") and row["url"].startswith("https://"), row
        assert query.matches(f"{row['title']}\n{row['text']}"), row
    share = sum(row["relevant"] for row in rows) / len(rows)
    assert 0.35 <= share <= 0.65
    # both kinds among the first 20 marks, as the benchmark's protocol needs to train
    assert len({row["relevant"] for row in rows[:20]}) == 2
    assert len({(row["title"], row["text"]) for row in rows}) == len(rows)


@pytest.mark.parametrize(
    "path", [p for p in STREAMS if p.stem.startswith("hand_")], ids=lambda p: p.stem
)
def test_a_hand_written_stream_never_repeats_a_text(path: Path) -> None:
    _, rows = read(path)
    texts = [" ".join(row["text"].lower().split()) for row in rows]
    assert len(set(texts)) == len(texts)
    # each sense is labelled one way only
    labels = {(row["sense"], row["relevant"]) for row in rows}
    assert len(labels) == len({sense for sense, _ in labels})


@pytest.mark.parametrize(
    ("stream", "worst_of_both"), [("hand_puma_es", 0.7), ("hand_puma_en", 0.75)]
)
def test_the_model_reaches_what_it_reached_on_the_dev_streams(
    stream: str, worst_of_both: float
) -> None:
    """The benchmark's protocol on the dev split (20 marks in arrival order, 40 from the
    review queue, then the next 200 arrivals), with 150, 160, ..., 200 mentions stored
    before the marks and the review marks asked 10 at a time and all at once: one run moves
    by 0.1-0.3 with the queue's picks, the mean of the twelve does not. The mean of the
    worse of precision and recall is a little under benchmarks/README.md's (0.74 and 0.78;
    before the rule on a mention's own words, 0.72 and 0.71). The held-out streams are only
    ever measured by the benchmark, never bound here."""
    from benchmarks.relevance import run

    worst = [
        min(found["precision"], found["recall"])
        for pool in range(150, 201, 10)
        for batch in (10, 40)
        for found in [run(stream, pool=pool, first=20, asked=40, batch=batch)]
    ]
    assert sum(worst) / len(worst) >= worst_of_both, worst
