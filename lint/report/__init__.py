"""Output formats. Each formatter turns a Report into text; its module is imported when the
format is first used (a run prints one format, and some import xml or hashlib)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import import_module

_RENDERERS = {
    "text": ("text", "render_text"),
    "json": ("json_format", "render_json"),
    "concise": ("concise", "render_concise"),
    "github": ("github", "render_github"),
    "sarif": ("sarif", "render_sarif"),
    "junit": ("junit", "render_junit"),
    "rdjson": ("rdjson", "render_rdjson"),
}


class _Formats(Mapping):
    """Format name -> render function."""

    def __getitem__(self, name: str) -> Callable[..., str]:
        module, function = _RENDERERS[name]
        return getattr(import_module(f"lint.report.{module}"), function)

    def __iter__(self):
        return iter(_RENDERERS)

    def __len__(self) -> int:
        return len(_RENDERERS)


FORMATS = _Formats()
