"""Which files a run checks: explicit files as given, folders walked with include/exclude globs."""

from __future__ import annotations

import os
import subprocess
from functools import lru_cache
from pathlib import Path

from lint.config import Config, ConfigError
from lint.globs import matches

SKIP_DIRS = {"node_modules", "__pycache__"}


def relative_to(path: Path, base: Path) -> str:
    """POSIX path of `path` relative to `base` when inside it, else absolute."""
    return _relative(os.path.abspath(path), os.path.abspath(base))  # absolute: the cache outlives a cwd


@lru_cache(maxsize=65536)
def _relative(path: str, base: str) -> str:
    real, real_base = Path(os.path.realpath(path)), _realpath(base)
    try:
        return real.relative_to(real_base).as_posix()
    except ValueError:
        return real.as_posix()


@lru_cache(maxsize=256)
def _realpath(path: str) -> Path:
    return Path(os.path.realpath(path))


def display_path(path: Path, cwd: Path) -> str:
    try:
        return path.absolute().relative_to(cwd).as_posix()
    except ValueError:
        return path.absolute().as_posix()


def _walk(folder: Path):
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in SKIP_DIRS)
        for name in sorted(filenames):
            yield Path(dirpath) / name


def _git_ignored(files: list[Path]) -> set[Path]:
    """Files git ignores (empty if git is missing or the files are not in a repository)."""
    if not files:
        return set()
    ignored: set[Path] = set()
    try:
        top = subprocess.run(["git", "-C", str(files[0].parent), "rev-parse", "--show-toplevel"],
                             capture_output=True, text=True, timeout=10)
        if top.returncode != 0:
            return ignored
        result = subprocess.run(["git", "-C", top.stdout.strip(), "check-ignore", "--stdin", "-z"],
                                input="\0".join(str(f.absolute()) for f in files) + "\0",
                                capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return ignored
    return {Path(p) for p in result.stdout.split("\0") if p}


def walk_files(folder: Path, config: Config) -> list[Path]:
    """Files below `folder` matching the include globs, not excluded, not ignored by git."""
    walked = []
    for path in _walk(folder):
        rel = relative_to(path, config.root)
        if matches(rel, config.include) and not matches(rel, config.exclude):
            walked.append(path)
    ignored = {p.absolute() for p in _git_ignored(walked)}
    return [p for p in walked if p.absolute() not in ignored]


def discover(paths: list[Path], config: Config, cwd: Path) -> list[tuple[Path, str]]:
    """(path, display path) of every file to check, sorted and without duplicates."""
    found: dict[str, Path] = {}
    for given in paths:
        if given.is_file():
            found.setdefault(display_path(given, cwd), given)
        elif given.is_dir():
            for path in walk_files(given, config):
                found.setdefault(display_path(path, cwd), path)
        elif given.exists() or given.is_symlink():
            raise ConfigError(f"{given}: not a regular file or folder")
        else:
            raise ConfigError(f"{given}: no such file or folder")
    return sorted(((p, d) for d, p in found.items()), key=lambda item: item[1])
