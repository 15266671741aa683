"""Start several cleaning runs on one folder at once and compare their work
with one run alone.

The folder holds a few thousand small articles and a JSONL file of many
records. ``--runs`` copies of ``python -m stripper clean FOLDER`` start
together (one worker each, staggered by a fraction of a second); once all
have finished, every output must equal the lone run's, nothing may be left
over (temp or partial files), and no run may fail. Printed: the runs' exit
codes and times, how often a JSONL output was skipped as "in use", and the
outputs missing, differing and left over.

    python scripts/concurrent_runs.py                 # 2 runs, 2,000 files, 10,000 records
    python scripts/concurrent_runs.py --runs 3
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": str(REPO)}
WORDS = [
    "harbour",
    "festival",
    "council",
    "lantern",
    "parade",
    "quay",
    "visitors",
    "station",
    "music",
    "boats",
]


def article(rng: random.Random) -> str:
    body = [
        " ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 30))).capitalize() + "."
        for _ in range(rng.randint(1, 5))
    ]
    return "Home | News\n\n" + "\n\n".join(body) + "\n\nShare this\n"


def build(folder: Path, files: int, records: int) -> None:
    rng = random.Random(3)
    for i in range(files):
        path = folder / f"part{i % 8}" / f"story{i:05d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(article(rng))
    lines = [json.dumps({"id": i, "text": article(rng)}) for i in range(records)]
    (folder / "pages.jsonl").write_text("\n".join(lines) + "\n")


def command(folder: Path) -> list[str]:
    return [sys.executable, "-m", "stripper", "clean", str(folder), "--workers", "1"]


def outputs(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*.clean.*")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--records", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="stripper-together-") as temp:
        root = Path(temp)
        alone, together = root / "alone", root / "together"
        build(alone, args.files, args.records)
        shutil.copytree(alone, together)
        started = time.monotonic()
        subprocess.run(command(alone), env=ENV, check=True, capture_output=True)
        print(f"one run alone: {time.monotonic() - started:.1f} s")
        expected = outputs(alone)
        runs = []
        started = time.monotonic()
        for i in range(args.runs):
            runs.append(subprocess.Popen(command(together), env=ENV, stderr=subprocess.PIPE))
            time.sleep(0.3 * (i + 1))
        errors = [run.communicate()[1].decode() for run in runs]
        seconds = time.monotonic() - started
        got = outputs(together)
        missing = sorted(set(expected) - set(got))
        differ = sorted(n for n in expected if n in got and got[n] != expected[n])
        left = [str(p.relative_to(together)) for p in together.rglob(".*") if p.is_file()]
        in_use = sum(err.count("another run is writing its output") for err in errors)
        tracebacks = sum("Traceback" in err for err in errors)
        codes = [run.returncode for run in runs]
        print(
            f"{args.runs} runs at once: exit codes {codes}, {seconds:.1f} s in all, "
            f"JSONL skipped as in use {in_use} time(s), {tracebacks} tracebacks"
        )
        print(
            f"outputs: {len(expected)} expected, {len(missing)} missing, "
            f"{len(differ)} differing, {len(left)} files left over"
        )
        for name in (missing + differ + left)[:10]:
            print(f"  {name}")
    sys.exit(1 if missing or differ or left or tracebacks or any(codes) else 0)


if __name__ == "__main__":
    main()
