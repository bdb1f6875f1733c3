"""Per-file results cached on disk, so an unchanged file is not read, parsed or checked again.

The cache lives next to the corpus index (`.hrlint_cache/results-v1.json` at the content root). It
holds one entry per file (size, mtime, SHA-256, findings) under one *fingerprint* of everything
else a finding depends on: the hrlint code and the rule plugins, the configuration and the rules
selected, the rule data and schema files, and, when a rule reads the corpus, the index. When the
fingerprint changes the whole cache is discarded. It is JSON (never pickle): a cache file planted in
a repository must not be able to run code. A missing, corrupt or foreign cache is simply rebuilt.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
from pathlib import Path
from typing import Iterable

from lint import jsonio
from lint.corpus import CACHE_DIR, write_cache_file
from lint.findings import Finding, Fix, Severity

RESULTS_FILE = "results-v1.json"
CACHE_VERSION = 1


def _stamp(paths: Iterable[Path]) -> list:
    """(path, size, mtime) of files, so edited code or data changes the fingerprint."""
    out = []
    for path in sorted({str(p) for p in paths}):
        try:
            st = os.stat(path)
            out.append((path, st.st_size, st.st_mtime_ns))
        except OSError:
            out.append((path, None, None))
    return out


def _files_below(folder: Path, suffixes: tuple[str, ...]) -> list[Path]:
    return [p for p in folder.rglob("*") if p.suffix in suffixes] if folder.is_dir() else []


def fingerprint(linter, ctx, index_digest: str | None) -> str:
    """Everything besides a file's own bytes that its findings depend on."""
    import lint
    from lint.data import data_dir

    package = Path(lint.__file__).parent
    code = _files_below(package, (".py",)) + [Path(inspect.getfile(type(r))) for r in linter.rules]
    config = ctx.config
    data = (_files_below(data_dir("rules"), (".yaml", ".json")) + _files_below(data_dir("schemas"), (".json",))
            + [f for d in config.schema_dirs for f in _files_below(Path(d), (".json",))]
            + [Path(c) for c in config.stigma.get("catalogs", [])]
            + ([Path(config.links["sitemap"])] if config.links.get("sitemap") else []))
    parts = [lint.__version__, repr(config), sorted(linter.enabled_ids),
             [(r.id, str(r.severity), repr(r.options)) for r in linter.rules],
             _stamp(code), _stamp(data), index_digest]
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()


def _encode(f: Finding) -> dict:
    out = dict(vars(f))  # not dataclasses.asdict: it deep-copies, several times slower
    del out["path"]
    out["severity"] = int(f.severity)
    out["fix"] = dict(vars(f.fix)) if f.fix else None
    return out


def _decode(data: dict, display: str) -> Finding:
    fix = Fix(**data["fix"]) if data.get("fix") else None
    return Finding(**{**data, "path": display, "severity": Severity(data["severity"]), "fix": fix})


class ResultCache:
    def __init__(self, root: Path, fingerprint: str):
        self.path = root / CACHE_DIR / RESULTS_FILE
        self.root = root
        self.fingerprint = fingerprint
        self.entries: dict[str, dict] = {}
        self.changed = False
        try:
            data = jsonio.loads(self.path.read_bytes())
            if (data.get("version") == CACHE_VERSION and data.get("fingerprint") == fingerprint
                    and isinstance(data.get("files"), dict)):
                self.entries = data["files"]
        except (OSError, ValueError, AttributeError):
            pass  # missing or corrupt: rebuilt

    def _key(self, path: str) -> str:
        path = os.fspath(path)
        return path if os.path.isabs(path) else os.path.abspath(path)

    def get(self, path: str, display: str) -> list[Finding] | None:
        """The cached findings of an unchanged file, else None."""
        entry = self.entries.get(self._key(path))
        if not isinstance(entry, dict):
            return None
        try:
            st = os.stat(path)
            if entry["size"] != st.st_size:
                return None
            if entry["mtime_ns"] != st.st_mtime_ns:  # touched: the same bytes are still a hit
                with open(path, "rb") as file:
                    if hashlib.sha256(file.read()).hexdigest() != entry["sha256"]:
                        return None
                entry["mtime_ns"] = st.st_mtime_ns
                self.changed = True
            return [_decode(f, display) for f in entry["findings"]]
        except (OSError, KeyError, TypeError, ValueError):
            return None

    def put(self, path: str, raw_size: int, mtime_ns: int, digest: str, findings: list[Finding]) -> None:
        self.entries[self._key(path)] = {"size": raw_size, "mtime_ns": mtime_ns, "sha256": digest,
                                         "findings": [_encode(f) for f in findings]}
        self.changed = True

    def save(self) -> None:
        if self.changed:
            write_cache_file(self.path, {"version": CACHE_VERSION, "fingerprint": self.fingerprint,
                                         "files": self.entries})
