"""The Spanish scorer: every rule, the head, a regression of fixed scores, routing, no network."""

import math
import random
import socket
import statistics
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from domain.sentiment import label_for, score_text
from domain.sentiment_es import (
    EMO_MODEL,
    RULES_MODEL,
    SPANISH_MODEL,
    explain_spanish,
    score_rules,
    score_spanish,
)
from domain.sentiment_es.emo import features, normalise_text, tfidf
from domain.sentiment_es.features import FEATURE_NAMES, rule_features
from domain.sentiment_es.head import CLASSES, compound_of, load_head
from domain.sentiment_es.lexicon import load_lexicon
from domain.sentiment_es.lookup import is_laughter, word_valence
from domain.sentiment_es.scorer import analyse, normalise
from domain.sentiment_es.stemmer import stem, stem_and_kind
from domain.sentiment_es.style import STYLE_NAMES, style_features
from domain.sentiment_es.tokenizer import Kind, tokenize
from scripts.es_corpora import (
    brand_mentions,
    hard_tweets,
    hard_tweets_test,
    own_dev,
    own_test,
    own_tweets,
    own_tweets_test,
    read_table,
)

REPO = Path(__file__).resolve().parents[2]
HELD_OUT_MACRO = 0.85
HELD_OUT_NEUTRAL = 0.85
HELD_OUT_CLASS = 0.84
PLAIN_MACRO = 0.71
PLAIN_NEUTRAL = 0.74
BRAND_MACRO = 0.88
BRAND_NEUTRAL = 0.85
TWEETS_HELD_OUT_MACRO = 0.92
TWEETS_HELD_OUT_NEUTRAL = 0.9
HARD_HELD_OUT_MACRO = 0.7  # escucha-es-v4, fitted without the hard tweets: 0.672
HARD_HELD_OUT_NEUTRAL = 0.7  # v4: 0.685
FIXTURES = REPO / "tests" / "fixtures" / "sentiment"


def rules(text: str) -> float:
    return score_rules(text).compound


# --- tokenizer


def test_tokenizer_drops_urls_handles_and_rt() -> None:
    tokens = tokenize("RT @ana: mira https://t.co/abc www.x.com ana@mail.com hola")
    assert [t.text for t in tokens] == [":", "mira", "hola"]


def test_tokenizer_splits_camel_case_hashtags() -> None:
    tokens = tokenize("#NoMásAbusos #lovewins")
    assert [(t.text, t.hashtag) for t in tokens] == [
        ("No", True),
        ("Más", True),
        ("Abusos", True),
        ("lovewins", True),
    ]


def test_tokenizer_separates_emoji_stuck_to_words_and_drops_modifiers() -> None:
    tokens = tokenize("genial😍👍🏽❤️")
    assert [(t.text, t.kind) for t in tokens] == [
        ("genial", Kind.WORD),
        ("😍", Kind.EMOJI),
        ("👍", Kind.EMOJI),
        ("❤", Kind.EMOJI),
    ]


@pytest.mark.parametrize(
    "emoticon", [":)", ":-(", ":'(", "xD", "XD", "<3", "</3", "-_-", "u.u", ":v"]
)
def test_tokenizer_keeps_emoticons(emoticon: str) -> None:
    tokens = tokenize(f"hola {emoticon} adiós")
    assert [t.text for t in tokens] == ["hola", emoticon, "adiós"]
    assert tokens[1].kind is Kind.EMOTICON


def test_tokenizer_keeps_clause_punctuation_and_drops_numbers() -> None:
    tokens = tokenize("¡Llegó en 3 días! ¿Bien?")
    assert [t.text for t in tokens] == ["¡", "Llegó", "en", "días", "!", "¿", "Bien", "?"]


def test_letter_emoticons_need_word_boundaries() -> None:
    assert [t.text for t in tokenize("exDirector CD:")] == ["exDirector", "CD", ":"]


# --- lookup chain


def test_lookup_exact_then_without_accents() -> None:
    assert word_valence("pésimo") == word_valence("pesimo")
    found = word_valence("pesimo")
    assert found is not None and found.valence < -3


def test_lookup_elongation_finds_the_word_with_emphasis() -> None:
    plain, long = word_valence("bueno"), word_valence("buenooo")
    assert plain is not None and long is not None
    assert long.valence == plain.valence and long.emphasis > 0
    assert rules("buenooo") > rules("bueno") > 0


@pytest.mark.parametrize(
    ("superlative", "base"),
    [("lindísimo", "lindo"), ("riquísima", "rico"), ("amabilísimo", "amable"), ("feísimo", "feo")],
)
def test_lookup_isimo_maps_to_base_word_with_a_boost(superlative: str, base: str) -> None:
    found, plain = word_valence(superlative), word_valence(base)
    assert found is not None and plain is not None
    assert superlative not in load_lexicon().words
    assert found.valence == plain.valence
    assert abs(rules(superlative)) > abs(rules(base))


def test_lookup_by_stem_is_restricted_to_our_entries_and_kind_of_suffix() -> None:
    assert "detestaba" not in load_lexicon().words
    found = word_valence("detestaba")
    assert found is not None and found.valence < 0
    assert word_valence("aceptan") is None  # same stem as aceptable, but no derivation
    assert word_valence("precios") is None  # listed in neutral.txt (precioso)


@pytest.mark.parametrize(
    "laugh", ["jaja", "jajaja", "JAJAJA", "jeje", "jiji", "jsjsjs", "xd", "xddd"]
)
def test_laughter_is_positive(laugh: str) -> None:
    assert is_laughter(laugh.lower())
    assert rules(laugh) > 0.3


@pytest.mark.parametrize("word", ["hija", "hijo", "ahhh", "jesus", "jaj"])
def test_words_that_are_not_laughter(word: str) -> None:
    assert not is_laughter(word)


# --- rules


@pytest.mark.parametrize(
    ("negated", "plain"),
    [
        ("no me gusta", "me gusta"),
        ("no es bueno", "es bueno"),
        ("nunca fue amable", "fue amable"),
        ("jamás lo recomendaría", "lo recomendaría"),
        ("tampoco es bonito", "es bonito"),
        ("ni rápido", "rápido"),
        ("no es malo", "es malo"),
        ("sin problemas", "problemas"),
        ("poco útil", "útil"),
    ],
)
def test_negation_flips(negated: str, plain: str) -> None:
    assert rules(negated) * rules(plain) < 0


def test_negation_reaches_three_words_back_within_a_clause_only() -> None:
    assert rules("no me parece bueno") < 0
    assert rules("no me parece muy bueno") > 0  # four words back: out of reach, as in VADER
    assert rules("no, me parece bueno") > 0


def test_negative_concord_flips_once() -> None:
    assert rules("no me gusta nada") < 0
    assert rules("no es nada bueno") < 0
    assert rules("sin ningún problema") > 0


def test_un_poco_is_a_dampener_not_a_negator() -> None:
    assert 0 > rules("un poco caro") > rules("caro")


@pytest.mark.parametrize("marker", ["pero", "sino", "sin embargo", "no obstante"])
def test_contrast_weighs_what_follows(marker: str) -> None:
    assert rules(f"es bonito {marker} malo") < 0
    assert rules(f"es malo {marker} bonito") > 0


def test_contrast_across_clauses() -> None:
    assert rules("El servicio es pésimo, pero la comida está buenísima") > 0
    assert rules("La comida está buenísima, pero el servicio es pésimo") < 0


@pytest.mark.parametrize("booster", ["muy", "súper", "re", "tan", "bastante", "demasiado"])
def test_boosters_add_intensity(booster: str) -> None:
    assert rules(f"{booster} bueno") > rules("bueno")
    assert rules(f"{booster} malo") < rules("malo")


@pytest.mark.parametrize("dampener", ["algo", "casi", "apenas", "medio", "un poco"])
def test_dampeners_lower_intensity(dampener: str) -> None:
    assert 0 < rules(f"{dampener} bueno") < rules("bueno")


def test_bien_boosts_before_a_sentiment_word_and_counts_alone() -> None:
    assert rules("bien bonito") > rules("bonito")
    assert rules("todo bien") > 0


def test_capitals_emphasise_in_mixed_case_text_only() -> None:
    assert rules("el servicio es MALO") < rules("el servicio es malo")
    assert rules("EL SERVICIO ES MALO") == pytest.approx(rules("el servicio es malo"))


def test_exclamation_and_question_emphasis() -> None:
    assert rules("qué bueno!!!") > rules("qué bueno!") > rules("qué bueno")
    assert rules("pésimo!!") < rules("pésimo")
    assert rules("pésimo??") < rules("pésimo?")
    assert rules("!!!") == 0


@pytest.mark.parametrize(
    ("text", "sign"),
    [("😍", 1), ("😂", 1), ("👍", 1), ("😡", -1), ("😭", -1), ("💔", -1), ("🤮", -1)],
)
def test_emoji(text: str, sign: int) -> None:
    assert rules(f"el pedido {text}") * sign > 0.2


@pytest.mark.parametrize(
    ("text", "sign"), [(":)", 1), (":D", 1), ("<3", 1), ("xD", 1), (":(", -1), (":'(", -1)]
)
def test_emoticons(text: str, sign: int) -> None:
    assert rules(f"el pedido {text}") * sign > 0.2


def test_at_most_three_of_the_same_symbol_count() -> None:
    assert rules("😍😍😍") < rules("😍😍😍😍") + 1e-12
    assert rules("😍😍😍") == rules("😍😍😍😍😍😍")


def test_emoji_are_not_negated() -> None:
    assert rules("no 😍") > 0


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        ("vale la pena", 1),
        ("no vale la pena", -1),
        ("qué asco", -1),
        ("mal rollo", -1),
        ("buena onda", 1),
        ("de lujo", 1),
        ("no funciona", -1),
        ("sin servicio", -1),
        ("me muero de risa", 1),
        ("hasta la madre", -1),
        ("de puta madre", 1),
    ],
)
def test_multi_word_expressions(text: str, sign: int) -> None:
    assert rules(text) * sign > 0.2


def test_expressions_override_their_words() -> None:
    assert rules("no pasa nada") >= 0
    assert rules("muerto de risa") > 0 > rules("muerto")
    assert rules("atención al cliente") == 0


def test_plain_text_is_neutral() -> None:
    assert rules("La tienda abre a las nueve de la mañana") == 0
    assert score_text("La tienda abre a las nueve de la mañana", "es").label == "neutral"


def test_normalisation_is_vaders() -> None:
    assert normalise(0) == 0
    assert normalise(4) == pytest.approx(4 / (16 + 15) ** 0.5)
    assert -1 < normalise(-100) < normalise(100) < 1


def test_shares_sum_to_one() -> None:
    score = score_rules("El envío fue rápido pero el producto llegó roto")
    assert score.positive + score.neutral + score.negative == pytest.approx(1, abs=0.002)


# --- stemmer (expected stems are those of the Snowball reference implementation)


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("acaban", "acab"),
        ("agarraste", "agarr"),
        ("caería", "caer"),
        ("conociese", "conoc"),
        ("cualquiera", "cualqu"),
        ("discriminacion", "discrimin"),
        ("estaremos", "estar"),
        ("haciéndolo", "hac"),
        ("dándoselo", "dandosel"),
        ("rápidamente", "rapid"),
        ("felicidades", "felic"),
        ("posibilidades", "posibil"),
        ("nacionalista", "nacional"),
        ("averigüen", "averigü"),
        ("construyeron", "constru"),
        ("decepcionantes", "decepcion"),
    ],
)
def test_stemmer_matches_snowball(word: str, expected: str) -> None:
    assert stem(word) == expected


def test_stemmer_reports_derivational_suffixes() -> None:
    assert stem_and_kind("aceptable") == ("acept", True)
    assert stem_and_kind("aceptan") == ("acept", False)


# --- data files


def test_lexicon_size_scale_and_keys() -> None:
    lexicon = load_lexicon()
    assert 2000 <= len(lexicon.words) <= 3000
    assert all(-4 <= v <= 4 and v != 0 for v in lexicon.words.values())
    assert all(word == word.lower() and word.strip() == word for word in lexicon.words)
    assert len(lexicon.emoji) >= 150
    assert all(-4 <= v <= 4 for v in lexicon.emoji.values())
    assert len(lexicon.expressions) >= 200
    assert {"no", "nunca", "jamas", "ni", "sin", "tampoco", "nadie", "nada"} <= lexicon.negators


@pytest.mark.parametrize(
    "word", ["chido", "chévere", "bacán", "guay", "mola", "chafa", "cutre", "estafa", "retraso"]
)
def test_lexicon_covers_regional_slang_and_complaints(word: str) -> None:
    assert word_valence(word) is not None


def test_lexicon_data_lines_are_well_formed() -> None:
    data = REPO / "domain" / "sentiment_es" / "data"
    for name in ("lexicon.tsv", "emoji.tsv", "expressions.tsv", "boosters.tsv"):
        for line in (data / name).read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                key, value = line.split("\t")
                assert key and float(value) == float(value)


# --- emo_Es features and the head


def test_emo_features_follow_microtc() -> None:
    assert normalise_text("Me encanta!! @ana https://t.co/x 123 Méxicooo") == (
        "~me~encanta!~mexico~"
    )
    tokens = features("Me encanta")
    assert tokens[:3] == ["me~encanta", "me", "encanta"]
    assert "q:~m" in tokens and "q:anta" in tokens
    assert features("") == ["~"]


def test_tfidf_is_unit_length_over_known_tokens() -> None:
    weights = tfidf(["a", "b", "b", "unknown"], {"a": 2.0, "b": 1.0})
    assert set(weights) == {"a", "b"}
    assert weights["a"] == pytest.approx(weights["b"])
    assert math.hypot(*weights.values()) == pytest.approx(1)
    assert tfidf(["unknown"], {"a": 1.0}) == {}


def test_head_is_stored_whole_and_centred() -> None:
    head = load_head()
    assert 10_000 < len(head.tokens) < 20_000
    assert "#venezuela" in head.tokens  # tokens that start like a comment are data too
    assert len(head.rules) == len(FEATURE_NAMES)
    for weights in [head.bias, *head.rules, *list(head.tokens.values())[:500]]:
        assert sum(weights) == pytest.approx(0, abs=2e-3)


def test_rule_features_read_the_rules() -> None:
    text = "No me gusta, pero jajaja ¿en serio?? @Ana #Fail https://t.co/x 😂"
    values = dict(zip(FEATURE_NAMES, rule_features(analyse(text), text), strict=True))
    assert values["compound"] == score_rules(text).compound
    assert values["negation"] == values["contrast"] == values["link"] == 1
    assert values["questions"] == 2
    assert values["laughter"] == values["emoji"] == values["handles"] == values["hashtags"] == 1
    plain = "La tienda abre a las nueve"
    values = dict(zip(FEATURE_NAMES, rule_features(analyse(plain), plain), strict=True))
    assert values["words"] == 6
    assert values["no_sentiment"] == 1
    assert values["content_words"] == pytest.approx(6 / 30)
    counted = ("words", "no_sentiment", "content_words")
    assert sum(v for name, v in values.items() if name not in counted) == 0


def style(text: str) -> dict[str, float]:
    return dict(zip(STYLE_NAMES, style_features(text, 1), strict=True))


def test_style_features_of_people_questions_names_and_english() -> None:
    assert style("¿Alguien sabe a qué hora abre el banco?")["question_only"] == 1
    assert style("¿Alguien sabe a qué hora abre el banco?")["opens_question"] == 1
    assert style("Qué horror, ¿en serio?!")["question_only"] == 0
    values = style("Yo te quiero, tú me quieres y os vemos mañana")
    assert (values["first_person"], values["second_person"]) == (2, 3)
    assert style("Voy de Madrid a Valencia con Renfe")["proper_share"] == pytest.approx(3 / 7)
    assert style("Madrid. Valencia.")["proper_share"] == 0  # each opens a sentence
    assert style("the best day ever, so happy")["english"] == 3
    assert style("")["proper_share"] == 0


def test_style_features_of_news() -> None:
    news = style("Metro CDMX: la Línea 12 cierra el sábado 14 a las 10:30, informó el director")
    assert news["numbers"] == 3  # 12, 14 and 10:30
    assert news["dates"] == 2  # sábado, a las 10
    assert news["reported"] == 1
    assert news["headline"] == 1
    assert style("Dice que viene mañana")["headline"] == 1  # reported, plain, no first person
    assert style("Mi jefe dice que mañana no hay junta!")["headline"] == 0
    assert style("@ana_99 ya viene #2027 https://t.co/a1b2")["numbers"] == 0  # markup aside


def test_style_features_of_tweet_shape() -> None:
    assert style("Desayunando (@ Sanborns in Coyoacán) https://t.co/x")["check_in"] == 1
    assert style("Cajamarca ❤ @ Cajamarca - Perú https://t.co/J")["check_in"] == 1
    assert style("I'm at Aeropuerto de Monterrey https://t.co/Q")["check_in"] == 1
    assert style("Saludos a @ana y a @luis")["check_in"] == 0
    assert style("@ana_99 ya te mandé el archivo")["reply"] == 1
    assert style("Ya le mandé el archivo a @ana_99")["reply"] == 0
    short = style("@ana_99 Al fin!!! #Viernes https://t.co/x 🙌")
    assert short["few_words"] == 1 and short["content_words"] == pytest.approx(2 / 30)
    long = style(" ".join(["palabra"] * 40))
    assert long["few_words"] == 0 and long["content_words"] == 1


def test_no_sentiment_counts_the_rules_items() -> None:
    text = "La tienda abre a las nueve"
    assert rule_features(analyse(text), text)[FEATURE_NAMES.index("no_sentiment")] == 1
    text = "La tienda abre a las nueve, genial"
    assert rule_features(analyse(text), text)[FEATURE_NAMES.index("no_sentiment")] == 0


def test_compound_reproduces_the_most_probable_class() -> None:
    rng = random.Random(7)
    for _ in range(2000):
        raw = [rng.random() ** 3 for _ in CLASSES]
        probabilities = (raw[0] / sum(raw), raw[1] / sum(raw), raw[2] / sum(raw))
        compound = compound_of(probabilities)
        expected = CLASSES[probabilities.index(max(probabilities))]
        assert -1 <= compound <= 1
        assert label_for(compound) == expected


def test_compound_grows_with_the_positive_probability() -> None:
    assert compound_of((0.0, 0.0, 1.0)) == pytest.approx(1)
    assert compound_of((1.0, 0.0, 0.0)) == pytest.approx(-1)
    assert compound_of((0.1, 0.3, 0.6)) > compound_of((0.2, 0.3, 0.5)) >= 0.05
    assert abs(compound_of((0.3, 0.4, 0.3))) < 0.05


def test_explanation_adds_up_to_the_logits() -> None:
    text = "El servicio es pésimo, pero la comida está buenísima 😍"
    explanation = explain_spanish(text, top=10_000)
    for c in range(len(CLASSES)):
        parts = explanation.bias[c] + sum(row[2][c] for row in explanation.rules)
        parts += sum(row[2][c] for row in explanation.tokens)
        assert parts == pytest.approx(explanation.logits[c])
    assert explanation.probabilities == pytest.approx(score_spanish(text).probabilities)
    assert len(explain_spanish(text, top=3).tokens) == 3


def test_final_score_keeps_the_rule_shares() -> None:
    score = score_spanish("El envío fue rápido pero el producto llegó roto")
    rules = score_rules("El envío fue rápido pero el producto llegó roto")
    assert (score.positive, score.neutral, score.negative) == (
        rules.positive,
        rules.neutral,
        rules.negative,
    )
    assert score.rules == rules
    assert score.model == SPANISH_MODEL == EMO_MODEL == "escucha-es-v5"
    assert rules.model == RULES_MODEL
    assert sum(score.probabilities) == pytest.approx(1)
    assert score.label == score_text("El envío fue rápido pero el producto llegó roto", "es").label


# --- regression: these scores are fixed; a change must be deliberate (the final scores change
# whenever scripts/build_es_head.py is run again; the rule scores only when the rules do)

REGRESSION = [
    ("Me encanta este producto, es excelente", 0.8442, 0.9902),
    ("No me gusta nada el servicio", -0.5267, -0.8787),
    ("El servicio es pésimo, pero la comida está buenísima", 0.5927, 0.5417),
    ("La comida está buenísima, pero el servicio es pésimo", -0.6652, -0.6837),
    ("No funciona el internet desde ayer @TelcoMX", -0.5267, -0.7382),
    ("Qué asco de atención 🤮", -0.8225, -0.9703),
    ("jajaja me muero de risa 😂😂", 0.9081, 0.9633),
    ("La tienda abre a las nueve", 0.0000, 0.0038),
    ("Muy bueno", 0.5413, 0.9705),
    ("Un poco caro", -0.2975, -0.3264),
    ("Poco útil", -0.3570, -0.2785),
    ("Buenooo, gracias!!!", 0.8110, 0.9933),
    ("Sin embargo, es caro", -0.5023, -0.8733),
    ("Vale la pena cada peso", 0.4939, 0.7244),
    ("No vale la pena", -0.4588, -0.6278),
    ("Qué mal rollo con el repartidor", -0.5267, -0.7817),
    ("Está chido el nuevo menú", 0.5574, 0.8822),
    ("Esa app es bien chafa", -0.5647, -0.6318),
    ("Nunca jamás vuelvo a comprar aquí", -0.4939, -0.5419),
    ("Tampoco es tan bueno", -0.4240, -0.7269),
    ("No es malo sino excelente", 0.8230, 0.5075),
    ("Estoy hasta la madre de los retrasos", -0.6597, -0.9220),
    ("Mi pedido llegó roto :(", -0.7269, -0.5600),
    ("Pésimo servicio!!! 😡😡", -0.9284, -0.7218),
    ("Es una estafa, no confíen", -0.7189, -0.9890),
    ("La atención al cliente respondió en 5 minutos", 0.0000, -0.3015),
    ("Odiaba esta marca, ahora me encanta", 0.6124, 0.8076),
    ("Estoy muy decepcionada con la compra", -0.5256, -0.7384),
    ("Riquísima la pizza", 0.5994, 0.8377),
    ("La verdad, súper recomendable", 0.7501, 0.9496),
    ("#NoMásAbusos de @BancoX", -0.5859, -0.5463),
]


@pytest.mark.parametrize(("text", "rules_only", "final"), REGRESSION)
def test_regression_scores(text: str, rules_only: float, final: float) -> None:
    assert score_rules(text).compound == pytest.approx(rules_only, abs=1e-4)
    assert score_text(text, "es").compound == pytest.approx(final, abs=1e-4)


# --- routing


@pytest.mark.parametrize("language", ["es", "ES", "es-MX", "es_ES"])
def test_spanish_goes_to_the_spanish_model(language: str) -> None:
    score = score_text("El servicio es pésimo", language)
    assert score.model == SPANISH_MODEL
    assert score.label == "negative"


@pytest.mark.parametrize("language", ["en", None, "pt", "fr"])
def test_other_languages_go_to_vader(language: str | None) -> None:
    assert score_text("El servicio es pésimo", language).model == "vader"


# --- dev sets of our own


def read_brand_dev() -> list[tuple[str, str]]:
    lines = (FIXTURES / "es_brand_dev.tsv").read_text(encoding="utf-8").splitlines()
    return [(text, label) for label, text in (ln.split("\t") for ln in lines if ln[:1] != "#")]


def macro_f1(gold: list[str], predicted: list[str]) -> float:
    scores = []
    for label in ("positive", "negative", "neutral"):
        hits = sum(g == p == label for g, p in zip(gold, predicted, strict=True))
        total = gold.count(label) + predicted.count(label)
        scores.append(2 * hits / total if total else 0.0)
    return sum(scores) / 3


def test_brand_dev_set_is_balanced_and_scored_far_better_than_vader() -> None:
    # The head was fitted on these texts too, so this only guards against a broken build; the
    # honest figures are the cross-validated ones of scripts/build_es_head.py.
    rows = read_brand_dev()
    gold = [label for _, label in rows]
    ours = [score_text(text, "es").label for text, _ in rows]
    vader = [score_text(text, None).label for text, _ in rows]

    assert len(rows) >= 150 and {gold.count(c) for c in set(gold)} == {50}
    assert macro_f1(gold, ours) >= 0.9
    assert macro_f1(gold, ours) >= macro_f1(gold, vader) + 0.3


def class_f1(rows: list[tuple[str, str]]) -> dict[str, float]:
    """Macro-F1 and the F1 of each class of escucha-es-v5's labels of ``rows``."""
    gold = [label for _, label in rows]
    predicted = [score_text(text, "es").label for text, _ in rows]
    result = {}
    for label in CLASSES:
        hits = sum(g == p == label for g, p in zip(gold, predicted, strict=True))
        result[label] = 2 * hits / (gold.count(label) + predicted.count(label))
    result["macro"] = statistics.fmean(result[label] for label in CLASSES)
    return result


def test_own_held_out_set() -> None:
    """es_own_test.tsv was never trained on nor used to choose anything (scripts/es_corpora.py).
    escucha-es-v2 scored macro 0.834 and, on its last 90 plainly told tweets, 0.698 with
    neutral 0.725; v3's figures with their intervals: benchmarks/README.md."""
    rows = own_test()
    assert len(rows) == 270 and {label for _, label in rows} == set(CLASSES)
    figures, plain = class_f1(rows), class_f1(rows[180:])
    assert figures["macro"] >= HELD_OUT_MACRO and figures["neutral"] >= HELD_OUT_NEUTRAL
    assert min(figures[label] for label in CLASSES) >= HELD_OUT_CLASS
    assert plain["macro"] >= PLAIN_MACRO and plain["neutral"] >= PLAIN_NEUTRAL


HELD_OUT_TWEETS = [
    # es_tweets_test.tsv: 150 tweets written apart from es_tweets_dev.tsv. escucha-es-v3,
    # fitted without any of our tweets, scored macro 0.932 with neutral 0.901 (v4 0.953 / 0.936,
    # v5 0.960 / 0.947): our plain tweets are easy; the honest tweet figures are
    # build_es_head.py's LOSO ones (benchmarks/README.md).
    pytest.param(own_tweets_test, TWEETS_HELD_OUT_MACRO, TWEETS_HELD_OUT_NEUTRAL, id="plain"),
    # es_tweets_hard_test.tsv: 150 messy, allusive tweets (handles, abbreviations, slang,
    # sarcasm, stance without textbook sentiment words) written apart from the 600 of
    # es_tweets_hard_dev.tsv. v4, fitted without the hard tweets: macro 0.672, neutral 0.685;
    # v5 0.738 / 0.765.
    pytest.param(hard_tweets_test, HARD_HELD_OUT_MACRO, HARD_HELD_OUT_NEUTRAL, id="hard"),
]


@pytest.mark.parametrize(("rows_of", "macro", "neutral"), HELD_OUT_TWEETS)
def test_own_held_out_tweets(
    rows_of: Callable[[], list[tuple[str, str]]], macro: float, neutral: float
) -> None:
    """150 tweets of our own, balanced, never trained on nor used to choose anything."""
    rows = rows_of()
    gold = [label for _, label in rows]
    assert len(rows) == 150 and {gold.count(label) for label in CLASSES} == {50}
    figures = class_f1(rows)
    assert figures["macro"] >= macro
    assert figures["neutral"] >= neutral


def test_held_out_texts_appear_in_no_training_set_and_the_build_never_reads_them() -> None:
    held_out = {text for text, _ in own_test() + own_tweets_test() + hard_tweets_test()}
    training = {text for text, _ in own_dev() + own_tweets() + hard_tweets()}
    training |= {t for t, _ in brand_mentions() or []}
    assert not held_out & training
    build = (REPO / "scripts" / "build_es_head.py").read_text(encoding="utf-8")
    assert "own_test" not in build.replace("es_own_test.tsv", "")
    assert "tweets_test" not in build.replace("es_tweets_test.tsv", "")


def test_labelled_tables_refuse_an_unknown_label(tmp_path: Path) -> None:
    table = tmp_path / "texts.tsv"
    table.write_text("# comment\nlabel\ttext\npositive\tbien\nneutro\tla tienda\n", "utf-8")
    with pytest.raises(ValueError, match="unknown label 'neutro'"):
        read_table(table)
    table.write_text("positive\tbien\n", "utf-8")
    assert read_table(table) == [("bien", "positive")]


@pytest.mark.shared_fixtures
@pytest.mark.skipif(brand_mentions() is None, reason="no shared sentiment_es_brand fixtures")
def test_shared_brand_mentions() -> None:
    """The 900 shared brand mentions (300 a class). v3 was fitted on them, so this guards the
    build, and fails on escucha-es-v2 where it was bad: neutral F1 0.671 (only 177 texts
    called neutral), macro 0.747. v3's cross-validated figures: benchmarks/README.md."""
    rows = brand_mentions()
    assert rows is not None and len(rows) == 900
    figures = class_f1(rows)
    predicted_neutral = sum(score_text(text, "es").label == "neutral" for text, _ in rows)
    assert figures["neutral"] >= BRAND_NEUTRAL and figures["macro"] >= BRAND_MACRO
    assert 240 <= predicted_neutral <= 360


def test_plain_information_scores_near_zero_and_opinion_keeps_its_order() -> None:
    plain = [
        "La SEP confirma el regreso a clases para el 8 de enero",
        "¿A qué hora abre el banco los sábados?",
        "Estoy en el aeropuerto esperando mi vuelo a Monterrey",
    ]
    for text in plain:
        assert abs(score_text(text, "es").compound) < 0.05, text
    ordered = ["Es excelente, me encanta", "Está bien", "Está mal", "Es una estafa horrible"]
    compounds = [score_text(text, "es").compound for text in ordered]
    assert compounds == sorted(compounds, reverse=True)
    assert compounds[0] > 0.5 and compounds[-1] < -0.5


def test_spanish_groundtruth_correlates() -> None:
    lines = (FIXTURES / "groundtruth_en_es.txt").read_text(encoding="utf-8").splitlines()
    rows = [line.split("\t", 2) for line in lines if line.startswith("es_")]
    ratings = [float(rating) for _, rating, _ in rows]
    ours = [score_text(text, "es").compound for _, _, text in rows]
    vader = [score_text(text, None).compound for _, _, text in rows]

    assert statistics.correlation(ours, ratings) >= 0.85
    assert statistics.correlation(ours, ratings) > statistics.correlation(vader, ratings) + 0.3


# --- nothing is fetched


def _refuse(*args: Any, **kwargs: Any) -> None:
    raise OSError("network access attempted")


def test_scoring_with_sockets_blocked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket.socket, "connect", _refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", _refuse)
    monkeypatch.setattr(socket, "create_connection", _refuse)
    for cached in (load_lexicon, load_head, word_valence):
        cached.cache_clear()

    score = score_text("Me encanta, súper recomendable 😍", "es")

    assert score.label == "positive"


def test_fresh_import_and_scoring_with_sockets_blocked() -> None:
    program = (
        "import socket\n"
        "def refuse(*a, **k):\n"
        "    raise OSError('network access attempted')\n"
        "socket.socket.connect = refuse\n"
        "socket.socket.connect_ex = refuse\n"
        "socket.create_connection = refuse\n"
        "from domain.sentiment import score_text\n"
        "from domain.language import detect_language\n"
        "text = 'El pedido llegó roto y nadie me responde, qué vergüenza'\n"
        "print(detect_language(text), score_text(text, 'es').label)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", program], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["es", "negative"]
