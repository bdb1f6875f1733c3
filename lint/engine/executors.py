"""Executors: how a run plan's files are checked. All give the same results, in file order.

- `serial`: one file after another in this process (fixes, audits, runs on few files).
- `processes`: the files spread over forked worker processes (`--jobs`).
- `Cached`: around either, takes unchanged files' findings from the result cache and checks only
  the others.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from lint.engine.plan import FileResult, FileTask, RunPlan
from lint.workspace.parallel import ordered_map

if TYPE_CHECKING:
    from lint.store.results import ResultCache

Executor = Callable[[RunPlan, list[FileTask]], Iterator[FileResult]]


def serial(plan: RunPlan, tasks: list[FileTask]) -> Iterator[FileResult]:
    return map(plan.check_file, tasks)


def processes(jobs: int) -> Executor:
    """Check the files on up to `jobs` forked processes (in this process when there are few)."""

    def run(plan: RunPlan, tasks: list[FileTask]) -> Iterator[FileResult]:
        return ordered_map(plan.check_file, tasks, jobs)

    return run


class Cached:
    """Findings of unchanged files from the result cache; the other files checked by `inner`, and
    their findings stored. `stats`: (size, mtime_ns) of files this run already stat-ed."""

    def __init__(
        self,
        inner: Executor,
        cache: ResultCache,
        stats: dict[str, tuple[int, int]] | None = None,
        before: Callable[[], None] = lambda: None,
    ) -> None:
        self.inner, self.cache, self.stats, self.before = inner, cache, stats, before

    def __call__(self, plan: RunPlan, tasks: list[FileTask]) -> Iterator[FileResult]:
        cached = self.cache.lookup([(t.path, t.display) for t in tasks], self.stats)
        self.stats = None
        todo = [t for t, found in zip(tasks, cached) if found is None]
        if todo:
            self.before()  # what only a checked file needs (the rules' data), loaded once
        checked = self.inner(plan, todo)
        try:
            for task, found in zip(tasks, cached):
                if found is not None:
                    yield FileResult(task.display, found)
                    continue
                result = next(checked)
                if result.signature is not None and not result.errors:
                    self.cache.put(task.path, *result.signature, result.findings)
                yield result
        finally:
            self.cache.save()
