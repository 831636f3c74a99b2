"""Where the dashboard's time goes: a per-statement timeline of the 90-day overview.

    python -m benchmarks.dashboard_timeline --url postgresql://postgres@127.0.0.1:5432/bench

In this process (no HTTP), for the loudest brand: builds the overview page's data
(`pages.views.overview.build_overview`, the same call as the page) `--rounds` times after 3
of warm-up, recording every statement with the thread that ran it, when it started and how
long it took, and how long each connection checkout waited for the pool. Prints the total
per round (p50, p95), then the timeline of the round nearest the median: one line a
statement, in start order (ms from the start of the round), with the first words of its SQL.
"""

import argparse
import statistics
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event
from sqlmodel import Session

from benchmarks.reports import _loudest
from core.db import build_engine, normalize_database_url
from models.tables import Brand
from pages.context import formats_of
from pages.i18n import gettext_of
from pages.periods import DayReader, read_period
from pages.views.overview import build_overview


@dataclass
class Statement:
    thread: str
    began: float
    ms: float
    sql: str
    parameters: Any


class Recorder:
    def __init__(self) -> None:
        self.statements: list[Statement] = []
        self._open: dict[int, tuple[float, str, Any]] = {}
        self._lock = threading.Lock()
        self._names: dict[int, str] = {}  # thread ident: T0, T1... (pools reuse names)

    def before(self, conn: Any, cursor: Any, sql: str, parameters: Any, *_: Any) -> None:
        self._open[id(cursor)] = (time.perf_counter(), sql, parameters)

    def after(self, conn: Any, cursor: Any, *_: Any) -> None:
        began, sql, parameters = self._open.pop(id(cursor))
        ms = (time.perf_counter() - began) * 1000
        with self._lock:
            thread = threading.current_thread()
            name = (
                "main"
                if thread is threading.main_thread()
                else self._names.setdefault(threading.get_ident(), f"T{len(self._names)}")
            )
            self.statements.append(Statement(name, began, ms, sql, parameters))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--explain", help="write EXPLAIN ANALYZE of a round's statements here")
    args = parser.parse_args()
    engine = build_engine(normalize_database_url(args.url))
    recorder = Recorder()
    event.listen(engine, "before_cursor_execute", recorder.before)
    event.listen(engine, "after_cursor_execute", recorder.after)
    with Session(engine) as session:
        brand_id, _workspace, _zone, _now = _loudest(session.connection())
    rounds: list[tuple[float, float, list[Statement]]] = []
    cpus: list[float] = []  # this process's CPU time per round (all threads)
    for index in range(args.rounds + 3):
        now = datetime.now(UTC)
        with Session(engine) as session:
            brand = session.get(Brand, brand_id)
            assert brand is not None
            fmt = formats_of("en", brand)
            period = read_period(
                since=None, until=None, from_day=None, to_day=None, days=args.days,
                timezone=brand.timezone, now=now, read_day=DayReader(fmt, gettext_of("en")),
            )  # fmt: skip
            recorder.statements = []
            began, cpu = time.perf_counter(), time.process_time()
            build_overview(
                session, brand, period=period, now=now, fmt=fmt, language="en",
            )  # fmt: skip
            total = (time.perf_counter() - began) * 1000
            cpus.append((time.process_time() - cpu) * 1000)
        if index >= 3:
            rounds.append((total, began, list(recorder.statements)))
    totals = sorted(total for total, _, _ in rounds)
    p50, p95 = statistics.median(totals), totals[round(0.95 * (len(totals) - 1))]
    print(f"brand {brand_id}, {args.days} days, {args.rounds} rounds: p50 {p50:.0f}, p95 {p95:.0f}")
    print("rounds (ms):", " ".join(f"{t:.0f}" for t, _, _ in rounds))
    cpu = statistics.median(cpus[3:])
    print(f"this process's CPU a round (Python, all threads): p50 {cpu:.0f} ms")
    for label, target in (("median", p50), ("slowest", totals[-1])):
        total, began, statements = min(rounds, key=lambda r: abs(r[0] - target))
        print(f"\n{label} round, {total:.0f} ms, {len(statements)} statements:")
        for s in sorted(statements, key=lambda s: s.began):
            start = (s.began - began) * 1000
            print(f"{start:7.1f} +{s.ms:6.1f}  {s.thread:>4}  {' '.join(s.sql.split())[:120]}")
    if args.explain:
        _explain(engine, rounds[len(rounds) // 2][2], args.explain)


def _explain(engine: Any, statements: list[Statement], path: str) -> None:
    """Each statement of a round run alone (best of 5, ms) and its EXPLAIN (ANALYZE,
    BUFFERS), one after the other; the alone times are printed, the plans written."""
    print("\nalone (best of 5) | in the round | statement")
    alone_total = 0.0
    with open(path, "w") as out, engine.connect() as connection:
        for s in sorted(statements, key=lambda s: -s.ms):
            cursor = connection.connection.driver_connection.cursor()
            times = []
            for _ in range(5):
                began = time.perf_counter()
                cursor.execute(s.sql, s.parameters)
                cursor.fetchall()
                times.append((time.perf_counter() - began) * 1000)
            alone_total += min(times)
            print(f"{min(times):7.1f} {s.ms:7.1f}  {' '.join(s.sql.split())[:110]}")
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + s.sql, s.parameters)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            out.write(f"-- {min(times):.1f} ms alone, {s.ms:.1f} ms in the round\n")
            out.write(f"{s.sql}\n{s.parameters}\n{plan}\n\n")
            connection.rollback()
    print(f"{alone_total:7.1f} in all, one after the other")


if __name__ == "__main__":
    main()
