"""Speed and memory of text cleaning: prints figures, asserts nothing.

    python scripts/benchmark.py                 # generated scraped-like pages
    python scripts/benchmark.py --path DIR      # your own .txt files
    python scripts/benchmark.py --docs 3000 --lines 170
    python scripts/benchmark.py --html          # HTML mode against trafilatura

Prints, for one process (the API, in batches) and for the command line with
``--workers 2``: documents/s, MB/s and peak resident memory; then the time
per document for pages 10x longer, to show time grows linearly with length.
The one-process line also gives documents per CPU second, which other
programs running on the machine disturb much less than the elapsed time.
The generated pages are shuffled lines of the labelled documents in
``training_data/`` (body and debris mixed), cut to the requested length.

With ``--html``: pages/s of stripper's HTML mode and of trafilatura's
``extract()`` (default settings) side by side, one thread, on the same
corpus pages read from ``--datasets`` (``--pages`` per corpus). Accuracy
of the two side by side: ``scripts/benchmark_html.py``.
"""

from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from stripper import Stripper
from stripper.training.corpora import DEFAULT_DATASETS, LICENSED, MEASURE_ONLY, iter_corpus
from stripper.training.fit import DEFAULT_DATA
from stripper.training.labels import iter_labelled


def generate_pages(count: int, lines: int, seed: int = 0) -> list[str]:
    """Scraped-looking pages of ``lines`` lines built from training_data lines."""
    rng = random.Random(seed)
    documents = [list(doc.lines) for doc in iter_labelled([DEFAULT_DATA])]
    pool = [line for doc in documents for line in doc]
    pages = []
    for _ in range(count):
        page = list(rng.choice(documents))
        while len(page) < lines:
            page += [rng.choice(pool) for _ in range(12)] + [""]
        pages.append("\n".join(page[:lines]) + "\n")
    return pages


def read_pages(path: Path) -> list[str]:
    files = sorted(p for p in path.rglob("*.txt") if ".clean." not in p.name)
    return [p.read_text(encoding="utf-8", errors="replace") for p in files]


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # kB on Linux


def in_process(pages: list[str], stripper: Stripper) -> tuple[float, float]:
    """Elapsed and CPU seconds to clean ``pages`` in this process."""
    started, cpu = time.perf_counter(), time.process_time()
    for _ in stripper.clean_many(pages):
        pass
    return time.perf_counter() - started, time.process_time() - cpu


def with_workers(pages: list[str], workers: int) -> float:
    """Seconds for ``python -m stripper clean DIR --workers N`` on the pages as files."""
    with tempfile.TemporaryDirectory() as folder:
        for i, page in enumerate(pages):
            Path(folder, f"page{i:06d}.txt").write_text(page, encoding="utf-8")
        command = [sys.executable, "-m", "stripper", "clean", folder, "--workers", str(workers)]
        started = time.perf_counter()
        subprocess.run([*command, "--quiet"], check=True)
        return time.perf_counter() - started


def report(
    label: str, pages: list[str], seconds: float, rss_mb: float, cpu: float | None = None
) -> None:
    megabytes = sum(len(p.encode("utf-8")) for p in pages) / 1e6
    per_cpu = f"   ({len(pages) / cpu:.0f} docs per CPU second)" if cpu else ""
    print(
        f"{label:<28} {len(pages) / seconds:8.0f} docs/s {megabytes / seconds:7.2f} MB/s"
        f"   peak RSS {rss_mb:6.0f} MB{per_cpu}"
    )


def html_speed(datasets: Path, per_corpus: int) -> None:
    """Print pages/s of stripper's HTML mode and trafilatura, per corpus and pooled."""
    import trafilatura
    from threadpoolctl import threadpool_limits

    extract = Stripper().clean_html
    mine = theirs = pages = 0.0
    print(f"{'corpus':<18} {'pages':>6} {'stripper':>10} {'trafilatura':>12}  ratio")
    with threadpool_limits(1):
        for corpus in (*LICENSED, *MEASURE_ONLY):
            htmls = [page.html for page in iter_corpus(datasets / corpus)]
            htmls = htmls[:per_corpus] if per_corpus else htmls
            trafilatura.extract(htmls[0])  # warm-up: both load lazily
            extract(htmls[0])
            seconds = time.process_time()
            for html in htmls:
                extract(html)
            seconds, started = time.process_time() - seconds, time.process_time()
            for html in htmls:
                trafilatura.extract(html)
            their_seconds = time.process_time() - started
            mine, theirs, pages = mine + seconds, theirs + their_seconds, pages + len(htmls)
            print(
                f"{corpus:<18} {len(htmls):>6} {len(htmls) / seconds:>8.1f}/s "
                f"{len(htmls) / their_seconds:>10.1f}/s  {their_seconds / seconds:.2f}x"
            )
    print(
        f"{'all':<18} {pages:>6.0f} {pages / mine:>8.1f}/s {pages / theirs:>10.1f}/s  "
        f"{theirs / mine:.2f}x   (pages per CPU second, one thread; peak RSS "
        f"{peak_rss_mb():.0f} MB)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--path", type=Path, help="folder of .txt files to clean instead")
    parser.add_argument("--docs", type=int, default=3000, help="generated pages (default 3000)")
    parser.add_argument("--lines", type=int, default=170, help="lines per generated page")
    parser.add_argument("--workers", type=int, default=2, help="workers for the CLI run")
    parser.add_argument("--html", action="store_true", help="HTML mode against trafilatura")
    parser.add_argument("--datasets", type=Path, default=DEFAULT_DATASETS, help="for --html")
    parser.add_argument(
        "--pages", type=int, default=200, help="--html: pages per corpus (0: all; default 200)"
    )
    args = parser.parse_args()
    if args.html:
        html_speed(args.datasets, args.pages)
        return

    pages = read_pages(args.path) if args.path else generate_pages(args.docs, args.lines)
    size = sum(len(p.encode("utf-8")) for p in pages) / len(pages)
    lines = sum(p.count("\n") for p in pages) / len(pages)
    print(f"{len(pages)} documents, {size / 1000:.1f} KB and {lines:.0f} lines on average")

    stripper = Stripper()
    started = time.perf_counter()
    stripper.model  # noqa: B018 - load once, timed apart
    print(f"model loaded in {time.perf_counter() - started:.2f} s")
    in_process(pages[:50], stripper)  # warm-up
    seconds, cpu = in_process(pages, stripper)
    report("one process (API)", pages, seconds, peak_rss_mb(), cpu)
    seconds = with_workers(pages, args.workers)
    report(f"CLI --workers {args.workers}", pages, seconds, peak_rss_mb(resource.RUSAGE_CHILDREN))

    if not args.path:
        short = generate_pages(300, args.lines, seed=1)
        long = generate_pages(30, args.lines * 10, seed=2)
        per_short = in_process(short, stripper)[0] / len(short)
        per_long = in_process(long, stripper)[0] / len(long)
        print(
            f"time per document: {per_short * 1e3:.2f} ms at {args.lines} lines, "
            f"{per_long * 1e3:.2f} ms at {args.lines * 10} lines "
            f"(ratio {per_long / per_short:.1f} for 10x the length)"
        )


if __name__ == "__main__":
    main()
