"""Our scoring keeps VADER's published correlations on the VADER study's human-rated sets.

The sets live in the shared fixtures (``../shared/fixtures/vader_groundtruth``, or under
``$ESCUCHA_SHARED_DIR``, the shared folder or its fixtures); CI always has them, a fresh clone
may not.
"""

import statistics
from pathlib import Path

import pytest

from domain.sentiment import score_text, vader_analyzer
from scripts.shared_fixtures import shared_fixtures

GROUNDTRUTH_DIR = shared_fixtures() / "vader_groundtruth"

# vaderSentiment 3.3.2's own Pearson r on the raw text of each set (fixtures README).
PUBLISHED_R = {
    "tweets_GroundTruth.txt": 0.872,
    "amazonReviewSnippets_GroundTruth.txt": 0.590,
    "movieReviewSnippets_GroundTruth.txt": 0.427,
    "nytEditorialSnippets_GroundTruth.txt": 0.503,
}

if not GROUNDTRUTH_DIR.is_dir():
    pytest.skip(f"no shared fixtures at {GROUNDTRUTH_DIR}", allow_module_level=True)

pytestmark = pytest.mark.shared_fixtures


def read_groundtruth(path: Path) -> list[tuple[float, str]]:
    """``id<TAB>mean rating<TAB>text`` lines as (rating, text)."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t", 2)
        if len(parts) == 3:
            rows.append((float(parts[1]), parts[2]))
    return rows


def test_every_groundtruth_file_has_a_published_figure() -> None:
    found = {path.name for path in GROUNDTRUTH_DIR.glob("*_GroundTruth.txt")}
    assert found == set(PUBLISHED_R)


@pytest.mark.parametrize("name", sorted(PUBLISHED_R))
def test_pearson_r_not_below_raw_vader(name: str) -> None:
    rows = read_groundtruth(GROUNDTRUTH_DIR / name)
    ratings = [rating for rating, _ in rows]
    ours = [score_text(text, None).compound for _, text in rows]
    raw = [vader_analyzer().polarity_scores(text)["compound"] for _, text in rows]

    ours_r = statistics.correlation(ours, ratings)
    raw_r = statistics.correlation(raw, ratings)

    assert ours_r >= raw_r - 0.0005
    assert ours_r >= PUBLISHED_R[name] - 0.005
