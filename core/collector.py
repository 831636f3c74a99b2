"""The cyclic garbage collector in a long-running server process.

An API process holds some 160,000 objects for its whole life (modules, the app, its
routes, templates and compiled statements), and every full collection walks them all: on
this 2-core machine, one of 200-370 ms every 10-20 overview pages, the slowest requests of
a run. A page also allocates tens of thousands of short-lived containers (rows, report
models, chart parts), most freed by reference counting, yet with CPython's default
threshold (700) they set off some 30 young collections a page. So, once the process has
loaded what it keeps: `gc.freeze` puts those objects out of the collector's sight (as
`workers.app` does in every worker), and the young generation is collected every 10,000
new containers instead of 700: one collection a page. Cycles are still collected.
"""

import gc

YOUNG_THRESHOLD = 10_000


def settle_collector() -> None:
    """Call once the process has loaded everything it keeps for its lifetime."""
    gc.collect()
    gc.freeze()
    _young, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
