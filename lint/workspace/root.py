"""The content root of a run: the folder that urls, the index and the caches are relative to."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from lint.workspace.config import Config


def content_root(config: Config, paths: list[Path], cwd: Path) -> Path:
    """config `content-root`, else the config file's folder, else the git top level, else the
    common parent of the paths."""
    if config.content_root is not None:
        return config.content_root.resolve()
    if config.path is not None:
        return config.path.parent.resolve()
    try:
        top = subprocess.run(
            ["git", "-C", str(cwd), "rev-parse", "--show-toplevel"], capture_output=True, text=True, timeout=10
        )
        if top.returncode == 0 and top.stdout.strip():
            return Path(top.stdout.strip()).resolve()
    except (OSError, subprocess.SubprocessError):
        pass
    folders = [(p if p.is_dir() else p.parent).resolve() for p in paths] or [cwd.resolve()]
    return Path(os.path.commonpath([str(f) for f in folders]))
