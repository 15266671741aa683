"""A budget per document: how long and how big one document may be.

A pathological page (a 10 MB line, megabytes of one table) must not stall
a batch. `time_limit` interrupts the cleaning of one document after a
number of seconds of processor time with `OverBudget`, using a profiling
timer (``ITIMER_PROF``, ``SIGPROF``): processor time, not wall-clock time,
so that a document is over budget or not whatever else the machine is
doing (on a loaded machine a wall-clock budget fails documents at random).
It works in the main thread of a process (each worker process runs its
jobs there, and so does the command line itself with one worker);
elsewhere (another thread, Windows) the block runs unbounded. A single call
into C (one regular expression over a huge line, lxml parsing a page) is
interrupted only when it returns, which is why the byte and line limits
bound those.

What happens to a document over budget is the user's choice
(``--on-error``): `FAIL` it (counted as failed, no output), `KEEP` it
(passed through unchanged) or `DROP` it (no text: an empty output or field).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

FAIL, KEEP, DROP = "fail", "keep", "drop"
ON_ERROR = (FAIL, KEEP, DROP)


class OverBudget(Exception):
    """A document is over its time, size or line budget; the message says which."""


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise `OverBudget` inside the block once it has used ``seconds`` of
    processor time (None: no limit)."""
    if (
        not seconds
        or not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
    ):
        yield
        return
    expired = False

    def expire(signum: int, frame: object) -> None:
        nonlocal expired
        if not expired:  # once: not again while the exception unwinds
            expired = True
            raise OverBudget(f"took over {seconds:g} s to clean (the --max-seconds budget)")

    previous = signal.signal(signal.SIGPROF, expire)
    try:
        signal.setitimer(signal.ITIMER_PROF, seconds)
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)
