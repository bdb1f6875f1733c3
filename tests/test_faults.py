"""Faults: SIGKILL during `--fix`, two hrlint processes on one tree and cache, corrupt caches.

`--fix` writes each file atomically (temporary file in the same folder, fsync, rename), so a
process killed at any moment leaves every file either original or fully fixed. The corpus index
cache (`.hrlint_cache/index-v4.sqlite`) is updated in SQLite transactions, so concurrent or killed
runs cannot tear it, and a corrupt cache is detected and rebuilt.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import SEEDS, index_rows

FIXABLE = next(SEEDS.glob("002_*")).read_bytes()  # 9 safe fixes (principles, stigma)
GOOD = next(SEEDS.glob("000_*")).read_bytes()
COPIES = 30


def hrlint_command() -> list[str]:
    script = Path(sys.executable).with_name("hrlint")
    return [str(script)] if script.exists() else [sys.executable, "-m", "lint"]


def run(args: list[str], cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        hrlint_command() + args,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "NO_COLOR": "1"},
    )


def make_tree(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "hrlint.yaml").write_text("fail-on: error\n", encoding="utf-8")
    for i in range(COPIES):
        (root / f"a{i:02d}.md").write_bytes(FIXABLE)
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(root.glob("*.md"))}


@pytest.fixture(scope="module")
def fixed_tree(tmp_path_factory) -> tuple[dict[str, bytes], dict[str, bytes], float]:
    """(original bytes, fully fixed bytes, seconds a whole --fix run takes) per file."""
    root = make_tree(tmp_path_factory.mktemp("fixed"))
    original = snapshot(root)
    start = time.monotonic()
    result = run(["check", "--fix", "--no-cache", "."], root)
    elapsed = time.monotonic() - start
    assert "Traceback" not in result.stderr
    fixed = snapshot(root)
    assert all(fixed[name] != original[name] for name in original)
    again = run(["check", "--fix", "--no-cache", "."], root)
    assert snapshot(root) == fixed and "fixed" not in again.stderr  # idempotent
    return original, fixed, elapsed


def test_sigkill_during_fix_leaves_each_file_original_or_fixed(tmp_path, fixed_tree):
    original, fixed, elapsed = fixed_tree
    rnd = random.Random(20240611)
    outcomes = []
    for attempt in range(10):
        root = make_tree(tmp_path / f"run{attempt}")
        delay = rnd.uniform(0.05, elapsed * 1.1)
        proc = subprocess.Popen(
            hrlint_command() + ["check", "--fix", "."], cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        now = snapshot(root)
        assert set(now) == set(original)
        for name, data in now.items():
            assert data in (original[name], fixed[name]), f"{name} is torn after SIGKILL at {delay:.2f}s"
        outcomes.append(sum(now[n] == fixed[n] for n in now))
        # Leftovers of an interrupted write are hidden `.NAME.*.hrlint` files: never linted.
        leftovers = [p.name for p in root.iterdir() if p.name.endswith(".hrlint")]
        assert all(name.startswith(".") for name in leftovers)
        if attempt % 3:
            continue  # the slower follow-up checks on every third attempt only
        check = run(["check", "--format", "json", "."], root)
        assert json.loads(check.stdout)["summary"]["files_checked"] == COPIES
        # The next --fix completes the job.
        run(["check", "--fix", "."], root)
        assert snapshot(root) == fixed
        if (root / ".hrlint_cache" / "index-v4.sqlite").exists():
            assert len(index_rows(root)) == COPIES
    assert len(outcomes) == 10


# --- two processes at once on one tree and cache ---------------------------------------------------


def make_corpus(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "hrlint.yaml").write_text("fail-on: error\n", encoding="utf-8")
    for seed in sorted(SEEDS.glob("*.txt")):
        (root / seed.name.replace(".txt", ".md")).write_bytes(seed.read_bytes())
    for i in range(40):
        text = GOOD.replace(b"id: 119122", f"id: {200000 + i}".encode())
        (root / "more" / f"copy{i:02d}.md").parent.mkdir(exist_ok=True)
        (root / "more" / f"copy{i:02d}.md").write_bytes(text)
    return root


def findings_of(stdout: str) -> list:
    return json.loads(stdout)["findings"]


def test_two_processes_share_the_tree_and_cache(tmp_path):
    root = make_corpus(tmp_path / "corpus")
    expected = findings_of(run(["check", "--format", "json", "--no-cache", "."], root).stdout)
    assert expected
    for attempt in range(3):
        shutil.rmtree(root / ".hrlint_cache", ignore_errors=True)
        if attempt == 2:  # a warm but stale cache: touch half the files
            run(["check", "--format", "json", "."], root)
            for p in sorted(root.rglob("copy*.md"))[::2]:
                os.utime(p, ns=(p.stat().st_atime_ns, p.stat().st_mtime_ns + 10**9))
        procs = [
            subprocess.Popen(
                hrlint_command() + ["check", "--format", "json", "."],
                cwd=root,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        outs = [p.communicate(timeout=120) for p in procs]
        for (stdout, stderr), proc in zip(outs, procs):
            assert "Traceback" not in stderr and proc.returncode in (0, 1), stderr
            assert findings_of(stdout) == expected
        assert len(index_rows(root)) == 45
        assert not [p for p in (root / ".hrlint_cache").iterdir() if p.name.endswith("-journal")]


def _corruptions(root: Path) -> dict[str, bytes]:
    import sqlite3

    other = root.parent / "other.sqlite"  # a valid SQLite database that is not an index of this version
    other.unlink(missing_ok=True)
    db = sqlite3.connect(other)
    db.executescript("CREATE TABLE files (x); INSERT INTO files VALUES (1); PRAGMA user_version = 99;")
    db.commit()
    db.close()
    valid = other.read_bytes()
    index = root / ".hrlint_cache" / "index-v4.sqlite"
    index.unlink(missing_ok=True)
    run(["check", "--format", "json", "."], root)
    current = index.read_bytes()
    return {
        "truncated-index": current[: len(current) // 2],
        "index-pages-overwritten": current[:4096] + os.urandom(len(current) - 4096),
        "empty": b"",
        "truncated": valid[: len(valid) // 2],
        "garbage": os.urandom(512),
        "not-utf8": b"\xff\xfe\x00garbage",
        "old-json-index": b'{"version": 2, "files": {"more/copy00.md": [12, 0, "0", null]}}',
        "other-version": valid,
        "sqlite-header-then-garbage": valid[:100] + os.urandom(4000),
        "nul-bytes": b"\x00" * 100,
    }


CORRUPTIONS = [
    "truncated-index",
    "index-pages-overwritten",
    "empty",
    "truncated",
    "garbage",
    "not-utf8",
    "old-json-index",
    "other-version",
    "sqlite-header-then-garbage",
    "nul-bytes",
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = make_corpus(tmp_path_factory.mktemp("corrupt") / "corpus")
    expected = findings_of(run(["check", "--format", "json", "--no-cache", "."], root).stdout)
    return root, expected


@pytest.mark.parametrize("kind", CORRUPTIONS)
def test_corrupt_cache_is_detected_and_rebuilt(corpus, kind):
    root, expected = corpus
    cache = root / ".hrlint_cache" / "index-v4.sqlite"
    cache.parent.mkdir(exist_ok=True)
    cache.write_bytes(_corruptions(root)[kind])
    result = run(["check", "--format", "json", "."], root)
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    assert findings_of(result.stdout) == expected
    rebuilt = index_rows(root)
    assert len(rebuilt) == 45 and all(a is None or a[0] == path for path, a in rebuilt.items())


def test_cache_folder_that_is_a_file_is_not_fatal(tmp_path):
    root = make_corpus(tmp_path / "corpus")
    (root / ".hrlint_cache").write_text("not a folder", encoding="utf-8")
    expected = findings_of(run(["check", "--format", "json", "--no-cache", "."], root).stdout)
    result = run(["check", "--format", "json", "."], root)
    assert findings_of(result.stdout) == expected and "Traceback" not in result.stderr
