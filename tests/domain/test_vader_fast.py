"""FastVader gives exactly vaderSentiment's scores, only sooner."""

import random

import pytest
from vaderSentiment.vaderSentiment import BOOSTER_DICT, NEGATE, SPECIAL_CASES

from domain.sentiment import fast_vader, vader_analyzer
from domain.vader_fast import _CONTEXT_WORDS
from tests.support.cassettes import SHARED


def words_of(text: str) -> list[str]:
    return text.split()


# vaderSentiment's own demonstration sentences, and what its rules are about.
SENTENCES = [
    "VADER is smart, handsome, and funny.",
    "VADER is smart, handsome, and funny!",
    "VADER is very smart, handsome, and funny.",
    "VADER is VERY SMART, handsome, and FUNNY.",
    "VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!",
    "VADER is not smart, handsome, nor funny.",
    "At least it isn't a horrible book.",
    "The book was only kind of good.",
    "The plot was good, but the characters are uncompelling and the dialog is not great.",
    "Today only kinda sux! But I'll get by, lol",
    "Make sure you :) or :D today!",
    "Catch utf-8 emoji such as 💘 and 💋 and 😁",
    "Not bad at all",
    "Sentiment analysis has never been this good!",
    "With VADER, sentiment analysis is the shit!",
    "On the other hand, VADER is quite bad ass",
    "Without a doubt, excellent idea.",
    "Roger Dodger is one of the least compelling variations on this theme.",
    "Roger Dodger is at least compelling as a variation on the theme.",
    "no no no good good BAD",
    "  surrounded by spaces 😀😀 ",
    "😀text😡 glued👍",
    "",
    "???",
    "Me encanta 😍 pero el envío tardó muchísimo!!",
]

VOCABULARY = (
    sorted(NEGATE)[:30]
    + sorted(BOOSTER_DICT)[:40]
    + [word for case in SPECIAL_CASES for word in case.split()]
    + words_of("good bad great terrible love hate GOOD BAD LOVE no No least very kind but BUT")
    + words_of("never so this without doubt or nor the a is it :) :( :D <3 😀 😡 👍 ! ? !!! ?? , .")
    + words_of("happy sad horrible excellent okay fine nice awful Awesome HORRIBLE isn't don't")
)


# Every negation and booster word, each with a sentiment word after it now and then.
EVERY_MODIFIER = sorted(NEGATE) + sorted(BOOSTER_DICT) + words_of("good BAD love hate") * 20

# The words of the positional rules alone, so that their rarer patterns come up often.
RULE_WORDS = words_of("never so this without doubt no least at very kind of but or nor good BAD")


def assert_same(text: str) -> None:
    assert fast_vader().polarity_scores(text) == vader_analyzer().polarity_scores(text), text


@pytest.mark.parametrize("text", SENTENCES)
def test_same_scores_as_vader_sentiment(text: str) -> None:
    assert_same(text)


def test_same_scores_on_random_texts_made_of_the_words_vader_rules_look_for() -> None:
    chooser = random.Random(20261126)
    for vocabulary in (VOCABULARY, RULE_WORDS, EVERY_MODIFIER):
        for _ in range(4000):
            words = chooser.choices(vocabulary, k=chooser.randint(1, 12))
            assert_same(" ".join(words))


@pytest.mark.shared_fixtures
@pytest.mark.skipif(not (SHARED / "vader_groundtruth").is_dir(), reason="no shared fixtures")
def test_same_scores_on_every_ground_truth_text() -> None:
    for path in sorted((SHARED / "vader_groundtruth").glob("*_GroundTruth.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t", 2)
            if len(parts) == 3:
                assert_same(parts[2])


# Words none of the positional rules look for before a sentiment word (the fast path of
# ``FastVader._valence``), with the idioms' words and capitals; then with "no", and with
# words that hold "n't" but are not in VADER's list of negations (they negate all the same).
PLAIN_WORDS = sorted(
    word
    for case in [*SPECIAL_CASES, *BOOSTER_DICT]
    if " " in case
    for word in case.split()
    if word not in _CONTEXT_WORDS
) + words_of("good bad GOOD BAD Great awful love hate the a of it is ok meh lol !! ?")


def test_same_scores_when_no_rule_word_comes_before_a_sentiment_word() -> None:
    chooser = random.Random(20261202)
    for vocabulary in (
        PLAIN_WORDS,
        [*PLAIN_WORDS, "no"],
        [*PLAIN_WORDS, "couldn't've", "y'all'dn't"],
    ):
        for _ in range(4000):
            words = chooser.choices(vocabulary, k=chooser.randint(1, 12))
            assert_same(" ".join(words))
