"""The run context rules see: the configuration, the content root, schemas, and the analyses
(run-wide and per document) built for this run."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from lint.engine.analysis import Analysis, DocumentAnalysis
from lint.engine.sections import Section
from lint.model.document import Document, Region
from lint.store.index import CorpusIndex, build_index
from lint.store.schemas import Schema, SchemaStore
from lint.store.sqlite import CACHE_DIR, write_cache_folder
from lint.store.verified import Verified
from lint.text.regions import prose_regions
from lint.workspace.config import Config
from lint.workspace.discovery import Walked, relative_to, walk_files
from lint.workspace.root import content_root

if TYPE_CHECKING:
    from lint.store.spill import Spill

T = TypeVar("T")
SCHEMA_KEY = "_schema"


@dataclass(eq=False)
class Context:
    config: Config
    paths: list[Path] = field(default_factory=list)  # what the run was asked to check
    cwd: Path = field(default_factory=Path.cwd)
    use_cache: bool = True
    check_external: bool = False
    jobs: int = 1  # processes for work over many files (the index build)
    # How the corpus index is built (set by the run plan before the index is first used):
    targets: list[str] | None = None  # the files of a run on a few files: the index may skip its walk
    spill: Spill | None = None  # where the index build keeps the documents the run checks
    sections: dict[Section, dict[str, Any]] = field(default_factory=dict)  # validated config sections
    _built: dict[Analysis[Any], Any] = field(default_factory=dict, repr=False)
    _walks: dict[str, Walked] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.verified = Verified(self.cache_folder)
        self.schemas = SchemaStore(self.config.schema_dirs, self.verified)

    # --- analyses ---------------------------------------------------------------------------

    def get(self, analysis: Analysis[T]) -> T:
        """The run-wide value of `analysis`, built on first use."""
        try:
            return self._built[analysis]  # type: ignore[no-any-return]
        except KeyError:
            value = self._built[analysis] = analysis.build(self)
            return value

    def section(self, section: Section) -> dict[str, Any]:
        """The values the config sets in a rule-declared section (empty when it sets none)."""
        return self.sections.get(section, {})

    def has(self, analysis: Analysis[Any]) -> bool:
        """Whether `analysis` was built in this run already."""
        return analysis in self._built

    def of(self, doc: Document, analysis: DocumentAnalysis[T]) -> T:
        """The value of `analysis` for one document, computed once per document."""
        memo = doc.memo
        if analysis not in memo:
            memo[analysis] = analysis.build(doc, self)
        return memo[analysis]  # type: ignore[no-any-return]

    def regions(self, doc: Document) -> list[Region]:
        """Prose regions of a document (the `PROSE_REGIONS` analysis)."""
        return self.of(doc, PROSE_REGIONS)

    # --- the run's place ----------------------------------------------------------------------

    @cached_property
    def root(self) -> Path:
        """The content root (config `content-root`, config folder, git top level, common parent)."""
        return content_root(self.config, self.paths, self.cwd)

    def cache_folder(self) -> Path | None:
        """`.hrlint_cache/` at the content root (made and tagged if needed), None with --no-cache."""
        if not self.use_cache:
            return None
        folder = self.root / CACHE_DIR
        write_cache_folder(folder)
        return folder

    def walk(self, folder: Path, config: Config) -> Walked:
        """The files below a folder (lint.workspace.discovery.walk_files), walked once per run."""
        key = os.path.realpath(folder)
        if key not in self._walks:
            self._walks[key] = walk_files(folder, config)
        return self._walks[key]

    def corpus_path(self, doc: Document) -> str:
        """The document's path as the corpus index names it (relative to the content root)."""
        return relative_to(doc.path, self.root)

    def relative(self, doc: Document) -> str:
        """The document's path relative to the config folder (POSIX), for globs."""
        return relative_to(doc.path, self.config.root)

    # --- schemas --------------------------------------------------------------------------------

    def schema_name(self, doc: Document) -> str:
        data = doc.data
        if isinstance(data, dict) and isinstance(data.get(SCHEMA_KEY), str):
            return data[SCHEMA_KEY]
        return self.config.default_schema

    def schema(self, doc: Document) -> Schema | None:
        """The schema that applies to a document with front matter (None if its name is unknown)."""
        return self.schemas.get(self.schema_name(doc))

    def prose_fields(self, doc: Document) -> list[str]:
        if self.config.prose_fields is not None:
            return self.config.prose_fields
        schema = self.schema(doc) if doc.front_matter else None
        return schema.prose_fields if schema else []


CORPUS_INDEX: Analysis[CorpusIndex] = Analysis(
    "the corpus index",
    lambda ctx: build_index(ctx.root, ctx.config, ctx.use_cache, ctx.jobs, ctx.walk, ctx.targets, ctx.spill),
)

PROSE_REGIONS: DocumentAnalysis[list[Region]] = DocumentAnalysis(
    "prose regions", lambda doc, ctx: prose_regions(doc, ctx.prose_fields(doc), ctx.config.literal_newlines)
)
