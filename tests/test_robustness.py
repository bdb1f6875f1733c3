"""Hostile and broken input: every case gives a precise finding (or a one-line usage error, exit 2),
never a traceback, a hang or a lost file, and the other files of the run are still checked.

Each case is run beside a good article (a copy of seeds/000_*) whose findings must be exactly
those it gets on its own. Heavy inputs (alias bomb, deep nesting, 50 MB file, 5 MB line) and inputs
that could hang (a FIFO, symlink loops) run in a subprocess with a timeout and a memory bound.

Contracts decided by the team and not implemented yet when this file was written (these tests
fail until they land): a run where a file could not be checked (file/unreadable, file/encoding,
file/too-large) exits 2 and prints `hrlint: N file(s) could not be checked` on stderr (worded
"1 file" / "N files"); `--jobs N` (N >= 1).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from conftest import DATA, ROOT, SEEDS

GOOD = next(SEEDS.glob("000_*")).read_bytes()
# Rules the hostile cases are about, plus stigma (which the good article has findings for).
SELECT = "file,schema/syntax,schema/duplicate-key,schema/yaml-tag,schema/type,schema/unknown-key,stigma"
SARIF_SCHEMA = json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
SARIF_VALIDATOR = jsonschema.validators.validator_for(SARIF_SCHEMA)(SARIF_SCHEMA)
UNCHECKED = ("file/unreadable", "file/encoding", "file/too-large")

ADDICTS = (
    "`addicts`: Calling someone an addict makes a health condition their whole identity and suggests "
    'it is permanent; person-first wording keeps the person in view. Prefer "person with a substance '
    'use disorder".'
)
NEVER_CLOSED = "front matter opened with `---` is never closed; add a closing fence line"


def bad_findings(result, name="bad.md") -> list[tuple[str, int, int, str]]:
    return [(f["rule"], f["line"], f["column"], f["message"]) for f in result.findings if f["path"] == name]


def of(result, name: str) -> list[dict]:
    return [f for f in result.findings if f["path"] == name]


@pytest.fixture(scope="module")
def good_alone(tmp_path_factory) -> list[dict]:
    """The good article's findings when it is checked on its own."""
    from click.testing import CliRunner

    from lint.cli import main

    root = tmp_path_factory.mktemp("good")
    (root / "good.md").write_bytes(GOOD)
    old = Path.cwd()
    os.chdir(root)
    try:
        out = CliRunner().invoke(main, ["check", "--format", "json", "--no-cache", "--select", SELECT, "."])
    finally:
        os.chdir(old)
    findings = json.loads(out.stdout)["findings"]
    assert findings, "the good article must have findings of its own"
    return findings


def unchecked_line(n: int) -> str:
    """The contract's `hrlint: N file(s) could not be checked`, as cli.py words it."""
    return f"hrlint: {n} file{'s' if n != 1 else ''} could not be checked"


def assert_clean_failure(result, unchecked: int) -> None:
    """No traceback; the exit code and stderr line of the "could not be checked" contract."""
    assert "Traceback" not in result.stderr
    if unchecked:
        assert result.exit_code == 2
        assert unchecked_line(unchecked) in result.stderr.splitlines()
    else:
        assert result.exit_code == 1  # the good article's warnings
        assert "could not be checked" not in result.stderr


# --- hostile file content, beside a good article ---------------------------------------------

BOMB = "\n".join(
    ["---", 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [f"{c}: &{c} [" + ",".join([f"*{p}"] * 9) + "]" for p, c in zip("abcdefgh", "bcdefghi")]
    + ["---", ""]
).encode()

CASES = {
    # name: (bytes, findings of the bad file (rule, line, column, message))
    "empty": (b"", []),
    "only-fence": (b"---\n", [("schema/syntax", 1, 1, NEVER_CLOSED)]),
    "only-fence-no-newline": (b"---", [("schema/syntax", 1, 1, NEVER_CLOSED)]),
    "unterminated": (b"---\ntitle: x\n", [("schema/syntax", 1, 1, NEVER_CLOSED)]),
    "list": (
        b"---\n- a\n- b\n---\nbody\n",
        [("schema/type", 1, 1, "front matter must be a mapping of fields, found a list")],
    ),
    "scalar": (
        b"---\njust a string\n---\nbody\n",
        [("schema/type", 1, 1, "front matter must be a mapping of fields, found text `just a string`")],
    ),
    "tab": (
        b"---\ntitle: x\n\tanswer: y\n---\n",
        [
            (
                "schema/syntax",
                2,
                8,
                "invalid YAML front matter: found a tab character that violates "
                "indentation (while scanning a plain scalar)",
            )
        ],
    ),
    "bad-indentation": (
        b"---\ntitle: x\n  answer: y\n---\n",
        [("schema/syntax", 3, 9, "invalid YAML front matter: mapping values are not allowed in this context")],
    ),
    "unclosed-quote": (
        b'---\ntitle: "What is naloxone?\n---\n',
        [
            (
                "schema/syntax",
                2,
                8,
                "invalid YAML front matter: found unexpected end of stream (while scanning a quoted scalar)",
            )
        ],
    ),
    "duplicate-key": (
        b"---\ntitle: a\ntitle: b\n---\n",
        [
            (
                "schema/duplicate-key",
                3,
                1,
                "duplicate key `title`: YAML keeps only the last value, so the earlier one is silently lost",
            )
        ],
    ),
    "non-string-keys": (
        b"---\n1: a\ntrue: b\nnull: c\n2024-01-01: f\n---\n",
        [
            ("schema/unknown-key", 2, 1, "unknown field `1`"),
            ("schema/unknown-key", 3, 1, "unknown field `true`"),
            ("schema/unknown-key", 4, 1, "unknown field `null`"),
            ("schema/unknown-key", 5, 1, "unknown field `2024-01-01`"),
        ],
    ),
    # A key that is a list or a mapping is dropped from the values: it must be reported.
    "collection-keys": (
        b"---\n[1, 2]: d\n{a: 1}: e\n---\n",
        [
            ("schema/type", 2, 1, "a front-matter key must be a plain name, not a list or mapping"),
            ("schema/type", 3, 1, "a front-matter key must be a plain name, not a list or mapping"),
        ],
    ),
    "nul-byte": (
        b"---\ntitle: a\x00b\n---\n",
        [("file/encoding", 1, 1, "file contains NUL bytes (binary content); it was not checked")],
    ),
    "binary": (
        bytes(range(256)) * 4,
        [("file/encoding", 1, 1, "file contains NUL bytes (binary content); it was not checked")],
    ),
    "invalid-utf8": (
        b"---\ntitle: caf\xe9\n---\n",
        [("file/encoding", 1, 1, "file is not valid UTF-8 (byte 0xe9 at line 2, column 11); save it as UTF-8")],
    ),
    "truncated-utf8": (
        b"---\ntitle: caf\xc3",
        [("file/encoding", 1, 1, "file is not valid UTF-8 (byte 0xc3 at line 2, column 11); save it as UTF-8")],
    ),
    "utf8-bom": (b"\xef\xbb\xbf---\ntitle: addicts\n---\n", [("stigma/person-label", 2, 8, ADDICTS)]),
    "utf16-le-bom": ("\ufeff---\ntitle: addicts\n---\n".encode("utf-16-le"), [("stigma/person-label", 2, 8, ADDICTS)]),
    "utf16-be-bom": ("\ufeff---\ntitle: addicts\n---\n".encode("utf-16-be"), [("stigma/person-label", 2, 8, ADDICTS)]),
    "utf16-odd-length": (
        b"\xff\xfe-\x00-\x00-",
        [("file/encoding", 1, 1, "file starts with a UTF-16 byte-order mark but is not valid UTF-16")],
    ),
    "crlf": (
        b"---\r\ntitle: addicts\r\n---\r\nbody addicts\r\n",
        [("stigma/person-label", 2, 8, ADDICTS), ("stigma/person-label", 4, 6, ADDICTS)],
    ),
    # A lone CR is a line break (as for editors); the front matter must be read, so the unknown
    # key is reported like in the LF and CRLF versions of the same file.
    "lone-cr": (
        b"---\rtitle: addicts\rcolour: red\r---\rbody addicts\r",
        [
            ("stigma/person-label", 2, 8, ADDICTS),
            ("schema/unknown-key", 3, 1, "unknown field `colour`"),
            ("stigma/person-label", 5, 6, ADDICTS),
        ],
    ),
    "lf-reference-for-lone-cr": (
        b"---\ntitle: addicts\ncolour: red\n---\nbody addicts\n",
        [
            ("stigma/person-label", 2, 8, ADDICTS),
            ("schema/unknown-key", 3, 1, "unknown field `colour`"),
            ("stigma/person-label", 5, 6, ADDICTS),
        ],
    ),
    "recursive-alias": (
        b"---\na: &x [*x]\n---\n",
        [("schema/syntax", 1, 1, "front matter is nested too deeply to read")],
    ),
    # Found by hypothesis: libyaml counts this position in UTF-8 bytes, not characters.
    "control-character-after-non-ascii": (
        b"---\ntitle: \xc3\xa9\xc3\xa9\x1f\n---\n",
        [
            (
                "schema/syntax",
                2,
                10,
                "invalid YAML front matter: unacceptable character #x001f: control characters are not allowed",
            )
        ],
    ),
    "invalid-toml": (
        b"+++\ntitle = \n+++\n",
        [("schema/syntax", 2, 9, "invalid TOML front matter: Invalid value (at line 1, column 9)")],
    ),
    "invalid-json": (b'{\n"title": \n}\n', [("schema/syntax", 3, 1, "invalid JSON front matter: Expecting value")]),
    "control-characters": (
        b"---\ntitle: a\x1b[31mred\x07\n---\n",
        [
            (
                "schema/syntax",
                2,
                9,
                "invalid YAML front matter: unacceptable character #x001b: control characters are not allowed",
            )
        ],
    ),
}

TAGS = {
    "!!python/object/apply:os.system": 'title: !!python/object/apply:os.system ["touch {marker}"]',
    "!!python/object/new:os.system": 'title: !!python/object/new:os.system ["touch {marker}"]',
    "!!python/object:builtins.object": "title: !!python/object:builtins.object {{}}",
    "!!python/name:os.system": "title: !!python/name:os.system",
    "!!python/module:os": "title: !!python/module:os",
    "!!python/tuple": "title: !!python/tuple [1, 2]",
    "!custom": "title: !custom x",
    "tag:example.com,2000:x": "title: !<tag:example.com,2000:x> x",
}


def _pair(write, bad: bytes, name: str = "bad.md") -> Path:
    return write({name: bad, "good.md": GOOD})


@pytest.mark.parametrize("name", CASES)
def test_hostile_content(hrlint, write, good_alone, name):
    data, expected = CASES[name]
    root = _pair(write, data)
    result = hrlint("check", "--format", "json", "--no-cache", "--select", SELECT, ".", cwd=root)
    assert bad_findings(result) == expected
    assert of(result, "good.md") == good_alone
    assert result.stdout and json.loads(result.stdout)["summary"]["files_checked"] == 2
    assert_clean_failure(result, unchecked=sum(rule in UNCHECKED for rule, *_ in expected))


@pytest.mark.parametrize("tag", TAGS)
def test_yaml_tags_are_reported_never_constructed(hrlint, write, good_alone, tag, tmp_path):
    marker = tmp_path / "constructed"
    root = _pair(write, f"---\n{TAGS[tag].format(marker=marker)}\n---\n".encode())
    result = hrlint("check", "--format", "json", "--no-cache", "--select", SELECT, ".", cwd=root)
    yaml_tags = [f for f in bad_findings(result) if f[0] == "schema/yaml-tag"]
    assert yaml_tags == [
        ("schema/yaml-tag", 2, 8, f"YAML tag `{tag}` is not allowed in front matter; the value is read as plain data")
    ]
    assert not marker.exists()
    assert of(result, "good.md") == good_alone
    assert_clean_failure(result, 0)


def test_standard_tags_are_plain_data(hrlint, write):
    root = write({"a.md": "---\ntitle: !!str 3\nid: !!int '7'\nblob: !!binary aGVsbG8=\n---\n"})
    result = hrlint(
        "check", "--format", "json", "--no-cache", "--select", "schema/yaml-tag,schema/syntax", ".", cwd=root
    )
    assert result.findings == [] and result.exit_code == 0


def test_yaml_is_only_composed_with_the_safe_loader():
    """Every yaml.load/load_all/compose call in the package names a safe loader; no yaml.unsafe_load,
    full_load or bare yaml.load without Loader."""
    import importlib
    import re

    import yaml

    call = re.compile(r"yaml\.(load|load_all|compose|compose_all|unsafe_load|full_load|full_load_all)\((.*)")
    checked = 0
    for path in (ROOT / "lint").rglob("*.py"):
        if path.name == "__main__.py":
            continue
        module = importlib.import_module(".".join(path.relative_to(ROOT).with_suffix("").parts))
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            m = call.search(line)
            if not m:
                continue
            where = f"{path.relative_to(ROOT)}:{i}"
            assert m.group(1) in ("load", "load_all", "compose", "compose_all"), where
            loader = re.search(r"Loader=([\w.]+)", m.group(2))
            assert loader, f"{where}: no explicit Loader"
            obj = module
            for part in loader.group(1).split("."):
                obj = yaml if part == "yaml" and obj is module else getattr(obj, part)
            assert issubclass(obj, (yaml.SafeLoader, yaml.CSafeLoader)), f"{where}: {obj} is not a safe loader"
            checked += 1
    assert checked >= 2


def test_config_tags_are_not_executed(hrlint, write, tmp_path):
    marker = tmp_path / "constructed"
    root = write({"hrlint.yaml": f'include: !!python/object/apply:os.system ["touch {marker}"]\n', "good.md": GOOD})
    result = hrlint("check", ".", cwd=root)
    assert result.exit_code == 2 and not marker.exists()
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("hrlint: error: ") and "invalid configuration syntax" in result.stderr


# --- heavy inputs: a subprocess with time and memory bounds -----------------------------------

RUNNER = textwrap.dedent("""
    import resource, sys
    from lint.cli import main
    try:
        main(sys.argv[1:], prog_name="hrlint")
    finally:
        print("MAXRSS", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
""")


def run_bounded(args: list[str], cwd: Path, timeout: float = 60) -> tuple[subprocess.CompletedProcess, float, int]:
    """hrlint in a subprocess: (result, seconds, peak RSS in MiB)."""
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-c", RUNNER, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "NO_COLOR": "1"},
    )
    elapsed = time.monotonic() - start
    rss = [int(line.split()[1]) for line in proc.stderr.splitlines() if line.startswith("MAXRSS ")]
    return proc, elapsed, (rss[-1] // 1024 if rss else 0)


def _heavy(write, name: str, data: bytes) -> Path:
    return write({name: data, "good.md": GOOD})


HEAVY = {
    # The keys past the limit are not located, so their unknown-key findings point at the fence.
    "alias-bomb": (
        BOMB,
        [
            ("schema/unknown-key", 1, 1, "unknown field `g`"),
            ("schema/unknown-key", 1, 1, "unknown field `h`"),
            ("schema/unknown-key", 1, 1, "unknown field `i`; did you mean `id`?"),
        ]
        + [
            ("schema/unknown-key", 2, 1, "unknown field `a`"),
            (
                "schema/syntax",
                2,
                56,
                "front matter expands to more than 200000 values (aliases?); it is not read further",
            ),
        ]
        + [
            ("schema/unknown-key", 3, 1, "unknown field `b`"),
            ("schema/unknown-key", 4, 1, "unknown field `c`"),
            ("schema/unknown-key", 5, 1, "unknown field `d`; did you mean `id`?"),
            ("schema/unknown-key", 6, 1, "unknown field `e`"),
            ("schema/unknown-key", 7, 1, "unknown field `f`"),
        ],
    ),
    "10k-nested-flow-lists": (
        b"---\na: " + b"[" * 10_000 + b"]" * 10_000 + b"\n---\n",
        [("schema/syntax", 1, 1, "front matter is nested too deeply to read")],
    ),
    "10k-nested-flow-maps": (
        b"---\na: " + b"{a: " * 10_000 + b"}" * 10_000 + b"\n---\n",
        [("schema/syntax", 1, 1, "front matter is nested too deeply to read")],
    ),
    "3k-nested-block-lists": (
        ("---\nx:\n" + "".join(" " * i + "-\n" for i in range(1, 3000)) + "---\n").encode(),
        [("schema/syntax", 1, 1, "front matter is nested too deeply to read")],
    ),
    "50MB-file": (
        b"---\ntitle: x\n---\n" + (b"people who use drugs are people. " * 30 + b"\n") * 52_000,
        [
            (
                "file/too-large",
                1,
                1,
                "file is 51,532,017 bytes, over the 10,485,760-byte limit "
                "(`max-file-size` in the config); it was not checked",
            )
        ],
    ),
    "5MB-line-in-answer": (
        b"---\ntitle: x\nanswer: " + b"people who use drugs are people " * 163_840 + b"addicts\n---\nbody\n",
        [("stigma/person-label", 3, 5_242_889, ADDICTS)],
    ),
    "5MB-line-in-body": (
        b"---\ntitle: x\n---\n" + b"people who use drugs are people " * 163_840 + b"addicts\n",
        [("stigma/person-label", 4, 5_242_881, ADDICTS)],
    ),
}


@pytest.mark.parametrize("name", HEAVY)
def test_heavy_input_is_bounded(write, good_alone, name):
    data, expected = HEAVY[name]
    root = _heavy(write, "bad.md", data)
    proc, seconds, rss = run_bounded(["check", "--format", "json", "--no-cache", "--select", SELECT, "."], root)
    assert "Traceback" not in proc.stderr
    findings = json.loads(proc.stdout)["findings"]
    assert [(f["rule"], f["line"], f["column"], f["message"]) for f in findings if f["path"] == "bad.md"] == expected
    assert [f for f in findings if f["path"] == "good.md"] == good_alone
    assert seconds < 30, f"took {seconds:.1f}s"
    assert rss < 1024, f"peak RSS {rss} MiB"
    unchecked = sum(rule in UNCHECKED for rule, *_ in expected)
    assert proc.returncode == (2 if unchecked else 1)
    assert (unchecked_line(1) in proc.stderr.splitlines()) == bool(unchecked)


def test_max_file_size_is_configurable(hrlint, write):
    root = write({"hrlint.yaml": "max-file-size: 100\n", "big.md": "x" * 101, "small.md": "x" * 100})
    result = hrlint("check", "--format", "json", "--no-cache", ".", cwd=root)
    assert [(f["path"], f["rule"], f["line"], f["column"], f["message"]) for f in result.findings] == [
        (
            "big.md",
            "file/too-large",
            1,
            1,
            "file is 101 bytes, over the 100-byte limit (`max-file-size` in the config); it was not checked",
        )
    ]
    assert_clean_failure(result, 1)


def test_too_large_files_are_not_read_into_the_corpus_index(write):
    """The link index must respect max-file-size too: a file that is "not checked" is not parsed."""
    from lint.store.index import build_index
    from lint.workspace.config import Config

    root = write(
        {
            "big.md": "---\nurl: /learn/x/questions/big\n---\n" + "x" * 200,
            "small.md": "---\nurl: /learn/x/questions/small\n---\n",
        }
    )
    index = build_index(root, Config(root=root, max_file_size=100), use_cache=False)
    assert [a.path for a in index.articles] == ["small.md"]


# --- the file system ---------------------------------------------------------------------------


def test_file_deleted_between_discovery_and_reading(hrlint, write, good_alone, monkeypatch):
    import lint.engine.runner

    root = write({"gone.md": "---\ntitle: x\n---\n", "good.md": GOOD})
    real = lint.engine.runner.discover

    def discover_then_delete(*args, **kwargs):
        found = real(*args, **kwargs)
        (root / "gone.md").unlink()
        return found

    monkeypatch.setattr(lint.engine.runner, "discover", discover_then_delete)
    result = hrlint("check", "--format", "json", "--select", SELECT, ".", cwd=root)
    assert bad_findings(result, "gone.md") == [("file/unreadable", 1, 1, "cannot read file: No such file or directory")]
    assert of(result, "good.md") == good_alone
    assert_clean_failure(result, 1)


def test_file_made_unreadable_between_discovery_and_reading(hrlint, write, good_alone, monkeypatch):
    """As root, chmod 000 does not stop reading, so the permission error is injected."""
    import builtins

    root = write({"locked.md": "---\ntitle: x\n---\n", "good.md": GOOD})
    real_open, real_read_bytes = builtins.open, Path.read_bytes

    def refuse(path):
        if os.fspath(path).endswith("locked.md"):
            raise PermissionError(13, "Permission denied", os.fspath(path))

    def fake_open(file, *args, **kwargs):
        if isinstance(file, (str, os.PathLike)):
            refuse(file)
        return real_open(file, *args, **kwargs)

    def read_bytes(self):
        refuse(self)
        return real_read_bytes(self)

    monkeypatch.setattr(builtins, "open", fake_open)
    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    result = hrlint("check", "--format", "json", "--select", SELECT, ".", cwd=root)
    assert bad_findings(result, "locked.md") == [("file/unreadable", 1, 1, "cannot read file: Permission denied")]
    assert of(result, "good.md") == good_alone
    assert_clean_failure(result, 1)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_chmod_000(hrlint, write, good_alone):  # pragma: no cover - runs for non-root users only
    root = write({"locked.md": "---\ntitle: x\n---\n", "good.md": GOOD})
    (root / "locked.md").chmod(0)
    try:
        result = hrlint("check", "--format", "json", "--select", SELECT, ".", cwd=root)
    finally:
        (root / "locked.md").chmod(0o644)
    assert bad_findings(result, "locked.md") == [("file/unreadable", 1, 1, "cannot read file: Permission denied")]
    assert_clean_failure(result, 1)


def test_directory_named_like_an_article(hrlint, write, good_alone):
    root = write({"good.md": GOOD})
    (root / "x.md").mkdir()
    (root / "x.md" / "inner.md").write_text("---\ntitle: addicts\n---\n", encoding="utf-8")
    result = hrlint("check", "--format", "json", "--no-cache", "--select", SELECT, ".", cwd=root)
    assert bad_findings(result, "x.md/inner.md") == [("stigma/person-label", 2, 8, ADDICTS)]
    assert of(result, "good.md") == good_alone
    assert_clean_failure(result, 0)


def _symlink_tree(write) -> Path:
    root = write({"content/good.md": GOOD, "outside/secret.md": "---\ntitle: addicts outside\n---\n"})
    content = root / "content"
    (content / "link-out.md").symlink_to("../outside/secret.md")
    (content / "dir-out").symlink_to("../outside", target_is_directory=True)
    (content / "sub").mkdir()
    (content / "sub" / "up").symlink_to("..", target_is_directory=True)
    (content / "link-in.md").symlink_to("good.md")
    return content


def test_symlink_outside_the_root_is_not_followed(write, good_alone):
    content = _symlink_tree(write)
    proc, seconds, _ = run_bounded(["check", "--format", "json", "--no-cache", "--select", SELECT, "."], content)
    data = json.loads(proc.stdout)
    paths = {f["path"] for f in data["findings"]}
    assert "link-out.md" not in paths and not any(p.startswith("dir-out/") for p in paths)
    assert "addicts outside" not in proc.stdout
    assert [f for f in data["findings"] if f["path"] == "good.md"] == good_alone
    # good.md and the in-tree link to it; nothing through sub/up (not walked again)
    assert data["summary"]["files_checked"] == 2
    assert proc.returncode == 1 and "Traceback" not in proc.stderr


@pytest.mark.parametrize("loop", ["file", "self", "directory"])
def test_symlink_loops_do_not_hang_or_stop_the_run(write, good_alone, loop):
    root = write({"good.md": GOOD})
    if loop == "file":
        (root / "loop1.md").symlink_to("loop2.md")
        (root / "loop2.md").symlink_to("loop1.md")
    elif loop == "self":
        (root / "self.md").symlink_to("self.md")
    else:
        (root / "d").mkdir()
        (root / "d" / "again").symlink_to("../d", target_is_directory=True)
    proc, seconds, _ = run_bounded(
        ["check", "--format", "json", "--no-cache", "--select", SELECT, "."], root, timeout=30
    )
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr
    data = json.loads(proc.stdout)
    assert [f for f in data["findings"] if f["path"] == "good.md"] == good_alone
    assert {f["path"] for f in data["findings"]} <= {"good.md", "loop1.md", "loop2.md", "self.md"}
    assert proc.returncode in (1, 2)


def test_symlink_loop_named_on_the_command_line_is_a_usage_error(hrlint, write):
    root = write({"good.md": GOOD})
    (root / "self.md").symlink_to("self.md")
    result = hrlint("check", "self.md", "good.md", cwd=root)
    assert result.exit_code == 2
    assert result.stderr == "hrlint: error: self.md: not a regular file or folder\n"


def test_fifo_in_the_tree_does_not_hang(write, good_alone):
    root = write({"good.md": GOOD})
    os.mkfifo(root / "pipe.md")
    proc, seconds, _ = run_bounded(
        ["check", "--format", "json", "--no-cache", "--select", SELECT, "."], root, timeout=30
    )
    data = json.loads(proc.stdout)
    assert [f for f in data["findings"] if f["path"] == "good.md"] == good_alone
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    "name", ["with space.md", "ünïcødé é.md", "日本語.md", "-dash.md", "--fix.md", "comma,colon:.md", "quote'\"<&>.md"]
)
def test_awkward_file_names(hrlint, write, name):
    root = write({name: "---\ntitle: addicts\n---\n"})
    walked = hrlint("check", "--format", "json", "--no-cache", "--select", "stigma", ".", cwd=root)
    assert [(f["path"], f["rule"], f["line"], f["column"]) for f in walked.findings] == [
        (name, "stigma/person-label", 2, 8)
    ]
    named = hrlint("check", "--format", "json", "--no-cache", "--select", "stigma", "--", name, cwd=root)
    assert named.findings == walked.findings
    assert (root / name).read_text(encoding="utf-8") == "---\ntitle: addicts\n---\n"  # `--fix.md` is a path
    for fmt in ("sarif", "github", "junit", "rdjson"):
        out = hrlint("check", "--format", fmt, "--no-cache", "--select", "stigma", ".", cwd=root)
        assert out.exit_code == 1 and "Traceback" not in out.stderr
        _assert_valid(fmt, out.stdout, expect_paths=1)


def test_leading_dash_without_double_dash_is_a_usage_error(hrlint, write):
    root = write({"-dash.md": "x\n"})
    result = hrlint("check", "-dash.md", cwd=root)
    assert result.exit_code == 2 and "No such option" in result.stderr and "Traceback" not in result.stderr


# --- output stays valid in every format when files are broken ---------------------------------

BROKEN_TREE = {
    "good.md": GOOD,
    "binary.md": b"PK\x03\x04\x00\x00\xff\xfe",
    "latin1.md": b"---\ntitle: caf\xe9\n---\n",
    "syntax.md": b'---\ntitle: "unclosed\n---\n',
    "hostile.md": (
        '---\ntitle: "<script>alert(1)</script> ]]> \\u0000 \\x1b[31m %0A ::error::"\n'
        "answer: 'addicts\r\n  & <b onclick=alert(3)>'\n---\n<!-- --> ]]> \x0b \ud7ff\ufffe addicts\n"
    ).encode("utf-8", "surrogatepass"),
}


def _assert_valid(fmt: str, text: str, expect_paths: int | None = None) -> None:
    if fmt == "json":
        json.loads(text)
    elif fmt == "sarif":
        log = json.loads(text)
        errors = list(SARIF_VALIDATOR.iter_errors(log))
        assert not errors, errors[0].message
    elif fmt == "rdjson":
        json.loads(text)
    elif fmt == "junit":
        ET.fromstring(text.encode("utf-8"))
    elif fmt == "github":
        for line in text.splitlines():
            assert line.startswith(("::error ", "::warning ", "::notice ")), line
    elif fmt in ("text", "concise"):
        assert "Traceback" not in text


@pytest.mark.parametrize("fmt", ["text", "json", "concise", "github", "sarif", "junit", "rdjson"])
def test_every_format_reports_every_file_when_some_are_broken(hrlint, write, monkeypatch, fmt):
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    root = write(BROKEN_TREE)
    result = hrlint("check", "--format", fmt, "--no-cache", ".", cwd=root)
    _assert_valid(fmt, result.stdout)
    for name in ("good.md", "binary.md", "latin1.md", "syntax.md", "hostile.md"):
        assert name in result.stdout
    assert_clean_failure(result, unchecked=2)


def test_html_report_escapes_everything(hrlint, write):
    root = write({**BROKEN_TREE, "<img src=x onerror=alert(1)>.md": "---\ntitle: '<script>alert(2)</script>'\n---\n"})
    result = hrlint("audit", ".", "--no-cache", "--html", "report.html", cwd=root)
    assert "Traceback" not in result.stderr
    html = (root / "report.html").read_text(encoding="utf-8")
    for raw in ("<script>alert(1)</script>", "<script>alert(2)</script>", "<img src=x onerror", "<b onclick"):
        assert raw not in html


# --- configuration and options ----------------------------------------------------------------


@pytest.mark.parametrize(
    "content, message",
    [
        ("max-file-size: lots\n", "`max-file-size` must be a positive whole number"),
        ("max-file-size: 0\n", "`max-file-size` must be a positive whole number"),
        ("max-file-size: true\n", "`max-file-size` must be a positive whole number"),
        ("literal-newlines: 'yes'\n", "`literal-newlines` must be true or false"),
        ("include: {a: 1}\n", "`include` must be a list of strings"),
        ("- just\n- a list\n", "the configuration must be a mapping of keys to values"),
        ("fail_on: error\n", "unknown key `fail_on`; did you mean `fail-on`?"),
        ("include: ['[z-a].md']\n", "`include`: invalid character class `[z-a]` in glob '[z-a].md'"),
        (
            "links:\n  external-allow: ['(a+)+$']\n",
            "`links.external-allow`: regular expression '(a+)+$' refused: a repeated group contains another "
            "unbounded repeat or alternation, which can take exponential time (catastrophic backtracking)",
        ),
        ("links:\n  external-deny: ['(x|x)*y']\n", "`links.external-deny`: regular expression '(x|x)*y' refused"),
        ("links:\n  external-deny: ['[']\n", "`links.external-deny`: invalid regular expression '['"),
        ("links:\n  external-timeout: -1\n", "`links.external-timeout` must be a positive number of seconds"),
        ("title: !!python/name:os.system\n", "invalid configuration syntax"),
        ("a: &a [*a, *a]\nb: &b [*a, *a]\n", "unknown key `a`"),
        ("\x00\x01", "invalid configuration syntax"),
    ],
)
def test_bad_config_is_one_line_exit_2(hrlint, write, content, message):
    root = write({"hrlint.yaml": content, "good.md": GOOD})
    result = hrlint("check", ".", cwd=root)
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith("hrlint: error: ") and message in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_config_file_not_utf8(hrlint, write):
    root = write({"hrlint.yaml": b"include: ['caf\xe9']\n", "good.md": GOOD})
    result = hrlint("check", ".", cwd=root)
    assert result.exit_code == 2 and len(result.stderr.splitlines()) == 1
    assert "cannot read configuration" in result.stderr


def test_catastrophic_glob_is_matched_in_linear_time(hrlint, write):
    """Globs are not backtracking regexes: this one took seconds per file name before."""
    name = "a" * 200 + ".md"
    root = write({"hrlint.yaml": "exclude: ['*a*a*a*a*a*a*a*a*a*a*a*a*b']\n", name: "x\n"})
    start = time.monotonic()
    result = hrlint("check", "--no-cache", ".", cwd=root)
    assert time.monotonic() - start < 5
    assert result.exit_code == 0 and result.stdout == "No problems found in 1 file.\n"


GLOB_SETS = [
    ("*.md", "*.markdown", "*.mdx", "*.txt"),
    ("drafts/**", "*.tmp"),
    ("**/private/*.md",),
    ("[!_]*.md", "x?.md"),
    ("*a*a*b",),
    (),
]
GLOB_PATHS = [
    "a.md",
    "dir/a.md",
    "x.md/inner.txt",
    "a.mdx",
    "a.md.bak",
    "drafts/a.md",
    "sub/drafts/a.md",
    "b.tmp",
    "deep/private/c.md",
    "private/c.md",
    "_x.md",
    "xy.md",
    "aab",
    "a/aab",
    "",
]


@pytest.mark.parametrize("globs", GLOB_SETS)
def test_combined_glob_matcher_agrees_with_each_glob(globs):
    """A walk tests every file with one combined pattern; it must say what the globs say."""
    from lint.workspace.globs import matcher, matches

    assert [matcher(globs)(p) for p in GLOB_PATHS] == [matches(p, list(globs)) for p in GLOB_PATHS]


def test_catastrophic_schema_pattern_is_refused(hrlint, write):
    root = write(
        {
            "hrlint.yaml": "default-schema: evil\nschema-dirs: [schemas]\n",
            "schemas/evil.schema.json": json.dumps({"properties": {"title": {"pattern": "^(a+)+$"}}}),
            "a.md": "---\ntitle: " + "a" * 40 + "!\n---\n",
        }
    )
    start = time.monotonic()
    result = hrlint("check", "--no-cache", ".", cwd=root)
    assert time.monotonic() - start < 5
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert "`/properties/title/pattern`: regular expression '^(a+)+$' refused" in result.stderr
    # A schema is loaded when first used, so its ConfigError currently surfaces as one
    # "internal error" line per rule and file; it should be one usage error (runner.py).
    assert len(result.stderr.splitlines()) == 1, result.stderr


@pytest.mark.parametrize("pattern", ["^(a+)+$", "(a|aa)*c", "(.*a){12}", "^(\\w+\\s?)*$", "((ab)*)+x"])
def test_regex_checker_refuses_nested_repeats(pattern):
    from lint.workspace.config import regex_problem

    assert regex_problem(pattern) is not None


@pytest.mark.parametrize(
    "pattern",
    [
        "^https://example\\.org/",
        "^[a-z0-9]+(-[a-z0-9]+)*\\.md$",
        "(ab)*",
        "a{2,5}",
        "^/learn/[a-z0-9]+(-[a-z0-9]+)*/questions/",
        "(?>a+)+",
        "(,[^,]*)*",
    ],
)
def test_regex_checker_accepts_ordinary_patterns(pattern):
    from lint.workspace.config import regex_problem

    assert regex_problem(pattern) is None


def test_external_checker_refuses_catastrophic_patterns_and_bounds_urls():
    from lint.checks.links.external import MAX_URL_LENGTH, ExternalChecker

    with pytest.raises(ValueError, match="refused"):
        ExternalChecker(deny=["(a+)+$"])
    checker = ExternalChecker(deny=["x.*y.*z"])
    long_url = "https://example.org/" + "x" * MAX_URL_LENGTH
    assert checker.skip_reason(long_url) == f"skipped: URL longer than {MAX_URL_LENGTH} characters"


def _has_jobs() -> bool:
    from click.testing import CliRunner

    from lint.cli import main

    return "--jobs" in CliRunner().invoke(main, ["check", "--help"]).stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["check", "--jobs", "0", "."], "--jobs"),
        (["check", "--jobs", "-1", "."], "--jobs"),
        (["check", "--jobs", "two", "."], "--jobs"),
        (["check", "--jobs", "", "."], "--jobs"),
        (["audit", ".", "--jobs", "0"], "--jobs"),
        (["audit", ".", "--max-rows", "0"], "--max-rows"),
        (["check", "--format", "yaml", "."], "--format"),
        (["check", "--fail-on", "fatal", "."], "--fail-on"),
        (["check", "--prune-baseline", "."], "hrlint: error: --prune-baseline needs --baseline FILE"),
        (["check", "--config", "missing.yaml", "."], "hrlint: error: missing.yaml: configuration file not found"),
        (["check", "nope/"], "hrlint: error: nope: no such file or folder"),
        (["check", "--output", ".", "."], "Error"),
        (["check", "--baseline", "good.md", "."], "hrlint: error: "),
        (["check", "--changed-since", "--not-a-ref", "."], "hrlint: error: "),
    ],
)
def test_bad_option_values_are_usage_errors(hrlint, write, args, message):
    root = write({"good.md": GOOD})
    result = hrlint(*args, cwd=root)
    assert result.exit_code == 2, result.stdout
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_jobs_option_exists():
    """The team decided on `--jobs N` (N >= 1) for check and audit."""
    assert _has_jobs()


# --- network ----------------------------------------------------------------------------------


@pytest.fixture
def no_network(monkeypatch):
    """Record every attempt to open a network connection (and refuse it)."""
    attempts = []

    def refuse(self, address, *args, **kwargs):
        attempts.append(address)
        raise OSError("network access in a test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", lambda address, *a, **k: refuse(None, address))
    monkeypatch.setattr(socket, "getaddrinfo", lambda host, *a, **k: refuse(None, host))
    return attempts


def test_no_network_without_check_external(hrlint, write, no_network):
    body = (
        "[a](https://example.org/a) [b](http://example.org/b) [c](file:///etc/passwd) "
        "[d](ftp://example.org/) <https://example.org/auto>\n"
    )
    root = write({"good.md": GOOD, "links.md": "---\ntitle: links\n---\n" + body})
    result = hrlint("check", "--format", "json", ".", cwd=root)
    assert result.exit_code == 1 and no_network == []


def test_check_external_requests_only_http_and_https(no_network):
    from lint.checks.links.external import ExternalChecker

    urls = [
        "file:///etc/passwd",
        "ftp://example.org/x",
        "data:text/plain,hi",
        "gopher://x/",
        "javascript:alert(1)",
        "//example.org/x",
        "/learn/x",
        "mailto:a@b.c",
        "FILE:///etc/passwd",
        " file:///etc/passwd",
    ]
    results = ExternalChecker(retries=0, timeout=1).check(urls)
    assert no_network == []
    assert all(r.ok is None and r.detail.startswith("skipped: scheme") for r in results.values())


def test_external_checks_are_bounded_per_request_and_per_run():
    import inspect

    from lint.checks.links.external import ExternalChecker

    defaults = {k: v.default for k, v in inspect.signature(ExternalChecker).parameters.items()}
    assert 0 < defaults["timeout"] <= 30 and 0 < defaults["run_timeout"] <= 600
    with pytest.raises(ValueError):
        ExternalChecker(timeout=0)
    with pytest.raises(ValueError):
        ExternalChecker(run_timeout=-1)


def test_findings_per_file_are_capped_with_a_note(hrlint, write):
    root = write({"a.md": "---\ntitle: x\n---\n" + "The addict met a junkie. " * 3000 + "\n"})
    result = hrlint("check", "--format", "json", "--no-cache", "a.md", cwd=root)
    findings = result.findings
    assert result.exit_code == 1
    assert len(findings) == 1001
    note = findings[-1]
    assert (note["rule"], note["severity"], note["line"]) == ("file/too-many-findings", "info", 4)
    assert note["message"] == (
        "at least 1,010 more findings in this file are not reported (at most 1,000 per file); fix the ones above first"
    )  # 2,000 stigma matches at most, plus 10 others
    stigma = [(f["line"], f["column"]) for f in findings if f["rule"].startswith("stigma/")]
    assert stigma[:2] == [(4, 5), (4, 18)]
