"""Frequent function words of the languages we detect, for the quick first look.

Written for Escucha: short lists of the most frequent words of running text in each language
(articles, pronouns, prepositions, conjunctions, common verbs). A word in several lists counts
for each of them by a share, so words like ``de`` or ``la`` say little on their own.
"""

FUNCTION_WORDS: dict[str, str] = {
    "en": """the and is are was were of to in it this that with for you my i not have has be
        but they on at so just what your me we do will would can from an or if about all
        been very really get them there their our he she his her its than then when who how
        which because did does had being these those only also after before into out up no""",
    "es": """el la los las de del que y en un una es por con no se lo le les para al su sus muy
        pero más mi mis me este esta está están estoy son fue aquí verdad fin ya hay como yo
        qué sin también todo porque cuando ser tiene nos te ni eso esto esa ese donde hoy
        gracias bien así sí otra otro vez tengo hace sólo solo él ella ellos ustedes usted
        nada algo""",
    "pt": """o os as do da dos das não em um uma é com para mais mas foi ao no na nos você
        muito isso está são também pelo pela ele ela eu meu minha que de e se por como já há
        tem ou quando sem obrigado""",
    "fr": """le la les des du de et est une un que qui pas pour dans ce il elle je vous nous sur
        avec au aux mais très plus ne été ont sont cette ces mon ma mes tout fait être avoir
        bien merci""",
    "it": """il lo la gli le di del della che e è un una per non con sono ma anche molto questo
        questa nel nella ho ha più io mi si ci da dei delle alla al come sempre grazie""",
    "de": """der die das und nicht ich sie es ein eine zu mit den von auf für sich auch dem wir
        sehr aber war wie noch ist bei nach aus wenn sind hat habe einen vielen dank""",
    "ca": """el la els les de del i és que un una per amb no em ha molt però més aquest aquesta
        als dels seu seva estat són gràcies""",
    "nl": """de het een en van is dat niet ik je op te met voor zijn maar ook er dit wat heb
        hebben naar bij""",
}


def word_languages() -> dict[str, tuple[str, ...]]:
    """Each function word and the languages whose list holds it."""
    index: dict[str, list[str]] = {}
    for language, words in FUNCTION_WORDS.items():
        for word in sorted(set(words.split())):
            index.setdefault(word, []).append(language)
    return {word: tuple(languages) for word, languages in index.items()}
