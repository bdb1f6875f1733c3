"""Output formats. Each formatter turns a Report into text."""

from __future__ import annotations

from lint.output.json_format import render_json
from lint.output.text import render_text

FORMATS = {"text": render_text, "json": render_json}
