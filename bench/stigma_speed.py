"""Time the stigma rules on one 1 MB `answer` field, without and with many findings.

    python bench/stigma_speed.py

Prints the median of 5 runs of the stigma rules on a prepared document (region mapping,
matching, context gates and finding construction included; reading and YAML parsing excluded).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lint.config import Config  # noqa: E402
from lint.document import Document  # noqa: E402
from lint.runner import Linter  # noqa: E402

CLEAN = "People who use drugs deserve care and support from their community services. "
DENSE = "People who use drugs deserve care; clean needles save lives and addicts matter. "


def median_seconds(sentence: str, runs: int = 5) -> tuple[int, float]:
    linter = Linter(Config(), select=["stigma"])
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
    for name, sentence in (("no findings", CLEAN), ("dense", DENSE)):
        count, seconds = median_seconds(sentence)
        print(f"1 MB answer, {name}: {count} findings, {seconds:.3f} s (median of 5)")
