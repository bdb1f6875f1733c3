"""JSON for the cache files: orjson (several times faster than the standard library on the
megabytes of a large corpus's cache), with the standard library for what orjson refuses (integers
beyond 64 bits, which YAML allows in an `id`)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import orjson


def dumps(data: Any) -> bytes:
    try:
        return orjson.dumps(data)
    except TypeError:  # orjson.JSONEncodeError: a huge integer
        return json.dumps(data, separators=(",", ":")).encode("utf-8")


def dumps_pretty(data: Any) -> str:
    """Indented by 2, non-ASCII kept: the same text as `json.dumps(data, indent=2,
    ensure_ascii=False)`, several times faster on a large report."""
    try:
        return orjson.dumps(data, option=orjson.OPT_INDENT_2).decode("utf-8")
    except TypeError:
        return json.dumps(data, indent=2, ensure_ascii=False)


def loads(raw: bytes | str) -> Any:
    """Parse JSON; raises ValueError when it is not valid JSON."""
    return orjson.loads(raw)


def write_atomic(path: Path, data: Any) -> None:
    """Write JSON to a temporary file in the same folder, fsync it, then rename it over `path`
    (readers see the old file or the new one, never a part). Raises OSError."""
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(dumps(data))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
