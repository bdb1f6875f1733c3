"""Configuration: discovery (`hrlint.yaml`, `.hrlint.yaml`, `[tool.hrlint]`), validation, defaults.

Unknown keys, unknown rule ids and bad values stop the run with a message naming the key and the
file: a setting that is silently ignored is worse than none.
"""

from __future__ import annotations

import difflib
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from lint.model.findings import Severity

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

if TYPE_CHECKING:  # typeshed has no stubs for re._parser: it is the module sre_parse was renamed to
    import sre_parse
else:
    try:
        import re._parser as sre_parse  # Python 3.11+ (already imported by `re`)
    except ImportError:  # pragma: no cover
        import sre_parse

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
    # Top-level keys of rule-declared sections (`stigma:`, `links:`), raw: the engine validates them
    # against the schema the rules declare (lint.engine.sections).
    sections: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return str(self.path) if self.path else "configuration"


def _str_list(value: Any, key: str, where: str) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: `{key}` must be a list of strings")
    return value


def _glob_list(value: Any, key: str, where: str) -> list[str]:
    from lint.workspace.globs import GlobError, check_glob

    globs = _str_list(value, key, where)
    for glob in globs:
        try:
            check_glob(glob)
        except GlobError as exc:
            raise ConfigError(f"{where}: `{key}`: {exc}") from None
    return globs


_UNBOUNDED = 10  # a repeat allowing more than this many matches counts as unbounded
# One item of a parsed pattern: (opcode, operand); the operand's shape depends on the opcode.
_Item = tuple[int, Any]


def _class_source(item: _Item) -> str:
    """Source text of one item of a parsed character class."""
    op, av = item
    if op == sre_parse.LITERAL:
        return re.escape(chr(av))
    if op == sre_parse.RANGE:
        return re.escape(chr(av[0])) + "-" + re.escape(chr(av[1]))
    if op == sre_parse.NEGATE:
        return "^"
    if op == sre_parse.CATEGORY:
        return {
            sre_parse.CATEGORY_DIGIT: r"\d",
            sre_parse.CATEGORY_NOT_DIGIT: r"\D",
            sre_parse.CATEGORY_SPACE: r"\s",
            sre_parse.CATEGORY_NOT_SPACE: r"\S",
            sre_parse.CATEGORY_WORD: r"\w",
            sre_parse.CATEGORY_NOT_WORD: r"\W",
        }[av]
    raise ValueError(op)


def regex_problem(pattern: str) -> str | None:
    """Why a user regular expression is refused, or None if it may be used.

    Python's `re` backtracks, so a quantified group that itself contains an unbounded quantifier
    (`(a+)+`, `(a|a)*`, `(.*,)*x`) can take exponential time on a short non-matching text. Such
    nested repeats are refused: the pattern runs on text that comes from the articles.
    """
    try:
        parsed = sre_parse.parse(pattern)
    except re.error as exc:
        return f"invalid regular expression: {exc}"
    except (RecursionError, OverflowError, ValueError) as exc:  # absurd nesting or repeat counts
        return f"invalid regular expression: {type(exc).__name__}"
    repeats = {sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT}
    possessive = getattr(sre_parse, "POSSESSIVE_REPEAT", None)

    def items(value: object) -> list[_Item]:
        if isinstance(value, sre_parse.SubPattern):
            return list(value.data)  # what iterating it gives (it has no __iter__)
        return []

    def children(op: int, av: Any) -> list[Any]:
        if op in repeats or op == possessive:
            return [av[2]]
        if op == sre_parse.SUBPATTERN:
            return [av[-1]]
        if op == sre_parse.BRANCH:
            return list(av[1])
        if op in (sre_parse.ASSERT, sre_parse.ASSERT_NOT):
            return [av[1]]
        if op == getattr(sre_parse, "ATOMIC_GROUP", None):
            return []  # no backtracking into an atomic group
        if op == sre_parse.GROUPREF_EXISTS:
            return [a for a in av[1:] if a is not None]
        return []

    def has_unbounded(sub: object) -> bool:
        for op, av in items(sub):
            if op in repeats and av[1] > _UNBOUNDED:
                return True
            if any(has_unbounded(child) for child in children(op, av)):
                return True
        return False

    sample = [chr(c) for c in range(128)] + ["\u00e9", "\u00a0", "\u2028", "\u4e00"]

    def char_set(op: int, av: Any) -> set[str] | None:
        """The sample characters one single-character item matches (None: not such an item)."""
        if op == sre_parse.LITERAL:
            return {chr(av)}
        if op == sre_parse.NOT_LITERAL:
            return {c for c in sample if c != chr(av)}
        if op == sre_parse.ANY:
            return set(sample)
        if op == sre_parse.IN:
            try:
                cls = re.compile("[" + "".join(_class_source(item) for item in av) + "]")
            except (re.error, ValueError):
                return None
            return {c for c in sample if cls.fullmatch(c)}
        return None

    def repeated_chars(sub: object) -> set[str] | None:
        """Characters any unbounded repeat inside `sub` may consume (None: unknown)."""
        found: set[str] = set()
        for op, av in items(sub):
            if op in repeats and av[1] > _UNBOUNDED:
                inner = list(av[2])
                chars = char_set(*inner[0]) if len(inner) == 1 else None
                if chars is None:
                    return None
                found |= chars
            else:
                for child in children(op, av):
                    more = repeated_chars(child)
                    if more is None:
                        return None
                    found |= more
        return found

    def separated(body: object) -> bool:
        """`(-[a-z0-9]+)*`: each repetition starts with a character no inner repeat can consume,
        so there is only one way to split a text into repetitions."""
        seq = items(body)
        while len(seq) == 1 and seq[0][0] == sre_parse.SUBPATTERN:
            seq = items(seq[0][1][-1])
        if not seq:
            return False
        first = char_set(*seq[0])
        inner = repeated_chars(body)
        return first is not None and inner is not None and not (first & inner)

    def nested(sub: object) -> bool:
        for op, av in items(sub):
            if op in repeats and av[1] > 1 and has_unbounded(av[2]) and not separated(av[2]):
                return True
            if op in repeats and av[1] > _UNBOUNDED and _ambiguous_branch(av[2]):
                return True
            if any(nested(child) for child in children(op, av)):
                return True
        return False

    def _ambiguous_branch(sub: object) -> bool:
        """A repeated alternation (`(a|ab)*`, `(a|a)*`): refused, since its branches may overlap."""
        for op, av in items(sub):
            if op == sre_parse.BRANCH and len(av[1]) > 1:
                return True
            if op == sre_parse.SUBPATTERN and _ambiguous_branch(av[-1]):
                return True
        return False

    try:
        if nested(parsed):
            return (
                "a repeated group contains another unbounded repeat or alternation, which can "
                "take exponential time (catastrophic backtracking); rewrite it without nesting"
            )
    except RecursionError:
        return "the regular expression is nested too deeply"
    return None


def unknown_key(key: str, known: list[str], where: str, what: str = "key") -> ConfigError:
    close = difflib.get_close_matches(key, known, n=1)
    hint = f"; did you mean `{close[0]}`?" if close else f" (known: {', '.join(sorted(known))})"
    return ConfigError(f"{where}: unknown {what} `{key}`{hint}")


CONFIG_KEYS = (
    "include",
    "exclude",
    "fail-on",
    "default-schema",
    "schema-dirs",
    "prose-fields",
    "literal-newlines",
    "require-front-matter",
    "content-root",
    "per-file-ignores",
    "rules",
    "max-file-size",
)


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
        "include": lambda v: setattr(cfg, "include", _glob_list(v, "include", where)),
        "exclude": lambda v: setattr(cfg, "exclude", _glob_list(v, "exclude", where)),
        "fail-on": lambda v: setattr(cfg, "fail_on", severity(v, "fail-on")),
        "default-schema": lambda v: setattr(cfg, "default_schema", _string(v, "default-schema", where)),
        "schema-dirs": lambda v: setattr(cfg, "schema_dirs", [root / p for p in _str_list(v, "schema-dirs", where)]),
        "prose-fields": lambda v: setattr(cfg, "prose_fields", _str_list(v, "prose-fields", where)),
        "literal-newlines": lambda v: setattr(cfg, "literal_newlines", boolean(v, "literal-newlines")),
        "require-front-matter": lambda v: setattr(
            cfg, "require_front_matter", _glob_list(v, "require-front-matter", where)
        ),
        "content-root": lambda v: setattr(cfg, "content_root", root / _string(v, "content-root", where)),
        "per-file-ignores": lambda v: setattr(cfg, "per_file_ignores", _per_file_ignores(v, where)),
        "rules": lambda v: setattr(cfg, "rules", _rules(v, where)),
        "max-file-size": lambda v: setattr(cfg, "max_file_size", _positive_int(v, "max-file-size", where)),
    }
    for key, value in raw.items():
        if key in setters:
            setters[key](value)
        elif isinstance(key, str) and re.fullmatch(r"[a-z][a-z0-9-]*", key):
            cfg.sections[key] = value  # a rule's section, or unknown: the engine knows which
        else:
            raise unknown_key(str(key), list(CONFIG_KEYS), where)
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
    out = {}
    for k, v in value.items():
        _glob_list(str(k), f"per-file-ignores.{k}", where)
        out[str(k)] = _str_list(v, f"per-file-ignores.{k}", where)
    return out


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
