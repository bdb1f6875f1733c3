"""Run-wide state shared by rules: configuration, schemas, and per-document derived data."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lint.workspace.config import Config
from lint.model.document import Document, Region
from lint.text.regions import prose_regions
from lint.store.schemas import Schema, SchemaStore
from lint.store.verified import Verified

SCHEMA_KEY = "_schema"


@dataclass
class Context:
    config: Config
    schemas: SchemaStore = None  # type: ignore[assignment]
    shared: dict[str, Any] = field(default_factory=dict)  # run-wide data rules load once (catalogs)
    paths: list[Path] = field(default_factory=list)  # what the run was asked to check
    cwd: Path = field(default_factory=Path.cwd)
    use_cache: bool = True
    check_external: bool = False
    jobs: int = 1  # processes for work over many files (the index build)
    targets: list[str] | None = None  # the files of a run on a few files: the index may skip its walk
    spill: Any = None  # lint.store.spill.Spill: where the index build keeps the documents the run checks

    def __post_init__(self) -> None:
        self.verified = Verified(self.cache_folder)
        if self.schemas is None:
            self.schemas = SchemaStore(self.config.schema_dirs, self.verified)

    def cache_folder(self) -> Path | None:
        """`.hrlint_cache/` at the content root (made and tagged if needed), None with --no-cache."""
        if not self.use_cache:
            return None
        from lint.store.sqlite import CACHE_DIR, write_cache_folder

        folder = self.root / CACHE_DIR
        write_cache_folder(folder)
        return folder

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

    def regions(self, doc: Document) -> list[Region]:
        """Prose regions of a document, computed once and shared by every prose rule."""
        if "regions" not in doc.memo:
            doc.memo["regions"] = prose_regions(doc, self.prose_fields(doc), self.config.literal_newlines)
        return doc.memo["regions"]

    def once(self, key: str, compute: Any) -> Any:
        """Run-wide value computed on first use (a catalog, an index)."""
        if key not in self.shared:
            self.shared[key] = compute()
        return self.shared[key]

    def walk(self, folder: Path, config: Config) -> list[Path]:
        """The files below a folder (lint.workspace.discovery.walk_files), walked once per run."""
        from lint.workspace.discovery import walk_files

        return self.once(("walk", os.path.realpath(folder)), lambda: walk_files(folder, config))

    def memo(self, doc: Document, key: str, compute: Any) -> Any:
        if key not in doc.memo:
            doc.memo[key] = compute()
        return doc.memo[key]

    @property
    def root(self) -> Path:
        """The content root (config `content-root`, config folder, git top level, common parent)."""
        from lint.workspace.root import content_root

        return self.once("root", lambda: content_root(self.config, self.paths, self.cwd))

    @property
    def corpus(self):
        """The index of every article under the content root (built once, cached on disk)."""
        if "corpus" not in self.shared:  # rules ask for it many times per document
            from lint.store.index import build_index

            self.shared["corpus"] = build_index(self.root, self.config, self.use_cache, self.jobs, self.walk,
                                                self.targets, self.spill)
        return self.shared["corpus"]

    def corpus_path(self, doc: Document) -> str:
        """The document's path as the corpus index names it (relative to the content root)."""
        from lint.workspace.discovery import relative_to

        return relative_to(doc.path, self.root)

    def relative(self, doc: Document) -> str:
        """The document's path relative to the config folder (POSIX), for globs."""
        from lint.workspace.discovery import relative_to

        return relative_to(doc.path, self.config.root)
