"""Per-file results cached on disk, so an unchanged file is not read, parsed or checked again.

The cache is an SQLite database next to the corpus index (`.hrlint_cache/results-v2.sqlite` at the
content root) with a row per file: its size, mtime, SHA-256 and findings, and the *fingerprint* of
everything else a finding depends on: the hrlint code and the rule plugins, the configuration and
the rules selected, the rule data and schema files, and, when a rule reads the corpus, the index. A
row of another fingerprint is never used (and is replaced when its file is checked again). Rows are
looked up in batches and written in batches as results arrive, so a large corpus's cache is never
held in memory at once. Findings are stored as JSON (never pickle): a cache file planted in a
repository must not be able to run code. A missing, corrupt or foreign cache is rebuilt; one that
cannot be written is not used.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from lint.model import jsonio
from lint.model.findings import Finding, Fix, Severity
from lint.store.sqlite import CACHE_DIR, open_database, retrying, write_cache_folder

if TYPE_CHECKING:
    from lint.workspace.config import Config

T = TypeVar("T")
RESULTS_FILE = "results-v2.sqlite"
CACHE_VERSION = 2
BATCH = 500  # rows looked up or written at a time
_SCHEMA = """
CREATE TABLE IF NOT EXISTS results (
    path TEXT PRIMARY KEY,  -- absolute
    fingerprint TEXT NOT NULL, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, sha256 TEXT NOT NULL,
    findings TEXT NOT NULL);  -- JSON list of the findings, without their path
"""
_Row = tuple[str, str, int, int, str, str]  # a `results` row, in column order
_Cached = tuple[str, int, int, str, str]  # path, size, mtime_ns, sha256, findings of a row looked up


# What `fingerprint` reads of the engine's objects (the store does not import the engine: it is a layer above).
class _Rule(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def severity(self) -> Severity: ...
    @property
    def options(self) -> dict[str, Any]: ...


class _Linter(Protocol):
    @property
    def rules(self) -> Sequence[_Rule]: ...
    @property
    def enabled_ids(self) -> Iterable[str]: ...
    @property
    def data_files(self) -> Iterable[Path]: ...  # files the config names (catalogs, a sitemap)


class _Context(Protocol):
    @property
    def config(self) -> Config: ...


def _stamp(paths: Iterable[Path]) -> list[tuple[str, int | None, int | None]]:
    """(path, size, mtime) of files, so edited code or data changes the fingerprint."""
    out: list[tuple[str, int | None, int | None]] = []
    for path in sorted({str(p) for p in paths}):
        try:
            st = os.stat(path)
            out.append((path, st.st_size, st.st_mtime_ns))
        except OSError:
            out.append((path, None, None))
    return out


def _files_below(folder: Path, suffixes: tuple[str, ...]) -> list[Path]:
    return [p for p in folder.rglob("*") if p.suffix in suffixes] if folder.is_dir() else []


def fingerprint(linter: _Linter, ctx: _Context, index_digest: str | None) -> str:
    """Everything besides a file's own bytes that its findings depend on."""
    import lint
    from lint.model.resources import data_dir

    package = Path(lint.__file__).parent
    code = _files_below(package, (".py",)) + [Path(inspect.getfile(type(r))) for r in linter.rules]
    config = ctx.config
    data = (
        _files_below(data_dir("rules"), (".yaml", ".json"))
        + _files_below(data_dir("schemas"), (".json",))
        + [f for d in config.schema_dirs for f in _files_below(Path(d), (".json",))]
        + list(linter.data_files)
    )
    parts = [
        lint.__version__,
        repr(config),
        sorted(linter.enabled_ids),
        [(r.id, str(r.severity), repr(r.options)) for r in linter.rules],
        _stamp(code),
        _stamp(data),
        index_digest,
    ]
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()


def _encode(f: Finding) -> dict[str, Any]:
    out = dict(vars(f))  # not dataclasses.asdict: it deep-copies, several times slower
    del out["path"]
    out["severity"] = int(f.severity)
    out["fix"] = dict(vars(f.fix)) if f.fix else None
    return out


def _decode(data: dict[str, Any], display: str) -> Finding:
    fix = Fix(**data["fix"]) if data.get("fix") else None
    return Finding(**{**data, "path": display, "severity": Severity(data["severity"]), "fix": fix})


class ResultCache:
    def __init__(self, root: Path, fingerprint: str) -> None:
        self.path = root / CACHE_DIR / RESULTS_FILE
        self.fingerprint = fingerprint
        self.pending: list[_Row] = []  # rows not written yet
        self.touched: list[tuple[int, str]] = []  # (mtime_ns, path) of files touched but unchanged
        self.db: sqlite3.Connection | None = None
        self.usable = True
        self.wrote = False

    def _use(self, action: Callable[[sqlite3.Connection], T]) -> T | None:
        """`action(db)` on the database, opened on first use. A damaged database is replaced by an
        empty one; None (and the run goes on without the cache) when it cannot be used."""

        def attempt() -> T:
            try:
                if self.db is None:
                    write_cache_folder(self.path.parent)
                    self.db = open_database(self.path, _SCHEMA, CACHE_VERSION)
                return action(self.db)
            except sqlite3.DatabaseError:
                self.close()  # rolls back what the action began
                raise

        result = retrying(self.path, attempt) if self.usable else None
        if result is None:
            self.close()
            self.usable = False
        return result

    @staticmethod
    def _key(path: str) -> str:
        path = os.fspath(path)
        return path if os.path.isabs(path) else os.path.abspath(path)

    def lookup(
        self, files: list[tuple[str, str]], stats: dict[str, tuple[int, int]] | None = None
    ) -> list[list[Finding] | None]:
        """The cached findings of each (path, display path) whose file is unchanged, else None.
        `stats`: (size, mtime_ns) of files already stat-ed in this run (by the index walk)."""
        isabs, absolute = os.path.isabs, os.path.abspath
        keys = [path if isabs(path) else absolute(path) for path, _ in files]  # _key, inlined: 20,000 calls
        where = {key: i for i, key in enumerate(keys)}

        def rows(db: sqlite3.Connection) -> list[_Cached]:
            columns = "SELECT path, size, mtime_ns, sha256, findings FROM results WHERE fingerprint = ?"
            if len(keys) > BATCH and 4 * len(keys) >= db.execute("SELECT count(*) FROM results").fetchone()[0]:
                return db.execute(columns, (self.fingerprint,)).fetchall()  # most rows: one scan is faster
            found: list[_Cached] = []
            for start in range(0, len(keys), BATCH):
                chunk = keys[start : start + BATCH]
                found += db.execute(
                    f"{columns} AND path IN ({', '.join('?' * len(chunk))})", (self.fingerprint, *chunk)
                )
            return found

        out: list[list[Finding] | None] = [None] * len(files)
        stats = stats or {}
        for key, size, mtime_ns, digest, findings in self._use(rows) or []:
            i = where.get(key)
            if i is None:
                continue
            path, display = files[i]
            if self._unchanged(path, key, size, mtime_ns, digest, stats.get(path)):
                try:
                    out[i] = [_decode(f, display) for f in jsonio.loads(findings)] if findings != "[]" else []
                except (KeyError, TypeError, ValueError):
                    pass  # a damaged row: the file is checked again
        return out

    def _unchanged(
        self, path: str, key: str, size: int, mtime_ns: int, digest: str, known: tuple[int, int] | None = None
    ) -> bool:
        try:
            if known is None:
                stat = os.stat(path)
                known = stat.st_size, stat.st_mtime_ns
            if known[0] != size:
                return False
            if known[1] != mtime_ns:  # touched: the same bytes are still a hit
                with open(path, "rb") as file:
                    if hashlib.sha256(file.read()).hexdigest() != digest:
                        return False
                self.touched.append((known[1], key))
            return True
        except OSError:
            return False

    def put(self, path: str, raw_size: int, mtime_ns: int, digest: str, findings: list[Finding]) -> None:
        self.pending.append(
            (
                self._key(path),
                self.fingerprint,
                raw_size,
                mtime_ns,
                digest,
                jsonio.dumps([_encode(f) for f in findings]).decode("utf-8"),
            )
        )
        if len(self.pending) >= BATCH:
            self._flush()

    def _flush(self) -> None:
        def write(db: sqlite3.Connection) -> bool:
            db.execute("BEGIN IMMEDIATE")
            db.executemany("INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?, ?, ?)", self.pending)
            db.executemany("UPDATE results SET mtime_ns = ? WHERE path = ?", self.touched)
            db.execute("COMMIT")
            return True

        if self.pending or self.touched:
            self.wrote = self._use(write) or self.wrote
        self.pending, self.touched = [], []

    def save(self) -> None:
        """Write what is pending and close the database. A run that wrote results also drops the
        rows of other fingerprints (another configuration, or files since removed), so the cache
        does not grow with every change."""
        self._flush()
        if self.wrote:
            self._use(lambda db: db.execute("DELETE FROM results WHERE fingerprint != ?", (self.fingerprint,)) and True)
        self.close()

    def close(self) -> None:
        if self.db is not None:
            try:
                self.db.close()
            except sqlite3.Error:
                pass
            self.db = None
