"""Peak memory of cleaning one large document, per kind of document.

Each case writes one file to a temp folder and cleans it with
``python -m stripper clean FILE --workers 1`` in a child process; the
child's peak resident set size (``getrusage`` of the children) is printed
beside the document's size and line count, with the ratios that a
``--max-bytes`` (or a per-line limit) has to bound.

    python scripts/memory.py               # every case (a few minutes, ~8 GB)
    python scripts/memory.py --only lines  # cases whose name contains "lines"
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SENTENCE = "The council approved the new bridge on Tuesday after a long debate. "
MB = 1024 * 1024


def long_text(size: int) -> bytes:
    """Paragraphs of ~70-word lines, blank lines between: an ordinary article, long."""
    paragraph = (SENTENCE * 6).strip() + "\n\n"
    return (paragraph * (size // len(paragraph) + 1)).encode()[:size]


def short_lines(size: int) -> bytes:
    """One-word lines (``"ab\\n"``): the most lines a byte budget allows."""
    return (b"ab\n" * (size // 3 + 1))[:size]


def page(size: int) -> bytes:
    """An HTML page of paragraphs, menus and links."""
    block = (
        "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        f"<article><h2>Bridge</h2><p>{SENTENCE * 4}</p><p>{SENTENCE * 3}</p></article>\n"
    )
    body = block * (size // len(block) + 1)
    return f"<html><body>{body}</body></html>".encode()[:size]


def jsonl_record(size: int) -> bytes:
    return (json.dumps({"id": 1, "text": long_text(size).decode()}) + "\n").encode()


#: name -> (file name, maker, size)
CASES: dict[str, tuple[str, Callable[[int], bytes], int]] = {
    "text 16 MB (the default --max-bytes)": ("doc.txt", long_text, 16 * MB),
    "text 200 MB": ("doc.txt", long_text, 200 * MB),
    "short lines, 500,000 (the default --max-lines)": ("doc.txt", short_lines, 1_500_000),
    "short lines 4 MB (~1.4 M lines)": ("doc.txt", short_lines, 4 * MB),
    "short lines 6 MB (2 M lines)": ("doc.txt", short_lines, 6 * MB),
    "page 50 MB": ("page.html", page, 50 * MB),
    "jsonl record 23 MB": ("pages.jsonl", jsonl_record, 23 * MB),
}


def measure(name: str, make: Callable[[int], bytes], size: int, folder: Path) -> dict:
    data = make(size)
    path = folder / name
    path.write_bytes(data)
    lines = data.count(b"\n")
    del data
    command = [sys.executable, "-m", "stripper", "clean", str(path), "--workers", "1"]
    command += ["--max-bytes", "1G", "--max-lines", "100000000", "--max-seconds", "0"]
    command += ["--overwrite", "--quiet"]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    started = time.monotonic()
    with tempfile.TemporaryFile() as err:
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err, env=env)
        _, status, usage = os.wait4(child.pid, 0)  # this child's own peak, not a running max
        child.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        message = err.read().decode(errors="replace").strip().splitlines()[-1:]
    seconds = time.monotonic() - started
    peak_kb = usage.ru_maxrss
    for leftover in folder.iterdir():
        leftover.unlink()
    return {
        "bytes": path.stat().st_size if path.exists() else size,
        "lines": lines,
        "peak_mb": peak_kb / 1024,
        "seconds": seconds,
        "exit": child.returncode,
        "err": message,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="run the cases whose name contains this")
    args = parser.parse_args()
    print(f"{'case':46} {'MB in':>7} {'lines':>10} {'peak MB':>8} {'x size':>7} "
          f"{'B/line':>7} {'s':>6}  exit")  # fmt: skip
    with tempfile.TemporaryDirectory() as temp:
        for label, (name, make, size) in CASES.items():
            if args.only not in label:
                continue
            r = measure(name, make, size, Path(temp))
            ratio = r["peak_mb"] * MB / r["bytes"]
            per_line = r["peak_mb"] * MB / max(r["lines"], 1)
            print(
                f"{label:46} {r['bytes'] / MB:7.1f} {r['lines']:10,} {r['peak_mb']:8.0f} "
                f"{ratio:7.1f} {per_line:7.0f} {r['seconds']:6.1f}  {r['exit']} {r['err']}",
                flush=True,
            )


if __name__ == "__main__":
    main()
