"""Training the HTML model on the public corpora's pages.

``python -m stripper train --html`` walks the pages of the corpora the
shipped model may learn from (`stripper.training.corpora.LICENSED`) into blocks, labels each
block body or debris as `stripper.training.corpora.label_page` labels
lines (by aligning it to the gold text or, for trafilatura-eval, by its
keep/drop snippets; reader-comment threads are debris), fits an `HtmlModel`
with folds grouped by site and writes it with its card. Dragnet and
L3S-GN1 never train it (`MEASURE_ONLY`).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..config import HtmlConfig
from ..html.blocks import Blocks, page_blocks
from ..models.files import save_model
from ..models.html import HtmlModel
from .corpora import LICENSED, MEASURE_ONLY, Page, iter_corpus, label_page

#: Where aligned block labels are kept between runs (aligning is slow).
LABEL_CACHE = Path.home() / ".cache" / "stripper" / "dom-labels"
#: Version of the labelling rules, part of the label cache's keys.
LABELS = "threads-and-openers-debris"


@dataclass(frozen=True)
class LabelledPage:
    """A corpus page walked into blocks, with a label per non-blank block
    (None: not labelled, or labels not asked for)."""

    page: Page
    blocks: Blocks
    labels: list[bool | None] | None


def block_labels(page: Page, blocks: Blocks) -> list[bool | None]:
    """Per block: True debris, False body, None unknown, as `label_page`
    labels the page's naive rendering (its lines are the blocks)."""
    labels = label_page(page, "\n".join(blocks.lines))
    return [label for line, label in zip(blocks.lines, labels) if line]


def load_corpus(
    datasets: Path, corpus: str, limit: int = 0, labels: bool = True
) -> list[LabelledPage]:
    """The pages of one corpus walked into blocks, labelled (labels cached on
    disk, keyed by the labelling rules, the page and its blocks).

    ``limit`` > 0 keeps an evenly spread subsample of that many pages.
    """
    pages = list(iter_corpus(datasets / corpus))
    if limit and len(pages) > limit:
        pick = np.linspace(0, len(pages) - 1, limit).round().astype(int)
        pages = [pages[i] for i in sorted(set(pick))]
    out = []
    if labels:
        LABEL_CACHE.mkdir(parents=True, exist_ok=True)
    for page in pages:
        blocks = page_blocks(page.html)
        found = None
        if labels:
            key = hashlib.sha1("\n".join([LABELS, corpus, page.page_id, *blocks.lines]).encode())
            path = LABEL_CACHE / f"{key.hexdigest()}.json"
            if path.exists():
                found = json.loads(path.read_text("utf-8"))
            else:
                found = block_labels(page, blocks)
                path.write_text(json.dumps(found), encoding="utf-8")
        out.append(LabelledPage(page, blocks, found))
    return out


def corpus_weights(pages: Sequence[LabelledPage], cap: float) -> list[float]:
    """Each corpus counts about as much as the others, whatever its size; a
    small corpus's pages weigh at most ``cap`` times a page of the mean."""
    sizes: dict[str, int] = {}
    for p in pages:
        sizes[p.page.corpus] = sizes.get(p.page.corpus, 0) + 1
    mean = len(pages) / max(len(sizes), 1)
    return [min(cap, mean / sizes[p.page.corpus]) for p in pages]


def site_group(page: Page) -> str:
    """Cross-validation group: the site (across corpora), or the page if unknown."""
    return page.site if page.site not in ("", "unknown") else f"{page.corpus}/{page.page_id}"


def fit_pages(pages: Sequence[LabelledPage], config: HtmlConfig | None = None) -> HtmlModel:
    """Fit an `HtmlModel` on labelled pages; folds are grouped by `site_group`."""
    config = config or HtmlConfig()
    return HtmlModel(config).fit(
        [p.blocks for p in pages],
        [p.labels for p in pages],
        [site_group(p.page) for p in pages],
        corpus_weights(pages, config.corpus_weight_cap),
    )


def train_html(
    datasets: Path,
    out: Path,
    corpora: Sequence[str] = LICENSED,
    config: HtmlConfig | None = None,
    limit: int = 0,
    log: Callable[[str], None] = print,
) -> dict:
    """Fit the HTML model on ``corpora`` read from ``datasets``, save it to
    ``out`` and return its card."""
    forbidden = [c for c in corpora if c.startswith(MEASURE_ONLY)]
    if forbidden:
        raise ValueError(f"{', '.join(forbidden)} may not train a model (measure only)")
    config = config or HtmlConfig()
    started = time.perf_counter()
    pages = [p for corpus in corpora for p in load_corpus(datasets, corpus, limit)]
    log(f"training on {len(pages)} pages of {', '.join(corpora)}")
    model = fit_pages(pages, config)
    counts: dict[str, dict[str, int]] = {}
    for p in pages:
        c = counts.setdefault(p.page.corpus, {"pages": 0, "body": 0, "debris": 0})
        c["pages"] += 1
        c["body"] += sum(v is False for v in p.labels or ())
        c["debris"] += sum(v is True for v in p.labels or ())
    card = {
        "model": "stripper.models.html.HtmlModel",
        "data": {
            "corpora": list(corpora),
            "labels": "align_lines against gold; trafilatura-eval by keep/drop snippets; "
            "blocks in reader-comment threads debris (stripper.training.corpora.label_page)",
            "counts": counts,
        },
        "limit": limit,
        "threshold": model.threshold_,
        "rebuild": "python -m stripper train --html --datasets ../shared/datasets"
        f" --out {out}" + (f" --limit {limit}" if limit else ""),
        "train_seconds": round(time.perf_counter() - started, 1),
    }
    save_model(model, out, card)
    log(f"saved {out}; threshold {model.threshold_:.2f}")
    return card
