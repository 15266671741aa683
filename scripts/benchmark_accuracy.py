"""Compare cleaning systems on the labelled corpus cache, per corpus and rendering.

Reads what ``scripts/build_corpus_cache.py`` wrote and prints a markdown
table: for each corpus and renderer, the shingle F1 (precision/recall) of

* ``raw``: the rendered text, nothing removed;
* ``c4``: C4-style line rules (see `c4_keeps`);
* ``trafilatura``: trafilatura 2.x ``extract()`` on the original HTML,
  default settings (outputs are cached next to the corpus; pages/s shown);
* ``ceiling``: exactly the lines the aligner labelled body;
* ``stripper-html``: stripper's HTML mode on the original HTML, as
  ``scripts/benchmark_html.py`` last measured it (out of fold by site; read
  from the HTML model's card, the same in both renderings: it reads no
  rendering);
* ``stripper``: lines whose debris probability is under the threshold.
  Corpora the shipped model may train on are scored out of fold. By default
  (``--oof mix``) one model is fitted as the shipped one is: on
  ``training_data/`` plus every trainable corpus in the cache in every
  rendering asked for, sources balanced, folds grouped by site across
  corpora and renderings; each line is scored by its stacked out-of-fold
  probability from that fit (stage models that never saw its site) at the
  fit's threshold. ``--oof per-corpus`` instead fits one corpus and one
  rendering at a time with `stripper.training.out_of_fold_predictions`
  (nested: each outer fold model at its own threshold). Measure-only
  corpora (dragnet, l3s-gn1) are scored with ``--model``.

For trafilatura-eval the cell is the with/without snippet accuracy instead.

    python scripts/benchmark_accuracy.py --corpora cleaneval-final --model model.joblib
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from stripper.config import Config
from stripper.text.lines import join_kept
from stripper.training.corpora import DEFAULT_DATASETS, iter_corpus, safe_name, snippet_accuracy
from stripper.training.labels import LabelledDocument, read_labelled
from stripper.training.scoring import shingle_scores

DEFAULT_CACHE = Path.home() / ".cache" / "stripper" / "corpora"
#: Corpora the shipped model must never train on: scored with a fixed model only.
MEASURE_ONLY = ("dragnet", "l3s")
SYSTEMS = ("raw", "c4", "trafilatura", "ceiling", "stripper-html", "stripper")


@dataclass(frozen=True)
class CachedPage:
    """A page as the cache holds it: manifest entry and gold text (None: snippets)."""

    entry: dict
    gold: str | None


# ---------------------------------------------------------------- C4-style rules

_TERMINAL = (".", "!", "?", '"', "'", "\u201d", "\u2019")
_C4_BANNED = re.compile(
    r"javascript|lorem ipsum|[{}]|terms of use|privacy policy|cookie policy|uses cookies|"
    r"use of cookies|use cookies",
    re.IGNORECASE,
)


def c4_keeps(line: str) -> bool:
    """The C4 paper's line rules: terminal punctuation, ≥ 3 words, no banned strings.

    Page-level rules (dropping whole pages) are left out: here every page is
    an article to extract, not a page to admit or reject.
    """
    text = line.strip()
    return text.endswith(_TERMINAL) and len(text.split()) >= 3 and not _C4_BANNED.search(text)


# ---------------------------------------------------------------- systems


def kept_text(doc: LabelledDocument, keep: Sequence[bool]) -> str:
    """The document reduced to the kept lines."""
    return join_kept(doc.lines, keep)


def stripper_debris_probabilities(
    corpus: str, documents: list[LabelledDocument], model: Path | None, config: Config
) -> tuple[list, list[float]] | None:
    """Per document, each line's debris probability from stripper and the threshold to use.

    Measure-only corpora are scored with the fixed ``model`` (None without
    one) at its own threshold; the others out of fold by
    ``stripper.training.out_of_fold_predictions`` (folds grouped by site),
    each document at the threshold of the fold model that predicted it.
    """
    if corpus.startswith(MEASURE_ONLY):
        if model is None:
            return None
        from stripper.models.files import load_model

        fixed = load_model(model)
        probabilities = fixed.predict_proba([list(doc.lines) for doc in documents])
        cut = fixed.threshold_ if config.threshold is None else config.threshold
        return probabilities, [cut] * len(documents)
    from stripper.training.fit import out_of_fold_predictions

    probabilities, thresholds = out_of_fold_predictions(documents, config)
    return probabilities, thresholds


def mixed_out_of_fold(
    cache: Path,
    corpora: Sequence[str],
    renderers: Sequence[str],
    training_data: Path | None,
    config: Config,
) -> dict[tuple[str, str], tuple[list, list[float]]]:
    """Stacked out-of-fold probabilities of one fit on all trainable data,
    keyed by (corpus, renderer); documents in manifest order."""
    from stripper.training.fit import fit_documents
    from stripper.training.labels import iter_labelled

    documents: list[LabelledDocument] = []
    sources: list[str] = []
    keys: list[tuple[str, str]] = []
    if training_data is not None:
        found = [doc.cells() for doc in iter_labelled([training_data])]
        documents += found
        sources += [str(training_data)] * len(found)
        keys += [("training_data", "")] * len(found)
    for corpus in corpora:
        if corpus.startswith(MEASURE_ONLY):
            continue
        pages = read_cache(cache, corpus)
        for renderer in renderers:
            root = cache / corpus / renderer
            found = [
                read_labelled(cache / corpus / p.entry["labels"][renderer], root) for p in pages
            ]
            documents += found
            sources += [f"{corpus}/{renderer}"] * len(found)
            keys += [(corpus, renderer)] * len(found)
    started = time.perf_counter()
    model = fit_documents(documents, config, sources, {str(training_data): 5.0})
    print(
        f"<!-- mixed fit on {len(documents)} documents: {time.perf_counter() - started:.0f} s, "
        f"threshold {model.threshold_:.2f} -->",
        file=sys.stderr,
        flush=True,
    )
    cut = model.threshold_
    out: dict[tuple[str, str], tuple[list, list[float]]] = {}
    for key, probabilities in zip(keys, model.out_of_fold_, strict=True):
        entry = out.setdefault(key, ([], []))
        entry[0].append(probabilities)
        entry[1].append(cut)
    return out


def trafilatura_outputs(
    corpus: str, datasets: Path, cache: Path
) -> tuple[dict[str, str], float | None]:
    """trafilatura ``extract()`` of each page (cached on disk) and pages/s of fresh runs."""
    import trafilatura

    folder = cache / corpus / "trafilatura-extract"
    folder.mkdir(parents=True, exist_ok=True)
    outputs: dict[str, str] = {}
    seconds, fresh = 0.0, 0
    for page in iter_corpus(datasets / corpus):
        path = folder / f"{safe_name(page.page_id)}.txt"
        if not path.exists():
            started = time.perf_counter()
            text = trafilatura.extract(page.html) or ""
            seconds += time.perf_counter() - started
            fresh += 1
            path.write_text(text, encoding="utf-8")
        outputs[page.page_id] = path.read_text("utf-8")
    return outputs, (fresh / seconds if fresh and seconds else None)


# ---------------------------------------------------------------- scoring


def score_cell(outputs: Sequence[str], pages: Sequence[CachedPage]) -> str:
    """Shingle F1 (P/R), or snippet accuracy for snippet-only corpora."""
    if pages and pages[0].gold is None:
        right = total = 0
        for output, page in zip(outputs, pages, strict=True):
            r, t = snippet_accuracy(
                output, page.entry["keep_snippets"], page.entry["drop_snippets"]
            )
            right, total = right + r, total + t
        return f"acc {right / max(total, 1):.3f}"
    scores = shingle_scores(outputs, [page.gold or "" for page in pages])
    return f"{scores.f1:.3f} ({scores.precision:.2f}/{scores.recall:.2f})"


def html_mode_cell(corpus: str) -> str:
    """The HTML mode's score on ``corpus`` from the shipped HTML model's card."""
    from stripper.models.files import SHIPPED

    card = SHIPPED["html"].with_suffix(".json")
    scores = json.loads(card.read_text("utf-8")).get("scores") if card.exists() else None
    got = scores.get("corpora", {}).get(corpus) if isinstance(scores, dict) else None
    if got is None:
        return "n/a"
    s = got["stripper"]
    if s["p"] == s["r"] == s["f1"]:  # snippet corpora: accuracy in all three
        return f"acc {s['f1']:.3f}"
    return f"{s['f1']:.3f} ({s['p']:.2f}/{s['r']:.2f})"


def read_cache(cache: Path, corpus: str) -> list[CachedPage]:
    """The manifest entries and gold texts of one cached corpus."""
    root = cache / corpus
    pages = []
    with open(root / "manifest.jsonl", encoding="utf-8") as manifest:
        for line in manifest:
            entry = json.loads(line)
            gold = (root / entry["gold"]).read_text("utf-8") if entry.get("gold") else None
            pages.append(CachedPage(entry, gold))
    return pages


def system_outputs(
    documents: list[LabelledDocument], stripper: tuple[list, list[float]] | None
) -> dict[str, list[str] | None]:
    """Outputs of the line-level systems (raw, C4, ceiling, stripper) per document."""
    keepers: dict[str, Callable[[LabelledDocument, int], list[bool]]] = {
        "raw": lambda doc, i: [True] * len(doc.lines),
        "c4": lambda doc, i: [c4_keeps(line) for line in doc.lines],
        "ceiling": lambda doc, i: [label is False for label in doc.labels],
    }
    outputs: dict[str, list[str] | None] = {
        name: [kept_text(doc, keep(doc, i)) for i, doc in enumerate(documents)]
        for name, keep in keepers.items()
    }
    outputs["stripper"] = None
    if stripper is not None:
        probabilities, thresholds = stripper
        outputs["stripper"] = [  # NaN (blank line) >= threshold is False: kept
            kept_text(doc, [not p >= threshold for p in probs])
            for doc, probs, threshold in zip(documents, probabilities, thresholds, strict=True)
        ]
    return outputs


def benchmark_corpus(corpus: str, args: argparse.Namespace) -> list[str]:
    """Markdown rows (one per renderer) for one corpus."""
    pages = read_cache(args.cache, corpus)
    traf, rate = (None, None)
    if "trafilatura" in args.systems:
        traf, rate = trafilatura_outputs(corpus, args.datasets, args.cache)
    rows = []
    for renderer in args.renderers:
        root = args.cache / corpus / renderer
        documents = [
            read_labelled(args.cache / corpus / p.entry["labels"][renderer], root) for p in pages
        ]
        stripper = None
        if "stripper" in args.systems:
            config = Config(threshold=args.threshold, train_threshold=args.threshold)
            if args.mixed is not None and not corpus.startswith(MEASURE_ONLY):
                stripper = args.mixed.get((corpus, renderer))
            else:
                stripper = stripper_debris_probabilities(corpus, documents, args.model, config)
        outputs = system_outputs(documents, stripper)
        if traf is not None:
            outputs["trafilatura"] = [traf.get(p.entry["page_id"], "") for p in pages]
        cells = [
            html_mode_cell(corpus)
            if name == "stripper-html"
            else score_cell(outputs[name], pages)
            if outputs.get(name) is not None
            else "n/a"
            for name in args.systems
        ]
        speed = f"{rate:.1f}" if rate else "cached"
        rows.append(
            f"| {corpus} | {renderer} | {len(pages)} | "
            + " | ".join(cells)
            + (f" | {speed} |" if traf is not None else " |")
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--datasets", type=Path, default=DEFAULT_DATASETS)
    parser.add_argument("--corpora", default="", help="comma-separated (default: all cached)")
    parser.add_argument("--renderers", default="lxml,inscriptis")
    parser.add_argument("--systems", default=",".join(SYSTEMS))
    parser.add_argument("--model", type=Path, help="fixed model for measure-only corpora")
    parser.add_argument(
        "--threshold", type=float, help="debris threshold (default: the one each model chose)"
    )
    parser.add_argument(
        "--oof", choices=("mix", "per-corpus"), default="mix",
        help="how trainable corpora are scored out of fold (see above; default: mix)",
    )  # fmt: skip
    parser.add_argument(
        "--no-card", action="store_true",
        help="do not write the table into the --model's card (written on full runs only)",
    )  # fmt: skip
    parser.add_argument(
        "--training-data",
        type=Path,
        default=Path(__file__).resolve().parents[1] / "training_data",
        help="hand-labelled documents added to the mixed fit",
    )
    args = parser.parse_args(argv)
    args.renderers = [r for r in args.renderers.split(",") if r]
    args.systems = [s for s in args.systems.split(",") if s]
    corpora = [c for c in args.corpora.split(",") if c] or sorted(
        p.name for p in args.cache.iterdir() if (p / "manifest.jsonl").exists()
    )
    args.mixed = None
    if "stripper" in args.systems and args.oof == "mix":
        trainable = [
            p.name for p in args.cache.iterdir()
            if (p / "manifest.jsonl").exists() and not p.name.startswith(MEASURE_ONLY)
        ]  # fmt: skip
        args.mixed = mixed_out_of_fold(
            args.cache, sorted(trainable), args.renderers, args.training_data,
            Config(train_threshold=args.threshold),
        )  # fmt: skip
    speed_head = " trafilatura pages/s |" if "trafilatura" in args.systems else ""
    print("| corpus | renderer | pages | " + " | ".join(args.systems) + " |" + speed_head)
    print("|---" * (3 + len(args.systems) + bool(speed_head)) + "|")
    table = []
    for corpus in corpora:
        for row in benchmark_corpus(corpus, args):
            print(row, flush=True)
            table.append(row)
    threshold = args.threshold if args.threshold is not None else "chosen by each model"
    legend = (
        "Cells: shingle F1 (precision/recall); trafilatura-eval: snippet accuracy. "
        f"stripper threshold: {threshold}."
    )
    print("\n" + legend)
    full_run = not args.corpora and args.threshold is None and args.oof == "mix"
    if args.model and full_run and not args.no_card:
        write_card_table(args.model, table, legend, args)
    return 0


def write_card_table(model: Path, table: list[str], legend: str, args) -> None:
    """Put the table into the model's card, so the card holds the scores on
    unseen sites, not only the fit's own cross-validation."""
    card = model.with_suffix(".json")
    if not card.exists():
        return
    content = json.loads(card.read_text("utf-8"))
    content["benchmark"] = {
        "command": f"python scripts/benchmark_accuracy.py --model {model}",
        "measure": "licensed corpora: stacked out-of-fold fit grouped by site (--oof mix); "
        "dragnet and l3s-gn1: this model, never trained on them. " + legend,
        "columns": ["corpus", "renderer", "pages", *args.systems]
        + (["trafilatura pages/s"] if "trafilatura" in args.systems else []),
        "rows": [[cell.strip() for cell in row.strip("|").split("|")] for row in table],
    }
    card.write_text(json.dumps(content, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"table written to {card}")


if __name__ == "__main__":
    sys.exit(main())
