"""The corpus index: every article of the content tree by id, url, file name and path.

Built from the whole content tree (not only the files being checked), reading front matter and
headings only, and cached on disk in `.hrlint_cache/` at the content root: an entry is reused when
the file's size and mtime are unchanged, or when its content hash is; writes are atomic, so two
hrlint processes may share the cache; a corrupt cache is rebuilt.

A run on a few files (a pre-commit hook) walks only the folders whose mtime changed since the last
walk (adding, removing or renaming a file changes its folder's mtime): it reads the files it checks
and every article it looks up again if they changed, and trusts the rest.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, Final, Generic, TypeVar, cast, overload

from lint.model import jsonio
from lint.model.document import Document
from lint.store.spill import Spill
from lint.store.sqlite import CACHE_DIR, connect, open_database, retrying, temporary_database, write_cache_folder
from lint.text.markdown import scan
from lint.text.urls import normalise_title, normalise_url
from lint.workspace.config import Config
from lint.workspace.discovery import Walk, relative_to, walk_files

INDEX_FILE = "index-v4.sqlite"
CACHE_VERSION = 5  # 5: anchors from the CommonMark scan (lint.text.markdown)
V = TypeVar("V")  # what a _Lookup finds for a key: the articles (a list), or one article (or None)
D = TypeVar("D")


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


def article_of(doc: Document, rel: str) -> Article | None:
    """The index entry of a document (None if it has no front matter mapping)."""
    data = doc.data
    if not isinstance(data, dict):
        return None

    def text(key: str) -> str | None:
        value = data.get(key)
        return value if isinstance(value, str) else None

    related = [
        v.get("url")
        for k, v in data.items()
        if isinstance(k, str) and k.startswith("related_article") and isinstance(v, dict)
    ]
    ident = data.get("id")
    if not isinstance(ident, (int, str)):
        ident = None
    elif isinstance(ident, int) and not -(2**63) <= ident < 2**63:
        ident = str(ident)  # kept exact through the JSON cache
    return Article(
        rel,
        ident,
        text("url"),
        text("file_name"),
        text("title"),
        text("subject"),
        scan(doc).anchors,
        [u for u in related if isinstance(u, str)],
    )


class _Lookup(Generic[V]):
    """`index.by_url.get(key, default)` and friends: the articles whose `column` is `key`, in path
    order, looked up in the index database (memoised per process)."""

    MEMO_SIZE = 4096

    def __init__(self, index: CorpusIndex, column: str, one: bool = False) -> None:
        """`one`: find the first article (None if there is none) instead of the list of them; V says which."""
        self.index, self.column, self.one = index, column, one
        self.memo: dict[str, V] = {}
        self._repeated: set[str] | None = None

    @overload
    def get(self, key: str) -> V | None: ...
    @overload
    def get(self, key: str, default: D) -> V | D: ...

    def get(self, key: str, default: D | None = None) -> V | D | None:
        found = self.get_many([key])[key]
        return default if found is None or found == [] else found

    def get_many(self, keys: list[str]) -> dict[str, V]:
        """`{key: articles}` for several keys, in one query for those not memoised."""
        if len(self.memo) + len(keys) > self.MEMO_SIZE:
            self.memo.clear()  # bounded on huge corpora
        todo = list(dict.fromkeys(k for k in keys if k not in self.memo))
        if todo:
            found: dict[str, list[Article]] = {k: [] for k in todo}
            rows = self.index.query(
                f"SELECT {self.column}, article FROM articles WHERE {self.column} "
                f"IN ({', '.join('?' * len(todo))}) ORDER BY path",
                tuple(todo),
            )
            for key, blob in rows:
                found[key].append(Article(*jsonio.loads(blob)))
            if self.index.checks_freshness:
                found = {k: self.index.fresh(v, self.column, k) for k, v in found.items()}
            # V is `Article | None` for a lookup of `one`, `list[Article]` otherwise (see __init__).
            self.memo.update((k, cast(V, (v[0] if v else None) if self.one else v)) for k, v in found.items())
        return {k: self.memo[k] for k in keys}

    @property
    def repeated(self) -> set[str]:
        """The keys that more than one article has (computed once per process; not for an index
        that checks freshness: one of the articles read again may now share its key)."""
        if self._repeated is None:
            self._repeated = {
                k
                for (k,) in self.index.query(
                    f"SELECT {self.column} FROM articles WHERE {self.column} IS NOT NULL "
                    f"GROUP BY {self.column} HAVING COUNT(*) > 1"
                )
            }
        return self._repeated


_INHERITED: list[sqlite3.Connection] = []


class CorpusIndex:
    """Articles by path, url, id, file name and title, in an SQLite database (the cache file, or a
    temporary one with --no-cache). Lookups read only the rows they need, so a large corpus costs
    neither the time to load every entry nor the memory of holding them in each worker process."""

    def __init__(
        self,
        root: Path,
        database: Path,
        digest: str,
        overlay: dict[str, Article | None] | None = None,
        max_bytes: int = 0,
    ):
        """`overlay` (with `max_bytes`, the file size limit): given when the database may be stale
        (the tree was not walked); it holds the articles read again (None: no longer an article),
        and each article looked up is read again if its file changed."""
        self.root = root
        self.database = database
        self.digest = digest  # hash of every entry: changes when any article's data does
        self.overlay = overlay if overlay is not None else {}
        self.checks_freshness = overlay is not None
        self.max_bytes = max_bytes
        self._paths: frozenset[str] | None = None
        self._rechecked: set[str] = set()
        self._connection: sqlite3.Connection | None = None
        self._pid = -1  # connections are per process: a forked worker opens its own
        self.by_path: _Lookup[Article | None] = _Lookup(self, "path", one=True)
        self.by_url: _Lookup[list[Article]] = _Lookup(self, "url_key")
        self.by_id: _Lookup[list[Article]] = _Lookup(self, "id_key")
        self.by_file_name: _Lookup[list[Article]] = _Lookup(self, "file_name")
        self.by_title: _Lookup[list[Article]] = _Lookup(self, "title_key")  # whitespace- and case-normalised titles
        self._similar: dict[str, list[str]] = {}
        self._folders: dict[str | None, list[str]] = {}
        self.stats: dict[str, tuple[int, int]] = {}  # path -> (size, mtime_ns) of the files this run's walk found
        self.spilled: dict[str, int] = {}  # path -> where lint.store.spill keeps the document this run parsed

    @property
    def paths(self) -> frozenset[str]:
        """The paths of every article, as of this run (read once per process)."""
        if self._paths is None:
            self._paths = frozenset(path for (path,) in self.query("SELECT path FROM articles"))
        if not self.overlay:
            return self._paths
        return (self._paths - self.overlay.keys()) | {p for p, a in self.overlay.items() if a is not None}

    def query(self, sql: str, args: tuple[str, ...] = ()) -> list[tuple[Any, ...]]:
        if self._pid != os.getpid():
            if self._connection is not None:  # the parent's, inherited through fork: never closed
                _INHERITED.append(self._connection)  # here (SQLite forbids using it in a child)
            # One read transaction for the whole run: a consistent snapshot (another hrlint may
            # update the index meanwhile; in WAL mode it does not wait for us), and no file
            # locking per query (which cost more than the query itself).
            self._connection = connect(self.database)
            self._connection.execute("BEGIN")
            self._pid = os.getpid()
        assert self._connection is not None  # opened above, in this process
        return self._connection.execute(sql, args).fetchall()

    @property
    def articles(self) -> list[Article]:
        """Every article, in path order (for the few uses that need them all)."""
        found = [Article(*jsonio.loads(blob)) for (blob,) in self.query("SELECT article FROM articles ORDER BY path")]
        return self.fresh(found) if self.checks_freshness else found

    def fresh(self, found: list[Article], column: str | None = None, key: str | None = None) -> list[Article]:
        """`found` (read from a database that may be stale) with the articles whose file changed
        read again, plus the articles read again in this run that have `column` = `key` (all of
        them without a column); in path order."""
        for article in found:
            self.recheck(article.path)
        merged: dict[str, Article | None] = {a.path: a for a in found}
        merged.update(self.overlay)  # None: no longer an article
        return [a for _, a in sorted(merged.items()) if a is not None and (column is None or _key(a, column) == key)]

    def recheck(self, rel: str) -> None:
        """Read an indexed file again (into `overlay`) if its size or mtime is not the indexed one;
        once a run. A file the last walk did not index (excluded, ignored, unreadable) stays out."""
        if rel in self._rechecked:
            return
        self._rechecked.add(rel)
        path = os.path.join(self.root, rel)
        known = self.query("SELECT size, mtime_ns, sha256 FROM files WHERE path = ?", (rel,))
        if not known:
            return
        try:
            stat = os.stat(path)
            if known[0][:2] == (stat.st_size, stat.st_mtime_ns):
                return
        except OSError:
            pass  # gone: _index_entry says so
        entry = _index_entry((path, rel, known[0][2], self.max_bytes, None))
        if entry[4] != _KEEP:  # the same bytes: the indexed article stands
            self.overlay[rel] = Article(*jsonio.loads(entry[4][1])) if entry[4] else None

    def find_url(self, url: str) -> Article | None:
        return self.find_urls([url])[url]

    def find_urls(self, urls: list[str]) -> dict[str, Article | None]:
        """The article each url points at (the first by path when several share it), in one query."""
        found: Mapping[str, Sequence[Article | None]] = self.by_url.get_many([normalise_url(u) for u in urls])
        return {u: (found[normalise_url(u)] or [None])[0] for u in urls}

    def similar_urls(self, url: str, limit: int = 3) -> list[str]:
        """The indexed urls closest to `url` (for "did you mean"); memoised per url."""
        key = normalise_url(url)
        if key not in self._similar:
            from rapidfuzz import fuzz, process

            # Urls in the same folder (a typo in the last part is the usual mistake, and a big site
            # has thousands of urls); the whole site when no url is in that folder.
            candidates = self._urls_in(key.rsplit("/", 1)[0]) or self._urls_in(None)
            found = process.extract(key, candidates, scorer=fuzz.ratio, limit=limit, score_cutoff=80)
            self._similar[key] = [choice for choice, _, _ in found]
        return self._similar[key]

    def _urls_in(self, folder: str | None) -> list[str]:
        """The distinct urls of a url folder (None: of the whole site), memoised per folder."""
        if folder not in self._folders:
            args: tuple[str, ...]
            where, args = "url_key IS NOT NULL", ()
            if folder is not None:  # the urls that start with `folder/` ("0" follows "/")
                where, args = "url_key >= ? AND url_key < ?", (folder + "/", folder + "0")
            urls = self.query(f"SELECT url_key FROM articles WHERE {where} GROUP BY url_key ORDER BY MIN(path)", args)
            self._folders[folder] = [u for (u,) in urls if folder is None or u.rsplit("/", 1)[0] == folder]
        return self._folders[folder]

    def inbound(self) -> dict[str, int]:
        """How many articles link to each article (by path), for orphans and degrees."""
        articles = self.articles
        by_url: dict[str, str] = {}
        for a in articles:
            if a.url:
                by_url.setdefault(normalise_url(a.url), a.path)
        counts = {a.path: 0 for a in articles}
        for a in articles:
            for url in set(a.links):
                target = by_url.get(normalise_url(url))
                if target is not None and target != a.path:
                    counts[target] += 1
        return counts


# --- content root ------------------------------------------------------------------------------


# --- building with the cache ------------------------------------------------------------------

_SCHEMA = """
CREATE TABLE IF NOT EXISTS files (  -- every file walked (a narrow table: each run reads all of it)
    path TEXT PRIMARY KEY,  -- POSIX, relative to the content root
    size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, sha256 TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (  -- the files with front matter
    path TEXT PRIMARY KEY,
    article TEXT NOT NULL,  -- JSON list of the Article fields
    article_hash TEXT NOT NULL, id_key TEXT, url_key TEXT, file_name TEXT, title_key TEXT);
CREATE INDEX IF NOT EXISTS articles_url ON articles (url_key);
CREATE INDEX IF NOT EXISTS articles_id ON articles (id_key);
CREATE INDEX IF NOT EXISTS articles_file_name ON articles (file_name);
CREATE INDEX IF NOT EXISTS articles_title ON articles (title_key);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS folders (  -- every folder walked, so a run on a few files can skip the walk
    path TEXT PRIMARY KEY,  -- POSIX, relative to the content root ("" for the root)
    mtime_ns INTEGER NOT NULL);  -- -1: changed too recently to be trusted (see _folder_rows)
"""
RACY_NS = 2_000_000_000  # a folder changed this soon before it was read may change again unseen
_KEEP: Final = "keep"  # a touched file whose bytes did not change: only its size and mtime are updated
# A file to index: (path, path relative to the root, sha256 as indexed or None, size limit, spill or None).
_Task = tuple[str, str, str | None, int, Spill | None]
# An `articles` row: path, article (JSON), its hash, then the _KEY_COLUMNS.
_ArticleRow = tuple[str, str, str, str | None, str | None, str | None, str | None]
# What `_index_entry` gives: (path, size, mtime_ns, sha256, `articles` row or None or _KEEP, spill location
# or None); `_write` stores the first five.
_Stored = tuple[str, int | None, int | None, str | None, _ArticleRow | str | None]
_Entry = tuple[str, int | None, int | None, str | None, _ArticleRow | str | None, int | None]


def build_index(
    root: Path,
    config: Config,
    use_cache: bool = True,
    jobs: int = 1,
    walk: Walk = walk_files,
    targets: list[str] | None = None,
    spill: Spill | None = None,
) -> CorpusIndex:
    """The index of every article under `root`: entries of unchanged files are kept, the others
    read on up to `jobs` processes. With `targets` (the few files a run checks), only the folders
    changed since the last walk are walked (see `_update`). With `spill`, the documents read for
    the index that the run will check are kept there (`CorpusIndex.spilled`)."""
    database = root / CACHE_DIR / INDEX_FILE
    if use_cache:
        write_cache_folder(database.parent)
        index = retrying(database, lambda: _update(root, config, database, jobs, walk, targets, spill))
        if index is not None:
            return index
    return _update(root, config, temporary_database(), jobs, walk, spill=spill)


def _walk_key(root: Path, config: Config) -> str:
    """What decides which files a walk indexes, besides the tree itself."""
    return repr((str(root), str(config.root), config.include, config.exclude, config.max_file_size))


def _folder_rows(root: Path, folders: list[tuple[str, int, int]] | None) -> dict[str, int]:
    """{folder relative to root: mtime_ns} of the folders a walk read. A folder changed less than
    RACY_NS before it was read gets -1: a later change could keep the same coarse timestamp."""
    prefix = len(os.path.join(str(root), ""))
    return {
        path[prefix:].replace(os.sep, "/"): mtime if read_at - mtime >= RACY_NS else -1
        for path, mtime, read_at in folders or []
    }


def _below(folder: str) -> tuple[str, tuple[str, ...]]:
    """SQL condition and arguments: `path` is `folder` or below it ("" is the root)."""
    if not folder:
        return "1", ()
    return "(path = ? OR (path >= ? AND path < ?))", (folder, folder + "/", folder + "0")


def _changed_folders(db: sqlite3.Connection, root: Path) -> list[str] | None:
    """The folders to walk again: those whose mtime is not the one the last walk recorded (a
    file was added, removed or renamed in them), without the ones below another; None (walk
    everything) when the last walk recorded no folders."""
    recorded = db.execute("SELECT path, mtime_ns FROM folders ORDER BY path").fetchall()
    if not recorded:
        return None
    changed: list[str] = []
    for rel, mtime in recorded:
        if any(not c or rel.startswith(c + "/") for c in changed):
            continue  # walked again with its changed parent
        try:
            same = os.stat(os.path.join(root, rel)).st_mtime_ns == mtime
        except OSError:
            same = False  # removed: its parent changed too
        if not same:
            changed.append(rel)
    return changed


def _update(
    root: Path,
    config: Config,
    database: Path,
    jobs: int,
    walk: Walk,
    targets: list[str] | None = None,
    spill: Spill | None = None,
) -> CorpusIndex:
    """Walk the tree and bring the database up to date. With `targets` (a run on a few files),
    only the folders changed since the last walk are walked, and the index it returns reads the
    targets and each article it looks up again if their file changed (a file edited in place does
    not change its folder)."""
    from lint.workspace.parallel import ordered_map

    db = open_database(database, _SCHEMA, CACHE_VERSION)
    try:
        walk_key = _walk_key(root, config)
        same_settings = db.execute("SELECT value FROM meta WHERE key = 'walk'").fetchone() == (walk_key,)
        subtrees = _changed_folders(db, root) if targets is not None and same_settings else None
        trusting = subtrees is not None
        subtrees = [""] if subtrees is None else subtrees
        known: dict[str, tuple[int, int, str]] = {}  # path -> (size, mtime_ns, sha256) as indexed
        old_folders: dict[str, int] = {}
        walked: list[str] = []
        folders: list[tuple[str, int, int]] = []
        for folder in subtrees:
            where, args = _below(folder)
            known.update(
                {
                    row[0]: row[1:]
                    for row in db.execute(f"SELECT path, size, mtime_ns, sha256 FROM files WHERE {where}", args)
                }
            )
            old_folders.update(db.execute(f"SELECT path, mtime_ns FROM folders WHERE {where}", args))
            found = walk(root / folder, config)
            walked += found
            folders += getattr(found, "folders", None) or []
        digest = db.execute("SELECT value FROM meta WHERE key = 'digest'").fetchone()
        stale: list[_Task] = []
        seen: set[str] = set()
        stats: dict[str, tuple[int, int]] = {}
        spilled: dict[str, int] = {}
        writer = spill.writer() if spill is not None else None
        prefix = len(os.path.join(str(root), ""))
        for path in walked:  # path strings below root
            rel = path[prefix:] if os.sep == "/" else path[prefix:].replace(os.sep, "/")
            try:
                stat = os.stat(path)
            except OSError:
                continue
            seen.add(rel)
            size_mtime = stats[path] = (stat.st_size, stat.st_mtime_ns)
            old = known.get(rel)
            if old is None or old[:2] != size_mtime:
                keep = writer if writer is not None and spill is not None and path in spill.wanted else None
                stale.append((path, rel, old[2] if old else None, config.max_file_size, keep))
        gone = [(rel,) for rel in known.keys() - seen]
        folder_rows = _folder_rows(root, folders)
        if stale or gone or digest is None or not same_settings or folder_rows != old_folders:
            db.execute("BEGIN IMMEDIATE")
            db.executemany("DELETE FROM files WHERE path = ?", gone)
            db.executemany("DELETE FROM articles WHERE path = ?", gone)
            entries = zip(stale, ordered_map(_index_entry, stale, jobs))
            while batch := list(islice(entries, 1000)):  # written as they come: bounded memory
                _write(db, [entry[:5] for _, entry in batch])
                spilled.update((item[0], entry[5]) for item, entry in batch if entry[5] is not None)
            if stale or gone or digest is None:
                hashes = hashlib.sha256()
                for rel, article_hash in db.execute("SELECT path, article_hash FROM articles ORDER BY path"):
                    hashes.update(f"{rel}\0{article_hash}\n".encode("utf-8", "surrogatepass"))
                digest = (hashes.hexdigest(),)
            for folder in subtrees:
                where, args = _below(folder)
                db.execute(f"DELETE FROM folders WHERE {where}", args)
            db.executemany("INSERT INTO folders VALUES (?, ?)", folder_rows.items())
            db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", [("digest", digest[0]), ("walk", walk_key)])
            db.execute("COMMIT")
    finally:
        db.close()
    if not trusting:
        index = CorpusIndex(root, database, digest[0])
        index.stats, index.spilled = stats, spilled
        return index
    index = CorpusIndex(root, database, digest[0], overlay={}, max_bytes=config.max_file_size)
    for target in targets or []:
        rel = relative_to(Path(target), root)
        if not os.path.isabs(rel):
            index.recheck(rel)
    return index


def _write(db: sqlite3.Connection, entries: list[_Stored]) -> None:
    """Store `_index_entry` results: unreadable files leave the index, touched ones get their new
    size and mtime, changed ones their new row."""
    changed = [e for e in entries if e[1] is not None and e[4] != _KEEP]
    unreadable = [(e[0],) for e in entries if e[1] is None]
    db.executemany("DELETE FROM files WHERE path = ?", unreadable)
    db.executemany("DELETE FROM articles WHERE path = ?", unreadable + [e[:1] for e in changed])
    db.executemany(
        "UPDATE files SET size = ?, mtime_ns = ? WHERE path = ?", [(e[1], e[2], e[0]) for e in entries if e[4] == _KEEP]
    )
    db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?)", [e[:4] for e in changed])
    db.executemany("INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?)", [e[4] for e in changed if e[4] is not None])


def _row(rel: str, article: Article) -> _ArticleRow:
    """The `articles` row of one file: its fields, and the keys it is looked up by."""
    blob = jsonio.dumps([getattr(article, f) for f in _ARTICLE_FIELDS]).decode("utf-8")
    return (rel, blob, hashlib.sha256(blob.encode("utf-8", "surrogatepass")).hexdigest(), *_keys(article))


_KEY_COLUMNS = ("id_key", "url_key", "file_name", "title_key")


def _keys(article: Article) -> tuple[str | None, str | None, str | None, str | None]:
    """An article's values of the `_KEY_COLUMNS`."""
    return (
        str(article.id) if article.id is not None else None,
        normalise_url(article.url) if article.url else None,
        article.file_name or None,
        normalise_title(article.title) if article.title else None,
    )


def _key(article: Article, column: str) -> str | None:
    """An article's value of one key column (or its path)."""
    return article.path if column == "path" else _keys(article)[_KEY_COLUMNS.index(column)]


def _index_entry(item: _Task) -> _Entry:
    """(path, size, mtime_ns, sha256, `articles` row or None or _KEEP, spill location or None) of
    a new or changed file; size None when the file cannot be read or is too large (it leaves the
    index). With a spill, the parsed document is kept there for the check pass."""
    path, rel, old_sha, max_bytes, spill = item
    try:
        stat = os.stat(path)
        if stat.st_size > max_bytes:
            return rel, None, None, None, None, None
        with open(path, "rb") as file:
            raw = file.read()
    except OSError:
        return rel, None, None, None, None, None
    digest = hashlib.sha256(raw).hexdigest()
    if digest == old_sha and spill is None:
        return rel, stat.st_size, stat.st_mtime_ns, digest, _KEEP, None
    doc = Document.from_bytes(raw, Path(path), rel)
    doc.signature = (stat.st_size, stat.st_mtime_ns, digest)
    location = spill.put(doc) if spill is not None else None
    if digest == old_sha:
        return rel, stat.st_size, stat.st_mtime_ns, digest, _KEEP, location
    article = article_of(doc, rel)
    return rel, stat.st_size, stat.st_mtime_ns, digest, _row(rel, article) if article else None, location


_ARTICLE_FIELDS = tuple(Article.__dataclass_fields__)


# --- pages of the site outside this repository -------------------------------------------------
