"""Feed parser benchmark: entries parsed per second, per parser, per fixture file.

Run from the repository root:

    .venv/bin/python -m benchmarks.parsers [--repeats 7] [--min-time 0.05] [DIR ...]

Default folders: the shared real captures (../shared/fixtures, or $ESCUCHA_SHARED_DIR) and
our own tests/fixtures/feeds. Each figure is the median over `--repeats` timed rounds; a
round calls the parser enough times to last at least `--min-time` seconds. Files that a
parser rejects show its error; files with no entries show "-".
"""

import argparse
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import fastfeedparser
import feedparser
from lxml import etree

from scripts.shared_fixtures import shared_fixtures
from sources.feeds import parse_feed
from sources.rss import feed_items

ROOT = Path(__file__).resolve().parents[1]
SHARED = shared_fixtures()
FEED_FOLDERS = ("google_alerts", "google_news", "reddit", "rss_messy", "rss_news")

Parser = Callable[[bytes], int]


def escucha(content: bytes) -> int:
    return len(parse_feed(content, content_type=None).entries)


def escucha_with_text(content: bytes) -> int:
    feed = parse_feed(content, content_type=None)
    return len(feed_items(feed, base_url="https://example.org/", now=datetime.now(UTC)))


def fast_feed_parser(content: bytes) -> int:
    return len(fastfeedparser.parse(content).entries)


def feed_parser(content: bytes) -> int:
    return len(feedparser.parse(content).entries)


def bare_lxml(content: bytes) -> int:
    """A ceiling, not a candidate: lxml parsing only, counting item/entry elements."""
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True)
    root = etree.fromstring(content, parser)
    if root is None:
        return 0
    return sum(
        1 for el in root.iter() if isinstance(el.tag, str) and el.tag.endswith(("item", "entry"))
    )


PARSERS: dict[str, Parser] = {
    "escucha(lxml)": escucha,
    "escucha+text": escucha_with_text,
    "fastfeedparser": fast_feed_parser,
    "feedparser": feed_parser,
    "bare lxml": bare_lxml,
}


def feed_files(folders: list[Path]) -> list[Path]:
    files: list[Path] = []
    for folder in folders:
        if folder == SHARED:
            for name in FEED_FOLDERS:
                files.extend(sorted((folder / name).rglob("*.xml")))
        else:
            files.extend(sorted(p for p in folder.iterdir() if p.suffix in (".xml", ".html")))
    return files


def measure(parse: Parser, content: bytes, *, repeats: int, min_time: float) -> tuple[int, float]:
    """(entries, median seconds per call)."""
    entries = parse(content)
    calls, start = 0, time.perf_counter()
    while time.perf_counter() - start < min_time:
        parse(content)
        calls += 1
    rounds = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(calls):
            parse(content)
        rounds.append((time.perf_counter() - start) / calls)
    return entries, statistics.median(rounds)


def main(argv: list[str] | None = None) -> None:
    args = _arguments(argv)
    folders = [Path(d).resolve() for d in args.dirs] or [SHARED, ROOT / "tests/fixtures/feeds"]
    total_entries = dict.fromkeys(PARSERS, 0)
    total_seconds = dict.fromkeys(PARSERS, 0.0)
    print(f"{'file':<62} {'entries':>7}  " + "  ".join(f"{n:>14}" for n in PARSERS))
    for path in feed_files([f for f in folders if f.is_dir()]):
        content = path.read_bytes()
        cells, counts = [], []
        for name, parse in PARSERS.items():
            try:
                entries, seconds = measure(
                    parse, content, repeats=args.repeats, min_time=args.min_time
                )
            except Exception as exc:  # a rejected file is a result here, not a crash
                cells.append(f"{type(exc).__name__[:14]:>14}")
                continue
            counts.append(entries)
            cells.append(f"{entries / seconds:>14,.0f}" if entries else f"{'-':>14}")
            if entries >= 10:
                total_entries[name] += entries
                total_seconds[name] += seconds
        label = str(path.relative_to(path.parents[1]))[-62:]
        print(f"{label:<62} {max(counts, default=0):>7}  " + "  ".join(cells))
    print("\nFiles with 10+ entries, total entries / total median time:")
    for name in PARSERS:
        seconds = total_seconds[name]
        rate = total_entries[name] / seconds if seconds else 0.0
        print(f"  {name:<16} {rate:>10,.0f} entries/s  ({total_entries[name]} entries)")


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("dirs", nargs="*", help="folders of feed files")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--min-time", type=float, default=0.05)
    return parser.parse_args(argv)


if __name__ == "__main__":
    warnings.simplefilter("ignore")
    sys.setrecursionlimit(10_000)
    main()
