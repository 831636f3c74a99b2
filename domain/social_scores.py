"""The four scores of the free Social Mention tool, as pure functions of counts.

- strength: the share of the period's mentions that fell in its last 24 hours (1.0 when the
  period is 24 hours or shorter and has mentions). How much of the conversation is current.
- sentiment_ratio: positive mentions per negative one; null when there is no negative
  mention (the ratio is undefined, not infinite).
- passion: the share of mentions, among those with a known author, written by authors who
  mention the brand more than once in the period. How likely people are to come back.
- reach: distinct authors over all mentions of the period. How widely the conversation is
  spread (1.0: every mention by someone different).

Every score is 0 (sentiment_ratio: null) for a period without mentions, and rounded to 4
decimals.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class ScoreInputs:
    mentions: int
    last_24h: int
    positive: int
    negative: int
    authored: int  # mentions with a known author
    repeat_authored: int  # of those, mentions by authors with two or more mentions
    distinct_authors: int


@dataclass(frozen=True)
class SocialScores:
    strength: float
    sentiment_ratio: float | None
    passion: float
    reach: float


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def strength(last_24h: int, mentions: int) -> float:
    return _share(last_24h, mentions)


def sentiment_ratio(positive: int, negative: int) -> float | None:
    return round(positive / negative, 4) if negative else None


def passion(repeat_authored: int, authored: int) -> float:
    return _share(repeat_authored, authored)


def reach(distinct_authors: int, mentions: int) -> float:
    return _share(distinct_authors, mentions)


def social_scores(inputs: ScoreInputs) -> SocialScores:
    return SocialScores(
        strength=strength(inputs.last_24h, inputs.mentions),
        sentiment_ratio=sentiment_ratio(inputs.positive, inputs.negative),
        passion=passion(inputs.repeat_authored, inputs.authored),
        reach=reach(inputs.distinct_authors, inputs.mentions),
    )
