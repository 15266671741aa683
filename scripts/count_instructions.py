"""Count the instructions stripper spends per page, one call per page against batched.

Timings on a shared or throttled machine drift by 2x between runs; the
instructions a process executes do not. This script runs four child
processes under ``valgrind --tool=callgrind`` (install valgrind first; it
runs programs about 50 times slower): one loads stripper and cleans
nothing, one cleans ``--pages`` rendered pages of the labelled corpus cache
with ``stripper.clean`` one at a time, one cleans the same pages with
`Stripper.clean_many`, and one makes ``--pages`` calls on a one-line text
(what one call costs whatever its length). The first is subtracted from the
others, and the rest divided by the pages:

    python scripts/count_instructions.py
    python scripts/count_instructions.py --pages 50 --against /tmp/old

Instructions are not time (a cache miss costs more than an addition), so
speed claims quote both this and ``scripts/benchmark.py``.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

DEFAULT_CACHE = Path.home() / ".cache" / "stripper" / "corpora"
REPOSITORY = Path(__file__).resolve().parents[1]
ONE_LINE = "The ferry resumed its crossings on Monday after a week of storms."
MODES = ("none", "clean", "clean_many", "one_line")


def pages(cache: Path, corpus: str, count: int) -> list[str]:
    """``count`` lxml renderings of 150 to 400 lines, drawn with a fixed seed."""
    files = sorted((cache / corpus / "lxml").glob("**/*.txt"))
    texts = ["\n".join(row[2:] for row in p.read_text(encoding="utf-8").split("\n")) for p in files]
    texts = [t for t in texts if 150 <= t.count("\n") + 1 <= 400]
    random.Random(0).shuffle(texts)
    if len(texts) < count:
        raise SystemExit(f"{cache / corpus}: {len(texts)} pages of 150-400 lines, {count} asked")
    return texts[:count]


def child(mode: str, path: Path) -> None:
    """Run inside valgrind: warm up, then clean the pages in ``path`` as ``mode`` says."""
    import stripper

    texts = path.read_text(encoding="utf-8").split("\0")
    cleaner = stripper.Stripper()
    list(cleaner.clean_many(texts[:2]))
    stripper.clean(texts[0])
    if mode == "clean":
        for text in texts:
            stripper.clean(text)
    elif mode == "clean_many":
        list(cleaner.clean_many(texts))
    elif mode == "one_line":
        for _ in texts:
            stripper.clean(ONE_LINE)


def count(mode: str, path: Path, checkout: Path, out: Path) -> int:
    """Instructions of one child process under callgrind."""
    env = {**os.environ, "PYTHONPATH": str(checkout), "OMP_NUM_THREADS": "1"}
    env["OPENBLAS_NUM_THREADS"] = "1"
    command = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}"]
    command += [sys.executable, __file__, "--child", mode, str(path)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    return int(re.search(r"Collected : (\d+)", done.stderr).group(1))


def measure(checkout: Path, path: Path, n: int, jobs: int) -> dict[str, float]:
    """Million instructions per page of each mode, the empty process subtracted."""
    with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(jobs) as pool:
        runs = {m: pool.submit(count, m, path, checkout, Path(tmp) / m) for m in MODES}
        totals = {m: run.result() for m, run in runs.items()}
    return {m: (totals[m] - totals["none"]) / n / 1e6 for m in MODES[1:]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--corpus", default="l3s-gn1", help="a corpus of the cache")
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--against", type=Path, help="another checkout, counted the same way")
    parser.add_argument("--jobs", type=int, default=2, help="child processes at once")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return 0
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".txt") as file:
        file.write("\0".join(pages(args.cache, args.corpus, args.pages)))
        file.flush()
        checkouts = [REPOSITORY, *([args.against] if args.against else [])]
        print(f"{args.pages} {args.corpus} pages of 150-400 lines; M instructions per page")
        header = ("checkout", "clean", "clean_many", "ratio", "one-line call")
        print("{:<36} {:>8} {:>11} {:>6} {:>14}".format(*header))
        for checkout in checkouts:
            m = measure(checkout.resolve(), Path(file.name), args.pages, args.jobs)
            ratio = m["clean"] / m["clean_many"]
            print(
                f"{str(checkout):<36} {m['clean']:8.2f} {m['clean_many']:11.2f} "
                f"{ratio:5.2f}x {m['one_line']:14.2f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
