"""Time the prose rules (stigma, principles) on one 1 MB `answer` field.

    python bench/prose_speed.py

For each rule family, prints the median of 5 runs on a prepared document (region mapping,
matching and finding construction included; reading and YAML parsing excluded): prose without
any finding, prose dense with stigmatizing terms, and prose made of principle quotations.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lint.engine.runner import Linter  # noqa: E402
from lint.model.document import Document  # noqa: E402
from lint.workspace.config import Config  # noqa: E402

CLEAN = "People who use drugs deserve care and support from their community services. "
DENSE = "People who use drugs deserve care; clean needles save lives and addicts matter. "
QUOTES = (
    "Ensures that drug users and those with a history of drug use routinely have a real voice in the "
    "creation of programs and policies designed to serve them. "
)


def median_seconds(family: str, sentence: str, runs: int = 5) -> tuple[int, float]:
    linter = Linter(Config(), select=[family])
    ctx = linter.context()
    text = "---\nanswer: >-\n    " + sentence * (1_000_000 // len(sentence)) + "\n---\n"
    times, count = [], 0
    for _ in range(runs):
        doc = Document.from_text(text, "a.md")
        start = time.perf_counter()
        count = len(linter.check(doc, ctx))
        times.append(time.perf_counter() - start)
    return count, statistics.median(times)


if __name__ == "__main__":
    for family, name, sentence in (
        ("stigma", "plain prose", CLEAN),
        ("stigma", "dense terms", DENSE),
        ("principles", "plain prose", CLEAN),
        ("principles", "legacy quotations", QUOTES),
    ):
        count, seconds = median_seconds(family, sentence)
        print(f"{family:10s} 1 MB answer, {name}: {count} findings, {seconds:.3f} s (median of 5)")
