"""Markdown structure shared by rules: headings and their anchors."""

from __future__ import annotations

import re
import unicodedata


_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.+?)[ \t#]*$", re.M)


_HTML_ID = re.compile(r"""\b(?:id|name)\s*=\s*["']([^"']+)["']""")


def heading_anchors(body: str) -> list[str]:
    """GitHub-style anchors of the Markdown headings (duplicates get -1, -2 ...) plus HTML ids."""
    seen: dict[str, int] = {}
    out = []
    for m in _HEADING.finditer(body):
        text = re.sub(r"[`*_\[\]]|\(.*?\)", "", m.group(2)).strip().lower()
        slug = re.sub(r"[^\w\- ]", "", unicodedata.normalize("NFKC", text)).replace(" ", "-")
        n = seen.get(slug, 0)
        seen[slug] = n + 1
        out.append(slug if n == 0 else f"{slug}-{n}")
    return out + _HTML_ID.findall(body)

