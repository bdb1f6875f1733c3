"""Which schema and rule-data files passed their checks in an earlier run, so a run does not check
them again. Checking a JSON Schema loads jsonschema (about 0.15 s, a third of a one-file run), and
the stigma catalog is validated against its own schema; the data rarely changes between runs.

The record is a list of SHA-256 digests of (what was checked, the hrlint version, the file's
bytes) in `.hrlint_cache/verified-v1.json` at the content root. A digest is only ever added after
its check passed, so changed bytes are checked again; a missing or damaged record means checking
everything again. `--no-cache` neither reads nor writes it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Callable

from lint import jsonio

VERIFIED_FILE = "verified-v1.json"
KEEP = 256  # digests kept (the newest)


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


UNKEPT = Verified(lambda: None)  # for callers without a cache folder: remembered in this process only
