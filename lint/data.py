"""Where the bundled data (`schemas/`, `rules/`) lives: inside the wheel, or in a source checkout."""

from __future__ import annotations

from pathlib import Path

import yaml

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """`schemas` or `rules`: lint/_data/NAME in an installed wheel, else the checkout's NAME/."""
    bundled = _PACKAGE / "_data" / name
    return bundled if bundled.is_dir() else _PACKAGE.parent / name


# Rule data is read with PyYAML's C loader when it is available (same values, several times faster).
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
