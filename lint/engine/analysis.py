"""Typed analyses: values that several rules read, built once by the engine.

A rule names the run-wide analyses it needs in `Rule.analyses` (the corpus index, a term catalog);
the engine builds each one once per run, before any worker process forks, and rules read it with
`ctx.get(ANALYSIS)`, typed by the analysis. A `DocumentAnalysis` is the same for one document (its
prose regions, the stigma matches every stigma rule filters): computed on first use, kept with the
document. The analysis object itself is the key: there are no string keys to collide or misspell.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from lint.engine.context import Context
    from lint.model.document import Document

T = TypeVar("T")


class Analysis(Generic[T]):
    """A run-wide value: `build(ctx)` is called once per run."""

    __slots__ = ("name", "build")

    def __init__(self, name: str, build: Callable[[Context], T]) -> None:
        self.name = name
        self.build = build

    def __repr__(self) -> str:
        return f"Analysis({self.name!r})"


class DocumentAnalysis(Generic[T]):
    """A per-document value: `build(doc, ctx)` is called once per document."""

    __slots__ = ("name", "build")

    def __init__(self, name: str, build: Callable[[Document, Context], T]) -> None:
        self.name = name
        self.build = build

    def __repr__(self) -> str:
        return f"DocumentAnalysis({self.name!r})"
