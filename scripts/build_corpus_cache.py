"""Render the public corpora and label their lines, into a cache outside the repo.

For each corpus and renderer this writes

* ``<out>/<corpus>/<renderer>/<site>/<page_id>.txt``: the rendered page in
  stripper's label format, its lines cut into cells at column gaps as
  stripper reads them (``iter_labelled(<out>/<corpus>/<renderer>)`` yields
  the documents grouped by site);
* ``<out>/<corpus>/gold/<page_id>.txt``: the gold article text;
* ``<out>/<corpus>/manifest.jsonl``: one line per page (id, site, url,
  label file per renderer, gold file, trafilatura-eval snippets);

and prints, per corpus and renderer, the share of body / debris /
unlabelled lines and the *ceiling*: the score of keeping exactly the lines
labelled body (shingle F1 against gold, or snippet accuracy).

    python scripts/build_corpus_cache.py --corpora cleaneval-final,dragnet
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from stripper.text.cells import read_cells
from stripper.text.lines import is_blank, join_kept
from stripper.training.corpora import (
    DEFAULT_DATASETS,
    READERS,
    RENDERERS,
    Page,
    iter_corpus,
    label_page,
    safe_name,
    snippet_accuracy,
)
from stripper.training.labels import label_document
from stripper.training.scoring import shingle_scores

DEFAULT_OUT = Path.home() / ".cache" / "stripper" / "corpora"


@dataclass
class Tally:
    """Line counts and kept-body outputs of one corpus × renderer."""

    pages: int = 0
    body: int = 0
    debris: int = 0
    unlabelled: int = 0
    outputs: list[str] = field(default_factory=list)
    golds: list[str] = field(default_factory=list)
    snippets_right: int = 0
    snippets_total: int = 0
    seconds: float = 0.0

    def add(self, page: Page, lines: list[str], labels: list[bool | None]) -> None:
        self.pages += 1
        for line, label in zip(lines, labels, strict=True):
            if not is_blank(line):
                self.body += label is False
                self.debris += label is True
                self.unlabelled += label is None
        output = join_kept(lines, [label is False for label in labels])
        if page.gold is None:
            right, total = snippet_accuracy(output, page.keep_snippets, page.drop_snippets)
            self.snippets_right += right
            self.snippets_total += total
        else:
            self.outputs.append(output)
            self.golds.append(page.gold)

    def row(self, corpus: str, renderer: str) -> str:
        lines = max(self.body + self.debris + self.unlabelled, 1)
        if self.outputs:
            ceiling = f"F1 {shingle_scores(self.outputs, self.golds).f1:.3f}"
        else:
            ceiling = f"snippets {self.snippets_right / max(self.snippets_total, 1):.3f}"
        rate = self.pages / self.seconds if self.seconds else 0.0
        return (
            f"| {corpus} | {renderer} | {self.pages} | {lines} | {self.body / lines:.1%} "
            f"| {self.debris / lines:.1%} | {self.unlabelled / lines:.1%} | {ceiling} "
            f"| {rate:.0f} |"
        )


TABLE_HEAD = (
    "| corpus | renderer | pages | non-blank lines | body | debris | unlabelled "
    "| ceiling | pages/s |\n|---|---|---|---|---|---|---|---|---|"
)


def build_corpus(corpus_dir: Path, out: Path, renderers: list[str]) -> dict[str, Tally]:
    """Render, label and write one corpus; return its tallies per renderer."""
    root = out / corpus_dir.name
    (root / "gold").mkdir(parents=True, exist_ok=True)
    tallies = {name: Tally() for name in renderers}
    with open(root / "manifest.jsonl", "w", encoding="utf-8") as manifest:
        for page in iter_corpus(corpus_dir):
            entry = page_entry(page, root, renderers)
            if page.gold is not None:
                (root / entry["gold"]).write_text(page.gold, encoding="utf-8")
            for name in renderers:
                started = time.perf_counter()
                cells, _ = read_cells(RENDERERS[name](page.html).split("\n"))
                text = "\n".join(cells)  # as stripper reads the lines: cells, in reading order
                labels = label_page(page, text)
                path = root / entry["labels"][name]
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(label_document(text, labels), encoding="utf-8")
                tallies[name].seconds += time.perf_counter() - started
                tallies[name].add(page, text.split("\n"), labels)
            manifest.write(json.dumps(entry, ensure_ascii=False) + "\n")
    return tallies


def page_entry(page: Page, root: Path, renderers: Iterable[str]) -> dict:
    """The manifest line of a page; paths are relative to the corpus folder."""
    site, name = safe_name(page.site), safe_name(page.page_id)
    entry: dict = {
        "page_id": page.page_id,
        "site": page.site,
        "url": page.url,
        "labels": {r: f"{r}/{site}/{name}.txt" for r in renderers},
        "gold": f"gold/{name}.txt" if page.gold is not None else None,
    }
    if page.gold is None:
        entry["keep_snippets"] = list(page.keep_snippets)
        entry["drop_snippets"] = list(page.drop_snippets)
    return entry


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", type=Path, default=DEFAULT_DATASETS)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--renderers", default=",".join(RENDERERS))
    parser.add_argument(
        "--corpora", default="", help="comma-separated folder names (default: every corpus)"
    )
    args = parser.parse_args(argv)
    renderers = [r for r in args.renderers.split(",") if r]
    unknown = set(renderers) - set(RENDERERS)
    if unknown:
        parser.error(f"unknown renderer(s) {sorted(unknown)}; known: {sorted(RENDERERS)}")
    if args.corpora:
        folders = [args.datasets / name for name in args.corpora.split(",") if name]
    else:
        folders = sorted(
            p
            for p in args.datasets.iterdir()
            if p.is_dir() and any(p.name.startswith(k) for k in READERS)
        )
    rows = []
    print(TABLE_HEAD, flush=True)
    for folder in folders:
        for name, tally in build_corpus(folder, args.out, renderers).items():
            rows.append(tally.row(folder.name, name))
            print(rows[-1], flush=True)
    (args.out / "summary.md").write_text(TABLE_HEAD + "\n" + "\n".join(rows) + "\n")
    print(f"\ncache written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
