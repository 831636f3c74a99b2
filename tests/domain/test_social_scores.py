from domain.social_scores import (
    ScoreInputs,
    SocialScores,
    passion,
    reach,
    sentiment_ratio,
    social_scores,
    strength,
)


def test_each_score_by_its_definition() -> None:
    # 8 mentions, 2 of them in the last 24 hours; 3 positive, 2 negative; 6 with an author,
    # of which 4 by authors who wrote twice or more; 4 distinct authors.
    inputs = ScoreInputs(
        mentions=8, last_24h=2, positive=3, negative=2, authored=6, repeat_authored=4,
        distinct_authors=4,
    )  # fmt: skip
    assert social_scores(inputs) == SocialScores(
        strength=0.25, sentiment_ratio=1.5, passion=0.6667, reach=0.5
    )


def test_an_empty_period_scores_zero_and_no_ratio() -> None:
    assert social_scores(ScoreInputs(0, 0, 0, 0, 0, 0, 0)) == SocialScores(0.0, None, 0.0, 0.0)


def test_without_negative_mentions_the_ratio_is_undefined() -> None:
    assert sentiment_ratio(5, 0) is None
    assert sentiment_ratio(0, 4) == 0.0


def test_rounding_and_bounds() -> None:
    assert strength(1, 3) == 0.3333
    assert strength(3, 3) == 1.0
    assert passion(0, 5) == 0.0
    assert passion(2, 0) == 0.0
    assert reach(7, 7) == 1.0
    assert reach(1, 6) == 0.1667
