"""How the HTML mode does on today's pages, kind by kind, beside trafilatura.

Reads the hand-written check pages in ``tests/data/pages/<kind>/`` (articles,
listings, collections, products, forum threads, documentation, and pages
with no main content; never trained on) and prints per kind: shingle F1
(precision/recall) of `stripper.extract_html`'s title and text against the
gold, of trafilatura in both settings, pages emptied (gold text, nothing
out) and, for the empty kind, pages left non-empty; then how often the
title, author and date `extract_html` found are the page's own.

    python scripts/check_pages.py
    python scripts/check_pages.py --html-model my-html-model.npz
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

from stripper import Stripper
from stripper.html.page import normalise
from stripper.training.scoring import shingle_scores

CHECKS = Path(__file__).resolve().parents[1] / "tests" / "data" / "pages"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--html-model", type=Path, help="default: the shipped HTML model")
    parser.add_argument("--checks", type=Path, default=CHECKS)
    args = parser.parse_args()
    import trafilatura

    stripper = Stripper(html_model=args.html_model)
    outputs: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    facts = defaultdict(list)
    for path in sorted(args.checks.glob("*/*.html")):
        kind = path.parent.name
        html = path.read_text(encoding="utf-8")
        meta = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        article = stripper.extract_html(html, url=meta.get("url"))
        runs = outputs[kind]
        runs["gold"].append(path.with_suffix(".gold").read_text(encoding="utf-8"))
        runs["stripper"].append(f"{article.title}\n{article.text}" if article.text else "")
        for name, comments in (("trafilatura", True), ("trafilatura, no comments", False)):
            runs[name].append(trafilatura.extract(html, include_comments=comments) or "")
        if kind != "empty":
            facts["title"].append(normalise(article.title) == normalise(meta["title"] or ""))
            for key in ("author", "date"):
                if meta.get(key):
                    facts[key].append(normalise(getattr(article, key)) == normalise(meta[key]))
    systems = ("stripper", "trafilatura", "trafilatura, no comments")
    print("| kind | pages | " + " | ".join(systems) + " | emptied / kept (stripper) |")
    print("|---" * (len(systems) + 3) + "|")
    for kind, runs in outputs.items():
        cells = []
        for system in systems:
            s = shingle_scores(runs[system], runs["gold"])
            cells.append(f"{s.f1:.3f} ({s.precision:.2f}/{s.recall:.2f})")
        pairs = list(zip(runs["gold"], runs["stripper"]))
        emptied = sum(1 for gold, out in pairs if gold.strip() and not out.strip())
        kept = sum(1 for gold, out in pairs if not gold.strip() and out.strip())
        print(f"| {kind} | {len(runs['gold'])} | " + " | ".join(cells) + f" | {emptied} / {kept} |")
    print()
    for key, right in facts.items():
        print(f"{key}: {sum(right)} of {len(right)} pages as the page gives it")
    return 0


if __name__ == "__main__":
    sys.exit(main())
