"""How well "article-like prose" tells articles from pages without one.

A document whose every line scores debris keeps its densest prose block
only if it holds article-like prose (`stripper.models.prose.is_article`).
This prints, for each corpus rendering in the labelled cache, the hand-written
language checks and the HTML page kinds, how many documents with an article
(gold text of at least ``--words`` words; every trafilatura-eval page) the
definition recognises, how many
documents without one (empty gold) it would wrongly count as articles, and
how many short-gold pages (a photo caption, a title) it counts.

With ``--emptied``, it then cleans Dragnet and L3S-GN1 (never trained on)
with the shipped models, text and HTML, and sorts the articles that came out empty by
why the rescue did not keep them.

    python scripts/check_article_definition.py --emptied
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path

from stripper import Config, Stripper
from stripper.features.words import word_counts
from stripper.html.blocks import html_to_text
from stripper.models.prose import is_article
from stripper.training.corpora import DEFAULT_DATASETS, LICENSED, MEASURE_ONLY, iter_corpus
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
    parser.add_argument("--datasets", type=Path, default=DEFAULT_DATASETS)
    parser.add_argument("--words", type=int, default=50, help="gold words of an article")
    parser.add_argument("--emptied", action="store_true", help="why articles came out empty")
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
    if args.emptied:
        print()
        emptied(args.cache, args.datasets, args.words, config)
    return 0


def emptied(cache: Path, datasets: Path, least: int, config: Config) -> None:
    """Why the measure-only corpora's emptied articles were not rescued, in
    each text rendering and in the HTML mode (its lines: the page's blocks)."""
    stripper = Stripper()
    print(
        "| corpus | input | emptied | input holds < 1/10 of the gold's words |"
        f" gold < {least} words | no article-like prose | article-like |"
    )
    print("|---|---|---|---|---|---|---|")
    for corpus in MEASURE_ONLY:
        for renderer in ("lxml", "inscriptis", "html"):
            if renderer == "html":
                pages = list(iter_corpus(datasets / corpus))
                docs = [html_to_text(page.html).splitlines() for page in pages]
                outputs = [stripper.clean_html(page.html) for page in pages]
                golds = [page.gold for page in pages]
            else:
                cached = read_cache(cache, corpus, (renderer,))
                docs = [list(doc.lines) for doc in cached.documents[renderer]]
                outputs = [c.text for c in stripper.clean_many("\n".join(d) for d in docs)]
                golds = [ref.gold for ref in cached.references]
            reasons = [0, 0, 0, 0]
            for lines, gold, out in zip(docs, golds, outputs):
                if not gold or not gold.strip() or out.strip():
                    continue
                words = gold_words(gold, config)
                if gold_words("\n".join(lines), config) < words / 10:
                    reasons[0] += 1
                elif words < least:
                    reasons[1] += 1
                else:
                    reasons[3 if is_article(lines, config) else 2] += 1
            cells = " | ".join(str(n) for n in reasons)
            print(f"| {corpus} | {renderer} | {sum(reasons)} | {cells} |")


if __name__ == "__main__":
    sys.exit(main())
