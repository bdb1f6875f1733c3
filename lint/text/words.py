"""Word-level text helpers shared by the prose rules: whole-word phrase search, case-keeping
replacements, and whether a span stands in quotation marks."""

from __future__ import annotations

import re
from collections.abc import Iterator

QUOTE_REACH = 300  # how far around a span quote detection looks
QUOTE_PAIRS = {'"': '"', "“": "”", "'": "'", "‘": "’"}


def trie_regex(phrases: list[str]) -> str:
    """One alternation factored by common prefixes, so each position fails after a character or two
    instead of trying every phrase (a space in a phrase matches any run of whitespace)."""
    trie: dict = {}
    for phrase in phrases:
        node = trie
        for char in " ".join(phrase.split()):
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict) -> str:
        branches = [
            (r"\s+" if char == " " else re.escape(char)) + build(child) for char, child in sorted(node.items()) if char
        ]
        optional = "" in node
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 and not optional else "(?:" + "|".join(branches) + ")"
        return body + ("?" if optional else "")

    return build(trie)


class WholeWords:
    """Lower-case phrases found as whole words, case-insensitively. The text is lower-cased and
    searched with a case-sensitive pattern (about 3x faster than `re.I`); the rare text whose
    length changes when lower-cased is searched with the `re.I` pattern instead."""

    def __init__(self, phrases: list[str], separator: str = r"\s+"):
        """`separator`: what a space in a phrase matches."""
        self.source = r"(?<![\w-])" + trie_regex(phrases).replace(r"\s+", separator) + r"(?![\w-])"
        self.lower = re.compile(self.source)
        self._ignore_case: re.Pattern | None = None

    def finditer(self, text: str, low: str | None = None) -> Iterator[re.Match[str]]:
        """Matches in `text`; `low` is `text.lower()` when the caller has it already."""
        low = text.lower() if low is None else low
        if len(low) == len(text):
            return self.lower.finditer(low)
        if self._ignore_case is None:
            self._ignore_case = re.compile(self.source, re.I)
        return self._ignore_case.finditer(text)


def keep_case(original: str, replacement: str) -> str:
    """`Addicts` -> `People ...`, `ADDICTS` -> `PEOPLE ...`, `addicts` -> `people ...`."""
    if original.isupper() and len(original) > 1:
        return replacement.upper()
    if original[:1].isupper() and (len(original) == 1 or not original[1].isupper()):
        return replacement[:1].upper() + replacement[1:]
    return replacement  # lower case, or an acronym such as "IV drug users"


def quoted(text: str, a: int, b: int) -> bool:
    """True if [a, b) is in a Markdown blockquote line or between quotation marks on its line."""
    line_start = max(text.rfind("\n", max(0, a - QUOTE_REACH), a) + 1, a - QUOTE_REACH, 0)
    line_end = text.find("\n", b, b + QUOTE_REACH)
    line_end = min(len(text), b + QUOTE_REACH) if line_end < 0 else line_end
    head, tail = text[line_start:a], text[b:line_end]
    if head.lstrip().startswith(">"):
        return True
    for opening, closing in QUOTE_PAIRS.items():
        i = head.rfind(opening)
        if i < 0 or (opening == "'" and i > 0 and head[i - 1].isalpha()):
            continue  # an apostrophe, not a quote
        if closing in head[i + 1 :] and opening != closing:
            continue
        if opening == closing and head[i + 1 :].count(opening) % 2:
            continue
        j = tail.find(closing)
        if j >= 0 and not (closing == "'" and j + 1 < len(tail) and tail[j + 1].isalpha()):
            return True
    return False
