"""`StripperStep`: a datatrove pipeline step that cleans documents with stripper.

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from stripper.integrations.datatrove import StripperStep

    LocalPipelineExecutor(
        pipeline=[JsonlReader("in/"), StripperStep(), JsonlWriter("out/")],
        tasks=4, workers=2, logging_dir="logs/",
    ).run()

Where a document's HTML is (``mode``):

* ``"text"``: ``doc.text`` is scraped text; its debris lines are removed
  (batched through `Stripper.clean_many`);
* ``"html"``: the page is ``doc.metadata[html_key]`` if the document has
  one, else ``doc.text`` (where datatrove's own ``WarcReader`` puts it);
  ``doc.text`` becomes the article text, the page's declared title goes in
  ``doc.metadata["title"]`` (unless the document has one), and the page
  leaves the metadata unless ``keep_html`` (it is large, and writers would
  copy it);
* ``"auto"`` (the default): per document, ``"html"`` if there is a page in
  the metadata or ``doc.text`` is one (`looks_like_html`), else ``"text"``.

Each document gets ``stripper_lines_kept``, ``stripper_lines_removed``,
``stripper_bytes_removed`` and ``stripper_mode`` in its metadata (flat keys,
so writers and filters see them as columns), and the step's datatrove stats
count ``documents``, ``text`` and ``html`` documents, ``lines_kept``,
``lines_removed``, ``bytes_removed``, ``forwarded``, ``dropped_empty``,
``clean_error`` and ``model_loads``. Documents left empty are dropped
(``drop_empty``); a document whose cleaning fails is dropped or passed on
unchanged (``on_error``), and never stops its batch.

datatrove pickles the whole pipeline for every task, so the step holds only
its settings; the `Stripper` lives in a cache of this module, and a worker
process loads the model once however many tasks it runs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Literal

try:
    from datatrove.data import Document, DocumentsPipeline
    from datatrove.pipeline.base import PipelineStep
    from datatrove.utils.logging import logger
except ImportError:
    raise ImportError(
        'stripper.integrations.datatrove needs datatrove: pip install "stripper[datatrove]"'
    ) from None

from ..api import Cleaned, Stripper

Mode = Literal["auto", "text", "html"]
PREFIX = "stripper_"

_PAGE_START = re.compile(
    r"\A\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*(?:<!doctype\s+html|<html|<head|<body)",
    re.I | re.S,
)
_COMMON_TAG = re.compile(
    r"<(?:p|div|a|span|br|li|ul|td|tr|table|script|style|meta|link|img|h[1-6])\b", re.I
)

#: One `Stripper` per worker process and settings: (model, html model, threshold) -> Stripper.
_STRIPPERS: dict[tuple, Stripper] = {}


def looks_like_html(text: str, head: int = 4096) -> bool:
    """Whether ``text`` is a web page rather than text that mentions a tag.

    >>> looks_like_html("<!DOCTYPE html><html><body>Hi</body></html>")
    True
    >>> looks_like_html("Wrap a paragraph in <p> and a block in <div>.")
    False
    """
    start = text[:head]
    if _PAGE_START.match(start):
        return True
    return start.lstrip().startswith("<") and len(_COMMON_TAG.findall(start)) >= 8


class StripperStep(PipelineStep):
    """Removes boilerplate from ``doc.text``, or extracts the article of a page."""

    name = "✂️ stripper"
    type = "✂️ - CLEAN"

    def __init__(
        self,
        mode: Mode = "auto",
        html_key: str = "html",
        keep_html: bool = False,
        drop_empty: bool = True,
        on_error: Literal["drop", "keep"] = "drop",
        batch_size: int = 64,
        model: str | None = None,
        html_model: str | None = None,
        threshold: float | None = None,
    ) -> None:
        super().__init__()
        if mode not in ("auto", "text", "html"):
            raise ValueError(f"mode must be 'auto', 'text' or 'html', not {mode!r}")
        if on_error not in ("drop", "keep"):
            raise ValueError(f"on_error must be 'drop' or 'keep', not {on_error!r}")
        self.mode, self.html_key, self.keep_html = mode, html_key, keep_html
        self.drop_empty, self.on_error, self.batch_size = drop_empty, on_error, batch_size
        # paths as strings: the step is pickled for every task, the models are not
        self.models = (None if model is None else str(model),
                       None if html_model is None else str(html_model), threshold)  # fmt: skip

    @property
    def stripper(self) -> Stripper:
        """This process's `Stripper` for the step's settings, its model loaded."""
        if self.models not in _STRIPPERS:
            model, html_model, threshold = self.models
            stripper = Stripper(model=model, html_model=html_model, threshold=threshold)
            # load now (a bad model fails the task at its start), only what the mode needs
            _ = (
                self.mode != "html" and stripper.model,
                self.mode != "text" and stripper.html_model,
            )
            _STRIPPERS[self.models] = stripper
            self.stat_update("model_loads")
        return _STRIPPERS[self.models]

    def mode_of(self, doc: Document) -> Literal["text", "html"]:
        """How one document is cleaned."""
        if self.mode != "auto":
            return self.mode
        if doc.metadata.get(self.html_key) or looks_like_html(doc.text):
            return "html"
        return "text"

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        """Clean the documents in batches of ``batch_size``, passing on those kept."""
        batch: list[Document] = []
        for doc in data or ():
            self.stat_update("documents")
            batch.append(doc)
            if len(batch) >= self.batch_size:
                yield from self._clean_batch(batch)
                batch = []
        if batch:
            yield from self._clean_batch(batch)

    def _clean_batch(self, batch: list[Document]) -> Iterator[Document]:
        with self.track_time(unit="batch"):
            modes = [self.mode_of(doc) for doc in batch]
            results = self._clean(batch, modes)
        for doc, mode, result in zip(batch, modes, results):
            if isinstance(result, Exception):
                self.stat_update("clean_error")
                logger.warning(f"stripper could not clean {doc.id} ({self.on_error}): {result!r}")
                if self.on_error == "keep":
                    self.stat_update("forwarded")
                    yield doc
                continue
            self._record(doc, mode, result)
            if self.drop_empty and not doc.text.strip():
                self.stat_update("dropped_empty")
                continue
            self.stat_update("forwarded")
            self.update_doc_stats(doc)
            yield doc

    def _clean(self, batch: list[Document], modes: list[str]) -> list[Cleaned | Exception]:
        """The cleaned version of each document, or the error cleaning it raised."""
        stripper = self.stripper
        results: list[Cleaned | Exception] = [ValueError("not cleaned")] * len(batch)
        texts = [i for i, mode in enumerate(modes) if mode == "text"]
        try:
            for i, cleaned in zip(texts, stripper.clean_many(batch[i].text for i in texts)):
                results[i] = cleaned
        except Exception:  # noqa: BLE001 - find the failing document, one at a time
            for i in texts:
                results[i] = _attempt(stripper.clean_document, batch[i].text)
        for i, mode in enumerate(modes):
            if mode == "html":
                page = batch[i].metadata.get(self.html_key) or batch[i].text
                results[i] = _attempt(stripper.clean_html_document, page)
        return results

    def _record(self, doc: Document, mode: str, cleaned: Cleaned) -> None:
        """Put the cleaned text in the document, and its counts in metadata and stats."""
        doc.text = cleaned.text
        doc.metadata.update({
            f"{PREFIX}lines_kept": cleaned.lines_kept,
            f"{PREFIX}lines_removed": cleaned.lines_removed,
            f"{PREFIX}bytes_removed": cleaned.bytes_removed,
            f"{PREFIX}mode": mode,
        })  # fmt: skip
        if mode == "html" and cleaned.title and "title" not in doc.metadata:
            doc.metadata["title"] = cleaned.title
        if mode == "html" and not self.keep_html:
            doc.metadata.pop(self.html_key, None)
        self.stat_update(mode)
        self.stat_update("lines_kept", value=cleaned.lines_kept)
        self.stat_update("lines_removed", value=cleaned.lines_removed)
        self.stat_update("bytes_removed", value=cleaned.bytes_removed)


def _attempt(clean: Callable[[str], Cleaned], content: str) -> Cleaned | Exception:
    try:
        return clean(content)
    except Exception as error:  # noqa: BLE001 - counted by the caller
        return error
