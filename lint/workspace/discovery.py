"""Which files a run checks: explicit files as given, folders walked with include/exclude globs."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from lint.workspace.config import Config, ConfigError
from lint.workspace.globs import matcher

SKIP_DIRS = {"node_modules", "__pycache__"}


def relative_to(path: Path, base: Path) -> str:
    """POSIX path of `path` relative to `base` when inside it, else absolute."""
    return _relative(os.path.abspath(path), os.path.abspath(base))  # absolute: the cache outlives a cwd


@lru_cache(maxsize=256)  # the rules of one file ask in turn; a big cache would hold every path of a run
def _relative(path: str, base: str) -> str:
    folder, name = os.path.split(path)
    real = os.path.realpath(path) if os.path.islink(path) else os.path.join(_realpath(folder), name)
    real_base = _realpath(base)
    if real.startswith(os.path.join(real_base, "")):
        real = real[len(os.path.join(real_base, "")) :]
    return real if os.sep == "/" else real.replace(os.sep, "/")


@lru_cache(maxsize=4096)
def _realpath(path: str) -> str:
    """Real path of a folder (memoised: a run resolves the same few folders for every file)."""
    return os.path.realpath(path)


def display_path(path: Path, cwd: Path) -> str:
    """The path as findings print it: relative to the working folder when inside it."""
    absolute, base = os.path.abspath(path), os.path.join(os.path.abspath(cwd), "")
    if absolute.startswith(base):
        absolute = absolute[len(base) :]
    return absolute if os.sep == "/" else absolute.replace(os.sep, "/")


def _walk(folder: Path, root: str, folders: list[tuple[str, int, int]] | None = None) -> Iterator[tuple[str, str]]:
    """(path, real path) of the files below the real path of `folder`, sorted by name in each folder. Hidden and
    tool folders are skipped; symbolic links to folders are not followed (no loops), and a link to
    a file only when its target is inside `root` (the config folder) or `folder`. Each folder read
    is added to `folders` as (path, mtime_ns, when it was read in ns), its mtime taken before."""
    real_top = os.path.realpath(folder)
    stack = [(real_top, real_top)]
    while stack:
        folder_path, real_folder = stack.pop()
        try:
            if folders is not None:
                folders.append((folder_path, os.stat(folder_path).st_mtime_ns, time.time_ns()))
            with os.scandir(folder_path) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            continue  # unreadable folder: its files are simply not found
        subfolders = []
        same = folder_path == real_folder  # no link on the way: an entry's path is its real path
        for entry in entries:
            try:
                if entry.is_symlink():
                    real = os.path.realpath(entry.path)
                    if not entry.is_dir() and (_inside(real, root) or _inside(real, real_top)):
                        yield entry.path, real  # a dangling link is reported as unreadable
                elif entry.is_dir():
                    if not entry.name.startswith(".") and entry.name not in SKIP_DIRS:
                        subfolders.append((entry.path, entry.path if same else os.path.join(real_folder, entry.name)))
                elif entry.is_file():
                    yield entry.path, entry.path if same else os.path.join(real_folder, entry.name)
            except OSError:
                continue
        stack.extend(reversed(subfolders))


def _inside(real: str, root: str) -> bool:
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


def _git_ignored(files: list[str]) -> set[str]:
    """The files among `files` that git ignores: untracked and matching an ignore rule, which is
    what `git check-ignore` answers. One `git ls-files --others --ignored --directory` lists
    them (an ignored folder as one `folder/` entry), about 0.05 s where `check-ignore --stdin`
    took 9 s for 20,000 paths. Empty if git is missing or the files are not in a repository."""
    if not files:
        return set()
    try:
        top = subprocess.run(
            ["git", "-C", os.path.dirname(os.path.abspath(files[0])), "rev-parse", "--show-toplevel"],
            capture_output=True,
            text=True,
            timeout=10,
        )
        if top.returncode != 0:
            return set()
        top_dir = top.stdout.strip()
        listed = subprocess.run(
            ["git", "-C", top_dir, "ls-files", "-z", "--others", "--ignored", "--exclude-standard", "--directory"],
            capture_output=True,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return set()
    if listed.returncode != 0:
        return set()
    entries = [os.fsdecode(p) for p in listed.stdout.split(b"\0") if p]
    if not entries:
        return set()
    exact = {e for e in entries if not e.endswith("/")}
    folders = tuple(e for e in entries if e.endswith("/"))
    base = os.path.join(_realpath(top_dir), "")
    ignored = set()
    for path in files:
        folder, name = os.path.split(os.path.abspath(path))
        real = os.path.join(_realpath(folder), name)
        if not real.startswith(base):
            continue
        rel = real[len(base) :] if os.sep == "/" else real[len(base) :].replace(os.sep, "/")
        if rel in exact or rel.startswith(folders):
            ignored.add(path)
    return ignored


class Walked(list[str]):
    """The files a walk found, and `folders`: (path, mtime_ns, read at ns) of each folder it read."""

    folders: list[tuple[str, int, int]]


def walk_files(folder: Path, config: Config) -> Walked:
    """Paths (strings, below `folder`) of the files matching the include globs, not excluded, not
    ignored by git."""
    root = os.path.realpath(config.root)
    prefix = len(os.path.join(root, ""))
    walked = Walked()
    walked.folders = []
    included, excluded = matcher(tuple(config.include)), matcher(tuple(config.exclude))
    for path, real in _walk(folder, root, walked.folders):
        rel = real[prefix:] if _inside(real, root) else real
        if os.sep != "/":
            rel = rel.replace(os.sep, "/")
        if included(rel) and not excluded(rel):
            walked.append(path)
    ignored = _git_ignored(walked)
    if ignored:
        walked[:] = [p for p in walked if p not in ignored]
    return walked


# What lists the files below a folder: walk_files, or a run's memoised walk (it may give a Walked).
Walk = Callable[[Path, Config], Iterable[str]]


def discover(paths: list[Path], config: Config, cwd: Path, walk: Walk = walk_files) -> list[tuple[str, str]]:
    """(path, display path) of every file to check, sorted and without duplicates."""
    found: dict[str, str] = {}
    base = os.path.join(os.path.abspath(cwd), "")
    for given in paths:
        if given.is_file():
            found.setdefault(display_path(given, cwd), os.fspath(given))
        elif given.is_dir():
            for path in walk(given, config):  # absolute and normalised: no abspath per file
                display = path[len(base) :] if path.startswith(base) else path
                found.setdefault(display if os.sep == "/" else display.replace(os.sep, "/"), path)
        elif given.exists() or given.is_symlink():
            raise ConfigError(f"{given}: not a regular file or folder")
        else:
            raise ConfigError(f"{given}: no such file or folder")
    return sorted(((p, d) for d, p in found.items()), key=lambda item: item[1])
