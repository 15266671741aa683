"""Cutting lines into cells at column gaps, and reading the cells in order.

Text browsers (lynx, w3m, inscriptis) lay a page's layout-table columns side
by side, so one line can hold a menu cell and an article paragraph. Such
lines are cut into *cells* at column gaps (`split_cells`), the cells are
read column by column (`reading_order`), and the cells are what is
classified; a line whose cells are all kept comes back whole
(`stripper.text.lines.join_kept`).
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .lines import is_blank, split_lines

#: Where a line is cut into cells: before a run of three or more spaces, or
#: of tabs, between two non-space characters. The gap stays with the cell
#: after it, so a line's cells joined give the line back.
_COLUMN_GAP = re.compile(r"(?<=\S)(?= {3,}\S|\t[ \t]*\S)")
#: Lines without column gaps in a row after which a layout table counts as
#: ended: a menu column often runs on a line or two past the article beside
#: it, but a page's header and footer tables are not one table with the
#: article between them.
TABLE_PAUSE = 3


def split_cells(lines: Sequence[str]) -> tuple[list[str], list[int]]:
    """Cut ``lines`` at column gaps; return the cells and the line of each.

    >>> split_cells(["Home     Rain is due by noon.", "", "No gaps here."])
    (['Home', '     Rain is due by noon.', '', 'No gaps here.'], [0, 0, 1, 2])
    """
    cells: list[str] = []
    rows: list[int] = []
    for row, line in enumerate(lines):
        parts = _COLUMN_GAP.split(line) if "   " in line or "\t" in line else (line,)
        cells.extend(parts)
        rows.extend([row] * len(parts))
    return cells, rows


def reading_order(cells: Sequence[str], rows: Sequence[int]) -> list[int]:
    """Indices of ``cells`` (from `split_cells`) in the order a person reads them.

    Text browsers print a layout table row by row, so a menu column and the
    article beside it come out interleaved, a menu item, then a paragraph,
    then a menu item. A table runs from a line with several cells to the
    last one that follows with at most `TABLE_PAUSE` lines between them,
    and its cells are read column by column. Column n starts where the
    table's leftmost n-th cell of a line starts its text, and a cell is in
    the rightmost column its text reaches: a line whose menu cell is empty
    puts its article cell first and its sidebar cell second, and they still
    go to the article's and the sidebar's columns. A blank line goes to the
    last column (paragraph breaks belong to the widest text). Cells outside
    tables keep their place.

    >>> cells, rows = split_cells(["Home     Rain is due.", "News", "Sport    More at noon."])
    >>> [cells[i].strip() for i in reading_order(cells, rows)]
    ['Home', 'News', 'Sport', 'Rain is due.', 'More at noon.']
    """
    ordinal, offset, row_end = [], [], {}
    position, k = 0, 0
    for i, cell in enumerate(cells):
        if i == 0 or rows[i] != rows[i - 1]:
            position, k = 0, 0
        ordinal.append(k)
        offset.append(position + len(cell) - len(cell.lstrip()))
        position, k = position + len(cell), k + 1
        row_end[rows[i]] = i
    order: list[int] = []
    for first, last in _tables([i for i, k in enumerate(ordinal) if k], ordinal, rows, row_end):
        table = range(first, last + 1)
        starts: dict[int, int] = {}  # column -> leftmost text offset of its cells
        for i in table:
            if ordinal[i]:
                starts[ordinal[i]] = min(offset[i], starts.get(ordinal[i], offset[i]))
        column_of = _column_finder(starts)
        last_column = max(starts)
        columns = [last_column if is_blank(cells[i]) else column_of(offset[i]) for i in table]
        order += range(len(order), first)
        order += [i for _, i in sorted(zip(columns, table))]
    return order + list(range(len(order), len(cells)))


def _column_finder(starts: dict[int, int]) -> Callable[[int], int]:
    """A function giving, for a text offset, the rightmost column (by number)
    whose start is at or before it (0 if none): one binary search per cell,
    so a line of thousands of cells costs no more per cell than a short one."""
    by_start = sorted(starts.items(), key=lambda item: item[1])
    bounds = [start for _, start in by_start]
    rightmost = list(itertools.accumulate((k for k, _ in by_start), max))

    def column_of(offset: int) -> int:
        reached = bisect.bisect_right(bounds, offset)
        return rightmost[reached - 1] if reached else 0

    return column_of


def _tables(
    later: list[int], ordinal: list[int], rows: Sequence[int], row_end: dict[int, int]
) -> list[tuple[int, int]]:
    """(first, last) cell index of each layout table, given ``later``, the
    cells that are not the first of their line."""
    spans: list[tuple[int, int]] = []
    for i in later:
        if spans and rows[i] - rows[spans[-1][1]] <= TABLE_PAUSE + 1:
            spans[-1] = (spans[-1][0], row_end[rows[i]])
        else:
            spans.append((i - ordinal[i], row_end[rows[i]]))
    return spans


def read_cells(lines: Sequence[str]) -> tuple[list[str], list[int]]:
    """The cells of ``lines`` as stripper classifies them (`split_cells` in
    `reading_order`), and the line of each."""
    cells, rows = split_cells(lines)
    order = reading_order(cells, rows)
    return [cells[i] for i in order], [rows[i] for i in order]


@dataclass(frozen=True)
class Layout:
    """A document as stripper classifies it: its lines, or, where a line has
    column gaps, their cells, and the order they are read in."""

    units: list[str]  #: the lines, or the cells, in the document's order
    rows: list[int] | None  #: the line of each cell; None where no line was cut
    order: list[int] | None  #: the cells in reading order; None where no line was cut

    @classmethod
    def of(cls, text: str) -> Layout:
        """The layout of a document; a text without three spaces or a tab in a
        row (the common case) is never looked at line by line."""
        lines = split_lines(text)
        if "   " not in text and "\t" not in text:
            return cls(lines, None, None)
        cells, rows = split_cells(lines)
        if len(cells) == len(lines):
            return cls(lines, None, None)
        return cls(cells, rows, reading_order(cells, rows))

    def read(self) -> list[str]:
        """The units in reading order, as the model sees them."""
        return self.units if self.order is None else [self.units[i] for i in self.order]

    def unread(self, values: np.ndarray) -> np.ndarray:
        """``values`` given in reading order, put back in the document's order."""
        return values if self.order is None else values[np.argsort(self.order)]
