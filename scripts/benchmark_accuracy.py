"""Accuracy on corpora the model never trained on: leave one corpus out, both modes.

For every licensed corpus (CleanEval's dev and final sets together), a text
model and an HTML model are trained on ``training_data/`` (text only,
weighed 5x as the shipped model) and the *other* licensed corpora, and
score the corpus left out; Dragnet and L3S-GN1 are scored by models trained
on every licensed corpus (`stripper.training.measure.heldout_splits`).
Each seed given is a separate run of every fit. Printed per corpus, beside
trafilatura on the same pages (default settings and
``include_comments=False``):

* text mode, on the page rendered by stripper's lxml renderer and by
  inscriptis (the labelled cache of ``scripts/build_corpus_cache.py``);
* HTML mode, on the page itself;
* mean ± half the spread over the seeds; a last row of means over corpora;
* articles emptied (gold text or snippets to keep, output empty), summed over
  renderings and seeds.

Cells are shingle F1 (trafilatura-eval: snippet accuracy). ``--json`` keeps
every figure; ``--card`` writes the table into both shipped model cards.

    python scripts/benchmark_accuracy.py --seeds 7,21 --jobs 2 --card
    python scripts/benchmark_accuracy.py --modes html --seeds 7 --corpora readability,dragnet
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from stripper import Config, HtmlConfig, Stripper
from stripper.models.files import SHIPPED, read_card, write_card
from stripper.training.corpora import DEFAULT_DATASETS, LICENSED, MEASURE_ONLY, iter_corpus
from stripper.training.fit import DEFAULT_DATA, fit_documents
from stripper.training.html import WRITTEN_PAGES, fit_pages, load_corpus
from stripper.training.labels import load_documents
from stripper.training.measure import (
    DEFAULT_CACHE,
    Split,
    heldout_splits,
    page_reference,
    read_cache,
    score,
    trafilatura_outputs,
)

RENDERERS = ("lxml", "inscriptis")
#: Weight of ``training_data/`` against each corpus rendering, as the shipped model's.
HAND_LABELLED_WEIGHT = 5.0


def text_run(split: Split, seed: int, cache: Path) -> dict:
    """Scores of a text model trained for ``split`` on its test corpora."""
    documents = load_documents([DEFAULT_DATA])
    sources = [str(DEFAULT_DATA)] * len(documents)
    for corpus in split.train:
        cached = read_cache(cache, corpus, RENDERERS)
        for renderer in RENDERERS:
            documents += cached.documents[renderer]
            sources += [f"{corpus}/{renderer}"] * len(cached.documents[renderer])
    config = replace(Config(), seed=seed)
    model = fit_documents(documents, config, sources, {str(DEFAULT_DATA): HAND_LABELLED_WEIGHT})
    model.out_of_fold_ = None
    stripper = Stripper(model=model)
    results = {}
    for corpus in split.test:
        cached = read_cache(cache, corpus, RENDERERS)
        for renderer in RENDERERS:
            texts = ["\n".join(doc.lines) for doc in cached.documents[renderer]]
            outputs = [c.text for c in stripper.clean_many(texts)]
            results[f"{corpus}/text-{renderer}"] = scored(outputs, cached.references)
    return results


def html_run(split: Split, seed: int, datasets: Path, teacher: bool) -> dict:
    """Scores of an HTML model trained for ``split`` on its test corpora."""
    corpora = [*split.train, str(WRITTEN_PAGES)]  # as the shipped model is trained
    pages = [p for c in corpora for p in load_corpus(datasets, c, teacher=teacher)]
    model = fit_pages(pages, replace(HtmlConfig(), seed=seed, teacher=teacher))
    extract = Stripper(html_model=model).clean_html
    results = {}
    for corpus in split.test:
        test = list(iter_corpus(datasets / corpus))
        outputs = [extract(page.html) for page in test]
        column = "html-teacher" if teacher else "html"
        results[f"{corpus}/{column}"] = scored(outputs, [page_reference(p) for p in test])
    return results


def scored(outputs: list[str], references: list) -> dict:
    """The scores of one corpus's outputs, and how many articles (gold text, or
    text snippets the output must keep) came out empty."""
    s = score(outputs, references)
    emptied = sum(
        1
        for out, ref in zip(outputs, references)
        if ((ref.gold and ref.gold.strip()) or ref.keep) and not out.strip()
    )
    return {"p": s.precision, "r": s.recall, "f1": s.f1, "pages": s.count, "emptied": emptied}


def run(task: tuple) -> tuple[tuple, dict, float]:
    """One fit and its scores (in a worker process)."""
    mode, split, seed, where = task
    started = time.perf_counter()
    with threadpool_limits(1):
        if mode == "text":
            results = text_run(split, seed, where)
        else:
            results = html_run(split, seed, where, teacher=mode == "html-teacher")
    return task, results, time.perf_counter() - started


def trafilatura_scores(corpora: list[str], datasets: Path, cache: Path) -> dict:
    """trafilatura's scores per corpus, in both settings."""
    results = {}
    for corpus in corpora:
        for comments, name in ((True, "trafilatura"), (False, "trafilatura-no-comments")):
            pairs = [
                (page, out)
                for page, out, _ in trafilatura_outputs(datasets, corpus, cache, comments)
            ]
            references = [page_reference(page) for page, _ in pairs]
            results[f"{corpus}/{name}"] = scored([out for _, out in pairs], references)
    return results


COLUMNS = (
    ("text-lxml", "text (lxml)"),
    ("text-inscriptis", "text (inscriptis)"),
    ("html", "HTML mode"),
    ("html-teacher", "HTML + trafilatura's extraction"),
    ("trafilatura", "trafilatura"),
    ("trafilatura-no-comments", "trafilatura, no comments"),
)


def table(results: dict, corpora: list[str]) -> list[str]:
    """Markdown rows: per corpus, the mean ± half-spread over seeds of each
    column measured."""
    measured = {key.split("/", 1)[1] for r in results.values() for key in r}
    columns = [(key, title) for key, title in COLUMNS if key in measured]
    rows = [
        "| corpus | " + " | ".join(title for _, title in columns) + " | emptied (text / HTML) |",
        "|---" * (len(columns) + 2) + "|",
    ]
    means = defaultdict(list)
    for corpus in corpora:
        cells = []
        for key, _ in columns:
            values = [
                r[f"{corpus}/{key}"]["f1"] for r in results.values() if f"{corpus}/{key}" in r
            ]
            if values:
                means[key].append(float(np.mean(values)))
            cells.append(cell(values))
        emptied = [
            sum(r.get(f"{corpus}/{key}", {}).get("emptied", 0) for r in results.values())
            for key in ("text-lxml", "text-inscriptis", "html")
        ]  # (html-teacher's are in --json)
        rows.append(
            f"| {corpus} | " + " | ".join(cells) + f" | {emptied[0] + emptied[1]} / {emptied[2]} |"
        )
    rows.append(
        "| **mean** | " + " | ".join(cell(means[key], mean=True) for key, _ in columns) + " | |"
    )
    return rows


def cell(values: list[float], mean: bool = False) -> str:
    if not values:
        return "–"
    if mean or len(values) == 1:
        return f"{np.mean(values):.3f}"
    return f"{np.mean(values):.3f} ± {(max(values) - min(values)) / 2:.3f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", type=Path, default=DEFAULT_DATASETS)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--corpora", default=",".join((*LICENSED, *MEASURE_ONLY)))
    parser.add_argument(
        "--modes",
        default="text,html",
        help="of text, html, html-teacher (HTML with trafilatura's extraction as a feature)",
    )
    parser.add_argument("--seeds", default="7", help="comma-separated (default: 7)")
    parser.add_argument("--jobs", type=int, default=1, help="fits run at once (each on one core)")
    parser.add_argument("--json", type=Path, help="write every figure here")
    parser.add_argument("--card", action="store_true", help="write the table into the model cards")
    args = parser.parse_args()
    corpora = [c for c in args.corpora.split(",") if c]
    modes = [m for m in args.modes.split(",") if m]
    seeds = [int(s) for s in args.seeds.split(",") if s]
    started = time.perf_counter()
    tasks = [
        (mode, split, seed, args.cache if mode == "text" else args.datasets)
        for seed in seeds
        for mode in modes
        for split in heldout_splits(corpora)
    ]
    results: dict[str, dict] = defaultdict(dict)  # seed -> "corpus/column" -> scores
    with ProcessPoolExecutor(args.jobs) as pool:
        for (mode, split, seed, _), scores, seconds in pool.map(run, tasks):
            results[str(seed)].update(scores)
            if args.json:  # so far, in case the run is cut short
                args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
            print(
                f"<!-- {mode} seed {seed} without {split.name}: {seconds:.0f} s -->",
                file=sys.stderr,
            )
    reference = trafilatura_scores(corpora, args.datasets, args.cache)
    for seed in results:
        results[seed].update(reference)
    rows = table(results, corpora)
    seconds = time.perf_counter() - started
    legend = (
        f"Leave one corpus out, seeds {', '.join(map(str, seeds))} (mean ± half the spread); "
        "shingle F1, trafilatura-eval snippet accuracy; emptied: articles with gold text "
        "(or snippets to keep) "
        f"whose output is empty, summed over renderings and seeds. {seconds:.0f} s."
    )
    print("\n".join(rows) + "\n\n" + legend)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    if args.card:
        command = "python scripts/benchmark_accuracy.py " + " ".join(sys.argv[1:])
        for path in SHIPPED.values():
            card = read_card(path)
            card["benchmark"] = {"command": command, "legend": legend, "table": rows}
            write_card(path, card)
    return 0


if __name__ == "__main__":
    sys.exit(main())
