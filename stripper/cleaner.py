"""The public cleaning API: `Stripper`, `clean` and `load_model`."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .config import Config
from .dom import HtmlModel, load_html_model, page_blocks
from .lines import join_kept, newline_of, reading_order, split_cells, split_lines
from .model import LineModel, load_model, shipped_model_path


@dataclass(frozen=True)
class LineVerdict:
    """The decision on one non-blank line."""

    number: int  #: index of the line in the document (0-based, blank lines counted)
    text: str  #: the line, or one cell of it (`stripper.lines.split_cells`)
    is_debris: bool
    probability: float  #: estimated probability that the line is debris


@dataclass(frozen=True)
class Cleaned:
    """A cleaned document and what was taken out of it."""

    text: str
    lines_kept: int  #: non-blank lines kept (cells, where a line was cut into cells)
    lines_removed: int
    bytes_removed: int
    lines: tuple[str, ...]  #: the document's lines (or their cells), blank ones included
    probabilities: np.ndarray  #: debris probability per line, NaN for blank lines
    threshold: float
    rows: tuple[int, ...] | None = None  #: the line of each entry of ``lines`` if cells

    @property
    def verdicts(self) -> tuple[LineVerdict, ...]:
        """The decision on each non-blank line (or cell), in order."""
        return tuple(
            LineVerdict(
                i if self.rows is None else self.rows[i],
                self.lines[i],
                bool(p >= self.threshold),
                float(p),
            )
            for i, p in enumerate(self.probabilities.tolist())
            if p == p  # not NaN: a non-blank line
        )


class Stripper:
    """Removes boilerplate lines from scraped text with a trained model.

    Text is cleaned by the line model (``model``); HTML pages by the DOM
    model (``html_model``), which also sees tags, classes and link density.
    Models are loaded once, on first use; a `Stripper` pickles without them,
    so it is cheap to send to worker processes.

    >>> page = (
    ...     "Skip to main content\\nHome\\nSport\\n\\n"
    ...     "The river rose overnight, and by dawn it had reached the old mill.\\n\\n"
    ...     "Volunteers filled sandbags until noon, when the water began to fall.\\n\\n"
    ...     "Share on Facebook\\nScroll to Top\\n"
    ... )
    >>> for verdict in Stripper().classify(page):
    ...     print("debris" if verdict.is_debris else "body  ", verdict.text)
    debris Skip to main content
    debris Home
    debris Sport
    body   The river rose overnight, and by dawn it had reached the old mill.
    body   Volunteers filled sandbags until noon, when the water began to fall.
    debris Share on Facebook
    debris Scroll to Top
    """

    def __init__(
        self,
        model: LineModel | str | Path | None = None,
        threshold: float | None = None,
        config: Config | None = None,
        html_model: str | Path | None = None,
    ) -> None:
        self.config = config or Config()
        self._threshold = self.config.threshold if threshold is None else threshold
        if self._threshold is not None and not 0.0 <= self._threshold <= 1.0:
            raise ValueError(f"threshold must be between 0 and 1, got {self._threshold}")
        self._model_given = isinstance(model, LineModel)
        self._model_path = None if self._model_given else model
        self._model = model if self._model_given else None
        self._html_model_path = html_model
        self._html_model: HtmlModel | None = None

    @property
    def model(self) -> LineModel:
        """The line model, loaded on first access."""
        if self._model is None:
            self._model = load_model(self._model_path or shipped_model_path())
        return self._model

    @property
    def html_model(self) -> HtmlModel:
        """The DOM block model for HTML pages, loaded on first access."""
        if self._html_model is None:
            self._html_model = load_html_model(self._html_model_path)
        return self._html_model

    @property
    def threshold(self) -> float:
        """Debris probability at which a line is removed (default: the model's)."""
        return self.model.threshold_ if self._threshold is None else self._threshold

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        if not self._model_given:
            state["_model"] = None  # reloaded lazily in the receiving process
        state["_html_model"] = None
        return state

    def clean(self, text: str) -> str:
        """Return ``text`` without its debris lines."""
        return self.clean_document(text).text

    def clean_html(self, html: str | bytes, url: str | None = None) -> str:
        """Return the article text of an HTML page, one block per line.

        Bytes are decoded as a browser would. ``url`` is accepted for API
        stability; the current model does not use it.
        """
        return self.clean_html_document(html).text

    def clean_html_document(self, html: str | bytes) -> Cleaned:
        """Extract one page's article text and count the blocks removed.

        The page is walked into text blocks (the lines a scraper would
        write, `stripper.dom.html_to_text`) and each block is classified
        with its DOM context; the result's lines are those blocks.
        """
        blocks = page_blocks(html)
        probabilities = np.full(len(blocks.lines), np.nan)
        if blocks.chains:
            content = [i for i, line in enumerate(blocks.lines) if line]
            probabilities[content] = self.html_model.predict_proba([blocks])[0]
        threshold = self.html_model.threshold_ if self._threshold is None else self._threshold
        rendered = "".join(line + "\n" for line in blocks.lines)
        return _assemble(rendered, blocks.lines, probabilities, threshold)

    def classify(self, text: str) -> list[LineVerdict]:
        """One verdict per non-blank line of ``text``."""
        return list(self.clean_document(text).verdicts)

    def clean_document(self, text: str) -> Cleaned:
        """Clean one document and count what was removed."""
        return next(self.clean_many([text]))

    def clean_many(self, texts: Iterable[str]) -> Iterator[Cleaned]:
        """Clean documents in vectorised batches, yielding results in order."""
        batch: list[str] = []
        for text in texts:
            batch.append(text)
            if len(batch) >= self.config.batch_size:
                yield from self._clean_batch(batch)
                batch = []
        if batch:
            yield from self._clean_batch(batch)

    def _clean_batch(self, texts: list[str]) -> Iterator[Cleaned]:
        documents = [_cells(text) for text in texts]
        orders = [None if rows is None else reading_order(cells, rows) for cells, rows in documents]
        read = [
            cells if order is None else [cells[i] for i in order]
            for (cells, _), order in zip(documents, orders)
        ]
        probabilities = self.model.predict_proba(read)
        for text, (cells, rows), order, proba in zip(texts, documents, orders, probabilities):
            if order is not None:  # from reading order back to the text's
                proba = proba[np.argsort(order)]
            yield _assemble(text, cells, proba, self.threshold, rows)


def _cells(text: str) -> tuple[list[str], list[int] | None]:
    """The document's lines cut into cells, and the line of each cell (None:
    no line has a column gap, the common case, checked once per document)."""
    lines = split_lines(text)
    if "   " not in text and "\t" not in text:
        return lines, None
    cells, rows = split_cells(lines)
    return (cells, rows) if len(cells) > len(lines) else (lines, None)


def _assemble(
    text: str,
    lines: list[str],
    probabilities: np.ndarray,
    threshold: float,
    rows: list[int] | None = None,
) -> Cleaned:
    """A `Cleaned` from a document's lines (or cells, with their ``rows``)
    and their debris probabilities."""
    blank = np.isnan(probabilities)
    debris = probabilities >= threshold  # False for NaN
    cleaned = join_kept(lines, (~debris).tolist(), newline_of(text), blank.tolist(), rows)
    removed = int(debris.sum())
    return Cleaned(
        text=cleaned,
        lines_kept=int((~blank).sum()) - removed,
        lines_removed=removed,
        bytes_removed=max(0, _utf8_size(text) - _utf8_size(cleaned)),  # output adds a final newline
        lines=tuple(lines),
        probabilities=probabilities,
        threshold=threshold,
        rows=None if rows is None else tuple(rows),
    )


def _utf8_size(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


@functools.cache
def _default_stripper() -> Stripper:
    return Stripper()


def clean(text: str) -> str:
    """Clean ``text`` with the shipped model and default settings.

    >>> clean("Powered by Blogger.\\n")
    ''
    """
    return _default_stripper().clean(text)


def clean_html(html: str | bytes, url: str | None = None) -> str:
    """Extract the article text of an HTML page with the shipped model.

    >>> clean_html(
    ...     "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
    ...     "<p>The ferry resumed its crossings on Monday after a week of storms.</p>"
    ... )
    'The ferry resumed its crossings on Monday after a week of storms.\\n'
    """
    return _default_stripper().clean_html(html, url)


__all__ = ["Cleaned", "LineVerdict", "Stripper", "clean", "clean_html", "load_model"]
