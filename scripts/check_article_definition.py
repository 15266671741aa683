"""How well "article-like prose" tells articles from pages without one.

A document whose every line scores debris keeps its densest prose block
only if it holds article-like prose (`stripper.models.prose.is_article`).
This prints, for each corpus rendering in the labelled cache, the hand-written
language checks and the HTML page kinds, how many documents with an article
(gold text of at least ``--words`` words; every trafilatura-eval page) the
definition recognises, how many
documents without one (empty gold) it would wrongly count as articles, and
how many short-gold pages (a photo caption, a title) it counts.

    python scripts/check_article_definition.py
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path

from stripper import Config
from stripper.features.words import word_counts
from stripper.html.blocks import html_to_text
from stripper.models.prose import is_article
from stripper.training.corpora import LICENSED, MEASURE_ONLY
from stripper.training.labels import iter_labelled
from stripper.training.measure import DEFAULT_CACHE, read_cache

TESTS = Path(__file__).resolve().parents[1] / "tests" / "data"


def gold_words(gold: str, config: Config) -> float:
    """Words of a gold text, counted as the definition counts them (by script)."""
    lines = [line for line in gold.splitlines() if line.strip()]
    return float(word_counts(lines, config).sum()) if lines else 0.0


def documents(cache: Path) -> Iterator[tuple[str, list[str], str | None]]:
    """(set name, lines, gold text) of every document measured; the gold is
    None where a corpus gives snippets instead (trafilatura-eval: every page
    an article)."""
    for corpus in (*LICENSED, *MEASURE_ONLY):
        for renderer in ("lxml", "inscriptis"):
            cached = read_cache(cache, corpus, (renderer,))
            for doc, ref in zip(cached.documents[renderer], cached.references):
                yield f"{corpus}/{renderer}", list(doc.lines), ref.gold
    for doc in iter_labelled([TESTS / "languages"]):
        body = [line for line, label in zip(doc.lines, doc.labels) if label is False]
        yield "languages (hand-written)", list(doc.lines), "\n".join(body)
    for path in sorted((TESTS / "pages").glob("*/*.html")):
        lines = html_to_text(path.read_text(encoding="utf-8")).splitlines()
        yield "page kinds (hand-written HTML)", lines, path.with_suffix(".gold").read_text("utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--words", type=int, default=50, help="gold words of an article")
    args = parser.parse_args()
    config = Config()
    counts: dict[str, list[int]] = {}
    for name, lines, gold in documents(args.cache):
        row = counts.setdefault(name, [0, 0, 0, 0, 0, 0])
        found = is_article(lines, config)
        if gold is None or gold_words(gold, config) >= args.words:
            kind = 0
        else:
            kind = 2 if gold.strip() else 4
        row[kind] += 1
        row[kind + 1] += found
    print(
        f"| documents | articles (gold ≥ {args.words} words) recognised | "
        "short gold counted as articles | no gold (no article) counted as articles |"
    )
    print("|---|---|---|---|")
    for name, (a, a_found, s, s_found, e, e_found) in counts.items():
        share = f"{a_found / a:.3f}" if a else "–"
        print(f"| {name} | {a_found} of {a} ({share}) | {s_found} of {s} | {e_found} of {e} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
