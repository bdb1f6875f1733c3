"""Time the corpus index: a cold build (no cache) and a warm one (cache hit), on N generated articles.

    python bench/index_speed.py [N]      # default 2000

Articles are copies of seeds/000_* with unique ids, titles, urls and related links to each other.
Prints medians of 5 runs.
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lint.store.index import CACHE_DIR, build_index  # noqa: E402
from lint.workspace.config import Config  # noqa: E402


def make_corpus(folder: Path, n: int) -> None:
    seed = next((ROOT / "seeds").glob("000_*")).read_text(encoding="utf-8")
    for i in range(n):
        text = (
            seed.replace("id: 119122", f"id: {100000 + i}")
            .replace(
                "what-are-harm-reduction-strategies-and-how-do-they-differ-from-traditional-drug-enforcement-methods",
                f"article-{i}",
            )
            .replace(
                "/learn/sociology/questions/how-has-the-war-on-drugs-influenced-current-drug-policies-and-public-perception",
                f"/learn/health-studies/questions/article-{(i + 1) % n}",
            )
        )
        (folder / f"article-{i}.md").write_text(text, encoding="utf-8")


def median(fn, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        make_corpus(folder, n)
        config = Config(root=folder)

        def cold():
            shutil.rmtree(folder / CACHE_DIR, ignore_errors=True)
            build_index(folder, config, use_cache=True)

        cold_s = median(cold)
        build_index(folder, config, use_cache=True)
        warm_s = median(lambda: build_index(folder, config, use_cache=True))
        print(
            f"{n} articles: cold index build {cold_s:.3f} s ({n / cold_s:,.0f}/s), "
            f"cache hit {warm_s:.3f} s ({n / warm_s:,.0f}/s) (medians of 5)"
        )


if __name__ == "__main__":
    main()
