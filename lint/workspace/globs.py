"""Gitignore-style globs on POSIX relative paths: `*` stays in one folder, `**/` spans folders.

Globs are matched by a set-of-positions simulation (time proportional to the glob's length times
the path's length), not by a backtracking regular expression: a glob from the config such as
`*a*a*a*a*a*a*a*a*b` must not take seconds per file name.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Literal

# Token kinds: ("lit", char), ("cls", compiled one-character class), ("seg",) = `*`,
# ("any",) = `**`, ("dirs",) = `**/` (zero or more whole folders).
_Token = tuple[Literal["lit"], str] | tuple[Literal["cls"], re.Pattern[str]] | tuple[Literal["seg", "any", "dirs"]]


class GlobError(ValueError):
    """A glob that cannot be read (a broken `[...]` character class)."""


@lru_cache(maxsize=512)
def _tokens(pattern: str) -> tuple[bool, tuple[_Token, ...]]:
    """(anchored, tokens) of a glob; a glob without `/` matches the file name at any depth."""
    anchored = "/" in pattern.rstrip("/")
    pattern = pattern.strip("/")
    out: list[_Token] = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append(("dirs",))
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(("any",))
            i += 2
            continue
        if c == "*":
            if not out or out[-1] != ("seg",):  # `**`-free runs of `*` are one `*`
                out.append(("seg",))
        elif c == "?":
            out.append(("cls", re.compile(r"[^/]")))
        elif c == "[":
            j = pattern.find("]", i + 1)
            if j < 0:
                out.append(("lit", c))
            else:
                body = pattern[i + 1 : j].replace("!", "^", 1)
                try:
                    out.append(("cls", re.compile("[" + body + "]")))
                except re.error as exc:
                    raise GlobError(
                        f"invalid character class `[{pattern[i + 1 : j]}]` in glob {pattern!r}: {exc}"
                    ) from None
                i = j
        else:
            out.append(("lit", c))
        i += 1
    return anchored, tuple(out)


def check_glob(pattern: str) -> None:
    """Raise GlobError if the glob cannot be used."""
    _tokens(pattern)


def _step(token: _Token, path: str, states: set[int]) -> set[int]:
    n = len(path)
    if token[0] == "lit":  # `token[0]` each time (not a variable): it narrows the token's type
        c = token[1]
        return {i + 1 for i in states if i < n and path[i] == c}
    if token[0] == "cls":
        cls = token[1]
        return {i + 1 for i in states if i < n and cls.fullmatch(path[i])}
    if token[0] == "any":  # `.*`
        return set(range(min(states), n + 1))
    if token[0] == "dirs":  # `(?:.*/)?`
        first = min(states)
        return states | {j + 1 for j in range(first, n) if path[j] == "/"}
    # "seg": `[^/]*`: a sweep over the sorted states, so each character is visited once
    out: set[int] = set()
    reach = -1  # where the previous state's run stopped (a `/` or the end)
    for i in sorted(states):
        if i <= reach:
            continue  # inside the previous run: same run, already added
        j = i
        out.add(j)
        while j < n and path[j] != "/":
            j += 1
            out.add(j)
        reach = j
    return out


_REGEX = {"seg": "[^/]*", "any": ".*", "dirs": "(?:.*/)?"}


@lru_cache(maxsize=512)
def _regex(pattern: str) -> re.Pattern[str] | None:
    """A regular expression for a glob with at most one wildcard (`*.md`, `drafts/**`), which
    cannot backtrack badly and matches much faster than the simulation; None for other globs."""
    anchored, tokens = _tokens(pattern)
    if sum(1 for t in tokens if t[0] in _REGEX) > 1:
        return None
    body = "".join(
        re.escape(t[1]) if t[0] == "lit" else t[1].pattern if t[0] == "cls" else _REGEX[t[0]] for t in tokens
    )
    return re.compile(("" if anchored else "(?:.*/)?") + body + "(?:/.*)?", re.S)


def glob_match(pattern: str, path: str) -> bool:
    """Does `path` (POSIX, relative) match the glob?"""
    regex = _regex(pattern)
    if regex is not None:
        return regex.fullmatch(path) is not None
    anchored, tokens = _tokens(pattern)
    states = {0}
    if not anchored:  # `(?:.*/)?`
        states = _step(("dirs",), path, states)
    for token in tokens:
        states = _step(token, path, states)
        if not states:
            return False
    n = len(path)
    return any(i == n or path[i] == "/" for i in states)  # `(?:/.*)?$`


def matches(path: str, patterns: list[str]) -> bool:
    try:
        return any(glob_match(p, path) for p in patterns)
    except GlobError:
        return False  # reported when the configuration is read


@lru_cache(maxsize=64)
def matcher(patterns: tuple[str, ...]) -> Callable[[str], bool]:
    """`lambda path: matches(path, patterns)`, as one regular expression when every glob has one
    (a walk tests every file of the tree against the include and exclude globs)."""
    try:
        regexes = [_regex(p) for p in patterns]
    except GlobError:
        regexes = [None]
    if not patterns:
        return lambda path: False
    if None in regexes:
        return lambda path: matches(path, list(patterns))
    combined = re.compile("|".join(f"(?:{r.pattern})" for r in regexes if r is not None), re.S)
    return lambda path: combined.fullmatch(path) is not None
