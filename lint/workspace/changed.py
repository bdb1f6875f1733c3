"""`--changed-since REF`: the files that differ from the merge base, plus the files that link to
an article renamed or deleted since then."""

from __future__ import annotations

import subprocess
from pathlib import Path

import yaml

from lint.text.urls import normalise_url
from lint.workspace.config import ConfigError


def _git(cwd: Path, *args: str) -> str:
    try:
        result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as exc:
        raise ConfigError(f"--changed-since needs git: {exc}") from None
    if result.returncode != 0:
        detail = (result.stderr.strip().splitlines() or ["git failed"])[-1]
        raise ConfigError(f"--changed-since: {detail}")
    return result.stdout


def changed_files(ref: str, cwd: Path) -> tuple[Path, list[Path], list[tuple[str, str]]]:
    """(git top level, added/modified/renamed files that exist, (old path, commit) of renamed or
    deleted files)."""
    inside = subprocess.run(["git", "rev-parse", "--is-inside-work-tree"], cwd=cwd, capture_output=True, text=True)
    if inside.returncode != 0:
        raise ConfigError("--changed-since works only inside a git repository")
    top = Path(_git(cwd, "rev-parse", "--show-toplevel").strip())
    base = _git(cwd, "merge-base", ref, "HEAD").strip()
    files, gone = [], []
    parts = _git(top, "diff", "--name-status", "-M", "-z", base).split("\0")
    i = 0
    while i < len(parts) - 1:
        status = parts[i]
        if status.startswith("R"):
            old, new = parts[i + 1], parts[i + 2]
            gone.append((old, base))
            files.append(top / new)
            i += 3
        else:
            path = parts[i + 1]
            if status.startswith("D"):
                gone.append((path, base))
            else:
                files.append(top / path)
            i += 2
    untracked = _git(top, "ls-files", "--others", "--exclude-standard", "-z").split("\0")
    files += [top / p for p in untracked if p]
    return top, [f for f in files if f.is_file()], gone


def old_urls(top: Path, gone: list[tuple[str, str]]) -> set[str]:
    """The urls the renamed or deleted articles had at the merge base."""
    urls = set()
    for path, base in gone:
        try:
            text = _git(top, "show", f"{base}:{path}")
        except ConfigError:
            continue
        if text.startswith("---"):
            try:
                data = yaml.safe_load(text.split("\n---", 1)[0][3:])
            except yaml.YAMLError:
                continue
            if isinstance(data, dict) and isinstance(data.get("url"), str):
                urls.add(normalise_url(data["url"]))
    return urls
