"""Map every character of a composed YAML scalar back to its source span.

``map_scalar`` re-scans the source text of one ScalarNode following the YAML
1.1 scanning rules used by PyYAML/libyaml for the node's style, rebuilding the
value and recording, for every value character, the ``[start, end)`` slice of
the source that produced it.  The rebuilt value is compared with the value
PyYAML produced; on any disagreement (or any unexpected error) ``None`` is
returned so the caller can fall back to coarse positions.
"""

from __future__ import annotations

import re

__all__ = ["map_scalar"]

_BREAKS = "\r\n\x85\u2028\u2029"
_BLANKS = " \t"
_BREAK_RE = re.compile("[\r\n\x85\u2028\u2029]")
_BLANK_OR_BREAK_RE = re.compile("[ \t\r\n\x85\u2028\u2029]")


def _verbatim_re(specials: str) -> re.Pattern[str]:
    """Longest run copied as-is: no specials, blanks only if not before a break."""
    return re.compile("(?:[^ \t\r\n\x85\u2028\u2029%s]++|[ \t]++(?![\r\n\x85\u2028\u2029]))*+" % specials)


_PLAIN_RUN_RE = _verbatim_re("")
_SINGLE_RUN_RE = _verbatim_re("'")
_DOUBLE_RUN_RE = _verbatim_re('"\\\\')
_SPACES_RE = re.compile(" *")


def _run_end(pattern: re.Pattern[str], text: str, pos: int, end: int) -> int:
    """Where the match of `pattern` at ``pos`` ends (the run patterns match the empty string: never None)."""
    m = pattern.match(text, pos, end)
    assert m is not None
    return m.end()


_ESCAPES = {
    "0": "\0",
    "a": "\x07",
    "b": "\x08",
    "t": "\t",
    "\t": "\t",
    "n": "\n",
    "v": "\x0b",
    "f": "\x0c",
    "r": "\r",
    "e": "\x1b",
    " ": " ",
    '"': '"',
    "/": "/",
    "\\": "\\",
    "N": "\x85",
    "_": "\xa0",
    "L": "\u2028",
    "P": "\u2029",
}
_HEX_LENGTHS = {"x": 2, "u": 4, "U": 8}
_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")
_NO_CONTENT_INDENT = 1 << 60  # "every space is indentation"
_Break = tuple[str, int, int]  # a line break as (normalised char, start, end)


class _Out:
    """Accumulates value pieces and their source spans."""

    __slots__ = ("parts", "starts", "ends")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []

    def add(self, ch: str, start: int, end: int) -> None:
        """One value character produced by ``source[start:end]``."""
        self.parts.append(ch)
        self.starts.append(start)
        self.ends.append(end)

    def run(self, text: str, start: int, end: int) -> None:
        """Copy ``text[start:end]`` verbatim, one span per character."""
        if end > start:
            self.parts.append(text[start:end])
            self.starts.extend(range(start, end))
            self.ends.extend(range(start + 1, end + 1))


# --------------------------------------------------------------------------
# shared helpers


def _read_break(text: str, pos: int, end: int) -> _Break:
    """The line break at ``pos`` as (normalised char, start, end).

    CRLF, CR, LF and NEL become ``\\n``; LS and PS are kept (YAML 1.1).
    """
    c = text[pos]
    if c == "\r" and pos + 1 < end and text[pos + 1] == "\n":
        return "\n", pos, pos + 2
    if c in "\u2028\u2029":
        return c, pos, pos + 1
    return "\n", pos, pos + 1


def _fold(out: _Out, leading: _Break | None, trailing: list[_Break], fold_start: int, resume: int) -> None:
    """Fold the breaks between two lines of a flow (plain/quoted) scalar.

    ``leading`` is the first break (None after an escaped line break),
    ``trailing`` the breaks of following empty lines; ``fold_start`` and
    ``resume`` delimit the whitespace folded away.  A lone ``\\n`` break
    becomes a space spanning it; otherwise the breaks are kept.
    """
    if leading is not None and leading[0] == "\n":
        if not trailing:
            out.add(" ", fold_start, resume)
            return
    elif leading is not None:
        out.add(*leading)
    for brk in trailing:
        out.add(*brk)


def _scan_blanks(text: str, pos: int, end: int, leading_blanks: bool) -> tuple[int, _Break | None, list[_Break]]:
    """Consume blanks and line breaks; return (pos, leading, trailing).

    Called where blanks run into a line break (or, in double-quoted
    scalars, after an escaped line break: ``leading_blanks`` is then True).
    """
    leading: _Break | None = None
    trailing: list[_Break] = []
    while pos < end:
        c = text[pos]
        if c in _BLANKS:
            pos += 1
        elif c in _BREAKS:
            brk = _read_break(text, pos, end)
            if leading_blanks:
                trailing.append(brk)
            else:
                leading = brk
                leading_blanks = True
            pos = brk[2]
        else:
            break
    return pos, leading, trailing


def _skip_properties(text: str, pos: int, end: int) -> int:
    """Skip a leading anchor/tag (``&a !!str``) plus whitespace and comments."""
    while pos < end and text[pos] in "&!":
        m = _BLANK_OR_BREAK_RE.search(text, pos, end)
        pos = m.start() if m else end
        while pos < end:
            c = text[pos]
            if c in _BLANKS or c in _BREAKS:
                pos += 1
            elif c == "#":
                m = _BREAK_RE.search(text, pos, end)
                pos = m.start() if m else end
            else:
                break
    return pos


# --------------------------------------------------------------------------
# flow scalars


def _map_plain(text: str, pos: int, end: int, out: _Out) -> None:
    """Plain scalar: words separated by blanks, line breaks folded."""
    while pos < end:
        stop = _run_end(_PLAIN_RUN_RE, text, pos, end)
        out.run(text, pos, stop)
        if stop >= end:
            return
        resume, leading, trailing = _scan_blanks(text, stop, end, False)
        if resume >= end:  # trailing whitespace is not part of the value
            return
        _fold(out, leading, trailing, stop, resume)
        pos = resume


def _map_quoted(text: str, pos: int, end: int, double: bool, out: _Out) -> bool:
    """Single- or double-quoted scalar spanning ``text[pos:end]`` with quotes."""
    quote = '"' if double else "'"
    if end - pos < 2 or text[pos] != quote or text[end - 1] != quote:
        return False
    verbatim = _DOUBLE_RUN_RE if double else _SINGLE_RUN_RE
    pos += 1
    stop = end - 1
    while True:
        leading_blanks = False
        # ordinary text, escapes and ''
        while pos < stop:
            nxt = _run_end(verbatim, text, pos, stop)
            out.run(text, pos, nxt)
            pos = nxt
            if pos >= stop:
                break
            c = text[pos]
            if c in _BLANKS or c in _BREAKS:
                break
            if c == quote:
                if double or text[pos + 1] != "'":
                    return False  # unescaped quote before the closing one
                out.add("'", pos, pos + 2)
                pos += 2
                continue
            # backslash escape (double-quoted only)
            nc = text[pos + 1]
            if nc in _BREAKS:  # escaped line break: join without a space
                pos = _read_break(text, pos + 1, stop)[2]
                leading_blanks = True
                break
            if nc in _HEX_LENGTHS:
                n = _HEX_LENGTHS[nc]
                digits = text[pos + 2 : pos + 2 + n]
                if len(digits) != n or not set(digits) <= _HEX_DIGITS:
                    return False
                out.add(chr(int(digits, 16)), pos, pos + 2 + n)
                pos += 2 + n
            elif nc in _ESCAPES:
                out.add(_ESCAPES[nc], pos, pos + 2)
                pos += 2
            else:
                return False
        if pos >= stop:
            return True
        # blanks up to a line break, and the line breaks
        ws_start = pos
        pos, leading, trailing = _scan_blanks(text, pos, stop, leading_blanks)
        _fold(out, leading, trailing, ws_start, pos)
        if pos >= stop:
            return True


# --------------------------------------------------------------------------
# block scalars


def _explicit_indent(text: str, pos: int, end: int, value: str) -> int | None:
    """Content indentation of a block scalar with an indentation indicator.

    The indicator is relative to the enclosing block collection, which the
    scalar's own span does not show; so the indentation is recovered from the
    first content line and the value (the final comparison validates it).
    """
    k = len(value) - len(value.lstrip("\n\u2028\u2029"))
    if k == len(value):
        return _NO_CONTENT_INDENT
    for _ in range(k):  # each leading empty line gave one break
        m = _BREAK_RE.search(text, pos, end)
        if m is None:
            return None
        pos = _read_break(text, m.start(), end)[2]
    line_spaces = _run_end(_SPACES_RE, text, pos, end) - pos
    value_spaces = _run_end(_SPACES_RE, value, k, len(value)) - k
    indent = line_spaces - value_spaces
    return indent if indent >= 1 else None


def _block_breaks(
    text: str, pos: int, line_start: int, end: int, indent: int, breaks: list[_Break]
) -> tuple[int, int, int]:
    """Skip indentation and empty lines; return (pos, line_start, indent).

    An ``indent`` of 0 means "auto-detect" from the most indented leading
    line, as libyaml does.  libyaml also raises it to one more than the
    enclosing collection's indentation; a line indented less than that is not
    in the node's span, so ``end`` stops the scan there instead.
    """
    max_indent = 0
    while True:
        limit = min(end, line_start + indent) if indent else end
        pos = _run_end(_SPACES_RE, text, pos, max(pos, limit))
        max_indent = max(max_indent, pos - line_start)
        if pos < end and text[pos] in _BREAKS:
            brk = _read_break(text, pos, end)
            breaks.append(brk)
            pos = line_start = brk[2]
        else:
            break
    if not indent:
        indent = max(max_indent, 1)
    return pos, line_start, indent


def _map_block(text: str, pos: int, end: int, value: str, out: _Out) -> bool:
    """Literal (``|``) or folded (``>``) block scalar starting at its indicator."""
    literal = text[pos] == "|"
    pos += 1
    chomping = 0
    increment = 0
    for _ in range(2):  # chomping and indentation indicators, either order
        c = text[pos] if pos < end else ""
        if c and c in "+-" and not chomping:
            chomping = 1 if c == "+" else -1
        elif c and c in "0123456789" and not increment:
            if c == "0":
                return False
            increment = int(c)
        else:
            break
        pos += 1
    while pos < end and text[pos] in _BLANKS:
        pos += 1
    if pos < end and text[pos] == "#":
        m = _BREAK_RE.search(text, pos, end)
        pos = m.start() if m else end
    if pos < end:
        if text[pos] not in _BREAKS:
            return False
        pos = _read_break(text, pos, end)[2]
    line_start = pos

    indent = 0
    if increment:
        explicit = _explicit_indent(text, pos, end, value)
        if explicit is None:
            return False
        indent = explicit

    leading: _Break | None = None  # break ending the previous content line
    trailing: list[_Break] = []  # breaks of the empty lines after it
    leading_blank = False
    pos, line_start, indent = _block_breaks(text, pos, line_start, end, indent, trailing)
    while pos < end and pos - line_start == indent:
        trailing_blank = text[pos] in _BLANKS
        if not literal and leading is not None and leading[0] == "\n" and not leading_blank and not trailing_blank:
            if not trailing:  # fold the break (and the indentation) into a space
                out.add(" ", leading[1], pos)
            leading = None
        if leading is not None:
            out.add(*leading)
        for brk in trailing:
            out.add(*brk)
        trailing = []
        leading_blank = trailing_blank
        m = _BREAK_RE.search(text, pos, end)
        eol = m.start() if m else end
        out.run(text, pos, eol)
        leading = None
        pos = eol
        if pos < end:
            leading = _read_break(text, pos, end)
            pos = line_start = leading[2]
        pos, line_start, indent = _block_breaks(text, pos, line_start, end, indent, trailing)
    if chomping != -1 and leading is not None:
        out.add(*leading)
    if chomping == 1:
        for brk in trailing:
            out.add(*brk)
    return True


# --------------------------------------------------------------------------
# public API


def map_scalar(source: str, start: int, end: int, style: str | None, value: str) -> tuple[list[int], list[int]] | None:
    """Return ``(starts, ends)`` so that ``source[starts[i]:ends[i]]`` produced ``value[i]``.

    ``start``/``end`` are the node's mark indexes, ``style`` the node style
    (None/'' plain, ``'``, ``"``, ``|``, ``>``).  Returns None when the source
    cannot be mapped exactly (the rebuilt value differs, or anything fails).
    """
    try:
        if not (0 <= start <= end <= len(source)):
            return None
        out = _Out()
        pos = _skip_properties(source, start, end)
        if style in (None, ""):
            _map_plain(source, pos, end, out)
            ok = True
        elif style in ("'", '"'):
            ok = _map_quoted(source, pos, end, style == '"', out)
        elif style in ("|", ">"):
            ok = pos < end and source[pos] == style and _map_block(source, pos, end, value, out)
        else:
            return None
        if not ok or "".join(out.parts) != value or len(out.starts) != len(value):
            return None
        if out.starts and (out.starts[0] < start or out.ends[-1] > end):
            return None
        return out.starts, out.ends
    except Exception:  # never raise: the caller falls back to coarse positions
        return None
