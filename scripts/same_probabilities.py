"""Check that two checkouts, or two environments, score the same documents identically.

A change that only moves code must not move a single probability, nor may
the oldest and the newest libraries the package allows. This script cleans
the same documents with this checkout and with ``--against`` (another
checkout, e.g. made with ``git worktree add /tmp/old HEAD~1``), each with
its own shipped models, or with this checkout under ``--python`` (another
environment's interpreter), in separate processes, and compares every
line's and every block's debris probability:

* the labelled documents under ``training_data/`` (the seeds among them);
* up to ``--per-corpus`` documents of every corpus and rendering in the
  labelled corpus cache (``scripts/build_corpus_cache.py``);
* up to ``--per-corpus`` HTML pages of every corpus under ``--datasets``.

    python scripts/same_probabilities.py --against /tmp/old
    python scripts/same_probabilities.py --python /tmp/oldest-numpy/bin/python --tolerance 1e-9
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

REPOSITORY = Path(__file__).resolve().parents[1]
DEFAULT_CACHE = Path.home() / ".cache" / "stripper" / "corpora"


def unlabel(path: Path) -> str:
    """The document of a labelled file: its lines without their markers."""
    return "\n".join(row[2:] for row in path.read_text(encoding="utf-8").split("\n"))


def documents(cache: Path, datasets: Path, per_corpus: int) -> tuple[list[str], list[Path]]:
    """The texts and the HTML page files to score, in a fixed order."""
    texts = [unlabel(p) for p in sorted((REPOSITORY / "training_data").rglob("*.txt"))]
    if cache.is_dir():
        for rendering in sorted(p for p in cache.glob("*/*") if p.is_dir()):
            texts += [unlabel(p) for p in sorted(rendering.rglob("*.txt"))[:per_corpus]]
    pages = []
    if datasets.is_dir():
        for corpus in sorted(p for p in datasets.iterdir() if p.is_dir()):
            pages += sorted(corpus.rglob("*.html.gz"))[:per_corpus]
    return texts, pages


def score(texts: list[str], pages: list[Path], out: Path) -> None:
    """Write every probability of the shipped models on ``texts`` and ``pages``."""
    from stripper import Stripper

    stripper = Stripper()
    arrays = {f"text{i}": c.probabilities for i, c in enumerate(stripper.clean_many(texts))}
    for i, page in enumerate(pages):
        with gzip.open(page, "rb") as file:
            arrays[f"page{i}"] = stripper.clean_html_document(file.read()).probabilities
    np.savez(out, **arrays)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--against", type=Path, default=REPOSITORY, help="the other checkout")
    parser.add_argument("--python", default=sys.executable, help="the other interpreter")
    parser.add_argument("--tolerance", type=float, default=0.0, help="largest difference allowed")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--datasets", type=Path, default=REPOSITORY.parent / "shared" / "datasets")
    parser.add_argument("--per-corpus", type=int, default=100)
    parser.add_argument("--score", type=Path, help=argparse.SUPPRESS)  # the child's job
    args = parser.parse_args()
    texts, pages = documents(args.cache, args.datasets, args.per_corpus)
    if args.score:
        score(texts, pages, args.score)
        return 0
    with tempfile.TemporaryDirectory() as folder:
        results = []
        for checkout, python in (
            (REPOSITORY, sys.executable),
            (args.against.resolve(), args.python),
        ):
            out = Path(folder, f"{len(results)}.npz")
            env = {**os.environ, "PYTHONPATH": str(checkout)}
            command = [python, __file__, "--against", str(args.against)]
            command += ["--cache", str(args.cache), "--datasets", str(args.datasets)]
            command += ["--per-corpus", str(args.per_corpus), "--score", str(out)]
            subprocess.run(command, env=env, check=True, cwd=checkout)
            results.append(np.load(out))
        mine, theirs = results
        differ = [
            k
            for k in mine.files
            if mine[k].shape != theirs[k].shape
            or not np.allclose(mine[k], theirs[k], rtol=0, atol=args.tolerance, equal_nan=True)
        ]
        largest = max(
            (float(np.nanmax(np.abs(mine[k] - theirs[k]), initial=0)) for k in mine.files
             if mine[k].shape == theirs[k].shape), default=0.0
        )  # fmt: skip
    summary = {
        "texts": len(texts),
        "pages": len(pages),
        "lines": int(sum((~np.isnan(mine[k])).sum() for k in mine.files if k.startswith("text"))),
        "blocks": int(sum((~np.isnan(mine[k])).sum() for k in mine.files if k.startswith("page"))),
        "documents that differ": len(differ),
        "largest difference": largest,
    }
    print(json.dumps(summary, indent=2))
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
