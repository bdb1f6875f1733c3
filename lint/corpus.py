"""The corpus index: every article of the content tree by id, url, file name and path.

Built from the whole content tree (not only the files being checked), reading front matter and
headings only, and cached on disk in `.hrlint_cache/` at the content root: an entry is reused when
the file's size and mtime are unchanged, or when its content hash is; writes are atomic, so two
hrlint processes may share the cache; a corrupt cache is rebuilt.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import tempfile
import unicodedata
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from lint import jsonio
from lint.config import Config, ConfigError
from lint.discovery import walk_files
from lint.document import Document

CACHE_DIR = ".hrlint_cache"
INDEX_FILE = "index-v2.json"
CACHE_VERSION = 2
# An index cache entry is a list (several times quicker to load than an object per file):
# [size, mtime_ns, sha256, article fields in Article's order, or null when the file has no front matter].
SIZE, MTIME, SHA256, ARTICLE = range(4)
_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.+?)[ \t#]*$", re.M)
_HTML_ID = re.compile(r"""\b(?:id|name)\s*=\s*["']([^"']+)["']""")


@dataclass(slots=True)
class Article:
    path: str  # POSIX, relative to the content root
    id: Any = None
    url: str | None = None
    file_name: str | None = None
    title: str | None = None
    subject: str | None = None
    anchors: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)  # urls of its related articles


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


def article_of(doc: Document, rel: str) -> Article | None:
    """The index entry of a document (None if it has no front matter mapping)."""
    data = doc.data
    if not isinstance(data, dict):
        return None

    def text(key: str) -> str | None:
        value = data.get(key)
        return value if isinstance(value, str) else None

    related = [v.get("url") for k, v in data.items()
               if isinstance(k, str) and k.startswith("related_article") and isinstance(v, dict)]
    ident = data.get("id")
    if not isinstance(ident, (int, str)):
        ident = None
    elif isinstance(ident, int) and not -2**63 <= ident < 2**63:
        ident = str(ident)  # kept exact through the JSON cache
    return Article(rel, ident, text("url"),
                   text("file_name"), text("title"), text("subject"),
                   heading_anchors(doc.text[doc.body_start:]), [u for u in related if isinstance(u, str)])


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


class CorpusIndex:
    """Articles by path, url, id, file name and title; each lookup table is built on first use."""

    def __init__(self, root: Path, articles: list[Article]):
        self.root = root
        self.articles = articles
        self.by_path = {a.path: a for a in articles}
        self.digest: str | None = None  # hash of every entry: changes when any article's data does
        self._similar: dict[str, list[str]] = {}
        self._folders: dict[str, list[str]] | None = None  # folder of a url -> its urls

    def _table(self, key) -> dict[str, list[Article]]:
        table: dict[str, list[Article]] = {}
        for a in self.articles:
            k = key(a)
            if k is not None:
                table.setdefault(k, []).append(a)
        return table

    @cached_property
    def by_url(self) -> dict[str, list[Article]]:
        return self._table(lambda a: normalise_url(a.url) if a.url else None)

    @cached_property
    def by_id(self) -> dict[str, list[Article]]:
        return self._table(lambda a: str(a.id) if a.id is not None else None)

    @cached_property
    def by_file_name(self) -> dict[str, list[Article]]:
        return self._table(lambda a: a.file_name or None)

    @cached_property
    def by_title(self) -> dict[str, list[Article]]:
        """Whitespace- and case-normalised titles."""
        return self._table(lambda a: normalise_title(a.title) if a.title else None)

    def build_tables(self) -> None:
        """Build the lookup tables every document of a check needs now, before workers fork
        (each would otherwise build, and hold, its own)."""
        self.by_url, self.by_id, self.by_file_name  # noqa: B018 - cached properties, built on access

    def find_url(self, url: str) -> Article | None:
        found = self.by_url.get(normalise_url(url))
        return found[0] if found else None

    def similar_urls(self, url: str, limit: int = 3) -> list[str]:
        """The indexed urls closest to `url` (for "did you mean"); memoised per url."""
        key = normalise_url(url)
        if key not in self._similar:
            from rapidfuzz import fuzz, process

            # Urls in the same folder (a typo in the last part is the usual mistake, and a big site
            # has thousands of urls); the whole site when no url is in that folder.
            if self._folders is None:
                self._folders = {}
                for known in self.by_url:
                    self._folders.setdefault(known.rsplit("/", 1)[0], []).append(known)
            candidates = self._folders.get(key.rsplit("/", 1)[0]) or list(self.by_url)
            found = process.extract(key, candidates, scorer=fuzz.ratio, limit=limit, score_cutoff=80)
            self._similar[key] = [choice for choice, _, _ in found]
        return self._similar[key]

    def inbound(self) -> dict[str, int]:
        """How many articles link to each article (by path), for orphans and degrees."""
        counts = {a.path: 0 for a in self.articles}
        for a in self.articles:
            for url in set(a.links):
                target = self.find_url(url)
                if target is not None and target.path != a.path:
                    counts[target.path] += 1
        return counts


# --- content root ------------------------------------------------------------------------------

def content_root(config: Config, paths: list[Path], cwd: Path) -> Path:
    """config `content-root`, else the config file's folder, else the git top level, else the
    common parent of the paths."""
    if config.content_root is not None:
        return config.content_root.resolve()
    if config.path is not None:
        return config.path.parent.resolve()
    try:
        top = subprocess.run(["git", "-C", str(cwd), "rev-parse", "--show-toplevel"],
                             capture_output=True, text=True, timeout=10)
        if top.returncode == 0 and top.stdout.strip():
            return Path(top.stdout.strip()).resolve()
    except (OSError, subprocess.SubprocessError):
        pass
    folders = [(p if p.is_dir() else p.parent).resolve() for p in paths] or [cwd.resolve()]
    return Path(os.path.commonpath([str(f) for f in folders]))


# --- building with the cache ------------------------------------------------------------------

def build_index(root: Path, config: Config, use_cache: bool = True, jobs: int = 1, walk=walk_files) -> CorpusIndex:
    """The index of every article under `root`: cached entries for unchanged files, the others
    read on up to `jobs` processes."""
    from lint.parallel import ordered_map

    cache_path = root / CACHE_DIR / INDEX_FILE
    cached, digest = _read_cache(cache_path) if use_cache else ({}, None)
    entries: dict[str, list] = {}
    stale = []
    prefix = len(os.path.join(str(root), ""))
    for path in walk(root, config):  # path strings below root
        rel = path[prefix:].replace(os.sep, "/")
        try:
            stat = os.stat(path)
        except OSError:
            continue
        old = cached.get(rel)
        if old and old[SIZE] == stat.st_size and old[MTIME] == stat.st_mtime_ns:
            entries[rel] = old
        else:
            stale.append((path, rel, old, config.max_file_size))
    for rel, entry in ordered_map(_index_entry, stale, jobs):
        if entry is not None:
            entries[rel] = entry
    if stale or set(entries) != set(cached) or digest is None:
        digest = hashlib.sha256(jsonio.dumps([(rel, entries[rel][ARTICLE]) for rel in sorted(entries)])).hexdigest()
        if use_cache:
            write_cache_file(cache_path, {"version": CACHE_VERSION, "digest": digest, "files": entries})
    articles = [Article(*e[ARTICLE]) for _, e in sorted(entries.items()) if e[ARTICLE]]
    index = CorpusIndex(root, articles)
    index.digest = digest
    return index


def _index_entry(item: tuple[str, str, list | None, int]) -> tuple[str, list | None]:
    """The cache entry of one new or changed file (None if it cannot be read or is too large)."""
    path, rel, old, max_bytes = item
    try:
        stat = os.stat(path)
        if stat.st_size > max_bytes:
            return rel, None
        with open(path, "rb") as file:
            raw = file.read()
    except OSError:
        return rel, None
    digest = hashlib.sha256(raw).hexdigest()
    if old and old[SHA256] == digest:
        return rel, [stat.st_size, stat.st_mtime_ns, digest, old[ARTICLE]]
    article = article_of(Document.from_bytes(raw, Path(path), rel), rel)
    return rel, [stat.st_size, stat.st_mtime_ns, digest,
                 [getattr(article, f) for f in _ARTICLE_FIELDS] if article else None]


_ARTICLE_FIELDS = tuple(Article.__dataclass_fields__)


def _valid_entry(e) -> bool:
    return (type(e) is list and len(e) == 4 and type(e[SIZE]) is int and type(e[MTIME]) is int
            and type(e[SHA256]) is str and (e[ARTICLE] is None or (
                type(e[ARTICLE]) is list and len(e[ARTICLE]) == len(_ARTICLE_FIELDS)
                and type(e[ARTICLE][0]) is str)))


def _read_cache(path: Path) -> tuple[dict[str, list], str | None]:
    """The cached entries and the index digest ({} and None if missing or corrupt)."""
    try:
        data = jsonio.loads(path.read_bytes())
        if data.get("version") == CACHE_VERSION and isinstance(data.get("files"), dict):
            files = data["files"]
            if all(map(_valid_entry, files.values())):
                return files, data.get("digest") if isinstance(data.get("digest"), str) else None
    except (OSError, ValueError, AttributeError):
        pass
    return {}, None  # missing or corrupt: rebuilt from the files


def write_cache_file(path: Path, data: dict) -> None:
    """Atomically replace a cache file; a cache that cannot be written is simply not kept."""
    try:
        folder = path.parent
        folder.mkdir(exist_ok=True)
        if not (folder / "CACHEDIR.TAG").exists():
            (folder / "CACHEDIR.TAG").write_text(
                "Signature: 8a477f597d28d172789f06886806bc55\n# hrlint cache; see https://bford.info/cachedir/\n")
            (folder / ".gitignore").write_text("*\n")
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", dir=folder)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(jsonio.dumps(data))
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError:
        pass


# --- pages of the site outside this repository -------------------------------------------------

def known_pages(settings: dict[str, Any], root: Path) -> set[str]:
    """Normalised urls declared in config: `known-urls` and the `<loc>`s of a `sitemap` file."""
    pages = {normalise_url(u) for u in settings.get("known-urls", [])}
    sitemap = settings.get("sitemap")
    if sitemap:
        try:
            tree = ElementTree.parse(sitemap)
        except (OSError, ElementTree.ParseError) as exc:
            raise ConfigError(f"links.sitemap: cannot read {sitemap}: {exc}") from None
        for loc in tree.iter():
            if loc.tag.endswith("loc") and loc.text:
                pages.add(normalise_url(loc.text.strip()))
    return pages
