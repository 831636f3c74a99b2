"""Polling throughput, side by side with the `reader` library, on one machine.

Run from the repository root (reader installed for the benchmark only:
`.venv/bin/pip install reader==3.26`; 3.27 needs Python 3.12):

    .venv/bin/python -m benchmarks.polling [--feeds 1000] [--processes 2] [--threads 16]

A feed farm runs in its own process (tests.support.feed_server: one write per response on
a TCP_NODELAY socket; every feed has an ETag and Last-Modified, so a second round is all
304s). Each feed has 20 entries, real texts (VADER ground truth, our Spanish set), every
entry naming the brand, so that Escucha matches, detects the language, scores and stores
every one: its worst case.

- Escucha: `--processes` worker processes, each running its share of the sources in
  batches of `--batch` through our real `services.polling.poll_sources`, what a
  `sources.poll_batch` task runs (leases, conditional GETs on `--threads` threads, parse,
  match, canonical URL, language, sentiment, dedup, store, attempts recorded), on
  PostgreSQL (`--postgres`, default the `bench` database) or SQLite (`--postgres ''`).
- reader: `make_reader(...).update_feeds(workers=--reader-workers)` in its own process.

Each does a full round (every feed new) and a 304 round; we print seconds, the ratio
(reader's seconds / Escucha's) and each worker process's peak RSS.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

from core.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
ENTRIES = 20
DEFAULT_BATCH = Settings.model_fields["poll_batch_size"].default  # what workers use
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/bench"


# ------------------------------------------------------------------ the farm (own process)


def write_feeds(folder: Path, feeds: int, per_feed: int = ENTRIES) -> None:
    from benchmarks.ingest import BRAND, corpus_texts
    from tests.support.feeds import Entry, rss2

    texts = corpus_texts(feeds * per_feed)
    start = datetime(2026, 11, 1, tzinfo=UTC)
    for f in range(feeds):
        entries = [
            Entry(
                title=f"{BRAND}: {texts[f * per_feed + e][:70]}",
                link=f"https://news{f % 50}.example.org/{f}/{e}?utm_source=rss",
                summary=texts[f * per_feed + e],
                published=start + timedelta(minutes=f * per_feed + e),
            )
            for e in range(per_feed)
        ]
        (folder / f"{f}.xml").write_bytes(rss2(entries))


def serve_farm(folder: Path, hosts: int = 1) -> None:
    """Serve every file of `folder` at /NAME with an ETag and Last-Modified, on `hosts`
    loopback addresses (127.0.0.1, 127.0.0.2, ...); print their base URLs as a JSON list."""
    import signal
    import threading

    from tests.support.feed_server import FeedServer

    modified = format_datetime(datetime(2026, 11, 1, tzinfo=UTC), usegmt=True)
    feeds = [(path.name, path.stem, path.read_bytes()) for path in folder.glob("*.xml")]
    servers = []
    for n in range(1, hosts + 1):
        server = FeedServer(host=f"127.0.0.{n}")
        for name, stem, body in feeds:
            server.serve(f"/{name}", body, etag=f'"{stem}-1"', last_modified=modified)
        servers.append(server.start())
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    print(json.dumps([f"http://{s.host}:{s.port}" for s in servers]), flush=True)
    stopping.wait()
    for server in servers:
        server.stop()


def start_farm(folder: Path, hosts: int = 1) -> tuple["subprocess.Popen[str]", list[str]]:
    """The farm in its own process; returns it and its base URLs."""
    farm = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "benchmarks.polling",
            "--farm",
            str(folder),
            "--farm-hosts",
            str(hosts),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert farm.stdout is not None
    return farm, list(json.loads(farm.stdout.readline()))


# ------------------------------------------------------------------ Escucha (own processes)


def escucha_worker(ids: list[int], rounds: int) -> None:
    """Poll `ids` once per round (the parent says go on stdin), batch after batch as a
    worker runs the scheduler's `sources.poll_batch` tasks; print JSON per round."""
    from core.logging import configure_logging
    from core.resources import http_client
    from core.settings import get_settings
    from services.ingest import load_models
    from services.polling import poll_sources

    configure_logging()  # to stderr: stdout carries our JSON lines
    http_client()
    load_models()
    size = get_settings().poll_batch_size
    for _ in range(rounds):
        print(json.dumps({"ready": True}), flush=True)
        sys.stdin.readline()
        began = time.perf_counter()
        cpu_began = time.process_time()
        reports = []
        for start in range(0, len(ids), size):
            reports += poll_sources(ids[start : start + size], force=True)
        seconds = time.perf_counter() - began
        statuses: dict[str, int] = {}
        for report in reports:
            statuses[report.status] = statuses.get(report.status, 0) + 1
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        cpu = time.process_time() - cpu_began
        done = {"seconds": seconds, "statuses": statuses, "rss_mb": rss, "cpu": cpu}
        print(json.dumps(done), flush=True)


def make_sources(base: str, feeds: int) -> list[int]:
    from core.db import session_scope
    from models.tables import Source
    from tests.support.scenario import brand_with_sources

    brand_id, [first] = brand_with_sources([f"{base}/0.xml"], kind="rss")
    ids = [first]
    with session_scope() as session:
        brand_source = session.get(Source, first)
        assert brand_source is not None
        for f in range(1, feeds):
            source = Source(
                workspace_id=brand_source.workspace_id,
                brand_id=brand_id,
                kind="rss",
                url=f"{base}/{f}.xml",
            )
            session.add(source)
            session.flush()
            assert source.id is not None
            ids.append(source.id)
    return ids


def run_escucha(args: argparse.Namespace, base: str, env: dict[str, str]) -> list[dict[str, float]]:
    ids = make_sources(base, args.feeds)
    shares = [ids[n :: args.processes] for n in range(args.processes)]
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "benchmarks.polling",
                "--worker",
                json.dumps(share),
            ],
            env=env,
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for share in shares
    ]
    rounds = []
    for _ in range(2):
        for worker in workers:  # every process warmed up and waiting
            assert worker.stdout is not None
            json.loads(worker.stdout.readline())
        began = time.perf_counter()
        for worker in workers:
            assert worker.stdin is not None
            worker.stdin.write("go\n")
            worker.stdin.flush()
        results = [json.loads(w.stdout.readline()) for w in workers if w.stdout is not None]
        seconds = time.perf_counter() - began
        statuses: dict[str, int] = {}
        for result in results:
            for status, count in result["statuses"].items():
                statuses[status] = statuses.get(status, 0) + count
        rss = max(result["rss_mb"] for result in results)
        cpu = sum(result["cpu"] for result in results)
        rounds.append({"seconds": seconds, "rss_mb": rss, "statuses": statuses, "cpu": cpu})
    for worker in workers:
        worker.wait(timeout=30)
    return rounds


# ------------------------------------------------------------------ reader (own process)


def reader_worker(base: str, feeds: int, workers: int) -> None:
    from reader import make_reader

    folder = Path(tempfile.mkdtemp(prefix="reader-bench-"))
    reader = make_reader(str(folder / "reader.sqlite"))
    for f in range(feeds):
        reader.add_feed(f"{base}/{f}.xml")
    for _ in range(2):
        began, cpu_began = time.perf_counter(), time.process_time()
        reader.update_feeds(workers=workers, scheduled=False)  # every feed, as ours
        seconds, cpu = time.perf_counter() - began, time.process_time() - cpu_began
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        entries = reader.get_entry_counts().total
        report = {"seconds": seconds, "rss_mb": rss, "entries": entries, "cpu": cpu}
        print(json.dumps(report), flush=True)


def run_reader(args: argparse.Namespace, base: str) -> list[dict[str, float]] | str:
    try:
        import reader  # noqa: F401
    except ImportError:
        return "reader is not installed (pip install reader==3.26)"
    command = [sys.executable, "-m", "benchmarks.polling", "--reader", base]
    command += ["--feeds", str(args.feeds), "--reader-workers", str(args.reader_workers)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return f"reader failed: {done.stderr[-2000:]}"
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


# ------------------------------------------------------------------ main


def database(args: argparse.Namespace, data_dir: Path) -> str:
    from benchmarks.ingest import reset_postgres

    if args.postgres and reset_postgres(args.postgres) is None:
        return str(args.postgres)
    return f"sqlite:///{data_dir / 'escucha.db'}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--batch", type=int, default=DEFAULT_BATCH, help="ESCUCHA_POLL_BATCH_SIZE")
    parser.add_argument("--threads", type=int, default=16, help="ESCUCHA_POLL_FETCH_THREADS")
    parser.add_argument("--reader-workers", type=int, default=16)
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="'' for SQLite")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--reader", help=argparse.SUPPRESS)
    parser.add_argument("--farm", help=argparse.SUPPRESS)
    parser.add_argument("--farm-hosts", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.farm:
        return serve_farm(Path(args.farm), args.farm_hosts)
    if args.worker:
        return escucha_worker(json.loads(args.worker), rounds=2)
    if args.reader:
        return reader_worker(args.reader, args.feeds, args.reader_workers)

    data_dir = Path(tempfile.mkdtemp(prefix="escucha-polling-bench-"))
    folder = data_dir / "feeds"
    folder.mkdir()
    write_feeds(folder, args.feeds)
    farm, [base] = start_farm(folder)
    try:
        url = database(args, data_dir)
        env = {k: v for k, v in os.environ.items() if not k.startswith("ESCUCHA_")}
        env |= {
            "ESCUCHA_DATABASE_URL": url,
            "ESCUCHA_DATA_DIR": str(data_dir),
            "ESCUCHA_ALLOW_PRIVATE_HOSTS": "true",
            "ESCUCHA_LOG_LEVEL": "WARNING",
            "ESCUCHA_POLL_BATCH_SIZE": str(args.batch),
            "ESCUCHA_POLL_FETCH_THREADS": str(args.threads),
        }
        os.environ.update({k: v for k, v in env.items() if k.startswith("ESCUCHA_")})
        from core.migrate import upgrade_to_head

        upgrade_to_head(url)
        print(
            f"{args.feeds} feeds x {ENTRIES} entries on {base}; Escucha: {args.processes} "
            f"processes, batches of {args.batch}, {args.threads} fetch threads, on "
            f"{url.split(':')[0]}; "
            f"reader: update_feeds(workers={args.reader_workers})"
        )
        ours = run_escucha(args, base, env)
        theirs = run_reader(args, base)
    finally:
        farm.terminate()
        farm.wait(timeout=10)
    report(ours, theirs)


def report(ours: list[dict[str, float]], theirs: list[dict[str, float]] | str) -> None:
    for n, name in enumerate(("full round", "304 round")):
        mine = ours[n]
        line = f"{name:>10}: Escucha {mine['seconds']:6.2f} s ({mine['cpu']:.1f} s of CPU in"
        line += f" the workers, peak RSS {mine['rss_mb']:.0f} MB per worker process;"
        line += f" {mine['statuses']})"
        if isinstance(theirs, str):
            print(line + f" | {theirs}")
            continue
        other = theirs[n]
        line += f" | reader {other['seconds']:6.2f} s ({other['cpu']:.1f} s of CPU, peak RSS"
        line += f" {other['rss_mb']:.0f} MB)"
        line += f" | reader/Escucha {other['seconds'] / mine['seconds']:.2f}x"
        print(line)


if __name__ == "__main__":
    main()
