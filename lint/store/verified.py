"""Rule data and schemas remembered between runs, so a run on a few files (pre-commit) does not
redo work whose input has not changed:

- which schema and rule-data files passed their checks. Checking a JSON Schema loads jsonschema
  (about 0.15 s, a third of a one-file run), and the stigma catalog is validated against its own
  schema. The record is a list of SHA-256 digests of (what was checked, the hrlint version, the
  file's bytes) in `.hrlint_cache/verified-v1.json`; a digest is only added after its check
  passed, so changed bytes are checked again.
- rule data parsed from YAML, kept as JSON in `.hrlint_cache/parsed-v1/<digest>.json` (the stigma
  catalog: about 1 ms to read instead of 45 ms to parse). Only data that JSON gives back
  unchanged is kept; the digest covers the bytes and the hrlint and PyYAML versions.

Both live in the cache folder at the content root; missing or damaged files mean doing the work
again. `--no-cache` neither reads nor writes them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lint.model import jsonio

VERIFIED_FILE = "verified-v1.json"
PARSED_DIR = "parsed-v1"
KEEP = 256  # digests kept (the newest)
KEEP_PARSED = 16  # parsed files kept (the newest)


class Verified:
    def __init__(self, folder: Callable[[], Path | None]):
        """`folder`: the cache folder, asked for when first needed (None: no record kept)."""
        self._folder = folder
        self._digests: list[str] | None = None

    def _path(self) -> Path | None:
        folder = self._folder()
        return folder / VERIFIED_FILE if folder is not None else None

    def _load(self) -> list[str]:
        if self._digests is None:
            self._digests = []
            path = self._path()
            try:
                data = jsonio.loads(path.read_bytes()) if path is not None else None
                if isinstance(data, list) and all(isinstance(d, str) for d in data):
                    self._digests = data
            except (OSError, ValueError):
                pass  # none yet, or damaged: everything is checked again
        return self._digests

    def check(self, kind: str, content: bytes, check: Callable[[], None]) -> None:
        """Run `check()` (which raises when the data is invalid) unless these bytes passed it before."""
        import lint

        digest = hashlib.sha256(f"{kind}\0{lint.__version__}\0".encode() + content).hexdigest()
        digests = self._load()
        if digest in digests:
            return
        check()
        digests.append(digest)
        del digests[:-KEEP]
        path = self._path()
        if path is not None:
            try:
                jsonio.write_atomic(path, digests)
            except OSError:
                pass  # not kept: checked again next time

    def parsed(self, content: bytes, parse: Callable[[bytes], Any]) -> Any:
        """`parse(content)`, read from the JSON an earlier run kept for the same bytes if there is one."""
        import yaml

        import lint

        folder = self._folder()
        if folder is None:
            return parse(content)
        digest = hashlib.sha256(f"parsed\0{lint.__version__}\0{yaml.__version__}\0".encode() + content).hexdigest()
        path = folder / PARSED_DIR / f"{digest}.json"
        try:
            return jsonio.loads(path.read_bytes())
        except (OSError, ValueError):
            pass  # not kept yet, or damaged
        data = parse(content)
        try:
            if jsonio.loads(jsonio.dumps(data)) == data:  # no dates, sets or non-string keys
                jsonio.write_atomic(path, data)
                for old in sorted(path.parent.glob("*.json"), key=_age)[:-KEEP_PARSED]:
                    old.unlink(missing_ok=True)
        except (OSError, TypeError, ValueError):
            pass  # not kept: parsed again next time
        return data


def _age(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


UNKEPT = Verified(lambda: None)  # for callers without a cache folder: remembered in this process only
