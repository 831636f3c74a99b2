from domain.terms import STOP_WORDS, BrandTerms, TermCount, terms_of, top_terms


def test_words_and_adjacent_phrases_of_one_text() -> None:
    brand = BrandTerms.from_query_terms(["acme"])
    assert terms_of("Acme: envío gratis y envío rápido", brand) == {
        "envio", "gratis", "rapido", "envio gratis", "envio rapido",
    }  # fmt: skip


def test_stop_words_of_both_languages_numbers_and_short_words_are_dropped() -> None:
    brand = BrandTerms.from_query_terms([])
    assert terms_of("The price of the new phone es de 300 dólares en la tienda", brand) == {
        "price", "phone", "dolares", "tienda",
    }  # fmt: skip
    assert {"the", "de", "en", "la", "y", "los", "and", "www", "https"} <= STOP_WORDS


def test_the_brand_own_terms_words_of_phrases_and_prefixes_are_dropped() -> None:
    brand = BrandTerms.from_query_terms(["coca cola", "coke", "oxx*"])
    assert terms_of("Coca-Cola and Coke at OXXO stores tonight", brand) == {
        "stores", "tonight", "stores tonight",
    }  # fmt: skip


def test_counts_are_mentions_using_the_term_and_need_two() -> None:
    texts = [
        "Free shipping, free shipping, FREE SHIPPING!",  # counts once
        "Acme announces free shipping",
        "Acme is wonderful",
        "wonderful service",
    ]
    assert top_terms(texts, brand_terms=["acme"]) == [
        TermCount("free", 2),
        TermCount("free shipping", 2),
        TermCount("shipping", 2),
        TermCount("wonderful", 2),
    ]


def test_ties_are_alphabetical_and_the_list_is_limited() -> None:
    texts = ["zeta alpha", "alpha zeta", "beta gamma", "gamma beta"]
    assert top_terms(texts, brand_terms=[], limit=3) == [
        TermCount("alpha", 2),
        TermCount("beta", 2),
        TermCount("gamma", 2),
    ]


def test_no_texts_no_terms() -> None:
    assert top_terms([], brand_terms=["acme"]) == []
