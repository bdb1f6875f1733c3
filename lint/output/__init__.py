"""Output formats. Each formatter turns a Report into text."""

from __future__ import annotations

from lint.output.concise import render_concise
from lint.output.github import render_github
from lint.output.json_format import render_json
from lint.output.junit import render_junit
from lint.output.rdjson import render_rdjson
from lint.output.sarif import render_sarif
from lint.output.text import render_text

FORMATS = {"text": render_text, "json": render_json, "concise": render_concise, "github": render_github,
           "sarif": render_sarif, "junit": render_junit, "rdjson": render_rdjson}
