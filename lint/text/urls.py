"""Urls, titles and slugs as they are compared: normalised paths, text without quote or space
differences, and the slugs the site makes of titles."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlparse


def normalise_url(url: str) -> str:
    """Site-absolute path of a url, without query, fragment or trailing slash."""
    path = urlparse(url).path if "://" in url else url.split("#", 1)[0].split("?", 1)[0]
    return path.rstrip("/") or "/"


_QUOTES = str.maketrans({"“": '"', "”": '"', "’": "'", "‘": "'"})


def normalise_text(text: str) -> str:
    """Text compared without extra whitespace or curly-quote differences."""
    return " ".join(text.translate(_QUOTES).split())


def normalise_title(title: str) -> str:
    """Index key of a title: normalised text, case-insensitive."""
    return normalise_text(title).lower()


def slugify(text: str) -> str:
    """The site's slug: lowercase, drop everything but letters, digits and spaces, spaces -> '-'.

    Derived from the seed articles: "alcohol-related" becomes "alcoholrelated" and
    "strategies, and how" becomes "strategies-and-how".
    """
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    text = re.sub(r"[^a-z0-9\s]", "", text)
    return "-".join(text.split())
