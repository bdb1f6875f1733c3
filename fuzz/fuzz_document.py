"""Coverage-guided fuzz target: the document parser and the position mapping.

    python fuzz/fuzz_document.py fuzz/corpus -max_total_time=600    # see fuzz/README.md

Every input is read as a file's bytes (`Document.from_bytes`), then split into prose regions
(`lint.text.regions.prose_regions`, every front-matter field read as prose, with and without literal
`\\n`) and every span is mapped to a (line, column). Invariants checked:

- reading never raises (problems become findings): no exception escapes at all;
- every problem, front-matter offset, key and value span lies inside the decoded text, in order;
- a region has one source span per character, each inside the text with start <= end;
- a readable file's text round-trips: its bytes decode to it (BOM and UTF-16 aside);
- (line, column) of every span start is inside the file and maps back to the same offset.

`check(data)` is importable, so tests replay the saved crashing inputs without atheris.
"""

from __future__ import annotations

import sys
from pathlib import Path

try:
    import atheris
except ImportError:  # replaying regressions from the test suite does not need atheris
    atheris = None

if atheris is not None:
    with atheris.instrument_imports(include=["lint", "yaml", "frontmatter"]):
        from lint.model.document import Document
        from lint.text.regions import prose_regions
else:  # pragma: no cover
    from lint.model.document import Document
    from lint.text.regions import prose_regions

PROSE = ["*", "*.*", "*[*]", "*.*.*", "*[*].*", "*.*[*]"]
MAX_REGIONS = 2000  # an alias bomb expands to 200,000 values; map the first regions only
SUFFIXES = (".md", ".txt")


def _inside(text: str, start: int, end: int, what: str) -> None:
    assert 0 <= start <= end <= len(text), f"{what} span {start}..{end} outside text of {len(text)}"


def _position(doc: Document, offset: int) -> None:
    line, column = doc.lines.position(offset)
    assert 1 <= line <= len(doc.lines.starts), (offset, line)
    assert 1 <= column, (offset, column)
    assert doc.lines.offset(line, column) == offset, (offset, line, column)


def check(data: bytes) -> None:
    for suffix in SUFFIXES[: 1 + (len(data) % 2 and len(data) < 256)]:
        doc = Document.from_bytes(data, Path("fuzz" + suffix), "fuzz" + suffix)
        text = doc.text
        for p in doc.problems:
            _inside(text, p.start, p.end, f"problem {p.rule}")
            assert p.message and "\n" not in p.message.strip("\n") or p.rule == "schema/syntax", p.message
        if not doc.readable:
            assert doc.front_matter is None
            assert any(p.rule.startswith("file/") for p in doc.problems)
            continue
        if not doc.bom and doc.encoding == "utf-8":
            assert data.decode("utf-8") == text
        fm = doc.front_matter
        if fm is not None:
            assert 0 <= fm.start <= fm.content_start <= fm.content_end <= fm.end <= len(text), fm
            for path, entry in list(fm.entries.items())[:MAX_REGIONS]:
                if entry.key_span is not None:
                    _inside(text, *entry.key_span, f"key {path}")
                if entry.value_span is not None:
                    _inside(text, *entry.value_span, f"value {path}")
                    _inside(text, *doc.value_span(path), f"trimmed value {path}")
                _inside(text, *doc.key_span(path), f"key of {path}")
            for offset, _comment in fm.comments:
                assert 0 <= offset < len(text)
        big = fm is not None and len(fm.entries) > MAX_REGIONS
        for literal in (True,) if big else (True, False):
            for region in prose_regions(doc, PROSE, literal)[:MAX_REGIONS]:
                starts, ends = region.starts, region.ends
                assert len(starts) == len(ends) == len(region.text), (region, len(starts), len(ends))
                for i in range(len(region.text)):
                    _inside(text, starts[i], ends[i], f"region {region.field}[{i}]")
                if region.text:
                    a, b = region.source_span(0, len(region.text))
                    _inside(text, a, b, f"region {region.field}")
                    _position(doc, a)
                    _position(doc, b)
        for p in doc.problems:
            _position(doc, p.start)


def TestOneInput(data: bytes) -> None:  # noqa: N802 - atheris' name
    check(data)


def main() -> None:
    if atheris is None:
        sys.exit("atheris is not installed: pip install atheris")
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
