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
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..config import Config, HtmlConfig
from ..features.templates import batch_evidence
from ..html.blocks import Blocks, page_blocks
from ..html.teacher import teacher_text
from ..models.files import save_model
from ..models.html import HtmlModel
from .corpora import LICENSED, MEASURE_ONLY, Page, iter_corpus, label_page, read_written_pages

#: Where aligned block labels are kept between runs (aligning is slow).
LABEL_CACHE = Path.home() / ".cache" / "stripper" / "dom-labels"
#: Where trafilatura's texts of the training pages are kept (`HtmlConfig.teacher`).
TEACHER_CACHE = Path.home() / ".cache" / "stripper" / "teacher"
#: Version of the labelling rules, part of the label cache's keys: change it
#: whenever what they read changes (comment threads are found by the DOM flags).
LABELS = "threads-and-openers-debris/declared-discussions-and-topic-classes"


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


#: The modern pages written for this project, which train the HTML model too.
WRITTEN_PAGES = Path(__file__).resolve().parents[2] / "training_data" / "html"


def load_corpus(
    datasets: Path, corpus: str, limit: int = 0, labels: bool = True, teacher: bool = False
) -> list[LabelledPage]:
    """The pages of one corpus walked into blocks, labelled (labels cached on
    disk, keyed by the labelling rules, the page and its blocks), with
    ``teacher`` also trafilatura's text of each page (cached too).

    ``corpus`` names a folder under ``datasets``, or is a folder of pages
    written for this project (`WRITTEN_PAGES`); ``limit`` > 0 keeps an evenly
    spread subsample of that many pages.
    """
    written = Path(corpus).is_dir()
    pages = list(read_written_pages(Path(corpus)) if written else iter_corpus(datasets / corpus))
    if limit and len(pages) > limit:
        pick = np.linspace(0, len(pages) - 1, limit).round().astype(int)
        pages = [pages[i] for i in sorted(set(pick))]
    out = []
    if labels:
        LABEL_CACHE.mkdir(parents=True, exist_ok=True)
    for page in pages:
        blocks = page_blocks(page.html)
        if teacher:
            blocks.teacher = _cached_teacher(page.html)
        found = None
        if labels:
            parts = [LABELS, page.corpus, page.page_id, *blocks.lines]
            key = hashlib.sha1("\n".join(parts).encode())
            path = LABEL_CACHE / f"{key.hexdigest()}.json"
            if path.exists():
                found = json.loads(path.read_text("utf-8"))
            else:
                found = block_labels(page, blocks)
                path.write_text(json.dumps(found), encoding="utf-8")
        out.append(LabelledPage(page, blocks, found))
    return out


def _cached_teacher(html: str) -> str:
    """`teacher_text` of a page, kept on disk by the page's hash."""
    TEACHER_CACHE.mkdir(parents=True, exist_ok=True)
    path = TEACHER_CACHE / f"{hashlib.sha1(html.encode('utf-8', 'replace')).hexdigest()}.txt"
    if path.exists():
        return path.read_text("utf-8")
    text = teacher_text(html)
    path.write_text(text, encoding="utf-8")
    return text


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
    """Fit an `HtmlModel` on labelled pages; folds are grouped by `site_group`,
    and the pages of a site learn its template from each other."""
    config = config or HtmlConfig()
    return HtmlModel(config).fit(
        [p.blocks for p in pages],
        [p.labels for p in pages],
        [site_group(p.page) for p in pages],
        corpus_weights(pages, config.corpus_weight_cap),
        page_evidence(pages, config.site_evidence_share, config.seed),
    )


def page_evidence(pages: Sequence[LabelledPage], share: float, seed: int) -> list:
    """What the other pages of each page's site say of its blocks
    (`stripper.features.templates`), for a ``share`` of the pages drawn
    reproducibly; none for the others and for pages of unknown sites."""
    sites = [p.page.site if p.page.site not in ("", "unknown") else None for p in pages]
    evidence = batch_evidence([p.blocks.lines for p in pages], sites, Config.template_pages)
    rng = random.Random(seed)
    return [rows if rng.random() < share else None for rows in evidence]


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
    corpora = [*corpora, str(WRITTEN_PAGES)]
    pages = [p for c in corpora for p in load_corpus(datasets, c, limit, teacher=config.teacher)]
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
            "corpora": [Path(c).name if Path(c).is_dir() else c for c in corpora],
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
