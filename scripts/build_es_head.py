"""Fit the Spanish model's head and write ``domain/sentiment_es/data/head_*.tsv``.

Build time only, never at run time, in a throw-away virtualenv (not the project's):

    python3.11 -m venv /tmp/eshead-venv
    /tmp/eshead-venv/bin/pip install numpy==2.4.6 scipy==1.17.1 scikit-learn==1.9.1 \
        microtc==2.4.13 b4msa==2.2.4 vaderSentiment==3.3.2
    /tmp/eshead-venv/bin/pip download evomsa==2.0.14 --no-deps --no-binary evomsa \
        --no-build-isolation -d /tmp/evomsa_src   # may fail after fetching: the sdist is kept
    tar xzf evomsa-2.0.14.tar.gz -C /tmp/evomsa_src   # (pip leaves it in its unpack folder)
    PYTHONPATH=. /tmp/eshead-venv/bin/python scripts/build_es_head.py \
        /tmp/evomsa_src/evomsa-2.0.14/EvoMSA [--designs]

(microtc and b4msa only check that ``domain.sentiment_es.emo`` gives emo_Es's own tokens on
every text.) The tweets and the models stay in /tmp: only the fitted weights are written.

What is fitted: a multinomial logistic regression over these blocks, each text being
- emo_Es's 64 emoji decision values (``x @ W + b``, x the text's TF-IDF vector), and when a
  design asks for them ha_Es's 3 sentiment decision values (evomsa 2.0.14's two models share
  one vocabulary; the chosen design leaves ha_Es out), standardised;
- the rule and style features of ``domain.sentiment_es.features``, standardised;
- the TF-IDF vector itself times ``scale`` (a weaker L2 penalty on the per-token weights).
Texts (``scripts/es_corpora.py``): five sets, ``tweets`` (evomsa's 1,000), ``brand`` (the
shared fixtures' 900 brand mentions, CC0), ``own`` (our 360 development texts), ``own
tweets`` (our 720 development tweets) and ``hard tweets`` (600 messier ones of
ours); each set counts as its weight in total (``WEIGHTS``) and the classes equally within
it. Never ``es_own_test.tsv``, ``es_tweets_test.tsv`` nor ``es_tweets_hard_test.tsv``.

How it is judged, on each set, with 95% bootstrap intervals:
- ``CV``: 5-fold cross-validation stratified by set and label (seed 0), held-out folds only;
- ``LOSO``: leave one set out: a head fitted on the other sets scores it, the nearest
  we have to texts of a distribution never seen (the tweets the issue is judged on were not);
Tweets are weighed to balanced classes (the unseen set is balanced). The neutral decision: a
shift added to the neutral logit (a prior, not the training balance), chosen on the pooled
dev sets: the shift maximising the macro-F1 of all five sets' out-of-fold rows at once (each
set weighing equally), CV and LOSO summed. (The shift maximising the worst figure alone was
tried: it bought LOSO on the tweets 0.01 with fewer neutral calls, and cost every other set
up to 0.04.) ``--designs`` then compares the designs of ``DESIGNS`` by the worst of the ten
macro-F1 figures (five sets, CV and LOSO) at that shift, never by one set. Everything is
then collapsed into one bias and one weight per class for each rule feature and each token,
centred across the classes, the neutral shift in the bias, and written with the tokens' IDF.
"""

import sys
from pathlib import Path
from typing import Any

import numpy as np

from domain.sentiment_es.features import FEATURE_NAMES, rule_features
from domain.sentiment_es.head import CLASSES, load_head, probabilities
from domain.sentiment_es.scorer import analyse
from scripts.es_corpora import brand_mentions, evomsa_tweets, hard_tweets, own_dev, own_tweets
from scripts.es_head_fit import (
    Data,
    Design,
    Head,
    Rows,
    bootstrap,
    cv_split,
    decide,
    leave_one_set_out,
    load_model,
    out_of_fold,
    pooled_f1,
    set_f1,
)

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "domain" / "sentiment_es" / "data"
SETS = ("tweets", "brand", "own", "own tweets", "hard tweets")
SHIFTS = np.round(np.arange(-1.5, 2.01, 0.1), 2)
V2_RULES = tuple(range(23))  # the rule features of escucha-es-v2, without the style ones
V3_RULES = tuple(range(30))  # escucha-es-v3's: the first seven style features
NEWS = tuple(range(30, 34))  # numbers, dates, reported, headline
SHAPE = tuple(range(34, 38))  # check_in, reply, content_words, few_words


def _weights(own_tweets: float, hard: float) -> tuple[tuple[str, float], ...]:
    return (
        ("tweets", 1.0),
        ("brand", 1.0),
        ("own", 1.0),
        ("own tweets", own_tweets),
        ("hard tweets", hard),
    )


WEIGHTS = _weights(1.0, 0.5)
DESIGN = Design(scale=6.0, c=0.03, emo=True, ha=False, set_weights=WEIGHTS)
WITHOUT_OWN_TWEETS = _weights(0.0, 0.5)
V4_WEIGHTS = _weights(0.5, 0.0)
DESIGNS = {
    "v3: v3's features, without our tweets": Design(
        ha=False, rule_mask=V3_RULES, set_weights=WITHOUT_OWN_TWEETS
    ),
    "v3's features, with our tweets (weight 0.5)": Design(
        ha=False, rule_mask=V3_RULES, set_weights=WEIGHTS
    ),
    "+ news style": Design(ha=False, rule_mask=V3_RULES + NEWS, set_weights=WEIGHTS),
    "+ tweet shape": Design(ha=False, rule_mask=V3_RULES + SHAPE, set_weights=WEIGHTS),
    "v4: + news style + tweet shape, without the hard tweets": Design(
        ha=False, set_weights=V4_WEIGHTS
    ),
    "same, the hard tweets weigh 0.5": Design(ha=False, set_weights=_weights(0.5, 0.5)),
    "same, the hard tweets weigh 1": Design(ha=False, set_weights=_weights(0.5, 1.0)),
    "v5: hard tweets 0.5, our tweets 1 (chosen)": DESIGN,
    "v5 without our 720 tweets": Design(ha=False, set_weights=WITHOUT_OWN_TWEETS),
    "same, our tweets weigh 0.25": Design(ha=False, set_weights=_weights(0.25, 0.5)),
    "same, our tweets weigh 1.5": Design(ha=False, set_weights=_weights(1.5, 0.5)),
    "same, hard tweets 1": Design(ha=False, set_weights=_weights(1.0, 1.0)),
    "same, with ha_Es": Design(ha=True, set_weights=WEIGHTS),
}


def read_rows(evomsa: Path) -> Rows:
    brand = brand_mentions()
    if brand is None:
        raise SystemExit("the shared fixtures' sentiment_es_brand/mentions.tsv is needed")
    rows = [(t, label, "tweets") for t, label in evomsa_tweets(evomsa / "tests" / "tweets.json")]
    rows += [(t, label, "brand") for t, label in brand]
    rows += [(t, label, "own") for t, label in own_dev()]
    rows += [(t, label, "own tweets") for t, label in own_tweets()]
    return rows + [(t, label, "hard tweets") for t, label in hard_tweets()]


def figures_of(data: Data, cv: Any, loso: Any, shift: float) -> dict[str, float]:
    result = {}
    for name, logits in (("CV", cv), ("LOSO", loso)):
        predicted = decide(logits, shift)
        for which in SETS:
            result[f"{name} {which}"] = float(set_f1(data, predicted, which).mean())
    return result


def pooled(cv: Any, loso: Any, data: Data, shift: float) -> float:
    """The pooled macro-F1 of the CV and of the LOSO logits, summed."""
    return sum(pooled_f1(data, decide(logits, shift)) for logits in (cv, loso))


def choose_shift(data: Data, cv: Any, loso: Any) -> tuple[float, dict[str, float]]:
    """The neutral shift maximising the pooled macro-F1 of all sets (then the worst of the
    eight figures): one prior for all text, not the one that suits the worst set alone."""
    scored = [
        (float(s), round(pooled(cv, loso, data, float(s)), 6), figures_of(data, cv, loso, float(s)))
        for s in SHIFTS
    ]
    shift, _, figures = max(scored, key=lambda p: (p[1], min(p[2].values())))
    return shift, figures


def evaluate(data: Data, design: Design) -> tuple[Any, Any, float, dict[str, float]]:
    cv = out_of_fold(data, cv_split(data, seed=0), design)
    loso = leave_one_set_out(data, design)
    shift, figures = choose_shift(data, cv, loso)
    return cv, loso, shift, figures


def print_figures(label: str, figures: dict[str, float], shift: float) -> None:
    cells = " | ".join(f"{k} {v:.3f}" for k, v in figures.items())
    print(f"  {label}: worst {min(figures.values()):.3f} at neutral shift {shift:+.1f}; {cells}")


def print_intervals(data: Data, name: str, logits: Any, shift: float) -> None:
    predicted = decide(logits, shift)
    print(f"  {name}: macro-F1, then F1 of {', '.join(CLASSES)} [95% bootstrap interval]")
    for which in SETS:
        mask = data.sets == which
        point, low, high = bootstrap(data.labels[mask], predicted[mask], balanced=True)
        cells = [f"{p:.3f} [{lo:.3f}-{hi:.3f}]" for p, lo, hi in zip(point, low, high, strict=True)]
        print(f"    {which:10s} " + "  ".join(cells))


def write_head(head: Head, shift: float) -> None:
    bias, rules, tokens = head.collapsed(shift)
    names = {i: t for t, i in head.data.vocabulary.items()}
    header = "\t".join(CLASSES)
    rule_lines = [
        "# The Spanish model's bias and weights on the rule features (features.py), per class;",
        f"# fitted by scripts/build_es_head.py; the bias holds the neutral shift ({shift:+.2f}).",
        "# A positive weight favours the class.",
        f"feature\t{header}",
        "bias\t" + "\t".join(f"{v:.6g}" for v in bias),
    ]
    rule_lines += [
        name + "\t" + "\t".join(f"{v:.6g}" for v in row)
        for name, row in zip(FEATURE_NAMES, rules, strict=True)
    ]
    models = "emo_Es and ha_Es" if head.design.ha else "emo_Es"
    token_lines = [
        f"# The Spanish model's weights on emo_Es's tokens, per class: {models} (evomsa",
        "# 2.0.14, Apache-2.0) collapsed through the head fitted by scripts/build_es_head.py,",
        "# plus the head's own weight; idf is emo_Es's. A positive weight favours the class.",
        f"token\tidf\t{header}",
    ]
    token_lines += [
        f"{names[i]}\t{head.data.idf[names[i]]:.6g}\t" + "\t".join(f"{v:.4g}" for v in tokens[i])
        for i in sorted(names)
    ]
    (DATA / "head_rules.tsv").write_text("\n".join(rule_lines) + "\n", encoding="utf-8")
    (DATA / "head_tokens.tsv").write_text("\n".join(token_lines) + "\n", encoding="utf-8")


def check_runtime(head: Head, shift: float) -> None:
    load_head.cache_clear()
    rows = np.arange(len(head.data.labels))
    logits = head.logits(rows)
    logits[:, CLASSES.index("neutral")] += shift
    expected = np.exp(logits - logits.max(axis=1, keepdims=True))
    expected /= expected.sum(axis=1, keepdims=True)
    worst, disagreements = 0.0, 0
    for text, want in zip(head.data.texts, expected, strict=True):
        got = probabilities(text, rule_features(analyse(text), text))
        worst = max(worst, float(np.abs(np.array(got) - want).max()))
        disagreements += int(np.argmax(got) != np.argmax(want))
    print(f"run-time check: max |p difference| {worst:.2e}, {disagreements} labels differ")
    if worst > 1e-3:
        raise SystemExit("the written head does not reproduce the fitted model")


def main(evomsa: Path, compare: bool) -> None:
    rows = read_rows(evomsa)
    models = evomsa / "models"
    data = Data(rows, load_model(models / "emo_Es.tm"), load_model(models / "ha_Es.tm"))
    counts = {which: int((data.sets == which).sum()) for which in SETS}
    print(f"{len(rows)} texts {counts}, {len(data.vocabulary)} tokens, features checked")
    if compare:
        print("designs (CV: 5-fold, seed 0; LOSO: leave one set out; macro-F1):")
        for label, design in DESIGNS.items():
            _, _, shift, figures = evaluate(data, design)
            print_figures(label, figures, shift)
    cv, loso, shift, figures = evaluate(data, DESIGN)
    print(f"chosen design {DESIGN}")
    print_figures("with the chosen neutral shift", figures, shift)
    print_figures("without a shift", figures_of(data, cv, loso, 0.0), 0.0)
    print_intervals(data, "CV", cv, shift)
    print_intervals(data, "LOSO", loso, shift)
    head = Head(data, np.arange(len(rows)), DESIGN)
    write_head(head, shift)
    check_runtime(head, shift)


if __name__ == "__main__":
    main(Path(sys.argv[1]), "--designs" in sys.argv[2:])
