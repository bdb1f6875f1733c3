"""Span precision/recall of hrlint's stigma catalog, and of alex, on the labelled passages.

    python bench/stigma_eval.py [--no-alex] [--json OUT]

Reads tests/data/stigma-eval.jsonl. alex (npm package `alex`) is installed into a temporary
folder with npm and run through its JavaScript API on the same passages; skipped without npm.
Both tools' spans are compared with the labelled spans exactly (same start and end).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT / "tests" / "data" / "stigma-eval.jsonl"
ALEX_SCRIPT = """
import {text} from 'alex'
import {readFileSync} from 'node:fs'
for (const line of readFileSync(0, 'utf8').split('\\n').filter(Boolean)) {
  const {id, text: t} = JSON.parse(line)
  // vfile-message: `place` (newer) or `position` (older); a range {start, end} or a point
  const spans = text(t).messages.map(m => m.place ?? m.position).filter(Boolean)
    .map(p => [(p.start ?? p).offset, (p.end ?? p).offset])
  process.stdout.write(JSON.stringify({id, spans}) + '\\n')
}
"""


def load(path: Path = EVAL) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def scores(passages: list[dict], predicted: dict[str, set[tuple[int, int]]]) -> dict[str, float]:
    """Exact-span precision and recall over all passages, plus a lenient overlap variant."""
    gold = {p["id"]: {(s["start"], s["end"]) for s in p["spans"]} for p in passages}
    n_pred = sum(len(predicted.get(i, set())) for i in gold)
    n_gold = sum(len(g) for g in gold.values())
    tp = sum(len(gold[i] & predicted.get(i, set())) for i in gold)

    def overlaps(span, others):
        return any(span[0] < o[1] and o[0] < span[1] for o in others)

    hit_pred = sum(overlaps(s, gold[i]) for i in gold for s in predicted.get(i, set()))
    hit_gold = sum(overlaps(g, predicted.get(i, set())) for i in gold for g in gold[i])
    return {
        "precision": tp / n_pred if n_pred else 1.0,
        "recall": tp / n_gold if n_gold else 1.0,
        "overlap_precision": hit_pred / n_pred if n_pred else 1.0,
        "overlap_recall": hit_gold / n_gold if n_gold else 1.0,
        "true_positives": tp,
        "predicted": n_pred,
        "gold": n_gold,
    }


def hrlint_spans(passages: list[dict]) -> dict[str, set[tuple[int, int]]]:
    """Spans hrlint reports at warning or above (quoted and figurative uses are info)."""
    sys.path.insert(0, str(ROOT))
    from lint.checks.stigma import build_catalog
    from lint.model.findings import Severity

    catalog = build_catalog({})
    return {
        p["id"]: {(a, b) for a, b, _, severity, _ in catalog.matches(p["text"]) if severity >= Severity.WARNING}
        for p in passages
    }


def install_alex(folder: Path | str) -> bool:
    """Install alex 11 with npm into folder (node_modules there); False without npm and node."""
    if shutil.which("npm") is None or shutil.which("node") is None:
        return False
    subprocess.run(
        ["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(folder), "alex@11"],
        check=True,
        capture_output=True,
        timeout=600,
    )
    return True


def alex_spans(passages: list[dict]) -> tuple[dict[str, set[tuple[int, int]]], float] | None:
    with tempfile.TemporaryDirectory() as tmp:
        if not install_alex(tmp):
            return None
        (Path(tmp) / "run.mjs").write_text(ALEX_SCRIPT, encoding="utf-8")
        stdin = "".join(json.dumps({"id": p["id"], "text": p["text"]}) + "\n" for p in passages)
        start = time.perf_counter()
        out = subprocess.run(
            ["node", "run.mjs"], cwd=tmp, input=stdin, capture_output=True, text=True, check=True, timeout=600
        ).stdout
        elapsed = time.perf_counter() - start
    spans = {}
    for line in out.splitlines():
        row = json.loads(line)
        spans[row["id"]] = {tuple(s) for s in row["spans"]}
    return spans, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-alex", action="store_true", help="skip alex")
    parser.add_argument("--runs", type=int, default=5, help="timing runs for hrlint (median)")
    parser.add_argument("--json", type=Path, help="write the results here")
    args = parser.parse_args()
    passages = load()
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        predicted = hrlint_spans(passages)
        times.append(time.perf_counter() - start)
    rows = {"hrlint": {**scores(passages, predicted), "seconds": statistics.median(times)}}
    alex = None if args.no_alex else alex_spans(passages)
    if alex is not None:
        rows["alex"] = {**scores(passages, alex[0]), "seconds": alex[1]}
    print(f"{len(passages)} passages, {sum(len(p['spans']) for p in passages)} labelled spans")
    print(f"{'tool':8s} {'precision':>9s} {'recall':>7s} {'overlap P':>9s} {'overlap R':>9s} {'seconds':>8s}")
    for tool, row in rows.items():
        print(
            f"{tool:8s} {row['precision']:9.3f} {row['recall']:7.3f} {row['overlap_precision']:9.3f} "
            f"{row['overlap_recall']:9.3f} {row['seconds']:8.3f}"
        )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
