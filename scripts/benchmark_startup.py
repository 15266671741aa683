"""How long stripper takes to start: whole processes, timed from outside.

Prints the median and range over ``--runs`` runs (after one warm-up) of:

* ``python -c "import stripper"``;
* ``python -m stripper --version``;
* ``python -m stripper clean FILE`` on one small text file (the model loaded);
* ``python -m stripper clean FILE.html`` on one page (the HTML model);
* the same as a Python call: ``stripper.clean(text)`` once, after ``import stripper``.

    python scripts/benchmark_startup.py --runs 7
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "harbour-festival.txt"
PAGE = """<html><head><title>Bridge</title></head><body><nav><a href="/">Home</a></nav>
<article><h1>Council approves the bridge</h1><p>The council voted on Tuesday evening to
build a second bridge across the river, ending a debate of ten years.</p></article>
<footer>&copy; 2024 The Riverside Times</footer></body></html>"""


def timed(command: list[str], runs: int) -> list[float]:
    """Wall seconds of ``runs`` runs of ``command``, after one warm-up."""
    subprocess.run(command, check=True, capture_output=True)
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        seconds.append(time.perf_counter() - started)
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    python = sys.executable
    with tempfile.TemporaryDirectory() as folder:
        text = Path(folder, "story.txt")
        text.write_bytes(EXAMPLE.read_bytes())
        page = Path(folder, "page.html")
        page.write_text(PAGE, encoding="utf-8")
        cli = [python, "-m", "stripper"]
        cases = {
            "import stripper": [python, "-c", "import stripper"],
            "--version": [*cli, "--version"],
            "clean one text file": [*cli, "clean", str(text), "-q", "--overwrite"],
            "clean one HTML page": [*cli, "clean", str(page), "-q", "--overwrite"],
            "import + clean(text)": [
                python, "-c", f"import stripper; stripper.clean(open({str(text)!r}).read())",
            ],
        }  # fmt: skip
        print(f"{'':24} {'median':>8} {'min':>8} {'max':>8}   ({args.runs} runs, wall seconds)")
        for name, command in cases.items():
            seconds = timed(command, args.runs)
            median = statistics.median(seconds)
            print(f"{name:24} {median:8.2f} {min(seconds):8.2f} {max(seconds):8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
