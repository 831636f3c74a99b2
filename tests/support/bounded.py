"""Run a function under a time limit that holds even when it never returns.

A regex that backtracks exponentially holds the GIL: no thread, signal handler or pytest
timeout can interrupt it in the same process. `within` runs the function in a forked child
and kills the child when the time is up, so a test of "parses in seconds" fails in seconds
on code that would take minutes.

The child is made with a bare `os.fork` and leaves with `os._exit`: multiprocessing's
children run the after-fork hooks that libraries register (Celery's closes its broker
pools), which can block in a test session that has a worker's app loaded.
"""

import os
import pickle
import select
import signal
import traceback
from collections.abc import Callable
from typing import Any


class TooSlowError(AssertionError):
    """The function did not finish within its time limit."""


def within(seconds: float, function: Callable[..., Any], *args: Any) -> Any:
    """`function(*args)` run in a forked child, its (picklable) result returned; an
    exception it raised is raised again here as an AssertionError naming it."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        try:
            os.close(read_end)
            try:
                payload = pickle.dumps(("ok", function(*args)))
            except BaseException:
                payload = pickle.dumps(("error", traceback.format_exc()))
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(payload)
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        ready, _, _ = select.select([pipe], [], [], seconds)
        if not ready:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            raise TooSlowError(f"{function.__name__} took more than {seconds:g} s")
        payload = pipe.read()
    os.waitpid(pid, 0)
    if not payload:
        raise AssertionError(f"{function.__name__}: the child died without an answer")
    status, value = pickle.loads(payload)
    if status == "error":
        raise AssertionError(f"{function.__name__} raised:\n{value}")
    return value
