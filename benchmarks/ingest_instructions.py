"""Ingest in instructions: how many machine instructions storing one new item takes, counted
by valgrind's callgrind, on the path and texts of benchmarks/ingest.py.

This machine's timings move by 5-10% between two runs of the same code, more than most
single changes to ingest; an instruction count does not move (the same code gives the same
count to within 0.1%), so a change is judged here and its effect on time confirmed with
benchmarks/ingest.py. Run from the repository root (valgrind must be installed):

    .venv/bin/python -m benchmarks.ingest_instructions [--feeds 100]

It re-runs itself under callgrind with collection off; inside, it stores a warm-up unit of
`--feeds` RSS feeds of 20 entries for one brand, then counts only while a second brand's unit
of the same feeds is stored (`store_unit`, through `operator.call`, the one C function whose
entry and exit switch counting on and off), and prints the instructions per new item. SQLite,
`PYTHONHASHSEED=0` (set hashes, so the same work every run); callgrind slows Python about 50
times, so a run takes a minute or two.
"""

import argparse
import gc
import operator
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.ingest import ENTRIES, build_feeds, new_brand, prepare_database, store_unit

_COLLECTED = re.compile(r"Collected : ([\d,]+)")


def count(feeds: int) -> None:
    """The child: store one unit to warm up, then the counted one."""
    documents, _texts = build_feeds(feeds)
    from services.ingest import load_models
    from sources import rss  # noqa: F401  (imported as a worker imports it)

    load_models()
    gc.freeze()  # as a worker does once its models are loaded (workers.app)
    prepare_database(f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}")
    warm_brand, counted_brand = new_brand(feeds), new_brand(feeds)
    store_unit(documents, warm_brand[1], warm_brand[2])
    operator.call(store_unit, documents, counted_brand[1], counted_brand[2])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=100)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        count(args.feeds)
        return
    os.environ.setdefault("ESCUCHA_DATA_DIR", tempfile.mkdtemp(prefix="escucha-bench-"))
    command = [
        "valgrind", "--tool=callgrind", "--cache-sim=no", "--collect-atstart=no",
        "--toggle-collect=*_operator_call*", "--callgrind-out-file=/dev/null",
        sys.executable, "-m", "benchmarks.ingest_instructions", "--child",
        "--feeds", str(args.feeds),
    ]  # fmt: skip
    done = subprocess.run(
        command, env={**os.environ, "PYTHONHASHSEED": "0"}, capture_output=True, text=True
    )
    found = _COLLECTED.search(done.stderr)
    if done.returncode != 0 or found is None:
        sys.exit(f"callgrind failed (exit {done.returncode}):\n{done.stderr[-2000:]}")
    items = args.feeds * ENTRIES
    instructions = int(found.group(1).replace(",", ""))
    print(f"{items} new items stored (SQLite): {instructions / items:,.0f} instructions an item")


if __name__ == "__main__":
    main()
