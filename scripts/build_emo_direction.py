"""Build ``domain/sentiment_es/data/emo_direction.tsv`` from evomsa's emo_Es model.

Build time only, never at run time. In a throw-away virtualenv (not the project's):

    python -m venv /tmp/emo && /tmp/emo/bin/pip install b4msa==2.2.4 microtc==2.4.13 numpy
    /tmp/emo/bin/pip download evomsa==2.0.14 --no-deps --no-binary :all: -d /tmp/emo-src
    tar xzf /tmp/emo-src/evomsa-2.0.14.tar.gz -C /tmp/emo-src
    PYTHONPATH=. /tmp/emo/bin/python scripts/build_emo_direction.py \
        /tmp/emo-src/evomsa-2.0.14/EvoMSA/models/emo_Es.tm \
        /tmp/emo-src/evomsa-2.0.14/EvoMSA/tests/tweets.json

emo_Es (Apache-2.0) holds 64 linear classifiers (one per emoji) over a TF-IDF vector. The
direction is ``W @ (v - mean(v))`` where ``v`` are our own valences of those 64 emoji
(``data/emoji.tsv``; emoji not in it count as 0) and ``W`` the classifiers' weights; the bias
is ``b @ (v - mean(v))``. The centre and scale written with it are the median and standard
deviation of the raw score over the texts of the given JSON-lines file (only the texts are
read, never their labels). The script also checks that our feature code
(``domain.sentiment_es.emo.features``) gives the model's own tokens on every one of them.
"""

import gzip
import json
import pickle
import statistics
import sys
import types
from pathlib import Path
from typing import Any

import numpy as np

from domain.sentiment_es.emo import features

DATA = Path(__file__).resolve().parents[1] / "domain" / "sentiment_es" / "data"


class _LabeledDataSet:
    """Stands in for EvoMSA.model.LabeledDataSet so the pickle loads without EvoMSA."""

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)


def _load_model(path: Path) -> Any:
    package, module = types.ModuleType("EvoMSA"), types.ModuleType("EvoMSA.model")
    module.LabeledDataSet = _LabeledDataSet  # type: ignore[attr-defined]
    sys.modules.update({"EvoMSA": package, "EvoMSA.model": module})
    with gzip.open(path) as handle:
        return pickle.load(handle)  # the Apache-2.0 model file of a pinned sdist


def _valences(labels: list[str]) -> Any:
    table: dict[str, float] = {}
    for line in (DATA / "emoji.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            key, value = line.split("\t")
            table[key] = float(value)
    values = np.array([table.get(label.replace("\ufe0f", ""), 0.0) for label in labels])
    return values - values.mean()


def main(model_path: Path, texts_path: Path) -> None:
    model = _load_model(model_path)
    text_model, tfidf = model._textModel, model._textModel.model
    valences = _valences(list(model._labels))
    coef = np.array(model._coef).reshape(-1, len(model._intercept))
    direction = coef @ valences
    bias = float(np.array(model._intercept) @ valences)
    tokens = {index: token for token, index in tfidf._w2id.items()}

    texts = [json.loads(line)["text"] for line in texts_path.read_text("utf-8").splitlines()]
    raw = []
    for text in texts:
        if features(text) != text_model.tokenize(text):
            raise SystemExit(f"feature mismatch on {text!r}")
        raw.append(bias + sum(direction[k] * v for k, v in text_model[text]))

    lines = [
        "# emo_Es emoji-valence direction (evomsa 2.0.14, Apache-2.0); built by",
        "# scripts/build_emo_direction.py. token<TAB>idf<TAB>weight.",
        f"# bias = {bias:.6f}",
        f"# center = {statistics.median(raw):.6f}",
        f"# scale = {statistics.pstdev(raw):.6f}",
    ]
    lines += [f"{tokens[i]}\t{tfidf._weight[i]:.4f}\t{direction[i]:.5g}" for i in sorted(tokens)]
    (DATA / "emo_direction.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(tokens)} tokens, bias {bias:.3f}, {len(texts)} texts checked")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
