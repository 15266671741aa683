"""Splitting a document into lines and joining the kept ones back.

A *line* is the unit stripper classifies. Lines end at ``\\n``, ``\\r\\n`` or
``\\r``; the terminator is not part of the line. Output reuses the document's
own newline style, so kept lines come back byte for byte.

Where lines were cut into cells (`stripper.text.cells`), `join_kept` puts
the kept cells of a line back together.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_NEWLINE = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> list[str]:
    """Split ``text`` into lines without their terminators.

    >>> split_lines("a\\r\\nb\\rc\\n")
    ['a', 'b', 'c']
    """
    lines = _NEWLINE.split(text) if "\r" in text else text.split("\n")  # same, 4x faster
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def newline_of(text: str) -> str:
    """Return the first line terminator used in ``text`` (``"\\n"`` if none).

    >>> newline_of("a\\r\\nb")
    '\\r\\n'
    """
    match = _NEWLINE.search(text)
    return match.group() if match else "\n"


def is_blank(line: str) -> bool:
    """True for a line with nothing but whitespace (including NBSP)."""
    return not line or line.isspace()


def join_kept(
    lines: Sequence[str],
    keep: Sequence[bool],
    newline: str = "\n",
    blank: Sequence[bool] | None = None,
    rows: Sequence[int] | None = None,
    open_end: bool = False,
) -> str:
    """Join the kept lines, keeping one blank line where a paragraph broke.

    Blank lines between kept lines collapse to one; blank or removed lines
    at the start and end vanish. The result is a subsequence of ``lines``.
    ``blank`` marks the blank lines when the caller knows them already.
    With ``rows`` (`stripper.text.cells.split_cells`), ``lines`` are cells and the kept cells of
    one line are joined back into it: whole if all are kept, else the kept
    ones with their gaps, the first without its own.

    >>> join_kept(["a", "", "", "x", "b"], [True, False, False, False, True])
    'a\\n\\nb\\n'
    >>> join_kept(["Home", "   Rain is due.", "   Share"], [False, True, False], rows=[0, 0, 0])
    'Rain is due.\\n'
    """
    if blank is None:
        blank = [is_blank(line) for line in lines]
    out: list[str] = []
    gap = False
    last_row = -1
    for i, (line, kept, empty) in enumerate(zip(lines, keep, blank)):
        row = i if rows is None else rows[i]
        if empty:
            gap = True
        elif kept:
            if row == last_row:
                out[-1] += line
                continue
            if out and gap:
                out.append("")
            first_cell = rows is None or i == 0 or rows[i - 1] != row
            out.append(line if first_cell else line.lstrip())
            last_row, gap = row, False
    if not out:
        return ""
    last = len(lines) - 1 if rows is None else rows[-1]
    return newline.join(out) + ("" if open_end and last_row == last else newline)
