"""The public cleaning API: `Stripper`, and `clean`, `clean_html` and
`extract_html` with the shipped models.

Text is cut into lines (or cells, `stripper.text.cells.Layout`), scored by
the line model and joined back from the kept lines; an HTML page is walked
into blocks (`stripper.html.blocks.page_blocks`), scored by the HTML model
and joined back the same way.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from .config import Config
from .features.templates import SiteTemplates
from .html.blocks import BLOCK_INDEX, Blocks, page_blocks
from .html.page import normalise
from .models.files import load_html_model, load_model
from .models.prose import densest_prose
from .models.scorers import HtmlScorer, LineScorer
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
    #: lines kept although they score debris: the densest prose of an article
    #: whose every line scored debris (`stripper.models.prose`)
    rescued: frozenset[int] = frozenset()
    #: the title the page declares (JSON-LD headline, og:title or <title>), for HTML
    title: str | None = None

    @property
    def verdicts(self) -> tuple[LineVerdict, ...]:
        """The decision on each non-blank line (or cell), in order."""
        return tuple(
            LineVerdict(
                i if self.rows is None else self.rows[i],
                self.lines[i],
                bool(p >= self.threshold) and i not in self.rescued,
                float(p),
            )
            for i, p in enumerate(self.probabilities.tolist())
            if p == p  # not NaN: a non-blank line
        )


@dataclass(frozen=True)
class Article:
    """The main content of a web page, and what the page says of it."""

    title: str  #: the headline: the page's own heading block, else its declared title
    text: str  #: the body, one block per line, without the headline
    author: str  #: as the page declares it ("" if it does not)
    date: str  #: publication date as YYYY-MM-DD ("" if none is found)
    url: str | None  #: as given
    blocks: tuple[LineVerdict, ...]  #: the verdict on each text block of the page


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
        model: LineScorer | str | Path | None = None,
        threshold: float | None = None,
        config: Config | None = None,
        html_model: HtmlScorer | str | Path | None = None,
        templates: SiteTemplates | None = None,
    ) -> None:
        self.config = config or Config()
        self._threshold = self.config.threshold if threshold is None else threshold
        if self._threshold is not None and not 0.0 <= self._threshold <= 1.0:
            raise ValueError(f"threshold must be between 0 and 1, got {self._threshold}")
        # each model: given as an object, or loaded from a path (None: the shipped one)
        self._sources = {"text": model, "html": html_model}
        self._loaded: dict[str, LineScorer | HtmlScorer] = {}
        #: the lines that recur across the pages of each site (`learn`)
        self.templates = templates

    @property
    def model(self) -> LineScorer:
        """The line model, loaded on first access."""
        return self._get("text", LineScorer, load_model)

    @property
    def html_model(self) -> HtmlScorer:
        """The DOM block model for HTML pages, loaded on first access."""
        return self._get("html", HtmlScorer, load_html_model)

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

    def learn(self, document: str | bytes, site: str, html: bool = False) -> None:
        """Count one page of ``site`` into `templates` (a new one on first use),
        so that the lines its pages share weigh as template when they are
        cleaned with their ``site``: add every page of a batch first."""
        if self.templates is None:
            self.templates = SiteTemplates()
        units = self._blocks(document).lines if html else Layout.of(document).read()
        self.templates.add(units, site)

    def _evidence(self, units: list[str], site: str | None):
        """What the site's other pages say of a document's lines (None: nothing)."""
        if site is None or self.templates is None:
            return None
        return self.templates.evidence(units, site, self.config.template_pages)

    def clean(self, text: str, site: str | None = None) -> str:
        """Return ``text`` without its debris lines."""
        return self.clean_document(text, site).text

    def clean_html(self, html: str | bytes) -> str:
        """Return the article text of an HTML page, one block per line.

        Bytes are decoded as a browser would.
        """
        return self.clean_html_document(html).text

    def clean_html_document(self, html: str | bytes, site: str | None = None) -> Cleaned:
        """Extract one page's article text and count the blocks removed.

        The page is walked into text blocks (the lines a scraper would
        write, `stripper.html.blocks.html_to_text`) and each block is classified
        with its DOM context; the result's lines are those blocks.
        """
        return self._html(self._blocks(html), site)

    def _blocks(self, html: str | bytes) -> Blocks:
        return page_blocks(html, teacher=self.html_model.settings.teacher)

    def _html(self, blocks: Blocks, site: str | None = None) -> Cleaned:
        probabilities = np.full(len(blocks.lines), np.nan)
        if blocks.chains:
            content = [i for i, line in enumerate(blocks.lines) if line]
            evidence = [self._evidence(blocks.lines, site)]
            probabilities[content] = self.html_model.predict_proba([blocks], evidence)[0]
        threshold = self.html_model.threshold_ if self._threshold is None else self._threshold
        rendered = "".join(line + "\n" for line in blocks.lines)
        cleaned = _assemble(rendered, blocks.lines, probabilities, threshold, self.config)
        return replace(cleaned, title=blocks.facts.title or None)

    def extract_html(
        self, html: str | bytes, url: str | None = None, site: str | None = None
    ) -> Article:
        """The article of a web page: its title, its body without the headline,
        its author and date where the page declares them, and the verdict on
        every block.

        The headline is the first kept block if it is the page's ``<h1>`` or
        its declared title (JSON-LD ``headline``, ``og:title``, ``<title>``);
        the date is the declared one, else what htmldate finds in the page.
        """
        blocks = self._blocks(html)
        cleaned = self._html(blocks, site)
        verdicts = cleaned.verdicts
        kept = [v for v in verdicts if not v.is_debris]
        facts = blocks.facts
        tags = dict(zip((i for i, line in enumerate(blocks.lines) if line), blocks.block_tag))
        headline = kept[0] if kept and _is_headline(kept[0], tags, facts.title) else None
        if headline is not None:
            keep = [not v.is_debris and v is not headline for v in verdicts]
            content = [v.number for v in verdicts]
            body = [False] * len(blocks.lines)
            for number, k in zip(content, keep):
                body[number] = k
            text = join_kept(blocks.lines, body)
        else:
            text = cleaned.text
        title = headline.text if headline is not None else facts.title
        return Article(
            title=title,
            text=text,
            author=facts.author,
            date=_date(facts.date, html, url),
            url=url,
            blocks=verdicts,
        )

    def classify(self, text: str) -> list[LineVerdict]:
        """One verdict per non-blank line of ``text``."""
        return list(self.clean_document(text).verdicts)

    def clean_document(self, text: str, site: str | None = None) -> Cleaned:
        """Clean one document and count what was removed."""
        return next(self.clean_many([text], [site]))

    def clean_many(
        self, texts: Iterable[str], sites: Iterable[str | None] | None = None
    ) -> Iterator[Cleaned]:
        """Clean documents in vectorised groups of `Config.batch_size`, yielding
        results in order; ``sites`` (one per text) let the `templates` learnt
        from them weigh in."""
        group: list[tuple[str, str | None]] = []
        for pair in zip(texts, sites) if sites is not None else ((t, None) for t in texts):
            group.append(pair)
            if len(group) >= self.config.batch_size:
                yield from self._clean_together(group)
                group = []
        if group:
            yield from self._clean_together(group)

    def _clean_together(self, group: list[tuple[str, str | None]]) -> Iterator[Cleaned]:
        texts = [text for text, _ in group]
        layouts = [Layout.of(text) for text in texts]
        read = [layout.read() for layout in layouts]
        sites = [site for _, site in group]
        evidence = [self._evidence(units, site) for units, site in zip(read, sites)]
        probabilities = self.model.predict_proba(read, evidence, sites)
        for text, layout, proba in zip(texts, layouts, probabilities):
            proba = layout.unread(proba)
            yield _assemble(text, layout.units, proba, self.threshold, self.config, layout.rows)


def _assemble(
    text: str,
    lines: list[str],
    probabilities: np.ndarray,
    threshold: float,
    config: Config,
    rows: list[int] | None = None,
) -> Cleaned:
    """A `Cleaned` from a document's lines (or cells, with their ``rows``)
    and their debris probabilities; an article whose every line scores
    debris keeps its densest prose (`stripper.models.prose`)."""
    blank = np.isnan(probabilities)
    debris = probabilities >= threshold  # False for NaN
    rescued: frozenset[int] = frozenset()
    if debris.any() and np.count_nonzero(debris) == np.count_nonzero(~blank):
        content = (~blank).nonzero()[0]
        keep = densest_prose([lines[i] for i in content], probabilities[content], config)
        rescued = frozenset(content[keep].tolist())
        debris[content[keep]] = False
    open_end = bool(text) and not text.endswith(("\n", "\r"))
    kept = (~debris).tolist()
    cleaned = join_kept(lines, kept, newline_of(text), blank.tolist(), rows, open_end)
    removed = int(np.count_nonzero(debris))
    return Cleaned(
        text=cleaned,
        lines_kept=int(np.count_nonzero(~blank)) - removed,
        lines_removed=removed,
        bytes_removed=max(0, _utf8_size(text) - _utf8_size(cleaned)),  # output adds a final newline
        lines=tuple(lines),
        probabilities=probabilities,
        threshold=threshold,
        rows=None if rows is None else tuple(rows),
        rescued=rescued,
    )


def _is_headline(verdict: LineVerdict, tags: dict[int, int], title: str) -> bool:
    """Whether a kept block is the page's headline: its ``<h1>``, or the
    declared title (which may carry the site's name after it)."""
    if tags.get(verdict.number) == BLOCK_INDEX["h1"]:
        return True
    text, title = normalise(verdict.text), normalise(title)
    return bool(text) and bool(title) and (text == title or title.startswith(text))


def _date(declared: str, html: str | bytes, url: str | None) -> str:
    """A declared date as YYYY-MM-DD, else the one htmldate finds, else ""."""
    if len(declared) >= 10 and declared[4] == "-" and declared[:4].isdigit():
        return declared[:10]
    import htmldate  # installed with trafilatura; only needed here

    try:
        found = htmldate.find_date(html, extensive_search=False, url=url)
    except Exception:  # noqa: BLE001 - a date is a nicety, never a reason to fail
        return ""
    return found or ""


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


def extract_html(html: str | bytes, url: str | None = None) -> Article:
    """The article of a web page with the shipped HTML model (`Stripper.extract_html`)."""
    return _default_stripper().extract_html(html, url)


def clean_html(html: str | bytes) -> str:
    """Extract the article text of an HTML page with the shipped model.

    >>> clean_html(
    ...     "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
    ...     "<p>The ferry resumed its crossings on Monday after a week of storms.</p>"
    ... )
    'The ferry resumed its crossings on Monday after a week of storms.\\n'
    """
    return _default_stripper().clean_html(html)
