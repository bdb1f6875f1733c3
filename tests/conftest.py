"""Shared helpers: run the CLI in-process and read its findings."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from lint.cli import main

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
SEEDS = ROOT / "seeds"


class Result:
    def __init__(self, result):
        self.exit_code = result.exit_code
        self.stdout = result.stdout
        self.stderr = result.stderr

    @property
    def findings(self) -> list[dict]:
        return json.loads(self.stdout)["findings"]

    def triples(self) -> list[tuple[str, int, int]]:
        """(rule, line, column) of every finding, in output order."""
        return [(f["rule"], f["line"], f["column"]) for f in self.findings]


@pytest.fixture
def hrlint(monkeypatch):
    """Run `hrlint ARGS...` in-process in a folder (default: the repository root)."""
    monkeypatch.setenv("NO_COLOR", "1")

    def run(*args: str, cwd: Path = ROOT) -> Result:
        old = Path.cwd()
        os.chdir(cwd)
        try:
            return Result(CliRunner().invoke(main, [str(a) for a in args]))
        finally:
            os.chdir(old)

    return run


@pytest.fixture
def write(tmp_path):
    """Write files into tmp_path: write({"a.md": "..."}) -> tmp_path."""

    def _write(files: dict[str, str | bytes]) -> Path:
        for name, content in files.items():
            path = tmp_path / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_bytes(content.encode("utf-8"))
        return tmp_path

    return _write


def index_rows(root: Path) -> dict:
    """The corpus index cache at a content root: path -> article fields (None without front
    matter); asserts the database is intact and of the current version."""
    import sqlite3

    from lint.store.index import CACHE_DIR, CACHE_VERSION, INDEX_FILE

    db = sqlite3.connect(root / CACHE_DIR / INDEX_FILE)
    try:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("PRAGMA user_version").fetchone() == (CACHE_VERSION,)
        articles = dict(db.execute("SELECT path, article FROM articles"))
        return {
            path: json.loads(articles[path]) if path in articles else None
            for (path,) in db.execute("SELECT path FROM files")
        }
    finally:
        db.close()
