"""Fuzz the public entry points long: the properties of ``tests/test_fuzz.py``
(no exception; output made of the input's lines or cells) on many random cases.

    python scripts/fuzz.py                 # 10,000 cases per entry point (~10 minutes)
    python scripts/fuzz.py --examples 500  # a quicker look

Each property runs in its own pytest process with hypothesis'
statistics on; the table gives, per entry point, the cases that passed,
those that failed (hypothesis then prints the smallest failing input) and
the time taken.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TESTS = {
    "stripper.clean": "test_clean_returns_lines_of_its_input",
    "stripper.clean_html": "test_clean_html_returns_lines_of_the_pages_text",
    "Stripper.classify": "test_classify_judges_each_line_or_cell_of_its_input",
    "training.labels.parse_labelled": "test_the_label_parser_reads_or_refuses_in_one_line",
}
_COUNTS = re.compile(r"(\d+) passing, (\d+) failing")


def fuzz(test: str, examples: int) -> tuple[int, int, float, str]:
    """(passing, failing, seconds, output) of one property's run."""
    env = {**os.environ, "STRIPPER_FUZZ_EXAMPLES": str(examples), "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    command += ["--hypothesis-show-statistics", f"tests/test_fuzz.py::{test}"]
    started = time.monotonic()
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, check=False)
    seconds = time.monotonic() - started
    passing = failing = 0
    for match in _COUNTS.finditer(done.stdout):
        passing += int(match[1])
        failing += int(match[2])
    if done.returncode != 0:
        failing = max(failing, 1)
    return passing, failing, seconds, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=10_000, help="cases per entry point")
    args = parser.parse_args()
    print(f"{'entry point':32} {'passed':>8} {'failed':>7} {'seconds':>8}", flush=True)
    failures = []
    for name, test in TESTS.items():
        passing, failing, seconds, output = fuzz(test, args.examples)
        print(f"{name:32} {passing:8,} {failing:7,} {seconds:8.0f}", flush=True)
        if failing:
            failures.append(output)
    for output in failures:
        print(output)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
