"""Where the bundled data (`schemas/`, `rules/`) lives: inside the wheel, or in a source checkout."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

_PACKAGE = Path(__file__).resolve().parents[1]  # the lint package


def data_dir(name: str) -> Path:
    """`schemas` or `rules`: lint/_data/NAME in an installed wheel, else the checkout's NAME/."""
    bundled = _PACKAGE / "_data" / name
    return bundled if bundled.is_dir() else _PACKAGE.parent / name


# Rule data is read with PyYAML's C loader when it is available (same values, several times faster).
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@lru_cache(maxsize=16)
def parse_yaml(content: bytes) -> Any:
    """Rule data from the bytes of a YAML file (parsed once per process per content)."""
    return yaml.load(content.decode("utf-8"), Loader=SAFE_LOADER)
