"""The ``label`` command: pre-label pages with the model's decisions, for a person to review.

Each page becomes ``DIR/<outlet>/<name>.txt`` in the label format
(`stripper.training.labels`): ``+ `` for a line the model keeps, ``- `` for
one it removes, and ``? `` for one it is unsure of (its debris probability
within ``uncertain`` of the threshold), so that a person checks those first
and a file nobody checked still trains safely (training ignores ``? ``).
Text files are labelled line by line as `Stripper.classify` sees them; HTML
pages as the HTML mode reads them, one block per line. ``DIR/review.html``
(`stripper.cli.review`) shows every page for review.

Existing label files are never replaced without ``overwrite``: they may
hold a person's review. The review page then shows the labels on disk.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ..api import LineVerdict, Stripper
from ..config import Config
from ..models.files import ModelError
from ..text.lines import split_lines
from ..training.labels import LabelFormatError, format_labelled, parse_labelled
from .inputs import InputError, InputFile, decode_text, find_inputs, read_limited
from .outputs import AtomicFile
from .review import write_review_page
from .session import CommandError

#: Default width of the "unsure" band around the threshold. On the
#: multilingual check set (tests/data/languages, never trained on) the
#: shipped model errs on 42% of the lines within 0.2 of its threshold and on
#: 8% of the others: the band holds a fifth of the lines and more than half
#: of the mistakes. On the HTML check pages it holds 8% of the blocks.
DEFAULT_UNCERTAIN = 0.2

REVIEW_PAGE = "review.html"
_OUTLET = re.compile(r"[^./\\][^/\\]*")


@dataclass(frozen=True)
class LabelledPage:
    """One page's lines, the model's labels for them and the labels to show for review."""

    source: Path
    outlet: str
    name: str  #: the label file is ``<outlet>/<name>.txt``
    lines: tuple[str, ...]  #: the document's lines; a last "" if it ends with a newline
    probabilities: tuple[tuple[float, ...], ...]  #: per line, its cells' debris probabilities
    threshold: float
    model_labels: tuple[bool | None, ...]  #: the model's pre-labels (None: unsure or blank)
    labels: tuple[bool | None, ...]  #: the labels for review: the model's, or those on disk

    @property
    def file(self) -> Path:
        """The label file's path below the output folder."""
        return Path(self.outlet, f"{self.name}.txt")

    @property
    def to_check(self) -> int:
        """Non-blank lines without a label."""
        return sum(
            label is None and bool(line.strip()) for line, label in zip(self.lines, self.labels)
        )

    def label_text(self) -> str:
        """The label file's content."""
        return format_labelled(self.lines, self.labels)


def prelabel(
    line_count: int, verdicts: Sequence[LineVerdict], threshold: float, uncertain: float
) -> list[bool | None]:
    """One label per line from the model's verdicts: True debris, False body, None unsure.

    A line is unsure if any of its cells is within ``uncertain`` of the
    threshold, or if its cells disagree; blank lines (no verdict) get None.

    >>> from stripper.api import LineVerdict as V
    >>> prelabel(4, [V(0, "Home", True, 0.9), V(1, "Rain.", False, 0.45),
    ...              V(3, "Menu", True, 0.8), V(3, "Rain fell.", False, 0.1)], 0.5, 0.2)
    [True, None, None, None]
    """
    cells: list[list[LineVerdict]] = [[] for _ in range(line_count)]
    for verdict in verdicts:
        cells[verdict.number].append(verdict)
    labels: list[bool | None] = []
    for line in cells:
        decisions = {v.is_debris for v in line}
        sure = all(abs(v.probability - threshold) >= uncertain for v in line)
        labels.append(decisions.pop() if len(decisions) == 1 and sure else None)
    return labels


def read_page(item: InputFile, stripper: Stripper, outlet: str, uncertain: float) -> LabelledPage:
    """Classify one input file; raises `InputError` if it cannot be read."""
    data = read_limited(item.path, item.compressed, Config().max_document_bytes)
    if item.kind == "html":
        cleaned = stripper.clean_html_document(data)
        verdicts, threshold = cleaned.verdicts, cleaned.threshold
        lines = [*cleaned.lines, ""] if cleaned.lines else []  # one block per line
    else:
        decoded = decode_text(data)
        if decoded.warning:
            _warn(f"{item.path}: {decoded.warning}")
        verdicts, threshold = stripper.classify(decoded.text), stripper.threshold
        lines = split_lines(decoded.text)
        if decoded.text.endswith(("\n", "\r")):
            lines.append("")  # the label file ends with a newline too
    probabilities: list[list[float]] = [[] for _ in lines]
    for verdict in verdicts:
        probabilities[verdict.number].append(round(verdict.probability, 4))
    labels = tuple(prelabel(len(lines), verdicts, threshold, uncertain))
    return LabelledPage(
        source=item.path,
        outlet=outlet,
        name=_stem(item.path.name),
        lines=tuple(lines),
        probabilities=tuple(map(tuple, probabilities)),
        threshold=threshold,
        model_labels=labels,
        labels=labels,
    )


def _stem(name: str) -> str:
    """``"page.html.gz"`` → ``"page"``."""
    return os.path.splitext(name.removesuffix(".gz"))[0]


def check_outlet(name: str) -> str | None:
    """Why ``name`` cannot be an outlet folder's name, or None if it can."""
    if not _OUTLET.fullmatch(name):
        return "must be a folder name: no '/' and not starting with '.'"
    return None


@dataclass
class Tally:
    """What a run did, for the summary."""

    pages: int = 0
    lines: int = 0
    to_check: int = 0
    written: int = 0
    skipped: int = 0
    failed: int = 0


def run_label(
    paths: Sequence[str],
    out: Path,
    stripper: Stripper,
    outlet: str | None = None,
    uncertain: float = DEFAULT_UNCERTAIN,
    overwrite: bool = False,
    pick: int | None = None,
) -> int:
    """Pre-label ``paths`` into ``out`` (only the ``pick`` pages whose labels
    would teach `adapt` most, if given), write the review page, print a
    summary; the exit code."""
    tally = Tally()
    found = find_inputs(paths)
    for path, reason in found.problems:
        _fail(tally, path, reason)
    items = []
    for item in found.inputs:
        if item.kind == "jsonl":
            _fail(tally, item.path, "JSON Lines are not labelled: give one document per file")
        else:
            items.append(item)
    _load_models(stripper, items)
    read: list[LabelledPage] = []
    claimed: dict[Path, Path] = {}
    for item in items:
        page_outlet = outlet or item.path.resolve().parent.name or "pages"
        target = Path(page_outlet, f"{_stem(item.path.name)}.txt")
        if target in claimed:
            reason = f"{claimed[target]} is labelled into {out / target} already; rename one"
            _fail(tally, item.path, reason)
            continue
        claimed[target] = item.path
        try:
            read.append(read_page(item, stripper, page_outlet, uncertain))
        except InputError as error:
            _fail(tally, item.path, str(error))
    if pick is not None and len(read) > pick:
        read = _picked(read, stripper, pick)
    pages: list[LabelledPage] = []
    for page in read:
        page = _save(page, out, overwrite, tally)
        pages.append(page)
        tally.pages += 1
        tally.lines += sum(bool(line.strip()) for line in page.lines)
        tally.to_check += page.to_check
    review = out / REVIEW_PAGE
    if pages:
        write_review_page(review, pages)
    _summary(tally, review if pages else None)
    return 1 if tally.failed else 0


def _picked(pages: list[LabelledPage], stripper: Stripper, k: int) -> list[LabelledPage]:
    """The ``k`` pages `stripper.training.adapt.pick_pages` chooses, in input order."""
    from ..training.adapt import pick_pages

    chosen = {id(page) for page in pick_pages(stripper.model, pages, k)}
    picked = [page for page in pages if id(page) in chosen]
    names = ", ".join(str(page.source) for page in picked)
    print(f"stripper: picked {k} of {len(pages)} pages to label: {names}", file=sys.stderr)
    return picked


def _load_models(stripper: Stripper, items: Sequence[InputFile]) -> None:
    """Load the models the inputs need now, so a broken model is one clear error."""
    try:
        if any(item.kind == "html" for item in items):
            stripper.html_model  # noqa: B018 - loads it
        if any(item.kind != "html" for item in items):
            stripper.model  # noqa: B018 - loads it
    except (ModelError, OSError) as error:
        raise CommandError(str(error)) from error


def _save(page: LabelledPage, out: Path, overwrite: bool, tally: Tally) -> LabelledPage:
    """Write the page's label file unless one exists; return the page as the review shows it."""
    target = out / page.file
    if target.exists() and not overwrite:
        tally.skipped += 1
        print(
            f"stripper: skipped {page.source}: {target} exists and may hold a review "
            "(--overwrite replaces it); the review page shows its labels",
            file=sys.stderr,
        )
        return _with_labels_on_disk(page, target)
    with AtomicFile(target) as file:
        file.write(page.label_text().encode("utf-8"))
    tally.written += 1
    return page


def _with_labels_on_disk(page: LabelledPage, target: Path) -> LabelledPage:
    """The page with the labels of its existing label file, if that file holds this page."""
    try:
        existing = parse_labelled(target.read_text(encoding="utf-8"), name=str(target))
    except (OSError, UnicodeDecodeError, LabelFormatError) as error:
        _warn(f"{target}: {error}; the review page shows the model's labels")
        return page
    if existing.lines != page.lines:
        _warn(f"{target} holds another text than {page.source}; the review page shows the model's")
        return page
    return replace(page, labels=existing.labels)


def _warn(message: str) -> None:
    print(f"stripper: warning: {message}", file=sys.stderr)


def _fail(tally: Tally, path: object, reason: str) -> None:
    tally.failed += 1
    print(f"stripper: {path}: {reason}", file=sys.stderr)


def _summary(tally: Tally, review: Path | None) -> None:
    files = f"{tally.written} label files written, {tally.skipped} skipped, {tally.failed} failed"
    print(
        f"stripper: {tally.pages} pages, {tally.lines:,} lines, {tally.to_check:,} to check "
        f"('? '); {files}",
        file=sys.stderr,
    )
    if review:
        print(
            f"stripper: review them in {review} (opens in any browser; Save downloads the "
            "label file, to be put in its outlet folder)",
            file=sys.stderr,
        )
