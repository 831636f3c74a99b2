"""Write the relevance streams under tests/fixtures/relevance/: for three brands whose
names mean other things (Corona: the beer, not the virus or a crown; Jaguar: the cars, not
the animal, the console or the guitar; Mango: the fashion retailer, not the fruit or a
handle), in Spanish and in English, 400 mentions each in arrival order, each labelled
`relevant` as the brand's team would mark it.

The texts are ours: sentences written for these streams, put together at random (seeded,
so the files are reproducible) with the variety of real mentions: headlines, bodies of one
to three sentences, short posts with hashtags, senses in different proportions, words the
senses share ("precio", "nuevo", "México"...), and the cross-over cases that make the task
hard (a beer story that mentions the pandemic, a car review that mentions the animal on
the badge, a fashion post about a mango-coloured dress).

    python scripts/build_relevance_streams.py
"""

import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from domain.query import parse_query

OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "relevance"
SIZE = 400

FILL: dict[str, dict[str, list[str]]] = {
    "es": {
        "city": ["CDMX", "Monterrey", "Guadalajara", "Madrid", "Barcelona", "Bogotá", "Lima",
                 "Buenos Aires", "Santiago", "Sevilla", "Puebla", "Cancún", "Valencia", "Quito"],
        "n": ["3", "5", "12", "20", "48", "150", "2.000", "7", "30", "9"],
        "pct": ["4%", "7,5%", "12%", "18%", "2,3%", "25%", "9%"],
        "day": ["este lunes", "el fin de semana", "hoy", "ayer", "este viernes", "en marzo",
                "la próxima semana", "en verano", "esta tarde"],
        "name": ["Lucía", "Carlos", "Mariana", "Javier", "Sofía", "Diego", "Valeria", "Andrés"],
        "country": ["México", "España", "Colombia", "Perú", "Argentina", "Chile", "Ecuador"],
    },
    "en": {
        "city": ["London", "Chicago", "Austin", "Miami", "Toronto", "Sydney", "Denver",
                 "Manchester", "Phoenix", "Seattle", "Dublin", "San Diego", "Atlanta"],
        "n": ["3", "5", "12", "20", "48", "150", "2,000", "7", "30", "9"],
        "pct": ["4%", "7.5%", "12%", "18%", "2.3%", "25%", "9%"],
        "day": ["on Monday", "this weekend", "today", "yesterday", "on Friday", "in March",
                "next week", "this summer", "tonight"],
        "name": ["Emma", "Jake", "Olivia", "Marcus", "Priya", "Liam", "Hannah", "Noah"],
        "country": ["the US", "the UK", "Canada", "Australia", "Ireland", "Mexico"],
    },
}  # fmt: skip

BANKS = Path(__file__).resolve().parent / "relevance_banks"
STREAMS = {
    "corona_es": ("Corona", "es"), "corona_en": ("Corona", "en"),
    "jaguar_es": ("Jaguar", "es"), "jaguar_en": ("Jaguar", "en"),
    "mango_es": ("Mango", "es"), "mango_en": ("Mango", "en"),
}  # fmt: skip
SOCIAL = ("x.com", "instagram.com", "reddit.com", "nextdoor.com")


@dataclass
class Sense:
    name: str
    relevant: bool
    weight: float
    start: int = 0  # appears from this arrival on (a topic that comes up later)
    domains: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    bodies: list[str] = field(default_factory=list)
    posts: list[str] = field(default_factory=list)


def read_bank(path: Path) -> tuple[list[Sense], Sense]:
    """A bank: "# sense: name | relevant|irrelevant | weight [| from N]" then lines
    "domains: a, b", "t: title", "b: body sentence", "p: post"; lines before any sense
    (the generic banks: filler any mention may carry) come back as a sense of their own."""
    loose = Sense("generic", False, 0)
    senses: list[Sense] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# sense:"):
            parts = [part.strip() for part in line.removeprefix("# sense:").split("|")]
            start = int(parts[3].removeprefix("from").strip()) if len(parts) > 3 else 0
            senses.append(Sense(parts[0], parts[1] == "relevant", float(parts[2]), start))
        elif line.startswith("domains:"):
            senses[-1].domains = [d.strip() for d in line.removeprefix("domains:").split(",")]
        elif line[:3] in ("t: ", "b: ", "p: "):
            target = {"t": "titles", "b": "bodies", "p": "posts"}[line[0]]
            getattr(senses[-1] if senses else loose, target).append(line[3:].strip())
    return senses, loose


def _fill(template: str, rng: random.Random, language: str) -> str:
    values = {key: rng.choice(options) for key, options in FILL[language].items()}
    return template.format(**values)


def _mention(
    rng: random.Random, sense: Sense, generic: Sense, language: str, number: int
) -> dict[str, Any]:
    domain = rng.choice(sense.domains) if sense.domains else "x.com"
    social = domain in SOCIAL or not sense.titles
    if sense.posts and (social or rng.random() < 0.15):
        parts = [rng.choice(sense.posts)]
        if sense.bodies and rng.random() < 0.3:
            parts.append(rng.choice(sense.bodies))
        if rng.random() < 0.25:
            parts.append(rng.choice(generic.posts))
        title, text = "", " ".join(_fill(part, rng, language) for part in parts)
        handle = rng.choice(FILL[language]["name"]).lower()
        author: str | None = f"@{handle}{rng.randrange(1, 999)}"
        domain = domain if domain in SOCIAL else "x.com"
    else:
        title = _fill(rng.choice(sense.titles), rng, language)
        count = min(len(sense.bodies), rng.randint(1, 3))
        sentences = rng.sample(sense.bodies, k=count)
        if rng.random() < 0.4:
            sentences.insert(rng.randrange(len(sentences) + 1), rng.choice(generic.bodies))
        text = " ".join(_fill(sentence, rng, language) for sentence in sentences)
        author = rng.choice([None, rng.choice(FILL[language]["name"]) + " " + rng.choice(
            ["Redacción", "Staff", "López", "Smith", "García", "Brown"]
        )])  # fmt: skip
    return {
        "url": f"https://{domain}/{number}",
        "title": title,
        "text": text,
        "author": author,
        "language": language,
        "relevant": sense.relevant,
        "sense": sense.name,
    }


def build(name: str) -> list[dict[str, Any]]:
    brand, language = STREAMS[name]
    query = parse_query(brand.lower())
    senses, _ = read_bank(BANKS / f"{name}.txt")
    _, generic = read_bank(BANKS / f"generic_{language}.txt")
    rng = random.Random(name)
    rows: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    while len(rows) < SIZE:
        open_senses = [sense for sense in senses if sense.start <= len(rows)]
        sense = rng.choices(open_senses, [sense.weight for sense in open_senses])[0]
        row = _mention(rng, sense, generic, language, len(rows))
        key = (row["title"], row["text"])
        if key in seen:  # a stream stores one mention per text, as dedup would
            continue
        if not query.matches(f"{row['title']}\n{row['text']}"):
            continue  # ingest stores only what the brand's query matches
        seen.add(key)
        rows.append(row)
    return rows


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, (brand, _language) in STREAMS.items():
        rows = build(name)
        with (OUT / f"{name}.jsonl").open("w", encoding="utf-8") as out:
            out.write(json.dumps({"brand": brand, "query": brand.lower()}) + "\n")
            for row in rows:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
        share = sum(r["relevant"] for r in rows) / len(rows)
        print(f"{name}: {len(rows)} mentions, {share:.0%} relevant")


if __name__ == "__main__":
    main()
