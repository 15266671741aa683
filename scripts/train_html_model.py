"""Train the DOM-aware HTML block model and write it with its model card.

Pages of the corpora the shipped model may learn from (cleaneval-dev,
cleaneval-final, cleanportaleval, readability, trafilatura-eval) are walked
into blocks (`stripper.dom.page_blocks`) and each block is labelled body or
debris as `stripper.corpora.label_page` labels lines: by aligning it to the
gold text or, for trafilatura-eval, by its keep/drop snippets; blocks of
reader-comment threads are debris. dragnet and l3s-gn1 are never read here.

    python scripts/train_html_model.py                   # writes stripper/data/html_model.*
    python scripts/train_html_model.py --limit 300 --out /tmp/m.joblib
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from stripper.corpora import DEFAULT_DATASETS, iter_corpus, label_page  # noqa: E402
from stripper.dom import (  # noqa: E402
    Blocks,
    HtmlModel,
    page_blocks,
    shipped_html_model_path,
)

TRAIN_CORPORA = (
    "cleaneval-dev",
    "cleaneval-final",
    "cleanportaleval",
    "readability",
    "trafilatura-eval",
)
LABEL_CACHE = Path.home() / ".cache" / "stripper" / "dom-labels"
#: Version of the labelling rules, part of the label cache's keys.
LABELS = "threads-and-openers-debris"


def block_labels(page, blocks: Blocks) -> list[bool | None]:
    """Per block: True debris, False body, None unknown, as `label_page` labels
    the page's naive rendering (its lines are the blocks)."""
    labels = label_page(page, "\n".join(blocks.lines))
    return [label for line, label in zip(blocks.lines, labels) if line]


def load_corpus(datasets: Path, corpus: str, limit: int = 0, labels: bool = True) -> list[dict]:
    """Pages of one corpus as dicts (page, blocks, labels); labels cached on disk.

    ``limit`` > 0 keeps an evenly spread subsample of that many pages.
    """
    pages = list(iter_corpus(datasets / corpus))
    if limit and len(pages) > limit:
        pick = np.linspace(0, len(pages) - 1, limit).round().astype(int)
        pages = [pages[i] for i in sorted(set(pick))]
    out = []
    LABEL_CACHE.mkdir(parents=True, exist_ok=True)
    for page in pages:
        blocks = page_blocks(page.html)
        labs = None
        if labels:  # aligning is slow: labels are cached by page and block text
            key = hashlib.sha1("\n".join([LABELS, corpus, page.page_id, *blocks.lines]).encode())
            path = LABEL_CACHE / f"{key.hexdigest()}.json"
            if path.exists():
                labs = json.loads(path.read_text("utf-8"))
            else:
                labs = block_labels(page, blocks)
                path.write_text(json.dumps(labs), encoding="utf-8")
        out.append({"page": page, "blocks": blocks, "labels": labs})
    return out


def corpus_weights(records: list[dict]) -> list[float]:
    """Each corpus counts about as much as the others, whatever its size."""
    sizes: dict[str, int] = {}
    for r in records:
        sizes[r["page"].corpus] = sizes.get(r["page"].corpus, 0) + 1
    mean = len(records) / max(len(sizes), 1)
    return [min(3.0, mean / sizes[r["page"].corpus]) for r in records]


def site_group(page) -> str:
    """Cross-validation group: the site (across corpora), or the page if unknown."""
    return page.site if page.site not in ("", "unknown") else f"{page.corpus}/{page.page_id}"


def train(records: list[dict], seed: int = 13, lexical: bool = True) -> HtmlModel:
    """Fit an `HtmlModel` on loaded records; folds are grouped by `site_group`."""
    model = HtmlModel(seed=seed, lexical=lexical)
    model.fit(
        [r["blocks"] for r in records],
        [r["labels"] for r in records],
        [site_group(r["page"]) for r in records],
        corpus_weights(records),
    )
    return model


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", type=Path, default=DEFAULT_DATASETS)
    parser.add_argument("--corpora", default=",".join(TRAIN_CORPORA))
    parser.add_argument("--limit", type=int, default=0, help="pages per corpus (0: all)")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--no-lexical", action="store_true", help="no word model stage")
    parser.add_argument("--out", type=Path, default=shipped_html_model_path())
    args = parser.parse_args(argv)
    import joblib
    import sklearn
    from threadpoolctl import threadpool_limits

    corpora = [c for c in args.corpora.split(",") if c]
    if any(c.startswith(("dragnet", "l3s")) for c in corpora):
        parser.error("dragnet and l3s-gn1 may not train the shipped model")
    started = time.perf_counter()
    records = [r for c in corpora for r in load_corpus(args.datasets, c, args.limit)]
    with threadpool_limits(1):
        model = train(records, args.seed, not args.no_lexical)
    counts = {}
    for r in records:
        c = counts.setdefault(r["page"].corpus, {"pages": 0, "body": 0, "debris": 0})
        c["pages"] += 1
        c["body"] += sum(v is False for v in r["labels"])
        c["debris"] += sum(v is True for v in r["labels"])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, args.out, compress=3)
    card = {
        "model": "stripper.dom.HtmlModel (two-stage HistGradientBoosting over blocks)",
        "data": {
            "corpora": corpora,
            "source": str(args.datasets),
            "labels": "align_lines against gold; trafilatura-eval by keep/drop snippets; "
            "blocks in reader-comment threads debris (stripper.corpora.label_page)",
            "counts": counts,
        },
        "seed": args.seed,
        "lexical_stage": not args.no_lexical,
        "limit": args.limit,
        "threshold": model.threshold_,
        "versions": {
            "python": sys.version.split()[0],
            "scikit-learn": sklearn.__version__,
            "numpy": np.__version__,
        },
        "scores": "see scripts/benchmark_html.py (out of fold by site)",
        "rebuild": "python scripts/train_html_model.py"
        + (f" --limit {args.limit}" if args.limit else "")
        + (" --no-lexical" if args.no_lexical else ""),
        "train_seconds": round(time.perf_counter() - started, 1),
    }
    card_file = args.out.with_suffix(".json")
    if card_file.exists():  # keep scores written by the benchmark
        old = json.loads(card_file.read_text("utf-8"))
        if isinstance(old.get("scores"), dict):
            card["scores"] = old["scores"]
    card_file.write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(card, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
