"""Benchmark the DOM-aware HTML mode against trafilatura, per corpus, one core.

For every corpus: shingle P/R/F1 of stripper's HTML mode and of trafilatura
2.x ``extract()`` (default settings) on the same pages — snippet accuracy
for trafilatura-eval — and the pages/s of both, timed in this run on the
same pages (HTML already decoded to str for both; one thread).

stripper's accuracy on the licensed corpora is out of fold: all licensed
corpora are pooled and split into ``--folds`` folds grouped by site, each
fold predicted by a model trained on the others. dragnet and l3s-gn1 are
never trained on and are scored with the ``--model`` (default: shipped).
Speed is measured with that model on every corpus.

    python scripts/benchmark_html.py                 # full run, writes scores to the card
    python scripts/benchmark_html.py --limit 300 --no-card
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from stripper import HtmlConfig, Stripper
from stripper.models.files import SHIPPED
from stripper.models.stages import grouped_folds
from stripper.training.corpora import DEFAULT_DATASETS, snippet_accuracy
from stripper.training.html import (
    MEASURE_ONLY,
    TRAIN_CORPORA,
    LabelledPage,
    fit_pages,
    load_corpus,
    site_group,
)
from stripper.training.scoring import shingle_scores


def score(outputs: list[str], records: list[LabelledPage]) -> tuple[float, float, float, str]:
    """(P, R, F1, cell) — snippet accuracy in all three for snippet corpora."""
    if records[0].page.gold is None:
        right = total = 0
        for out, r in zip(outputs, records):
            a, b = snippet_accuracy(out, r.page.keep_snippets, r.page.drop_snippets)
            right, total = right + a, total + b
        acc = right / max(total, 1)
        return acc, acc, acc, f"acc {acc:.3f}"
    s = shingle_scores(outputs, [r.page.gold for r in records])
    return s.precision, s.recall, s.f1, f"{s.f1:.3f} ({s.precision:.3f}/{s.recall:.3f})"


def out_of_fold(records: list[LabelledPage], folds: int, config: HtmlConfig) -> list[str]:
    """stripper outputs of each record from a model that never saw its site."""
    fold = grouped_folds([site_group(r.page) for r in records], folds)
    outputs = [""] * len(records)
    for k in range(folds):
        started = time.perf_counter()
        model = fit_pages([r for r, f in zip(records, fold) if f != k], config)
        extract = Stripper(html_model=model).clean_html
        for i in np.flatnonzero(fold == k):
            outputs[i] = extract(records[i].page.html)
        print(f"  fold {k + 1}/{folds}: {time.perf_counter() - started:.0f}s", file=sys.stderr)
    return outputs


def timed(function, htmls: list[str]) -> tuple[list[str], float]:
    """Outputs of ``function`` over ``htmls`` and its pages per second."""
    started = time.perf_counter()
    outputs = [function(h) or "" for h in htmls]
    return outputs, len(htmls) / (time.perf_counter() - started)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", type=Path, default=DEFAULT_DATASETS)
    parser.add_argument("--corpora", default=",".join((*TRAIN_CORPORA, *MEASURE_ONLY)))
    parser.add_argument("--limit", type=int, default=0, help="pages per corpus (0: all)")
    parser.add_argument("--folds", type=int, default=4)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--model", type=Path, default=SHIPPED["html"])
    parser.add_argument("--no-lexical", action="store_true", help="OOF models without word stage")
    parser.add_argument("--no-card", action="store_true", help="do not write scores to the card")
    parser.add_argument(
        "--no-oof", action="store_true", help="score licensed corpora with --model (in-sample!)"
    )
    args = parser.parse_args(argv)
    import trafilatura

    config = replace(HtmlConfig(), seed=args.seed, lexical=not args.no_lexical)
    started_all = time.perf_counter()
    corpora = [c for c in args.corpora.split(",") if c]
    data = {
        c: load_corpus(args.datasets, c, args.limit, labels=not c.startswith(MEASURE_ONLY))
        for c in corpora
    }
    extract = Stripper(html_model=args.model).clean_html
    rows, scores = [], {}
    with threadpool_limits(1):
        licensed = [r for c in corpora if not c.startswith(MEASURE_ONLY) for r in data[c]]
        oof: dict[int, str] = {}
        if licensed and not args.no_oof:
            print(f"out-of-fold over {len(licensed)} licensed pages ...", file=sys.stderr)
            for r, out in zip(licensed, out_of_fold(licensed, args.folds, config)):
                oof[id(r)] = out
        for corpus in corpora:
            records = data[corpus]
            htmls = [r.page.html for r in records]
            mine, my_rate = timed(extract, htmls)
            if corpus in TRAIN_CORPORA and not args.no_oof:
                mine = [oof[id(r)] for r in records]
            theirs, their_rate = timed(lambda h: trafilatura.extract(h), htmls)
            ps, rs, fs, cell = score(mine, records)
            pt, rt, ft, tcell = score(theirs, records)
            scores[corpus] = {
                "pages": len(records),
                "stripper": {"p": round(ps, 4), "r": round(rs, 4), "f1": round(fs, 4)},
                "trafilatura": {"p": round(pt, 4), "r": round(rt, 4), "f1": round(ft, 4)},
                "pages_per_s": {"stripper": round(my_rate, 1), "trafilatura": round(their_rate, 1)},
            }
            rows.append(
                f"| {corpus} | {len(records)} | {cell} | {tcell} | {fs - ft:+.3f} | "
                f"{my_rate:.1f} | {their_rate:.1f} | {my_rate / their_rate:.1f}x |"
            )
            print(rows[-1], file=sys.stderr, flush=True)
    print(
        "| corpus | pages | stripper-HTML F1 (P/R) | trafilatura F1 (P/R) | Δ F1 "
        "| stripper pages/s | trafilatura pages/s | speed ratio |"
    )
    print("|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    how = "out of fold by site" if not args.no_oof else "IN-SAMPLE (--no-oof)"
    print(
        f"\nLicensed corpora: {how} ({args.folds} folds); dragnet, l3s-gn1: model "
        f"{args.model.name}, never trained on. trafilatura-eval cells: snippet accuracy. "
        f"One thread. Total {time.perf_counter() - started_all:.0f}s."
    )
    card = args.model.with_suffix(".json")
    if not args.no_card and card.exists() and not args.limit and not args.no_oof:
        content = json.loads(card.read_text("utf-8"))
        content["scores"] = {
            "measure": "shingle P/R/F1 (trafilatura-eval: snippet accuracy); licensed corpora "
            f"out of fold by site ({args.folds} folds); pages/s on one core, same run",
            "command": "python scripts/benchmark_html.py"
            + (f" --folds {args.folds}" if args.folds != 4 else ""),
            "seconds": round(time.perf_counter() - started_all),
            "corpora": scores,
        }
        card.write_text(json.dumps(content, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
