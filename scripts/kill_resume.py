"""Kill a cleaning run with SIGKILL part way, run it again, and compare with
a run that was never interrupted.

The corpus: a folder of a few thousand small articles and a JSONL file of
20,000 records (plus a gzipped one). Each trial copies it, starts
``python -m stripper clean`` with two workers, kills the run and its
workers (``kill -9`` of the process group) part way, and runs it again to
the end. Odd trials are killed among the files (at a share of the time between
the first and the last file's output in a timing run), even ones inside
the 20,000-record file (once its partial output holds a share of its
lines). Printed per trial:
what the kill left (outputs done, temp and partial files, lines in the
partial JSONL) and, after the re-run, outputs missing, outputs differing
from the uninterrupted run's, files left over and JSONL records
duplicated or lost. All of the last four must be 0.

    python scripts/kill_resume.py                      # 4 trials, 3,000 files, 20,000 records
    python scripts/kill_resume.py --trials 5 --files 5000
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WORDS = [
    "harbour",
    "festival",
    "council",
    "lantern",
    "parade",
    "quay",
    "visitors",
    "lifeboat",
    "station",
    "music",
    "boats",
    "summer",
    "insurance",
    "volunteers",
    "committee",
    "bridge",
    "river",
    "ferry",
    "market",
    "library",
]


def article(rng: random.Random, paragraphs: int) -> str:
    body = [
        " ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 30))).capitalize() + "."
        for _ in range(paragraphs)
    ]
    return "Skip to main content\nHome | News\n\n" + "\n\n".join(body) + "\n\nShare this\n"


def build(folder: Path, files: int, records: int) -> None:
    rng = random.Random(7)
    for i in range(files):
        path = folder / f"part{i % 10}" / f"story{i:05d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(article(rng, rng.randint(1, 6)))
    lines = [json.dumps({"id": i, "text": article(rng, rng.randint(1, 4))}) for i in range(records)]
    (folder / "pages.jsonl").write_text("\n".join(lines) + "\n")
    (folder / "more.jsonl.gz").write_bytes(gzip.compress("\n".join(lines[:5000]).encode() + b"\n"))


def command(folder: Path) -> list[str]:
    return [sys.executable, "-m", "stripper", "clean", str(folder), "--workers", "2", "-q"]


ENV = {**os.environ, "PYTHONPATH": str(REPO)}


def clean(folder: Path) -> float:
    started = time.monotonic()
    subprocess.run(command(folder), env=ENV, check=False, capture_output=True)
    return time.monotonic() - started


def outputs(folder: Path) -> dict[str, bytes]:
    """Every output below ``folder`` by relative name, gzip decompressed."""
    found = {}
    for path in folder.rglob("*.clean.*"):
        if path.name.startswith("."):  # a partial output
            continue
        data = path.read_bytes()
        found[str(path.relative_to(folder))] = (
            gzip.decompress(data) if path.suffix == ".gz" else data
        )
    return found


def leftovers(folder: Path) -> list[str]:
    return [str(p.relative_to(folder)) for p in folder.rglob(".*") if p.is_file()]


def kill_part_way(folder: Path, after: float | None, lines: int | None) -> float:
    """Start a run and kill it ``after`` seconds, or once the JSONL's partial
    output holds ``lines`` lines; return when it was killed."""
    started = time.monotonic()
    run = subprocess.Popen(
        command(folder),
        env=ENV,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    while run.poll() is None:
        elapsed = time.monotonic() - started
        if (after is not None and elapsed >= after) or (
            lines is not None and partial_lines(folder) >= lines
        ):
            os.killpg(run.pid, signal.SIGKILL)
            break
        time.sleep(0.005)
    run.wait()
    return time.monotonic() - started


def files_window(corpus: Path, root: Path) -> tuple[float, float]:
    """Seconds from the start of a run (of a copy) until the first and the
    last text file's output appear."""
    folder = root / "timing"
    shutil.copytree(corpus, folder)
    started = time.monotonic()
    run = subprocess.Popen(
        command(folder),
        env=ENV,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    stories = sorted(folder.rglob("story*.txt"))
    cleaned = [s.with_name(s.name.replace(".txt", ".clean.txt")) for s in stories]
    times = []
    for target in (cleaned[0], cleaned[-1]):
        while run.poll() is None and not target.exists():
            time.sleep(0.005)
        times.append(time.monotonic() - started)
    run.wait()
    shutil.rmtree(folder)
    return times[0], times[1]


def partial_lines(folder: Path) -> int:
    partial = folder / ".pages.clean.jsonl.partial"
    return partial.read_bytes().count(b"\n") if partial.exists() else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=4)
    parser.add_argument("--files", type=int, default=3000)
    parser.add_argument("--records", type=int, default=20_000)
    args = parser.parse_args()
    bad = 0
    with tempfile.TemporaryDirectory(prefix="stripper-kill-") as temp:
        root = Path(temp)
        corpus = root / "corpus"
        build(corpus, args.files, args.records)
        reference = root / "reference"
        shutil.copytree(corpus, reference)
        seconds = clean(reference)
        expected = outputs(reference)
        first, last = files_window(corpus, root)
        print(
            f"uninterrupted: {len(expected)} outputs ({args.files:,} files, "
            f"{args.records:,} + 5,000 records) in {seconds:.1f} s"
        )
        print(
            f"{'trial':>5} {'killed at':>9} {'done':>6} {'temp':>5} {'partial lines':>13} "
            f"{'rerun s':>7} {'missing':>7} {'differ':>6} {'left':>5} {'dup/lost':>8}"
        )
        for trial in range(1, args.trials + 1):
            folder = root / f"trial{trial}"
            shutil.copytree(corpus, folder)
            share = ((trial + 1) // 2) / ((args.trials + 1) // 2 + 1)
            if trial % 2:
                after = kill_part_way(folder, first + (last - first) * share, None)
            else:
                after = kill_part_way(folder, None, int(args.records * share))
            done = len(outputs(folder))
            temp_files = sum(1 for name in leftovers(folder) if name.endswith(".tmp"))
            in_partial = partial_lines(folder)
            rerun = clean(folder)
            got = outputs(folder)
            missing = sorted(set(expected) - set(got))
            differ = sorted(n for n in expected if n in got and got[n] != expected[n])
            left = leftovers(folder)
            records = got.get("pages.clean.jsonl", b"").count(b"\n")
            dup_lost = abs(records - args.records)
            print(
                f"{trial:5} {after:8.1f}s {done:6} {temp_files:5} {in_partial:13,} "
                f"{rerun:7.1f} {len(missing):7} {len(differ):6} {len(left):5} {dup_lost:8}"
            )
            for name in (missing + differ + left)[:5]:
                print(f"      {name}")
            bad += len(missing) + len(differ) + len(left) + dup_lost
            shutil.rmtree(folder)
    print("every output complete and equal, nothing left over" if not bad else f"{bad} problems")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
