"""Speed and memory of stripper beside two references, in one table: prints figures,
asserts nothing (issue 15's targets are stated as met or missed at the end).

    python scripts/benchmark.py                   # corpus pages from the corpus cache
    python scripts/benchmark.py --path DIR        # your own .txt files instead
    python scripts/benchmark.py --json out.json   # also write every figure
    python scripts/benchmark.py --only per-call   # one row, as one JSON line

Rows, each measured in a fresh child process (``--only ROW``) so that its
peak resident memory is its own, not the sum of the rows before it:

* ``c4``: the C4 line rules (`c4_clean`), the reference for the text rows;
* ``per-call``: ``stripper.clean(text)`` called once per document;
* ``batched``: ``Stripper().clean_many(texts)``;
* ``cli-1``, ``cli-2``: ``python -m stripper clean DIR --workers N`` on the
  same pages written as files (wall time from start to exit, so it includes
  starting the processes and loading the model in each; CPU time is that of
  every process of the run; peak RSS is that of its largest process);
* ``trafilatura``: ``trafilatura.extract(page)`` at default settings, the
  reference for the HTML rows;
* ``html``: ``Stripper().clean_html(page)`` on the same pages. The two HTML
  rows are timed in one more process, taking turns on each page, so that
  their ratio is not the machine's load changing between two processes; the
  peak RSS of each is from the process that ran it alone.

Columns: documents per second of elapsed (wall) time; documents per CPU
second (the process's user + system time: the figure per core, which the
other programs on a busy machine disturb much less than the wall time);
the ratio of each to the reference row's; peak RSS. Every in-process row
runs on one thread (threadpoolctl), after a warm-up that loads the models
(not timed); the RSS includes the documents held in memory, which is about
all the C4 row holds.

Text pages: by default the lxml renderings of the corpus cache
(``scripts/build_corpus_cache.py``; its label markers stripped, so the text
is the page's lines as stripper reads them, cut into cells at column gaps)
of 150 to 400 lines, shuffled and repeated up to ``--docs``. Without a cache,
generated pages: shuffled lines of the labelled documents in
``training_data/`` (body and debris mixed) cut to ``--lines``. HTML pages: the
first ``--pages`` pages of each corpus under ``--datasets``.

The outputs of ``clean(text)`` and ``clean_many`` are checked to be the same
text (digests of the timed runs), and, on the distinct pages, the same
debris probabilities (``clean_document``, which ``clean`` returns the text of).
Last, the CPU time per page of ``clean_many`` on generated pages of
``--lines`` lines and ten times as many, to show that it grows linearly.
Throughput inside datatrove and Ray Data (``StripperBatch`` on a local
``ray.init(num_cpus=2)``): ``scripts/benchmark_engines.py``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
DEFAULT_CACHE = Path.home() / ".cache" / "stripper" / "corpora"

#: Each row: what it is called in the table, and whether it cleans text or HTML.
ROWS = {
    "c4": ("C4 line rules (reference)", "text"),
    "per-call": ("stripper.clean(text)", "text"),
    "batched": ("Stripper().clean_many(texts)", "text"),
    "cli-1": ("CLI clean --workers 1", "text"),
    "cli-2": ("CLI clean --workers 2", "text"),
    "trafilatura": ("trafilatura.extract (reference)", "html"),
    "html": ("Stripper().clean_html(page)", "html"),
}
REFERENCE = {"text": "c4", "html": "trafilatura"}

# ------------------------------------------------------------------ the C4 rules

#: A line is kept only if it ends in terminal punctuation or a closing quote.
_TERMINAL = (".", "!", "?", '"', "\u201d", "'", "\u2019")
#: Lines naming cookie or privacy policies (as C4's published filter has them).
_POLICY = (
    "terms of use",
    "privacy policy",
    "cookie policy",
    "uses cookies",
    "use of cookies",
    "use cookies",
)
_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019]?(?=\s|$)")


def c4_clean(text: str, min_words: int = 3, min_sentences: int = 3) -> str:
    """The C4 line heuristics: the reference for speed, written for this script.

    After the "Colossal Clean Crawled Corpus" of Raffel et al., "Exploring the
    Limits of Transfer Learning with a Unified Text-to-Text Transformer",
    JMLR 21 (2020), section 2.2: keep the lines that end in terminal
    punctuation (. ! ? or a closing quote) and have at least ``min_words``
    words (the paper: 5); drop lines that mention JavaScript, "lorem ipsum",
    a curly bracket or a cookie or privacy policy (the paper drops the whole
    page for lorem ipsum and curly brackets); return "" for a page left with
    fewer than ``min_sentences`` sentences. The paper's bad-words list and its
    deduplication across pages are left out: neither is a line rule.

    >>> c4_clean("Home | News\\nThe bridge opened today. Crowds came! Was it late?\\n")
    'The bridge opened today. Crowds came! Was it late?\\n'
    """
    kept = []
    for line in text.splitlines():
        line = line.strip()
        if not line.endswith(_TERMINAL) or len(line.split()) < min_words:
            continue
        lower = line.lower()
        if "javascript" in lower or "lorem ipsum" in lower or "{" in line:
            continue
        if any(phrase in lower for phrase in _POLICY):
            continue
        kept.append(line)
    cleaned = "\n".join(kept)
    if len(_SENTENCE_END.findall(cleaned)) < min_sentences:
        return ""
    return cleaned + "\n"


# ------------------------------------------------------------------ the pages


def unlabel(path: Path) -> str:
    """The document of a labelled file: its lines without their markers."""
    return "\n".join(row[2:] for row in path.read_text(encoding="utf-8").split("\n"))


def cache_pages(cache: Path, low: int, high: int) -> list[str]:
    """The lxml renderings in the corpus cache of ``low`` to ``high`` lines."""
    pages = (unlabel(p) for p in sorted(cache.glob("*/lxml/**/*.txt")))
    return [page for page in pages if low <= page.count("\n") + 1 <= high]


def generate_pages(count: int, lines: int, seed: int = 0) -> list[str]:
    """Scraped-looking pages of ``lines`` lines built from training_data lines."""
    from stripper.training.fit import DEFAULT_DATA
    from stripper.training.labels import iter_labelled

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


def text_pages(args: argparse.Namespace) -> tuple[list[str], int, str]:
    """The documents of the text rows, how many are distinct, and their source."""
    if args.path:
        files = sorted(p for p in args.path.rglob("*.txt") if ".clean." not in p.name)
        pages = [p.read_text(encoding="utf-8", errors="replace") for p in files]
        return pages, len(pages), str(args.path)
    distinct = cache_pages(args.cache, 150, 400) if args.cache.is_dir() else []
    if not distinct:
        pages = generate_pages(args.docs, args.lines)
        return pages, len(pages), f"generated from training_data/ ({args.lines} lines)"
    random.Random(0).shuffle(distinct)
    pages = [distinct[i % len(distinct)] for i in range(args.docs)]
    corpora = len(list(args.cache.glob("*/lxml")))
    source = f"corpus cache, lxml renderings of 150-400 lines ({corpora} corpora)"
    return pages, min(len(distinct), args.docs), source


def html_pages(datasets: Path, per_corpus: int) -> list[tuple[str, str]]:
    """(corpus, page) for the first ``per_corpus`` pages of every corpus."""
    from stripper.training.corpora import LICENSED, MEASURE_ONLY, iter_corpus

    pages = []
    for corpus in (*LICENSED, *MEASURE_ONLY):
        if not (datasets / corpus).is_dir():
            continue
        for i, page in enumerate(iter_corpus(datasets / corpus)):
            if i == per_corpus:
                break
            pages.append((corpus, page.html))
    return pages


# ------------------------------------------------------------------ one row


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # kB on Linux


def digest(outputs) -> str:
    hashed = hashlib.sha256()
    for text in outputs:
        hashed.update(text.encode("utf-8", "surrogatepass") + b"\0")
    return hashed.hexdigest()[:16]


def timed(run) -> tuple[float, float, object]:
    """Wall and CPU seconds of ``run()``, and what it returned."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = run()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def measure_text(row: str, pages: list[str]) -> dict:
    import stripper

    warm = pages[:50]
    load = 0.0
    if row == "c4":
        clean = c4_clean
    elif row == "per-call":
        load = timed(lambda: stripper.clean(warm[0]))[0]
        clean = stripper.clean
    else:
        batch = stripper.Stripper()
        load = timed(lambda: batch.model)[0]

        def clean(text):  # only for the warm-up
            return batch.clean(text)

    for page in warm:
        clean(page)
    if row == "batched":
        wall, cpu, outputs = timed(lambda: [c.text for c in batch.clean_many(pages)])
    else:
        wall, cpu, outputs = timed(lambda: [clean(page) for page in pages])
    return {"wall": wall, "cpu": cpu, "warm-up s": load, "digest": digest(outputs)}


def measure_cli(workers: int, pages: list[str]) -> dict:
    """``python -m stripper clean`` on the pages as files, in a child process."""
    with tempfile.TemporaryDirectory() as folder:
        inputs = Path(folder, "in")
        inputs.mkdir()
        for i, page in enumerate(pages):
            (inputs / f"page{i:06d}.txt").write_text(page, encoding="utf-8")
        command = [sys.executable, "-m", "stripper", "clean", str(inputs)]
        command += ["-o", str(Path(folder, "out")), "--workers", str(workers), "--quiet"]
        wall = time.perf_counter()
        subprocess.run(command, check=True)
        wall = time.perf_counter() - wall
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # the CLI and its workers
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024}


def extractors(rows: list[str]) -> dict:
    """The page-to-text function of each HTML row."""
    found = {}
    for row in rows:
        if row == "trafilatura":
            import trafilatura

            found[row] = trafilatura.extract  # default settings
        else:
            from stripper import Stripper

            found[row] = Stripper().clean_html
    return found


def measure_html(rows: list[str], pages: list[tuple[str, str]]) -> dict:
    """Wall and CPU seconds of each extractor over the pages, in total and per
    corpus; with two, they take turns on each page, so that both see the same
    machine (the other programs on it come and go)."""
    tools = extractors(rows)
    load = {row: timed(lambda e=extract: e(pages[0][1]))[0] for row, extract in tools.items()}
    figures = {
        row: {"wall": 0.0, "cpu": 0.0, "warm-up s": load[row], "corpora": {}} for row in tools
    }
    for i, (corpus, page) in enumerate(pages):
        for row in rows if i % 2 == 0 else rows[::-1]:
            started, cpu = time.perf_counter(), time.process_time()
            tools[row](page)
            wall, cpu = time.perf_counter() - started, time.process_time() - cpu
            mine = figures[row]
            mine["wall"], mine["cpu"] = mine["wall"] + wall, mine["cpu"] + cpu
            mine["corpora"][corpus] = mine["corpora"].get(corpus, 0.0) + cpu
    return figures


def same_outputs(pages: list[str]) -> dict:
    """Whether ``clean_document`` one by one (what ``clean`` returns the text of)
    and ``clean_many`` give each page the same text and probabilities."""
    import numpy as np

    from stripper import Stripper

    stripper = Stripper()
    texts = probabilities = 0
    for page, together in zip(pages, stripper.clean_many(pages)):
        alone = stripper.clean_document(page)
        texts += alone.text != together.text
        probabilities += not np.array_equal(
            alone.probabilities, together.probabilities, equal_nan=True
        )
    return {"pages": len(pages), "texts differ": texts, "probabilities differ": probabilities}


def by_length(lines: int) -> dict:
    """CPU milliseconds per document of ``clean_many`` on generated pages of
    ``lines`` lines and of ten times as many: time grows linearly with length."""
    from stripper import Stripper

    stripper = Stripper()
    list(stripper.clean_many(generate_pages(20, lines, seed=3)))  # warm-up
    figures = {}
    for count, length, seed in ((300, lines, 1), (30, lines * 10, 2)):
        pages = generate_pages(count, length, seed)
        cpu = timed(lambda pages=pages: list(stripper.clean_many(pages)))[1]
        figures[length] = cpu / count * 1e3
    return figures


def measure(row: str, args: argparse.Namespace) -> dict:
    """One row's figures (run in a child process of its own)."""
    from threadpoolctl import threadpool_limits

    if row == "length":
        with threadpool_limits(1):
            return by_length(args.lines)
    if row == "same":
        pages, distinct, _ = text_pages(args)
        return same_outputs(pages[:distinct])
    if row == "html-pair" or ROWS[row][1] == "html":
        pages = html_pages(args.datasets, args.pages)
        rows = ["html", "trafilatura"] if row == "html-pair" else [row]
        with threadpool_limits(1):
            figures = measure_html(rows, pages)
        if row == "html-pair":
            return {row: {"docs": len(pages), **f} for row, f in figures.items()}
        return {"docs": len(pages), "rss_mb": peak_rss_mb(), **figures[row]}
    pages, distinct, source = text_pages(args)
    if row.startswith("cli-"):
        result = measure_cli(int(row[4:]), pages)
    else:
        with threadpool_limits(1):
            result = {**measure_text(row, pages), "rss_mb": peak_rss_mb()}
    return {
        "docs": len(pages),
        "distinct": distinct,
        "source": source,
        "lines": sum(p.count("\n") + 1 for p in pages) / len(pages),
        "kb": sum(len(p.encode("utf-8", "surrogatepass")) for p in pages) / len(pages) / 1000,
        **result,
    }


# ------------------------------------------------------------------ the table


def in_child(row: str, argv: list[str]) -> dict:
    """Run ``--only ROW`` in a fresh interpreter and read its JSON line."""
    done = subprocess.run(
        [sys.executable, __file__, *argv, "--only", row], capture_output=True, text=True
    )
    if done.returncode:
        sys.exit(f"--only {row} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def passed_on(args: argparse.Namespace) -> list[str]:
    """The page options of this run, for the children."""
    argv = ["--docs", str(args.docs), "--lines", str(args.lines), "--cache", str(args.cache)]
    argv += ["--datasets", str(args.datasets), "--pages", str(args.pages)]
    return argv + (["--path", str(args.path)] if args.path else [])


def print_table(results: dict[str, dict]) -> None:
    print(f"{'':34} {'docs/s':>8} {'docs per':>10} {'ratio to the reference':^24} {'peak RSS':>8}")
    print(f"{'':34} {'(wall)':>8} {'CPU s':>10} {'wall':>8} {'CPU':>8} {'':6} {'MB':>8}")
    for kind in ("text", "html"):
        reference = results.get(REFERENCE[kind])
        rows = [r for r in ROWS if ROWS[r][1] == kind and r in results]
        if not rows:
            continue
        first = results[rows[0]]
        if kind == "text":
            average = f"{first['lines']:.0f} lines and {first['kb']:.1f} KB per page on average"
            print(f"text: {first['source']}")
            print(f"  {first['docs']:,} documents ({first['distinct']:,} distinct), {average}")
        else:
            print(f"HTML: {first['docs']:,} corpus pages, the same for both rows")
        for row in rows:
            r = results[row]
            r["docs/s"], r["docs/cpu s"] = r["docs"] / r["wall"], r["docs"] / r["cpu"]
            ratios = f"{'-':>8} {'-':>8} {'':6}"
            if reference:
                r["ratio wall"] = r["docs/s"] / (reference["docs"] / reference["wall"])
                r["ratio cpu"] = r["docs/cpu s"] / (reference["docs"] / reference["cpu"])
                to = "C4" if kind == "text" else "traf."
                ratios = f"{r['ratio wall']:>7.2f}x {r['ratio cpu']:>7.2f}x {to:<6}"
            print(
                f"  {ROWS[row][0]:<32} {r['docs/s']:>8.0f} {r['docs/cpu s']:>10.0f} {ratios} "
                f"{r['rss_mb']:>8.0f}"
            )
    if any(row.startswith("cli-") for row in results):
        print(
            "  (CLI rows: from start to exit, so with each process's imports and model load; "
            "CPU of all its processes; RSS of the largest)"
        )
    if "alone" in results.get("html", {}):
        print("  (HTML rows: timed in one process taking turns page by page; RSS of each alone)")
    if "html" in results and "trafilatura" in results:
        mine, theirs = results["html"]["corpora"], results["trafilatura"]["corpora"]
        parts = [f"{c} {theirs[c] / mine[c]:.2f}x" for c in mine if mine[c] and c in theirs]
        print("  HTML per corpus, pages per CPU s / trafilatura's: " + ", ".join(parts))


def targets(results: dict[str, dict]) -> list[dict]:
    """Issue 15's targets, on CPU time (one core)."""
    found = []

    def add(what: str, value: float, target: float, at_least: bool) -> None:
        met = value >= target if at_least else value <= target
        sign = ">=" if at_least else "<="
        found.append({"what": what, "value": value, "target": f"{sign} {target}x", "met": met})

    if {"per-call", "batched"} <= results.keys():
        per_call, batched = results["per-call"], results["batched"]
        slower = (per_call["cpu"] / per_call["docs"]) / (batched["cpu"] / batched["docs"])
        each = [r["cpu"] / r["docs"] * 1e3 for r in (per_call, batched)]
        what = "CPU time per document, clean(text): {:.2f} ms, clean_many: {:.2f} ms"
        add(what.format(*each), slower, 1.3, False)
    for row, reference, target in (("per-call", "c4", 0.15), ("html", "trafilatura", 2.0)):
        if "ratio cpu" in results.get(row, {}):
            mine, theirs = results[row]["docs/cpu s"], results[reference]["docs/cpu s"]
            name = ROWS[reference][0].split(" (")[0]
            what = f"{ROWS[row][0]}: {mine:,.0f} per CPU s, {name}: {theirs:,.0f}"
            add(what, results[row]["ratio cpu"], target, True)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--path", type=Path, help="folder of .txt files to clean instead")
    parser.add_argument("--docs", type=int, default=2000, help="text documents (default 2000)")
    parser.add_argument("--lines", type=int, default=250, help="lines per generated page")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="the corpus cache")
    parser.add_argument("--datasets", type=Path, default=REPOSITORY.parent / "shared" / "datasets")
    parser.add_argument("--pages", type=int, default=50, help="HTML pages per corpus (50)")
    parser.add_argument("--rows", default=",".join(ROWS), help="rows to run, comma-separated")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    parser.add_argument(
        "--only", choices=[*ROWS, "html-pair", "same", "length"], help="measure one row, print JSON"
    )
    args = parser.parse_args()
    if args.only:
        print(json.dumps(measure(args.only, args)))
        return 0

    print(
        f"load average at start {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores "
        "(other programs slow the wall times more than the CPU times)",
        flush=True,
    )
    results, same, length = {}, None, None
    for row in args.rows.split(","):
        print(f"measuring {row} ...", file=sys.stderr, flush=True)
        results[row] = in_child(row, passed_on(args))
    if {"html", "trafilatura"} <= results.keys():
        print("timing html and trafilatura in turns ...", file=sys.stderr, flush=True)
        for row, figures in in_child("html-pair", passed_on(args)).items():
            alone = results[row]
            results[row] = {**figures, "rss_mb": alone["rss_mb"], "alone": alone}
    if {"per-call", "batched"} <= results.keys():
        print("comparing clean_document with clean_many ...", file=sys.stderr, flush=True)
        same = in_child("same", passed_on(args))
    if "batched" in results:
        print("timing clean_many on pages ten times longer ...", file=sys.stderr, flush=True)
        length = in_child("length", passed_on(args))
    print_table(results)
    print(f"load average at end {os.getloadavg()[0]:.2f}")
    if same is not None:
        timed_same = results["per-call"]["digest"] == results["batched"]["digest"]
        print(
            f"clean(text) and clean_many: same {results['batched']['docs']:,} texts in the "
            f"timed runs: {'yes' if timed_same else 'NO'}; on the {same['pages']:,} distinct "
            f"pages, texts differ on {same['texts differ']}, probabilities on "
            f"{same['probabilities differ']}"
        )
    if length is not None:
        (short, short_ms), (long, long_ms) = length.items()
        print(
            f"clean_many, CPU time per generated page: {short_ms:.2f} ms at {short} lines, "
            f"{long_ms:.2f} ms at {long} lines ({long_ms / short_ms:.1f} times for 10 times "
            "the length)"
        )
    met = targets(results)
    print("issue 15's targets, on CPU time (one core):")
    for t in met:
        print(
            f"  {t['what']}: {t['value']:.2f}x, target {t['target']}: "
            f"{'met' if t['met'] else 'MISSED'}"
        )
    if args.json:
        figures = {"rows": results, "same outputs": same, "targets": met}
        figures["CPU ms per page by length"] = length
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
