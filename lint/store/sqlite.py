"""The cache folder (`.hrlint_cache/` at the content root) and the SQLite databases kept in it:
opened in autocommit WAL mode, made anew when of another version, removed when corrupt."""

from __future__ import annotations

import atexit
import os
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

CACHE_DIR = ".hrlint_cache"


def write_cache_folder(folder: Path) -> None:
    """The cache folder, tagged (CACHEDIR.TAG) and ignored by git; nothing if it cannot be made."""
    try:
        folder.mkdir(exist_ok=True)
        if not (folder / "CACHEDIR.TAG").exists():
            (folder / "CACHEDIR.TAG").write_text(
                "Signature: 8a477f597d28d172789f06886806bc55\n# hrlint cache; see https://bford.info/cachedir/\n"
            )
            (folder / ".gitignore").write_text("*\n")
    except OSError:
        pass


def connect(database: Path) -> sqlite3.Connection:
    """A connection in autocommit mode that waits up to a minute for another hrlint's write, with
    a page cache of 16 MB. The file is read, not memory-mapped: mapped pages count as memory of
    every process that touches them (100,000 articles: 486 MB peak PSS mapped, 318 MB read),
    for about 30 us more per document."""
    db = sqlite3.connect(database, timeout=60, isolation_level=None, check_same_thread=False)
    db.execute("PRAGMA cache_size = -16384")
    return db


def _current(db: sqlite3.Connection, schema: str, version: int) -> bool:
    """Is this a cache database of this version, with all the tables of `schema`?"""
    tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return db.execute("PRAGMA user_version").fetchone()[0] == version and tables >= set(_TABLE.findall(schema))


_TABLE = re.compile(r"CREATE TABLE IF NOT EXISTS (\w+)")


def open_database(database: Path, schema: str, version: int) -> sqlite3.Connection:
    """A cache database, its tables made anew when it is empty or of
    another version. Raises sqlite3.DatabaseError when the file is not a database."""
    db = connect(database)
    if not _current(db, schema, version):
        db.execute("BEGIN IMMEDIATE")
        if not _current(db, schema, version):  # not made meanwhile by another hrlint
            for statement in [
                *(f"DROP TABLE IF EXISTS {table}" for table in _TABLE.findall(schema)),
                *filter(str.strip, schema.split(";")),
                f"PRAGMA user_version = {version}",
            ]:
                db.execute(statement)
        db.execute("COMMIT")
        db.execute("PRAGMA journal_mode = WAL")  # readers and the writer do not wait for each other
    return db


def temporary_database() -> Path:
    """An empty database file for a run without cache, removed when the run ends."""
    import tempfile

    fd, name = tempfile.mkstemp(prefix="hrlint-index-", suffix=".sqlite")
    os.close(fd)

    def remove() -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(name + suffix).unlink(missing_ok=True)

    atexit.register(remove)
    return Path(name)


T = TypeVar("T")


def retrying(database: Path, action: Callable[[], T]) -> T | None:
    """`action()` on a cache database; a file that is not a database, or a corrupt one, is removed
    and the action tried once more. None when that fails too, when another hrlint has held the
    database locked for a minute, or when the cache folder cannot be written."""
    for attempt in (1, 2):
        try:
            return action()
        except sqlite3.DatabaseError as exc:
            locked = isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc)
            if locked or attempt == 2:
                return None
            try:
                database.unlink(missing_ok=True)
            except OSError:
                return None
        except OSError:  # the cache folder cannot be written
            return None
    return None
