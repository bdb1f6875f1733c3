"""Benchmark `hrlint check` on a generated corpus against the issue's performance targets.

    python bench/run.py [--articles 20000] [--runs 5] [--jobs N] [--json OUT] [--no-alex]
                        [--no-git] [--keep DIR] [--scale] [--seed S] [--alex-articles 500]

One corpus (bench/corpus.py) is generated and every measurement runs on it:

- floor: walk the corpus, read every file, split off the front matter and
  `yaml.compose(..., Loader=yaml.CSafeLoader)` it, in this process (the least any checker that
  reads the YAML must do);
- cold: `hrlint check` with `.hrlint_cache/` removed before each run;
- warm: `hrlint check` with the cache a previous run left;
- single file: `hrlint check ONE.md` inside the warm corpus (the pre-commit case);
- version: `hrlint --version` (start-up);
- peak memory: PSS (and RSS, an upper bound) of the hrlint process plus all its children, summed
  at each 10 ms poll, in one extra cold and one extra warm run (so polling does not disturb the
  timed runs); the target is checked on PSS, which does not count pages the forked workers share
  with the parent twice;
- alex: alex 11's `markdown()` on the prose of a subset of the articles, timed inside node;
- git checkout: warm and single-file runs again after the corpus is made a git repository (one
  commit of every file; `.git` is removed afterwards), where the walk also reads git's ignore
  rules (skipped with --no-git or when git is not installed).

hrlint runs as a subprocess: the `hrlint` next to sys.executable, from the corpus root (whose
hrlint.yaml sets `content-root: .`), with `-q --format json --output FILE`; `--jobs` is passed on
when `hrlint check --help` lists it. Times are medians of --runs runs (alex: at most 3).
`--scale` also runs cold and warm on a corpus 5x larger and reports the growth.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import yaml

try:
    import psutil
except ImportError:  # pragma: no cover
    sys.exit("bench/run.py needs psutil (pip install psutil)")

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

from corpus import generator_version, make_corpus
from stigma_eval import install_alex

CACHE_DIR = ".hrlint_cache"
HRLINT = Path(sys.executable).parent / "hrlint"
ALEX_SCRIPT = """
import {markdown} from 'alex'
import {readFileSync} from 'node:fs'
const docs = readFileSync('docs.jsonl', 'utf8').split('\\n').filter(Boolean).map(line => JSON.parse(line))
const start = performance.now()
let messages = 0
for (const doc of docs) messages += markdown(doc).messages.length
process.stdout.write(JSON.stringify({seconds: (performance.now() - start) / 1000, messages}) + '\\n')
"""
PROSE_FIELDS = ("title", "article_title", "question", "answer")
SCALE = 5
TARGETS = {  # name: (measured key, comparison, limit)
    "cold >= 5,000 articles/s": ("cold_rate", ">=", 5000),
    "cold <= 2x floor wall time": ("cold_vs_floor", "<=", 2.0),
    "warm >= 20,000 articles/s": ("warm_rate", ">=", 20000),
    "single file <= 250 ms": ("single_s", "<=", 0.250),
    "--version <= 120 ms": ("version_s", "<=", 0.120),
    ">= 50x alex (cold rate / alex rate)": ("cold_vs_alex", ">=", 50),
    "5x articles: cold time grows <= 5.5x": ("scale_growth", "<=", 5.5),
    "peak memory < 400 MB": ("peak_mb", "<", 400),
}


@dataclass
class Run:
    seconds: float
    returncode: int
    peak_rss: int | None = None  # bytes, process tree, shared pages counted in each process
    peak_pss: int | None = None  # bytes, process tree, shared pages split between the processes


def run_command(cmd: list[str], cwd: Path, poll_memory: bool = False) -> Run:
    """Run cmd to completion; wall time, exit code and (optionally) the tree's peak RSS."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = psutil.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err)
        peak = peak_pss = 0
        while poll_memory and proc.poll() is None:
            rss, pss = tree_memory(proc)
            peak, peak_pss = max(peak, rss), max(peak_pss, pss)
            time.sleep(0.01)
        code = proc.wait()
        seconds = time.perf_counter() - start
        if code not in (0, 1):
            err.seek(0)
            raise RuntimeError(f"{' '.join(cmd)} exited {code}: {err.read().decode(errors='replace').strip()}")
    return Run(seconds, code, peak if poll_memory else None, peak_pss if poll_memory else None)


def tree_memory(proc: psutil.Process) -> tuple[int, int]:
    """(RSS, PSS) summed over a process and all its descendants. RSS counts the pages forked
    workers share with their parent in each of them (an upper bound); PSS (Linux) divides each
    shared page between the processes that map it, so the sum is the tree's real footprint
    (RSS where PSS is not available)."""
    rss = pss = 0
    try:
        members = [proc] + proc.children(recursive=True)
    except psutil.Error:
        return 0, 0
    for member in members:
        try:
            info = member.memory_full_info()
            rss += info.rss
            pss += getattr(info, "pss", info.rss)
        except psutil.Error:
            pass
    return rss, pss


def check_options() -> str:
    return subprocess.run([str(HRLINT), "check", "--help"], capture_output=True, text=True, check=True).stdout


def check_command(paths: list[str], report: Path, jobs: int | None) -> list[str]:
    cmd = [str(HRLINT), "check", *paths, "-q", "--format", "json", "--output", str(report)]
    return cmd + (["--jobs", str(jobs)] if jobs else [])


def front_matter(text: str) -> str | None:
    """The YAML between the opening `---` line and the next `---` line, if any."""
    if not text.startswith("---"):
        return None
    end = text.find("\n---", 3)
    return text[text.find("\n") + 1 : end + 1] if end > 0 else None


def markdown_files(root: Path) -> list[Path]:
    """Every .md file under root, hidden folders skipped."""
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found += [Path(folder, f) for f in sorted(files) if f.endswith(".md")]
    return found


def floor_once(root: Path) -> float:
    """Seconds to walk, read, split and compose every article in this process."""
    start = time.perf_counter()
    for path in markdown_files(root):
        yaml_text = front_matter(path.read_text(encoding="utf-8"))
        if yaml_text is not None:
            try:
                yaml.compose(yaml_text, Loader=yaml.CSafeLoader)
            except yaml.YAMLError:
                pass
    return time.perf_counter() - start


def prose_markdown(path: Path) -> str | None:
    """The article's prose as Markdown for alex: the front matter's text fields, `\\n` as breaks."""
    try:
        data = yaml.load(front_matter(path.read_text(encoding="utf-8")) or "", Loader=yaml.CSafeLoader)
    except yaml.YAMLError:
        return None
    parts = [data.get(k, "") for k in PROSE_FIELDS] + [data.get("seo", {}).get("page_description", "")]
    parts += [v["title"] for k, v in data.items() if k.startswith("related_article")]
    return "\n\n".join(str(p).replace("\\n", "\n") for p in parts if p)


def alex_runs(files: list[Path], runs: int) -> dict | None:
    """alex 11 on the prose of `files`: in-node seconds per run, wall seconds incl. node start-up."""
    docs = [d for d in map(prose_markdown, files) if d]
    with tempfile.TemporaryDirectory() as tmp:
        if not install_alex(tmp):
            return None
        (Path(tmp) / "run.mjs").write_text(ALEX_SCRIPT, encoding="utf-8")
        (Path(tmp) / "docs.jsonl").write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
        inner, wall, messages = [], [], 0
        for _ in range(runs):
            start = time.perf_counter()
            done = subprocess.run(
                ["node", "run.mjs"], cwd=tmp, capture_output=True, text=True, timeout=3600, check=False
            )
            wall.append(time.perf_counter() - start)
            if done.returncode:
                raise RuntimeError(f"alex failed: {done.stderr.strip()[-2000:]}")
            row = json.loads(done.stdout)
            inner.append(row["seconds"])
            messages = row["messages"]
    return {"articles": len(docs), "seconds": inner, "wall_seconds": wall, "messages": messages}


def corpus_at(folder: Path, n: int, seed: int) -> dict:
    """The manifest of a corpus of n articles in folder, generated unless one with the same
    size, seed and generator is already there (--keep)."""
    manifest_path = folder / "manifest.json"
    if manifest_path.exists():
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if (manifest.get("articles"), manifest.get("seed"), manifest.get("generator")) == (
            n,
            seed,
            generator_version(),
        ):
            return manifest
        shutil.rmtree(folder)
    return make_corpus(folder, n, seed)


def time_check(corpus: Path, runs: int, jobs: int | None, cold: bool, report: Path) -> dict:
    """Medians of `hrlint check .` cold (cache removed before each run) or warm, plus one polled
    run for peak memory; the findings of the last run are read from its JSON report."""

    def once(poll: bool) -> Run:
        if cold:
            shutil.rmtree(corpus / CACHE_DIR, ignore_errors=True)
        return run_command(check_command(["."], report, jobs), corpus, poll_memory=poll)

    if not cold and not (corpus / CACHE_DIR).exists():
        once(poll=False)  # leave a cache behind
    times = [once(poll=False).seconds for _ in range(runs)]
    findings = json.loads(report.read_text(encoding="utf-8"))
    polled = once(poll=True)
    return {
        "seconds": times,
        "median": statistics.median(times),
        "peak_rss_mb": polled.peak_rss / 2**20,
        "peak_pss_mb": polled.peak_pss / 2**20,
        "findings": findings,
    }


def measure(corpus: Path, manifest: dict, args, work: Path) -> dict:
    """Every measurement on one corpus; raw times, medians and per-article rates."""
    n = manifest["articles"]
    out: dict = {"articles": n}
    floor = [floor_once(corpus) for _ in range(args.runs)]
    out["floor"] = {"seconds": floor, "median": statistics.median(floor)}
    print(f"  floor {out['floor']['median']:.3f} s", file=sys.stderr)
    out["cold"] = time_check(corpus, args.runs, args.jobs, cold=True, report=work / "cold.json")
    print(f"  cold {out['cold']['median']:.3f} s", file=sys.stderr)
    out["warm"] = time_check(corpus, args.runs, args.jobs, cold=False, report=work / "warm.json")
    print(f"  warm {out['warm']['median']:.3f} s", file=sys.stderr)
    return out


def git_checkout_runs(corpus: Path, one: str, args, work: Path) -> dict | None:
    """Warm and single-file times with the corpus committed to a fresh git repository (None
    without git); the repository is removed afterwards, leaving the corpus as it was."""
    if shutil.which("git") is None:
        return None
    env = {
        **os.environ,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "bench",
        "GIT_AUTHOR_EMAIL": "bench@example.org",
        "GIT_COMMITTER_NAME": "bench",
        "GIT_COMMITTER_EMAIL": "bench@example.org",
    }
    try:
        for cmd in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "corpus"]):
            subprocess.run(["git", *cmd], cwd=corpus, env=env, check=True, capture_output=True)
        run_command(check_command(["."], work / "git.json", args.jobs), corpus)  # the walk's folders are new
        warm = [
            run_command(check_command(["."], work / "git.json", args.jobs), corpus).seconds for _ in range(args.runs)
        ]
        single = [
            run_command(check_command([one], work / "one.json", args.jobs), corpus).seconds for _ in range(args.runs)
        ]
    finally:
        shutil.rmtree(corpus / ".git", ignore_errors=True)
    return {
        "warm": {"seconds": warm, "median": statistics.median(warm)},
        "single_file": {"seconds": single, "median": statistics.median(single)},
    }


def compare_findings(result: dict, manifest: dict) -> dict:
    """hrlint's findings per rule (cold run) against the manifest's expected counts; warm vs cold."""
    cold, warm = result["cold"].pop("findings"), result["warm"].pop("findings")
    by_rule = cold["summary"]["by_rule"]
    expected = manifest["expected_findings"]
    rules = sorted(set(by_rule) | set(expected))
    return {
        "by_rule": {r: {"expected": expected.get(r, 0), "found": by_rule.get(r, 0)} for r in rules},
        "match_manifest": all(expected.get(r, 0) == by_rule.get(r, 0) for r in rules),
        "warm_equals_cold": cold["findings"] == warm["findings"],
    }


def targets(summary: dict) -> list[dict]:
    """The issue's targets with the measured value and pass/fail (None when not measured)."""
    rows = []
    for name, (key, op, limit) in TARGETS.items():
        value = summary.get(key)
        ok = (
            None
            if value is None
            else (value >= limit if op == ">=" else value <= limit if op == "<=" else value < limit)
        )
        rows.append({"target": name, "value": value, "limit": limit, "pass": ok})
    return rows


def print_report(result: dict) -> None:
    m, s = result["main"], result["summary"]
    n, floor = m["articles"], m["floor"]["median"]
    alex_rate = s.get("alex_rate")
    print(
        f"\n{n:,} articles, {result['runs']} runs (medians), {result['hrlint']['version']} "
        f"({result['hrlint']['commit'][:10]}), jobs {result['hrlint']['jobs'] or 'hrlint default'}, "
        f"{result['machine']['cpu_count']} CPUs"
    )
    print("| measurement | median s | articles/s | x floor | hrlint / alex rate |\n|---|---:|---:|---:|---:|")

    def row(name, seconds, articles=None, vs_floor=True, vs_alex=True, floor_s=floor):
        rate = articles / seconds if articles else None
        cells = [
            f"{seconds:.3f}",
            f"{rate:,.0f}" if rate else "",
            f"{seconds / floor_s:.2f}" if vs_floor else "",
            f"{rate / alex_rate:.1f}" if vs_alex and rate and alex_rate else "",
        ]
        print(f"| {name} | " + " | ".join(cells) + " |")

    row("floor (read + split + yaml.compose, in-process)", floor, n, vs_alex=False)
    row("hrlint check, cold cache", m["cold"]["median"], n)
    row("hrlint check, warm cache", m["warm"]["median"], n)
    row("hrlint check ONE.md, warm cache", s["single_s"], vs_floor=False)
    row("hrlint --version", s["version_s"], vs_floor=False)
    if "git" in result:
        row("hrlint check, warm cache, git checkout", result["git"]["warm"]["median"], n)
        row("hrlint check ONE.md, warm cache, git checkout", result["git"]["single_file"]["median"], vs_floor=False)
    if "alex" in result:
        a = result["alex"]
        row(
            f"alex 11 markdown(), {a['articles']} articles, in-node",
            statistics.median(a["seconds"]),
            a["articles"],
            vs_floor=False,
            vs_alex=False,
        )
    if "scale" in result:
        big = result["scale"]
        big_floor = big["floor"]["median"]
        row(f"floor, {big['articles']:,} articles", big_floor, big["articles"], vs_alex=False, floor_s=big_floor)
        row(
            f"hrlint check, cold cache, {big['articles']:,} articles",
            big["cold"]["median"],
            big["articles"],
            floor_s=big_floor,
        )
        row(
            f"hrlint check, warm cache, {big['articles']:,} articles",
            big["warm"]["median"],
            big["articles"],
            floor_s=big_floor,
        )
    for kind in ("pss", "rss"):
        key = f"peak_{kind}_mb"
        print(
            f"{'' if kind == 'rss' else chr(10)}peak {kind.upper()} of the process tree: cold {m['cold'][key]:.0f} MB, "
            f"warm {m['warm'][key]:.0f} MB"
            + (
                f"; at {result['scale']['articles']:,}: cold {result['scale']['cold'][key]:.0f} MB, "
                f"warm {result['scale']['warm'][key]:.0f} MB"
                if "scale" in result
                else ""
            )
        )
    if "scale" in result:
        print(f"{SCALE}x articles: cold time x{s['scale_growth']:.2f}, warm time x{s['scale_warm_growth']:.2f}")
    if "scale" in result:
        print(
            f"at {result['scale']['articles']:,}: findings equal the manifest's: "
            f"{result['scale']['findings']['match_manifest']}; warm identical to cold: "
            f"{result['scale']['findings']['warm_equals_cold']}"
        )
    f = result["findings"]
    print(
        f"findings per rule equal the manifest's expected counts: {f['match_manifest']}; "
        f"warm findings identical to cold: {f['warm_equals_cold']}"
    )
    if not f["match_manifest"]:
        for rule, c in f["by_rule"].items():
            if c["expected"] != c["found"]:
                print(f"  {rule}: expected {c['expected']}, found {c['found']}")
    print("\n| target | measured | result |\n|---|---:|---|")
    for t in result["targets"]:
        value = (
            "not measured" if t["value"] is None else f"{t['value']:,.3f}" if t["value"] < 10 else f"{t['value']:,.0f}"
        )
        verdict = {True: "pass", False: "FAIL", None: "-"}[t["pass"]]
        print(f"| {t['target']} | {value} | {verdict} |")


def git_commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20000, help="corpus size (default 20000)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per measurement (median)")
    parser.add_argument("--jobs", type=int, help="pass --jobs N to hrlint check (if it has the option)")
    parser.add_argument("--json", type=Path, help="write all results here")
    parser.add_argument("--no-alex", action="store_true", help="skip alex")
    parser.add_argument("--no-git", action="store_true", help="skip the runs in a git checkout of the corpus")
    parser.add_argument("--alex-articles", type=int, default=500, help="alex runs on this many articles")
    parser.add_argument("--keep", type=Path, help="generate the corpora in DIR and keep (and reuse) them")
    parser.add_argument("--scale", action="store_true", help=f"also run cold/warm at {SCALE}x the articles")
    parser.add_argument("--seed", type=int, default=0, help="corpus seed")
    args = parser.parse_args()
    if args.jobs and "--jobs" not in check_options():
        print("hrlint check has no --jobs option: --jobs ignored", file=sys.stderr)
        args.jobs = None

    with ExitStack() as stack:
        base = args.keep or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="hrlint-bench-")))
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="hrlint-reports-")))
        corpus = base / f"articles-{args.articles}"
        print(f"corpus of {args.articles:,} articles in {corpus}", file=sys.stderr)
        manifest = corpus_at(corpus, args.articles, args.seed)
        result: dict = {
            "runs": args.runs,
            "machine": {
                "cpu_count": os.cpu_count(),
                "platform": platform.platform(),
                "python": platform.python_version(),
                "memory_mb": psutil.virtual_memory().total // 2**20,
            },
            "hrlint": {
                "version": subprocess.run(
                    [str(HRLINT), "--version"], capture_output=True, text=True, check=True
                ).stdout.strip(),
                "commit": git_commit(),
                "executable": str(HRLINT),
                "jobs": args.jobs,
            },
            "corpus": {k: v for k, v in manifest.items() if k not in ("files", "clean_files")},
        }
        result["main"] = measure(corpus, manifest, args, work)
        result["findings"] = compare_findings(result["main"], manifest)
        one = manifest["clean_files"][0]
        result["single_file"] = {
            "path": one,
            "seconds": [
                run_command(check_command([one], work / "one.json", args.jobs), corpus).seconds
                for _ in range(args.runs)
            ],
        }
        result["version"] = {
            "seconds": [run_command([str(HRLINT), "--version"], corpus).seconds for _ in range(args.runs)]
        }
        if not args.no_git:
            print("  git checkout", file=sys.stderr)
            git = git_checkout_runs(corpus, one, args, work)
            if git:
                result["git"] = git
        if not args.no_alex:
            print("  alex", file=sys.stderr)
            files = [corpus / p for p in sorted(manifest["clean_files"] + manifest["files"]["stigma"])]
            alex = alex_runs(files[: args.alex_articles], min(args.runs, 3))
            if alex:
                result["alex"] = alex
        if args.scale:
            big = base / f"articles-{args.articles * SCALE}"
            print(f"corpus of {args.articles * SCALE:,} articles in {big}", file=sys.stderr)
            big_manifest = corpus_at(big, args.articles * SCALE, args.seed)
            result["scale"] = measure(big, big_manifest, args, work)
            result["scale"]["findings"] = compare_findings(result["scale"], big_manifest)

    n, main_ = args.articles, result["main"]
    summary = {
        "floor_s": main_["floor"]["median"],
        "cold_s": main_["cold"]["median"],
        "cold_rate": n / main_["cold"]["median"],
        "cold_vs_floor": main_["cold"]["median"] / main_["floor"]["median"],
        "warm_s": main_["warm"]["median"],
        "warm_rate": n / main_["warm"]["median"],
        "single_s": statistics.median(result["single_file"]["seconds"]),
        "version_s": statistics.median(result["version"]["seconds"]),
        "peak_mb": max(main_["cold"]["peak_pss_mb"], main_["warm"]["peak_pss_mb"]),
    }
    if "alex" in result:
        summary["alex_rate"] = result["alex"]["articles"] / statistics.median(result["alex"]["seconds"])
        summary["cold_vs_alex"] = summary["cold_rate"] / summary["alex_rate"]
        summary["warm_vs_alex"] = summary["warm_rate"] / summary["alex_rate"]
    if "scale" in result:
        big = result["scale"]
        summary["scale_growth"] = big["cold"]["median"] / main_["cold"]["median"]
        summary["scale_warm_growth"] = big["warm"]["median"] / main_["warm"]["median"]
        summary["peak_mb"] = max(summary["peak_mb"], big["cold"]["peak_pss_mb"], big["warm"]["peak_pss_mb"])
    result["summary"] = summary
    result["targets"] = targets(summary)
    print_report(result)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
