"""Configuration: discovery (`hrlint.yaml`, `.hrlint.yaml`, `[tool.hrlint]`), validation, defaults.

Unknown keys, unknown rule ids and bad values stop the run with a message naming the key and the
file: a setting that is silently ignored is worse than none.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from lint.findings import Severity

CONFIG_FILES = ("hrlint.yaml", ".hrlint.yaml")
DEFAULT_INCLUDE = ["*.md", "*.markdown", "*.mdx", "*.txt"]


class ConfigError(Exception):
    """Invalid configuration or usage (exit code 2)."""


@dataclass
class Config:
    path: Path | None = None  # the config file, if any
    root: Path = field(default_factory=Path.cwd)  # folder the config's relative paths start from
    include: list[str] = field(default_factory=lambda: list(DEFAULT_INCLUDE))
    exclude: list[str] = field(default_factory=list)
    fail_on: Severity = Severity.WARNING
    default_schema: str = "default"
    schema_dirs: list[Path] = field(default_factory=list)
    prose_fields: list[str] | None = None  # None: the schema's `x-hrlint-prose-fields`
    literal_newlines: bool = True
    require_front_matter: list[str] = field(default_factory=list)
    content_root: Path | None = None
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    rules: dict[str, dict[str, Any]] = field(default_factory=dict)
    max_file_size: int = 10 * 1024 * 1024
    stigma: dict[str, Any] = field(default_factory=dict)  # catalog extensions (lint.checks.stigma)
    links: dict[str, Any] = field(default_factory=dict)  # known pages and external checks (lint.checks.links)

    @property
    def name(self) -> str:
        return str(self.path) if self.path else "configuration"


def _str_list(value: Any, key: str, where: str) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: `{key}` must be a list of strings")
    return value


def _unknown(key: str, known: list[str], where: str, what: str = "key") -> ConfigError:
    close = difflib.get_close_matches(key, known, n=1)
    hint = f"; did you mean `{close[0]}`?" if close else f" (known: {', '.join(sorted(known))})"
    return ConfigError(f"{where}: unknown {what} `{key}`{hint}")


def from_mapping(raw: Any, path: Path | None, root: Path) -> Config:
    """Validate a raw mapping (from YAML or TOML) into a Config."""
    where = str(path) if path else "configuration"
    cfg = Config(path=path, root=root)
    if raw is None:
        return cfg
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: the configuration must be a mapping of keys to values")

    def severity(value: Any, key: str) -> Severity:
        try:
            return Severity.parse(value)
        except ValueError as exc:
            raise ConfigError(f"{where}: `{key}`: {exc}") from None

    def boolean(value: Any, key: str) -> bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: `{key}` must be true or false")
        return value

    setters = {
        "include": lambda v: setattr(cfg, "include", _str_list(v, "include", where)),
        "exclude": lambda v: setattr(cfg, "exclude", _str_list(v, "exclude", where)),
        "fail-on": lambda v: setattr(cfg, "fail_on", severity(v, "fail-on")),
        "default-schema": lambda v: setattr(cfg, "default_schema", _string(v, "default-schema", where)),
        "schema-dirs": lambda v: setattr(cfg, "schema_dirs",
                                         [root / p for p in _str_list(v, "schema-dirs", where)]),
        "prose-fields": lambda v: setattr(cfg, "prose_fields", _str_list(v, "prose-fields", where)),
        "literal-newlines": lambda v: setattr(cfg, "literal_newlines", boolean(v, "literal-newlines")),
        "require-front-matter": lambda v: setattr(cfg, "require_front_matter",
                                                  _str_list(v, "require-front-matter", where)),
        "content-root": lambda v: setattr(cfg, "content_root", root / _string(v, "content-root", where)),
        "per-file-ignores": lambda v: setattr(cfg, "per_file_ignores", _per_file_ignores(v, where)),
        "rules": lambda v: setattr(cfg, "rules", _rules(v, where)),
        "max-file-size": lambda v: setattr(cfg, "max_file_size", _positive_int(v, "max-file-size", where)),
        "stigma": lambda v: setattr(cfg, "stigma", _stigma(v, root, where)),
        "links": lambda v: setattr(cfg, "links", _links(v, root, where)),
    }
    for key, value in raw.items():
        if key not in setters:
            raise _unknown(str(key), list(setters), where)
        setters[key](value)
    return cfg


def _string(value: Any, key: str, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{where}: `{key}` must be a non-empty string")
    return value


def _positive_int(value: Any, key: str, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ConfigError(f"{where}: `{key}` must be a positive whole number")
    return value


def _per_file_ignores(value: Any, where: str) -> dict[str, list[str]]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: `per-file-ignores` must map globs to lists of rule ids")
    return {str(k): _str_list(v, f"per-file-ignores.{k}", where) for k, v in value.items()}


def _rules(value: Any, where: str) -> dict[str, dict[str, Any]]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: `rules` must map rule ids or families to settings")
    out = {}
    for rule, settings in value.items():
        if settings is None:
            settings = {}
        if isinstance(settings, str):  # `stigma: off` / `schema/type: info`
            settings = {"enabled": False} if settings == "off" else {"severity": settings}
        if isinstance(settings, bool):
            settings = {"enabled": settings}
        if not isinstance(settings, dict):
            raise ConfigError(f"{where}: `rules.{rule}` must be a mapping (severity, enabled, options)")
        if "severity" in settings:
            try:
                Severity.parse(settings["severity"])
            except ValueError as exc:
                raise ConfigError(f"{where}: `rules.{rule}.severity`: {exc}") from None
        if "enabled" in settings and not isinstance(settings["enabled"], bool):
            raise ConfigError(f"{where}: `rules.{rule}.enabled` must be true or false")
        out[str(rule)] = dict(settings)
    return out


STIGMA_KEYS = ("catalogs", "entries", "exceptions", "disable", "severity", "quoted-severity")


def _section(value: Any, name: str, keys: tuple[str, ...], where: str):
    """The (key, value) pairs of a config section, after checking it is a mapping of known keys."""
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: `{name}` must be a mapping ({', '.join(keys)})")
    for key in value:
        if key not in keys:
            raise _unknown(f"{name}.{key}", [f"{name}.{k}" for k in keys], where)
    return value.items()


def _stigma(value: Any, root: Path, where: str) -> dict[str, Any]:
    """Shape checks only; entries are validated against rules/stigma.schema.json when loaded."""
    out: dict[str, Any] = {}
    for key, item in _section(value, "stigma", STIGMA_KEYS, where):
        if key in ("catalogs", "exceptions", "disable"):
            item = _str_list(item, f"stigma.{key}", where)
            if key == "catalogs":
                item = [root / p for p in item]
        elif key == "entries" and not (isinstance(item, list) and all(isinstance(e, dict) for e in item)):
            raise ConfigError(f"{where}: `stigma.entries` must be a list of catalog entries")
        elif key == "severity":
            if not isinstance(item, dict):
                raise ConfigError(f"{where}: `stigma.severity` must map entry ids to severities")
            for entry_id, sev in item.items():
                _severity_value(sev, f"stigma.severity.{entry_id}", where)
        elif key == "quoted-severity":
            _severity_value(item, "stigma.quoted-severity", where)
        out[key] = item
    return out


LINKS_KEYS = ("known-urls", "sitemap", "external-prefixes", "external-allow", "external-deny", "external-timeout")


def _links(value: Any, root: Path, where: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, item in _section(value, "links", LINKS_KEYS, where):
        if key == "sitemap":
            item = root / _string(item, "links.sitemap", where)
        elif key == "external-timeout":
            if isinstance(item, bool) or not isinstance(item, (int, float)) or item <= 0:
                raise ConfigError(f"{where}: `links.external-timeout` must be a positive number of seconds")
        else:
            item = _str_list(item, f"links.{key}", where)
            if key in ("external-allow", "external-deny"):
                for pattern in item:
                    try:
                        re.compile(pattern)
                    except re.error as exc:
                        raise ConfigError(f"{where}: `links.{key}`: invalid regular expression "
                                          f"{pattern!r}: {exc}") from None
        out[key] = item
    return out


def _severity_value(value: Any, key: str, where: str) -> Severity:
    try:
        return Severity.parse(value)
    except ValueError as exc:
        raise ConfigError(f"{where}: `{key}`: {exc}") from None


def read_file(path: Path) -> Config:
    """Load one config file (YAML, or `[tool.hrlint]` of a pyproject.toml)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read configuration: {exc}") from None
    try:
        if path.name == "pyproject.toml":
            raw = tomllib.loads(text).get("tool", {}).get("hrlint", {})
        else:
            raw = yaml.safe_load(text)
    except (yaml.YAMLError, tomllib.TOMLDecodeError) as exc:
        detail = str(exc).replace("\n", " ")
        raise ConfigError(f"{path}: invalid configuration syntax: {detail}") from None
    return from_mapping(raw, path, path.parent.resolve())


def discover(start: Path) -> Path | None:
    """The nearest hrlint.yaml, .hrlint.yaml or pyproject.toml with [tool.hrlint], upwards."""
    start = start.resolve()
    for folder in (start, *start.parents):
        for name in CONFIG_FILES:
            if (folder / name).is_file():
                return folder / name
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            try:
                if "hrlint" in tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool", {}):
                    return pyproject
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
                continue
    return None


def load(explicit: Path | None, cwd: Path | None = None) -> Config:
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(f"{explicit}: configuration file not found")
        return read_file(explicit)
    found = discover(cwd or Path.cwd())
    return read_file(found) if found else Config(root=(cwd or Path.cwd()).resolve())
