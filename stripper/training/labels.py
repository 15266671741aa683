"""The plain-text label format for training documents.

One file per document; each file line is one document line behind a marker:

* ``+ `` body, ``- `` debris, ``? `` not labelled;
* an empty file line is an empty document line (blank lines carry no label).

Removing the markers gives back the document exactly, so a labelled file is
reviewed in a diff like any text. Documents live in
``<root>/<outlet>/<name>.txt``; the outlet (first folder) groups documents
for cross-validation, so no outlet is ever on both sides of a split.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..text.cells import read_cells

BODY, DEBRIS, UNLABELLED = "+", "-", "?"
_MARKERS = {BODY: False, DEBRIS: True, UNLABELLED: None}


class LabelFormatError(ValueError):
    """A labelled file breaks the format; the message names file and line."""


@dataclass(frozen=True)
class LabelledDocument:
    """A document's lines with, per line, True (debris), False (body) or None."""

    name: str
    group: str
    lines: tuple[str, ...]
    labels: tuple[bool | None, ...]

    @property
    def text(self) -> str:
        """The original document."""
        return "\n".join(self.lines)

    def cells(self) -> LabelledDocument:
        """The document as stripper classifies it: its cells in reading order
        (`stripper.text.cells.read_cells`), each labelled as its line."""
        cells, rows = read_cells(self.lines)
        if len(cells) == len(self.lines):
            return self
        labels = tuple(self.labels[row] for row in rows)
        return LabelledDocument(self.name, self.group, tuple(cells), labels)


def parse_labelled(text: str, name: str = "<text>", group: str = "") -> LabelledDocument:
    """Read one labelled file's content.

    >>> doc = parse_labelled("+ Title\\n\\n- Share this\\n")
    >>> doc.lines, doc.labels
    (('Title', '', 'Share this', ''), (False, None, True, None))
    """
    lines: list[str] = []
    labels: list[bool | None] = []
    for number, row in enumerate(text.split("\n"), start=1):
        if row == "":
            lines.append("")
            labels.append(None)
            continue
        marker, space, line = row[:1], row[1:2], row[2:]
        if marker not in _MARKERS or space != " ":
            raise LabelFormatError(
                f"{name}:{number}: a line must start with '+ ', '- ' or '? ' "
                f"(or be empty), found {row[:12]!r}"
            )
        label = _MARKERS[marker]
        lines.append(line)
        labels.append(None if not line.strip() else label)
    return LabelledDocument(name, group, tuple(lines), tuple(labels))


def format_labelled(lines: Sequence[str], labels: Sequence[bool | None]) -> str:
    """Write lines and labels in the label format (inverse of `parse_labelled`).

    >>> format_labelled(["Title", "", "Share this"], [False, None, True])
    '+ Title\\n\\n- Share this'
    """
    rows = []
    for line, label in zip(lines, labels, strict=True):
        if line == "":
            rows.append("")
        else:
            marker = UNLABELLED if label is None else (DEBRIS if label else BODY)
            rows.append(f"{marker} {line}")
    return "\n".join(rows)


def label_document(text: str, labels: Sequence[bool | None]) -> str:
    """Label a whole document given one label per ``text.split('\\n')`` line."""
    return format_labelled(text.split("\n"), labels)


def read_labelled(path: Path, root: Path | None = None) -> LabelledDocument:
    """Read one labelled file; its group is its first folder below ``root``."""
    path = Path(path)
    relative = path.relative_to(root) if root else Path(path.name)
    group = relative.parts[0] if len(relative.parts) > 1 else path.parent.name
    text = path.read_text(encoding="utf-8")
    return parse_labelled(text, name=str(relative), group=group)


def iter_labelled(paths: Iterable[Path]) -> Iterator[LabelledDocument]:
    """Yield every labelled document under the given files or folders.

    A folder is searched recursively for ``*.txt``; each document's group is
    its outlet folder directly below the folder given.
    """
    for path in map(Path, paths):
        if path.is_dir():
            for file in sorted(path.rglob("*.txt")):
                yield read_labelled(file, root=path)
        elif path.is_file():
            yield read_labelled(path)
        else:
            raise FileNotFoundError(f"no such labelled data: {path}")


def load_documents(paths: Sequence[Path]) -> list[LabelledDocument]:
    """Every labelled document under ``paths``, grouped by outlet folder, in
    cells (`LabelledDocument.cells`) as stripper classifies them."""
    documents = [doc.cells() for doc in iter_labelled(paths)]
    if not documents:
        raise ValueError(f"no labelled documents (*.txt) under {', '.join(map(str, paths))}")
    return documents
