"""Classification accuracy of the principle rules on the labelled passages.

    python bench/principles_eval.py [-v]

Reads tests/data/principles-eval.jsonl; each passage is classified as canonical, legacy,
misquote, paraphrase or unrelated (no principle found) and compared with its label.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT / "tests" / "data" / "principles-eval.jsonl"


def load(path: Path = EVAL) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def predict(text: str, principles) -> tuple[str, int | None]:
    """(label, principle number) of the passage's strongest principle statement."""
    from lint.checks.principles import classify, statements

    rank = {"misquote": 3, "legacy": 3, "canonical": 3, "paraphrase": 1}
    found = [m for m in (classify(st, principles) for st in statements(text)) if m is not None]
    if not found:
        return "unrelated", None
    best = max(found, key=lambda m: rank[m.kind])
    return best.kind, best.principle.number


def evaluate(passages: list[dict]) -> tuple[float, list[tuple[dict, str, int | None]]]:
    sys.path.insert(0, str(ROOT))
    from lint.checks.principles import load_principles

    principles = load_principles()
    results = [(p, *predict(p["text"], principles)) for p in passages]
    correct = sum(
        1 for p, label, number in results if label == p["label"] and (label == "unrelated" or number == p["principle"])
    )
    return correct / len(passages), results


if __name__ == "__main__":
    passages = load()
    accuracy, results = evaluate(passages)
    confusion = Counter((p["label"], label) for p, label, _ in results)
    print(f"{len(passages)} passages, accuracy {accuracy:.3f}")
    for (gold, got), n in sorted(confusion.items()):
        print(f"  {gold:10s} -> {got:10s} {n}")
    if "-v" in sys.argv:
        for p, label, number in results:
            if label != p["label"] or (label != "unrelated" and number != p["principle"]):
                print(f"{p['id']}: {p['label']}/{p['principle']} predicted {label}/{number}: {p['text'][:100]}")
