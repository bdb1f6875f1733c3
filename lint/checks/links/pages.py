"""Pages of the site outside this repository, declared in config (`links.known-urls`, `links.sitemap`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lint.text.urls import normalise_url
from lint.workspace.config import ConfigError


def known_pages(settings: dict[str, Any], root: Path) -> set[str]:
    """Normalised urls declared in config: `known-urls` and the `<loc>`s of a `sitemap` file."""
    pages = {normalise_url(u) for u in settings.get("known-urls", [])}
    sitemap = settings.get("sitemap")
    if sitemap:
        from xml.etree import ElementTree

        try:
            tree = ElementTree.parse(sitemap)
        except (OSError, ElementTree.ParseError) as exc:
            raise ConfigError(f"links.sitemap: cannot read {sitemap}: {exc}") from None
        for loc in tree.iter():
            if loc.tag.endswith("loc") and loc.text:
                pages.add(normalise_url(loc.text.strip()))
    return pages
