"""Run a function under a time limit that holds even when it never returns.

A regex that backtracks exponentially holds the GIL: no thread, signal handler or pytest
timeout can interrupt it in the same process. `within` runs the function in a forked child
and kills the child when the time is up, so a test of "parses in seconds" fails in seconds
on code that would take minutes.
"""

import multiprocessing
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any


class TooSlowError(AssertionError):
    """The function did not finish within its time limit."""


def within(seconds: float, function: Callable[..., Any], *args: Any) -> Any:
    """`function(*args)` run in a forked child, its (picklable) result returned; an
    exception it raised is raised again here as an AssertionError naming it."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_run, args=(sender, function, args), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(seconds):
            raise TooSlowError(f"{function.__name__} took more than {seconds:g} s")
        status, value = receiver.recv()
    finally:
        if child.is_alive():
            child.kill()
        child.join(5)
        receiver.close()
    if status == "error":
        raise AssertionError(f"{function.__name__} raised:\n{value}")
    return value


def _run(sender: Connection, function: Callable[..., Any], args: tuple[Any, ...]) -> None:
    try:
        sender.send(("ok", function(*args)))
    except BaseException:
        sender.send(("error", traceback.format_exc()))
    finally:
        sender.close()
