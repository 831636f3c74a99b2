"""The pure parts of relevance: features, the model's decision, the review queue, the
suggested exclusions, the debounce of retraining, and training itself."""

from datetime import UTC, datetime, timedelta

from domain.relevance import (
    Candidate,
    RelevanceModel,
    exclusions_from,
    is_hidden,
    suggested_exclusions,
    to_review,
    with_exclusions,
)
from domain.relevance_features import BrandPrior, features
from domain.relevance_training import (
    MIN_PER_CLASS,
    THRESHOLD_RANGE,
    Example,
    can_train,
    top_weighted,
    train,
    ubiquitous,
)
from domain.textnorm import words
from models.tables import RelevanceModelRow
from services.relevance import prior_of, should_train

CORONA = BrandPrior.of(["corona", "cerveza corona", "cervez*"])


def test_features_carry_words_stems_context_query_terms_and_source() -> None:
    found = features(
        "La Cerveza Corona sube de precio\nLos bares de Mazatlán suben las micheladas",
        prior=CORONA,
        domain="www.expansion.mx",
        author="@Lucia_22",
        owned=True,
        language="es",
    )
    assert {"w:precio", "w:mazatlan", "w:micheladas", "s:miche"} <= found
    assert {"c:sube", "c:precio", "q:corona", "q:cerveza corona", "q:cervez*"} <= found
    assert {"d:expansion.mx", "@:lucia_22", "owned", "lang:es"} <= found
    # Stop words and the brand's own words are no evidence of a sense.
    assert not {"w:de", "w:la", "w:los", "w:corona", "w:cerveza", "c:de"} & found
    # Words far from the brand's name are words, not context.
    assert "c:micheladas" not in found


def test_context_is_taken_around_every_match_and_accents_and_case_do_not_matter() -> None:
    prior = prior_of("corona -cerveza")
    found = features(
        "CORONA: vacuna nueva. Texto largo uno dos tres cuatro cinco Coroná virus", prior=prior
    )
    assert {"c:vacuna", "c:virus", "q:corona"} <= found
    assert "q:cerveza" not in found  # an excluded term is no query term


PUMA = BrandPrior.of(["puma"])
DELTA = BrandPrior.of(["delta"])


def spelled(text: str, prior: BrandPrior = PUMA) -> set[str]:
    return {f for f in features(text, prior=prior) if f.startswith("case:")}


def test_how_the_brand_is_written_in_spanish() -> None:
    assert spelled("Vi un puma en el cerro") == {"case:lower"}
    assert spelled("Me compré unas Puma nuevas") == set()  # a proper name: no feature
    assert spelled("Puma lanza su colección. La PUMA de siempre") == {"case:start", "case:upper"}
    assert spelled("🔥🔥 Puma rebaja todo") == {"case:start"}  # emoji before: still a start
    assert spelled("¡Puma arrasa!") == {"case:start"}
    assert spelled("los #puma de @puma") == {"case:tag", "case:handle"}
    assert spelled("ganó el Puma Energy de la ciudad") == {"case:name_follows"}
    assert spelled("la victoria de Sol de América", BrandPrior.of(["sol"])) == {"case:name_follows"}
    assert spelled("en la Puerta del Sol", BrandPrior.of(["sol"])) == set()
    assert spelled("tomando el sol en la playa", BrandPrior.of(["sol"])) == {"case:lower"}
    assert spelled("PUMÁ en oferta") == {"case:upper"}  # accents do not hide it
    assert spelled("Los pumas ganaron") == set()  # "pumas" is not the query's "puma"


def test_how_the_brand_is_written_in_english() -> None:
    assert spelled("cases of the delta variant rise", DELTA) == {"case:lower"}
    assert spelled("I flew Delta to Atlanta", DELTA) == set()
    assert spelled("Delta cancels 300 flights", DELTA) == {"case:start"}
    assert spelled('Storms today.\n"Delta" says flights are late', DELTA) == {"case:start"}
    assert spelled("my plan with Delta Dental", DELTA) == {"case:name_follows"}
    assert spelled("thanks @Delta, worst airline #delta", DELTA) == {"case:handle", "case:tag"}
    assert spelled("DELTA IS THE BEST", DELTA) == {"case:upper", "case:name_follows"}
    assert spelled("no brand word here", DELTA) == set()


def test_words_of_trade_count_once_or_twice() -> None:
    def trade(text: str) -> set[str]:
        return {f for f in features(text, prior=PUMA) if f.startswith("x:")}

    assert trade("compré unas Puma en la tienda, buen precio") == {"x:commerce", "x:commerce2"}
    assert trade("Puma launches a new running shoe") == {"x:commerce"}
    assert trade("un puma en el cerro") == set()
    assert trade("tienda tienda tienda puma") == {"x:commerce"}  # different words count


def test_the_model_scores_by_its_weights_and_hides_under_the_threshold_unless_marked() -> None:
    model = RelevanceModel(1, {"w:cerveza": 3.0, "w:virus": -3.0}, intercept=0.0, threshold=0.5)
    beer, virus = model.score({"w:cerveza", "w:playa"}), model.score({"w:virus", "w:playa"})
    assert beer > 0.8 and virus < 0.2
    assert abs(beer + virus - 1) < 1e-9  # symmetric weights, symmetric scores
    assert model.score(set()) == model.unsure == 0.499  # no word of its own: just under
    assert is_hidden(verdict=None, score=virus, threshold=0.5)
    assert not is_hidden(verdict=None, score=beer, threshold=0.5)
    assert not is_hidden(verdict="relevant", score=virus, threshold=0.5)  # the mark wins
    assert is_hidden(verdict="irrelevant", score=beer, threshold=0.5)
    assert is_hidden(verdict="irrelevant", score=None, threshold=None)
    assert not is_hidden(verdict=None, score=None, threshold=None)  # no model, no hiding


def test_a_mention_is_shown_only_when_its_own_words_speak_for_the_brand() -> None:
    """How the name is written, the source and words of trade are shared by every company
    called Puma: alone they leave a mention just under the threshold, hidden."""
    weights = {"case:start": 2.0, "x:commerce": 1.0, "d:news.example": 0.5}
    weights |= {"w:zapatillas": 1.5, "s:zapat": 0.5, "w:gasolina": -1.0}
    model = RelevanceModel(1, weights, intercept=0.0, threshold=0.45)
    mentions = {
        "Puma Energy abre una tienda en Lima": False,  # generic evidence only
        "Puma lanza zapatillas nuevas en su tienda": True,
        "Puma baja la gasolina en su tienda": False,  # its own words speak against
    }
    for text, shown in mentions.items():
        found = features(text, prior=PUMA, domain="news.example")
        fast = model.score_mention(words(text), text=text, prior=PUMA, domain="news.example")
        assert abs(model.score(found) - fast) < 1e-12, text
        assert (fast >= model.threshold) == shown, (text, fast)
        assert not is_hidden(verdict="relevant", score=fast, threshold=0.45)  # a mark wins
    generic_only = {"case:start", "x:commerce", "d:news.example", "w:lima"}
    assert model.score(generic_only) == model.unsure == 0.449
    assert model.score(generic_only | {"w:zapatillas"}) > 0.8
    # The brand's own domains and handles speak for it: no words needed.
    text = "Puma abre una tienda en Lima"
    owned = model.score_mention(words(text), text=text, prior=PUMA, owned=True)
    assert owned > 0.7 and owned == model.score(features(text, prior=PUMA, owned=True))


def test_the_review_queue_prefers_uncertain_and_unseen_and_covers_senses() -> None:
    beer = frozenset({"c:cerveza", "q:corona"})
    virus = frozenset({"c:virus", "q:corona"})
    crown = frozenset({"c:reina", "q:corona"})
    candidates = [
        Candidate(1, beer, 0.95),
        Candidate(2, beer, 0.9),
        Candidate(3, virus, 0.52),
        Candidate(4, virus, 0.5),
        Candidate(5, crown, 0.1),
    ]
    # Uncertainty first (the model's own doubt), then what no mark has shown yet.
    assert to_review(candidates, marked=[beer], threshold=0.5, limit=3) == [4, 3, 5]
    sure = [Candidate(c.id, c.features, 0.99 if c.features == beer else 0.01) for c in candidates]
    picked = to_review(sure, marked=[beer], threshold=0.5, limit=3)
    assert set(picked[:2]) & {3, 4} and picked[:2].count(5) == 1  # one of each unseen sense
    assert to_review(candidates, marked=[], threshold=None, limit=0) == []
    assert to_review([], marked=[], threshold=None, limit=5) == []
    # Before any model: the most shared unseen senses first, one of each.
    first = to_review(candidates, marked=[], threshold=None, limit=3)
    assert len(first) == 3 and {1, 2} & set(first) and {3, 4} & set(first)


def test_exclusions_are_words_only_ever_in_irrelevant_marks() -> None:
    weights = {"w:virus": -2.0, "w:vacuna": -1.0, "w:fiebre": -0.5, "w:cerveza": 2.0}
    found = suggested_exclusions(
        weights,
        relevant_words={"cerveza", "fiebre"},
        irrelevant_counts={"virus": 5, "vacuna": 2, "fiebre": 4, "hoy": 1, "corona": 9},
        brand_words={"corona"},
        hidden_counts={"vacuna": 6, "hoy": 10},  # unmarked mentions the model hides
    )
    assert found == ["vacuna", "virus"]  # the widest first: in 8 off-topic mentions, then 5
    unweighted = suggested_exclusions(
        {"w:vacuna": -1.0},  # "virus", in most of the brand's mentions, got no weight
        relevant_words=set(),
        irrelevant_counts={"virus": 5, "vacuna": 4, "fiebre": 3, "hoy": 1},
        brand_words=set(),
    )
    assert unweighted == ["virus", "vacuna"]  # "fiebre": in 3 mentions only
    assert with_exclusions('corona OR "cerveza corona"', found) == (
        'corona OR "cerveza corona" -vacuna -virus'
    )
    assert with_exclusions("corona", []) == "corona"


def test_an_exclusion_names_a_sense_not_a_word_two_marks_happened_to_share() -> None:
    """An exclusion drops mentions at ingest for good: "today" in two irrelevant marks and
    one hidden mention is chance; "faucet" in 12 off-topic mentions of 200 is a sense."""
    weights = {"w:faucet": -1.2, "w:today": -1.5}
    irrelevant, hidden = {"faucet": 3, "today": 2}, {"faucet": 9, "today": 1}

    def suggested(mentions: int) -> list[str]:
        return suggested_exclusions(
            weights,
            relevant_words=set(),
            irrelevant_counts=irrelevant,
            brand_words=set(),
            hidden_counts=hidden,
            mentions=mentions,
        )

    assert suggested(200) == ["faucet"]
    assert suggested(400) == []  # 12 of 400 is under 4%: too small a share to exclude


def test_exclusions_are_counted_from_the_brands_marked_shown_and_hidden_mentions() -> None:
    virus, beer = {"virus", "fiebre"}, {"cerveza", "fiebre"}
    marked = [(virus, False), (virus, False), (beer, True)]
    found = exclusions_from(
        {"w:virus": -1.0},
        marked=marked,
        shown=[beer] * 5,
        hidden=[{"virus"}] * 2,  # "virus" in 4 off-topic mentions of 10: enough
        brand_words={"corona"},
    )
    assert found == ["virus"]  # "fiebre" is in a relevant mark
    assert (
        exclusions_from({}, marked=marked, shown=[beer] * 5, hidden=[{"virus"}], brand_words=set())
        == []
    )  # in 3 only


def test_an_exclusion_would_not_drop_the_mentions_the_model_keeps() -> None:
    weights = {"w:virus": -2.0, "w:nueva": -1.5, "w:ola": -1.0}
    irrelevant = {"virus": 6, "nueva": 3, "ola": 2}  # "nueva vacuna", "nueva ola"
    hidden = {"nueva": 9, "ola": 5}
    # Of 300 unmarked mentions the model shows, 40 say "nueva cerveza", 3 "virus" (off-topic
    # ones it kept: 1%), none "ola".
    found = suggested_exclusions(
        weights,
        relevant_words=set(),
        irrelevant_counts=irrelevant,
        brand_words={"corona"},
        kept_counts={"nueva": 40, "virus": 3},
        kept=300,
        hidden_counts=hidden,
    )
    assert found == ["ola", "virus"]
    # Of only 20 shown mentions, one is enough to keep a word from the suggestions.
    assert suggested_exclusions(
        weights, relevant_words=set(), irrelevant_counts=irrelevant, brand_words=set(), kept=20,
        kept_counts={"nueva": 1}, hidden_counts=hidden,
    ) == ["ola", "virus"]  # fmt: skip


def row(
    last_marked_at: datetime | None = None, trained_at: datetime | None = None
) -> RelevanceModelRow:
    return RelevanceModelRow(brand_id=1, last_marked_at=last_marked_at, trained_at=trained_at)


def test_training_is_debounced_but_never_postponed_for_long() -> None:
    t0 = datetime(2026, 12, 1, 12, tzinfo=UTC)
    later = t0 + timedelta(seconds=2)
    assert should_train(row(last_marked_at=t0), marked_at=t0, now=t0, max_delay=30)
    # A later mark queued its own task: this one leaves the work to it.
    assert not should_train(row(last_marked_at=later), marked_at=t0, now=later, max_delay=30)
    # Unless the marks have waited too long (steady marking).
    assert should_train(
        row(last_marked_at=t0 + timedelta(seconds=40)),
        marked_at=t0,
        now=t0 + timedelta(seconds=41),
        max_delay=30,
    )
    # Trained on every mark already, or nothing marked: nothing to do.
    assert not should_train(
        row(last_marked_at=t0, trained_at=later), marked_at=t0, now=later, max_delay=30
    )
    assert not should_train(row(), marked_at=t0, now=t0, max_delay=30)
    assert not should_train(None, marked_at=t0, now=t0, max_delay=30)


def test_training_needs_marks_of_both_kinds_and_learns_the_senses() -> None:
    prior = prior_of("corona")
    beer = [f"Corona cerveza bien fría en la playa {n}" for n in range(MIN_PER_CLASS)]
    virus = [f"Corona virus contagios y vacuna {n}" for n in range(MIN_PER_CLASS)]
    examples = [Example(features(t, prior=prior), True) for t in beer]
    assert not can_train(examples) and train(examples) is None
    examples += [Example(features(t, prior=prior), False) for t in virus[:-1]]
    assert train(examples) is None
    examples.append(Example(features(virus[-1], prior=prior), False))
    trained = train(examples)
    assert trained is not None
    low, high = THRESHOLD_RANGE
    assert low <= trained.threshold <= high
    assert trained.precision is not None and trained.recall is not None
    model = RelevanceModel(1, trained.weights, trained.intercept, trained.threshold)
    assert model.score(features("Una cerveza Corona en la playa", prior=prior)) > model.threshold
    assert model.score(features("Corona virus: más contagios", prior=prior)) < model.threshold
    # Nothing the marks taught: it leans off-topic.
    assert model.score(features("Corona de Adviento con velas", prior=prior)) < model.threshold
    assert "cerveza" in dict(trained.top_for) and "virus" in dict(trained.top_against)


def test_the_words_shown_for_and_against_are_words_a_reader_can_read() -> None:
    """Numbers and one- or two-letter tokens take weights too ("3", "x", "vs"), but shown on
    the relevance page they tell a marketer nothing."""
    weights = {"w:3": 2.0, "w:x": 1.9, "w:zapatillas": 1.0, "c:vs": -2.0, "w:gasolina": -1.0}
    assert top_weighted(weights, positive=True) == [("zapatillas", 1.0)]
    assert top_weighted(weights, positive=False) == [("gasolina", -1.0)]


def test_features_most_of_the_brands_mentions_have_get_no_weight() -> None:
    mentions = [frozenset({"q:corona", "lang:es", f"w:x{n}"}) for n in range(9)]
    mentions.append(frozenset({"w:x1"}))
    assert ubiquitous(mentions) == {"q:corona", "lang:es"}
    assert ubiquitous([]) == frozenset()
    prior = prior_of("corona")
    beer = [f"Corona cerveza bien fría en la playa {n}" for n in range(4)]
    virus = [f"Corona virus contagios y vacuna {n}" for n in range(4)]
    examples = [Example(features(t, prior=prior, language="es"), True) for t in beer]
    examples += [Example(features(t, prior=prior, language="es"), False) for t in virus]
    trained = train(examples)
    assert trained is not None
    assert "q:corona" not in trained.weights and "lang:es" not in trained.weights


def test_the_fast_weighted_sum_equals_the_features_weights_on_every_stream_text() -> None:
    """What ingest computes (``score_mention``) is what training saw (``features``)."""
    import json
    from pathlib import Path

    for path in sorted((Path(__file__).parents[1] / "fixtures" / "relevance").glob("*.jsonl")):
        lines = path.read_text(encoding="utf-8").splitlines()
        prior = prior_of(json.loads(lines[0])["query"])
        rows = [json.loads(line) for line in lines[1:]]
        examples = [
            Example(features(f"{r['title']}\n{r['text']}", prior=prior), r["relevant"])
            for r in rows[:80]
        ]
        unlabeled = [features(f"{r['title']}\n{r['text']}", prior=prior) for r in rows[80:200]]
        trained = train(examples, unlabeled)
        assert trained is not None
        model = RelevanceModel(1, trained.weights, trained.intercept, trained.threshold)
        for n, r in enumerate(rows):
            text = f"{r['title']}\n{r['text']}"
            domain, owned = f"www.site{n % 3}.example", n % 7 == 0
            author, language = r["author"], r["language"]
            expected = model.score(
                features(
                    text, prior=prior, domain=domain, author=author, owned=owned, language=language
                )
            )
            found = model.score_mention(
                words(text),
                text=text,
                prior=prior,
                domain=domain,
                author=author,
                owned=owned,
                language=language,
            )
            assert abs(found - expected) < 1e-9


def test_the_fast_weighted_sum_counts_how_the_brand_is_written_and_words_of_trade() -> None:
    weights = {"case:lower": -1.0, "case:upper": 0.5, "case:start": 0.25, "case:tag": 0.2}
    weights |= {"case:handle": 0.3, "case:name_follows": -0.7, "x:commerce": 0.9}
    weights |= {"x:commerce2": 0.4, "w:tienda": 0.1}
    model = RelevanceModel(1, weights, intercept=-0.2, threshold=0.5)
    texts = [
        "Vi un puma en el cerro",
        "PUMA lanza su colección\n#puma @puma en la tienda, buen precio",
        "ganó el Puma Energy",
        "İstanbul: Puma abre tienda",  # a capital that lowercases to two characters
        "PUMÁ",
        "",
    ]
    for text in texts:
        expected = model.score(features(text, prior=PUMA))
        found = model.score_mention(words(text), text=text, prior=PUMA)
        assert abs(found - expected) < 1e-12, text
