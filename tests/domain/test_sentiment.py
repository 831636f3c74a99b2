"""VADER scoring of mentions: labels, equality with raw VADER, the sentence mean, the splitter."""

import statistics
from pathlib import Path

import pytest

from domain.sentiment import (
    LONG_TEXT_CHARS,
    SentimentScore,
    label_for,
    score_text,
    split_sentences,
    vader_analyzer,
)

OWN_GROUNDTRUTH = Path(__file__).resolve().parents[1] / "fixtures" / "sentiment"


@pytest.mark.parametrize(
    ("compound", "label"),
    [
        (1.0, "positive"),
        (0.05, "positive"),
        (0.0499999, "neutral"),
        (0.0, "neutral"),
        (-0.0499999, "neutral"),
        (-0.05, "negative"),
        (-1.0, "negative"),
    ],
)
def test_label_thresholds(compound: float, label: str) -> None:
    assert label_for(compound) == label


@pytest.mark.parametrize(
    "text",
    [
        "I love this phone.",
        "The service was terrible and nobody answered!!!",
        "It's not bad at all :)",
        "The product is GREAT, but the delivery was slow.",
        "Meh.",
        "",
        "The store opens at nine",
    ],
)
def test_single_sentence_equals_raw_vader(text: str) -> None:
    raw = vader_analyzer().polarity_scores(text)

    score = score_text(text, "en")

    assert score.compound == pytest.approx(raw["compound"], abs=1e-9)
    assert (score.positive, score.neutral, score.negative) == (raw["pos"], raw["neu"], raw["neg"])
    assert score.model == "vader"
    assert score.label == label_for(raw["compound"])


def test_unknown_language_is_scored_by_vader() -> None:
    score = score_text("What a wonderful day", None)

    assert score == SentimentScore(
        compound=vader_analyzer().polarity_scores("What a wonderful day")["compound"],
        positive=score.positive,
        neutral=score.neutral,
        negative=score.negative,
        label="positive",
        model="vader",
    )


def test_analyzer_is_built_once() -> None:
    assert vader_analyzer() is vader_analyzer()


def test_long_text_scores_the_mean_over_its_sentences() -> None:
    sentences = [
        "The new store downtown opened last week with a long line outside the door.",
        "The staff were friendly, helpful and genuinely happy to explain every product.",
        "Sadly the coffee machine broke twice and the queue at the till was a disaster.",
        "Prices are about the same as in the old shop on the other side of the river.",
    ]
    text = " ".join(sentences)
    assert len(text) > LONG_TEXT_CHARS
    parts = [vader_analyzer().polarity_scores(s) for s in sentences]

    score = score_text(text, "en")

    assert score.compound == pytest.approx(statistics.fmean(p["compound"] for p in parts))
    assert score.positive == pytest.approx(statistics.fmean(p["pos"] for p in parts))
    assert score.neutral == pytest.approx(statistics.fmean(p["neu"] for p in parts))
    assert score.negative == pytest.approx(statistics.fmean(p["neg"] for p in parts))


def test_tweet_length_text_is_scored_whole_even_with_three_sentences() -> None:
    text = "Yay. Another good phone interview. So lucky."

    assert score_text(text, "en").compound == vader_analyzer().polarity_scores(text)["compound"]


def test_long_text_of_two_sentences_is_scored_whole() -> None:
    text = "word " * 70 + "It was great. And then it was terrible, truly awful."
    assert len(text) > LONG_TEXT_CHARS

    assert score_text(text, "en").compound == vader_analyzer().polarity_scores(text)["compound"]


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("One. Two! Three? Four", ["One.", "Two!", "Three?", "Four"]),
        ("Mr. Smith met Dr. Jones. They talked.", ["Mr. Smith met Dr. Jones.", "They talked."]),
        ("The U.S. Senate voted. It passed.", ["The U.S. Senate voted.", "It passed."]),
        ("J.R.R. Tolkien wrote it. Great book", ["J.R.R. Tolkien wrote it.", "Great book"]),
        ("It costs 3.5 dollars. Cheap", ["It costs 3.5 dollars.", "Cheap"]),
        ("Wait... What happened?! Nothing", ["Wait...", "What happened?!", "Nothing"]),
        ('He said "no." Then left.', ['He said "no."', "Then left."]),
        ("all lower case. no split here", ["all lower case. no split here"]),
        ("line one\nline two\r\n\nline three", ["line one", "line two", "line three"]),
        ("Wow…  Really", ["Wow…", "Really"]),
        ("On Dec. 19 it snowed. Fun", ["On Dec. 19 it snowed.", "Fun"]),
        ("", []),
        ("   \n  ", []),
    ],
)
def test_split_sentences_english(text: str, sentences: list[str]) -> None:
    assert split_sentences(text) == sentences


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("Hola. ¿Qué tal? ¡Muy bien!", ["Hola.", "¿Qué tal?", "¡Muy bien!"]),
        (
            "El Sr. Pérez vive en EE.UU. desde 2010. Le gusta.",
            ["El Sr. Pérez vive en EE.UU. desde 2010.", "Le gusta."],
        ),
        (
            "Hay frutas, p. ej. mangos. Están ricas.",
            ["Hay frutas, p. ej. mangos.", "Están ricas."],
        ),
        ("La Sra. Gómez y la Srta. Ruiz. Ok", ["La Sra. Gómez y la Srta. Ruiz.", "Ok"]),
        ("Fue el 3 de ene. de 2024. Llovió", ["Fue el 3 de ene. de 2024.", "Llovió"]),
        ("No. Para nada.", ["No.", "Para nada."]),
        (
            "Qué mal servicio. Él dijo «nunca más». Ésta es la última",
            ["Qué mal servicio.", "Él dijo «nunca más».", "Ésta es la última"],
        ),
        ("Llegó tarde… Otra vez", ["Llegó tarde…", "Otra vez"]),
    ],
)
def test_split_sentences_spanish(text: str, sentences: list[str]) -> None:
    assert split_sentences(text) == sentences


def read_groundtruth(path: Path) -> list[tuple[str, float, str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        key, rating, text = line.split("\t", 2)
        rows.append((key, float(rating), text))
    return rows


def test_own_english_groundtruth_correlates_like_raw_vader() -> None:
    rows = read_groundtruth(OWN_GROUNDTRUTH / "groundtruth_en_es.txt")
    english = [(rating, text) for key, rating, text in rows if key.startswith("en_")]
    ratings = [rating for rating, _ in english]

    ours = statistics.correlation([score_text(t, "en").compound for _, t in english], ratings)
    raw = statistics.correlation(
        [vader_analyzer().polarity_scores(t)["compound"] for _, t in english], ratings
    )

    assert len(english) >= 20
    assert ours >= raw - 0.0005
    assert ours >= 0.85
