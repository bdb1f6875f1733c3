"""Map a function over many items on several processes, results in input order.

Workers are forked, so they share the parent's loaded rules, catalogs and corpus index without
pickling them; only the items and the results cross process boundaries. Where `fork` is not
available (Windows, or a platform that forbids it) the work runs in this process.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_ITEMS_PER_JOB = 64  # below this, starting a process costs more than it saves
_task: Callable[[Any], Any] | None = None  # the function workers call (inherited through fork)


def default_jobs() -> int:
    """The CPUs this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def _call(item: Any) -> Any:
    assert _task is not None  # set by ordered_map before the workers start
    return _task(item)


def ordered_map(fn: Callable[[T], R], items: Sequence[T], jobs: int) -> Iterator[R]:
    """`fn(x) for x in items`, computed on up to `jobs` processes and yielded in order as they
    arrive (the caller never holds every result at once). `fn` must not raise."""
    global _task
    jobs = min(jobs, len(items) // MIN_ITEMS_PER_JOB)
    if jobs > 1:
        import multiprocessing  # here, not at the top: a run on a few files never starts a process

        jobs = jobs if "fork" in multiprocessing.get_all_start_methods() else 1
    if jobs <= 1:
        yield from map(fn, items)
        return
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    _task = fn
    # Objects alive now (rules, catalogs, the corpus index) live for the whole run: moved out of
    # the cyclic collector's reach, workers neither scan them nor copy the pages that hold them.
    gc.collect()
    gc.freeze()
    done = 0
    try:
        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
            for result in pool.map(_call, items, chunksize=max(1, min(256, len(items) // (jobs * 8)))):
                done += 1
                yield result
    except BrokenProcessPool:  # a worker died (out of memory, killed): finish here instead
        yield from map(fn, items[done:])
    finally:
        _task = None
