"""The public cleaning API: `Stripper`, and `clean` and `clean_html` with the shipped models.

Text is cut into lines (or cells, `stripper.text.cells.Layout`), scored by
the line model and joined back from the kept lines; an HTML page is walked
into blocks (`stripper.html.blocks.page_blocks`), scored by the HTML model
and joined back the same way.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .config import Config
from .html.blocks import page_blocks
from .models.files import load_html_model, load_model
from .models.html import HtmlModel
from .models.line import LineModel
from .text.cells import Layout
from .text.lines import join_kept, newline_of


@dataclass(frozen=True)
class LineVerdict:
    """The decision on one non-blank line."""

    number: int  #: index of the line in the document (0-based, blank lines counted)
    text: str  #: the line, or one cell of it (`stripper.text.cells.split_cells`)
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
        html_model: HtmlModel | str | Path | None = None,
    ) -> None:
        self.config = config or Config()
        self._threshold = self.config.threshold if threshold is None else threshold
        if self._threshold is not None and not 0.0 <= self._threshold <= 1.0:
            raise ValueError(f"threshold must be between 0 and 1, got {self._threshold}")
        # each model: given as an object, or loaded from a path (None: the shipped one)
        self._sources = {"text": model, "html": html_model}
        self._loaded: dict[str, LineModel | HtmlModel] = {}

    @property
    def model(self) -> LineModel:
        """The line model, loaded on first access."""
        return self._get("text", LineModel, load_model)

    @property
    def html_model(self) -> HtmlModel:
        """The DOM block model for HTML pages, loaded on first access."""
        return self._get("html", HtmlModel, load_html_model)

    def _get(self, kind: str, cls: type, load):
        source = self._sources[kind]
        if isinstance(source, cls):
            return source
        if kind not in self._loaded:
            self._loaded[kind] = load(source)
        return self._loaded[kind]

    def __getstate__(self) -> dict:
        """Pickled without the models loaded from files: the receiving
        process loads them (once per process) when it first needs them."""
        return {**self.__dict__, "_loaded": {}}

    @property
    def threshold(self) -> float:
        """Debris probability at which a line is removed (default: the model's)."""
        return self.model.threshold_ if self._threshold is None else self._threshold

    def clean(self, text: str) -> str:
        """Return ``text`` without its debris lines."""
        return self.clean_document(text).text

    def clean_html(self, html: str | bytes) -> str:
        """Return the article text of an HTML page, one block per line.

        Bytes are decoded as a browser would.
        """
        return self.clean_html_document(html).text

    def clean_html_document(self, html: str | bytes) -> Cleaned:
        """Extract one page's article text and count the blocks removed.

        The page is walked into text blocks (the lines a scraper would
        write, `stripper.html.blocks.html_to_text`) and each block is classified
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
        """Clean documents in vectorised groups of `Config.batch_size`, yielding
        results in order."""
        group: list[str] = []
        for text in texts:
            group.append(text)
            if len(group) >= self.config.batch_size:
                yield from self._clean_together(group)
                group = []
        if group:
            yield from self._clean_together(group)

    def _clean_together(self, texts: list[str]) -> Iterator[Cleaned]:
        layouts = [Layout.of(text) for text in texts]
        probabilities = self.model.predict_proba([layout.read() for layout in layouts])
        for text, layout, proba in zip(texts, layouts, probabilities):
            proba = layout.unread(proba)
            yield _assemble(text, layout.units, proba, self.threshold, layout.rows)


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


def clean_html(html: str | bytes) -> str:
    """Extract the article text of an HTML page with the shipped model.

    >>> clean_html(
    ...     "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
    ...     "<p>The ferry resumed its crossings on Monday after a week of storms.</p>"
    ... )
    'The ferry resumed its crossings on Monday after a week of storms.\\n'
    """
    return _default_stripper().clean_html(html)
