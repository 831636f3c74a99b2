"""Language detection of short mentions."""

import re
from pathlib import Path

import pytest

from domain.language import (
    _NOISE,
    clean_for_detection,
    detect_language,
    detect_languages,
    language_by_function_words,
)
from tests.support.cassettes import SHARED

SPANISH = [
    "No puedo creer que el pedido llegara roto otra vez",
    "Qué buen servicio el de hoy, me atendieron súper rápido",
    "@soporte llevo tres días sin internet y nadie me responde",
    "La nueva tienda del centro está padrísima, vayan a verla",
    "Pésima atención en la sucursal de Monterrey, nunca más",
    "Me encanta el café de aquí, es el mejor de Madrid",
    "¿Alguien sabe si mañana abren el banco? https://t.co/abc123",
    "Holaaaa, gracias por la ayuda con mi reclamación!!",
    "Otra vez sin servicio en todo el barrio, qué vergüenza",
    "Tengo que decir que la app funciona de maravilla ahora",
    # Short ones that lingua alone gives to French, Portuguese or German.
    "qué asco de servicio",
    "me encanta acme!!",
]
ENGLISH = [
    "I can't believe my order arrived broken again",
    "Great service today, they helped me super fast",
    "@support three days without internet and nobody answers",
    "The new store downtown is awesome, go check it out",
    "Worst customer care ever at the Chicago branch",
    "Loving the coffee here, best in town #coffee",
    "Does anyone know if the bank opens tomorrow? https://t.co/abc123",
    "Sooooo happy with my new phone!!",
    "The app keeps crashing every time I open it",
    "Honestly the update made everything so much better",
]


@pytest.mark.parametrize("text", SPANISH)
def test_spanish_tweets(text: str) -> None:
    assert detect_language(text) == "es"


@pytest.mark.parametrize("text", ENGLISH)
def test_english_tweets(text: str) -> None:
    assert detect_language(text) == "en"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Obrigado pela ajuda, o atendimento foi ótimo hoje", "pt"),
        ("Merci beaucoup pour votre aide, le service était parfait", "fr"),
        ("Vielen Dank für die schnelle Hilfe, alles funktioniert wieder", "de"),
        ("Grazie mille per l'aiuto, il servizio è stato perfetto", "it"),
        ("Moltes gràcies per l'ajuda, el servei ha estat perfecte", "ca"),
    ],
)
def test_other_supported_languages(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_texts_in_other_languages_keep_their_language() -> None:
    """Preferring Spanish and English when lingua hesitates takes few texts from the others."""
    rows = OTHER_LANGUAGES.read_text(encoding="utf-8").splitlines()[1:]
    labelled = [line.split("\t") for line in rows]
    found = detect_languages([text for _, text in labelled])
    right = sum(got == want for got, (want, _) in zip(found, labelled, strict=True))
    assert right / len(labelled) >= 0.93
    assert {want for want, _ in labelled} == {"pt", "fr", "it", "ca", "de"}


@pytest.mark.parametrize(
    "text",
    ["", "   ", "ok", "👍👍👍", "https://t.co/abc123 @someone #tag", "123 456 !!!", "Cristi"],
)
def test_too_short_or_unsure_is_none(text: str) -> None:
    assert detect_language(text) is None


def test_cleaning_drops_urls_handles_hashtags_and_elongation() -> None:
    assert clean_for_detection("@ana holaaaa https://x.co/a #TeAmo &amp; bien") == "hola bien"


OTHER_LANGUAGES = (
    Path(__file__).resolve().parents[1] / "fixtures" / "language" / "other_languages.tsv"
)
OWN_SPANISH = Path(__file__).resolve().parents[1] / "fixtures" / "sentiment" / "es_brand_dev.tsv"
GROUNDTRUTH = SHARED / "vader_groundtruth"


def test_our_spanish_brand_mentions_are_spanish() -> None:
    lines = OWN_SPANISH.read_text(encoding="utf-8").splitlines()
    texts = [line.split("\t", 1)[1] for line in lines if line and not line.startswith("#")]
    found = [detect_language(text) for text in texts]
    assert len(texts) == 150
    assert found.count("es") / len(texts) >= 0.97
    assert "en" not in found


@pytest.mark.shared_fixtures
@pytest.mark.skipif(not GROUNDTRUTH.is_dir(), reason=f"no shared fixtures at {GROUNDTRUTH}")
@pytest.mark.parametrize(
    ("name", "least"),
    [
        ("tweets_GroundTruth.txt", 0.94),
        ("amazonReviewSnippets_GroundTruth.txt", 0.96),
        ("movieReviewSnippets_GroundTruth.txt", 0.98),
        ("nytEditorialSnippets_GroundTruth.txt", 0.98),
    ],
)
def test_english_ground_truth_sets_are_english(name: str, least: float) -> None:
    rows = [line.split("\t", 2) for line in (GROUNDTRUTH / name).read_text().splitlines()]
    texts = [row[2] for row in rows if len(row) == 3]
    found = [detect_language(text) for text in texts]
    assert found.count("en") / len(found) >= least
    assert found.count("es") / len(found) < 0.005
    # The quick function-word look calls no English text Spanish (the tweets hold one
    # tweet really in Spanish: "ey felicidades al perro ruco :p y saludos a su mama...").
    quick = [language_by_function_words(text) for text in texts]
    assert quick.count("es") <= 1


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("the service was great and the staff were very kind to us", "en"),
        ("el servicio fue muy bueno y la gente de la tienda es muy amable", "es"),
        ("o serviço foi muito bom e a equipe da loja é muito simpática", None),
        ("le service était très bien et les gens de la boutique sont gentils", None),
        ("la gente de la", None),
    ],
)
def test_function_words_decide_only_clear_english_or_spanish(
    text: str, language: str | None
) -> None:
    assert language_by_function_words(text) == language


@pytest.mark.parametrize(
    "text",
    [
        "THE SERVICE WAS GREAT AND THE STAFF WERE VERY KIND TO US",
        "the,service;was(great)and_the staff were2very kind-to-us",
        "the1of2and3the4to5is_it",
        "el servicio de la tienda es muy bueno y la gente es amable",
        "The @brand team and #the https://the.example/of/the/and www.of.the &amp; &#39; of it",
    ],
)
def test_ascii_text_reads_as_the_same_text_with_a_non_ascii_character(text: str) -> None:
    """ASCII texts take a faster path to their words; it must find the same words."""
    assert language_by_function_words(text) == language_by_function_words(text + " ·")
    assert detect_language(text) == detect_language(text + " ·")


def test_many_texts_at_once_each_get_their_own_language_in_order() -> None:
    texts = [
        "the service was great and the staff were very kind to us",
        "le service était très bien et les gens de la boutique sont gentils",
        "el servicio fue muy bueno y la gente de la tienda es muy amable",
        "ok",
        "der Service war sehr gut und die Leute im Laden sind freundlich",
    ]
    assert detect_languages(texts) == ["en", "fr", "es", None, "de"]
    assert detect_languages([]) == []


def _exact_function_word_language(text: str) -> str | None:
    """Step 1's rule (module doc) in exact fractions, from the word lists themselves."""
    from fractions import Fraction

    from domain.language import MIN_WORD_SCORE, QUICK_LANGUAGES
    from domain.language_words import FUNCTION_WORDS, word_languages

    lists = word_languages()
    scores = dict.fromkeys(FUNCTION_WORDS, Fraction(0))
    for word in re.findall(r"[^\W\d_]+", text.lower()):
        for language in lists.get(word, ()):
            scores[language] += Fraction(1, len(lists[word]))
    if not any(scores.values()):
        return None
    ranked = sorted(scores.values(), reverse=True)
    best = next(language for language, score in scores.items() if score == ranked[0])
    clear = ranked[0] >= Fraction(MIN_WORD_SCORE) and ranked[0] >= 2 * ranked[1]
    return best if best in QUICK_LANGUAGES and clear else None


@pytest.mark.skipif(not GROUNDTRUTH.is_dir(), reason=f"no shared fixtures at {GROUNDTRUTH}")
def test_function_word_scores_decide_as_exact_fractions_on_every_corpus_text() -> None:
    """The shares are summed as packed integers: the same decisions as exact arithmetic on
    the 23,700 English ground-truth texts and our Spanish ones, noise and all."""
    texts = [
        row[2]
        for path in sorted(GROUNDTRUTH.glob("*_GroundTruth.txt"))
        for row in (line.split("\t", 2) for line in path.read_text().splitlines())
        if len(row) == 3
    ]
    spanish = Path(__file__).parents[1] / "fixtures" / "sentiment" / "es_brand_dev.tsv"
    texts += [line.split("\t", 1)[1] for line in spanish.read_text().splitlines() if "\t" in line]
    texts += SPANISH + ENGLISH + [" ".join(SPANISH) * 40]  # and one past any field's width
    found = [language_by_function_words(text) for text in texts]
    expected = [_exact_function_word_language(_NOISE.sub(" ", text)) for text in texts]
    assert found == expected
    assert found.count("en") > 15_000 and found.count("es") > 100
