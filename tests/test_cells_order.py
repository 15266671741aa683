"""Reading order of cells: the linear-time version reads cells exactly as the
quadratic one it replaced, on random layouts with column gaps."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from stripper.text.cells import TABLE_PAUSE, _tables, reading_order, split_cells
from stripper.text.lines import is_blank


def quadratic_reading_order(cells: list[str], rows: list[int]) -> list[int]:
    """`reading_order` as it was before it searched columns by bisection:
    every cell scanned every column of its table."""
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
        starts: dict[int, int] = {}
        for i in table:
            if ordinal[i]:
                starts[ordinal[i]] = min(offset[i], starts.get(ordinal[i], offset[i]))
        columns = [
            max(starts)
            if is_blank(cells[i])
            else max((k for k, start in starts.items() if start <= offset[i]), default=0)
            for i in table
        ]
        order += range(len(order), first)
        order += [i for _, i in sorted(zip(columns, table))]
    return order + list(range(len(order), len(cells)))


words = st.text(alphabet="abcé1.", min_size=0, max_size=6)
gaps = st.sampled_from(["", " ", "  ", "   ", "     ", "\t", " \t ", "          "])
#: A line of words and gaps: sometimes none (plain lines end tables after
#: `TABLE_PAUSE` of them), sometimes many, with cells of uneven widths.
line = st.lists(st.tuples(gaps, words), max_size=8).map(
    lambda parts: "".join(g + w for g, w in parts)
)
layouts = st.lists(st.one_of(line, st.just(""), words), max_size=3 * TABLE_PAUSE + 12)


@settings(max_examples=400, deadline=None)
@given(layouts)
def test_reading_order_reads_cells_as_the_quadratic_version_did(lines: list[str]) -> None:
    cells, rows = split_cells(lines)
    assert reading_order(cells, rows) == quadratic_reading_order(cells, rows)


@settings(max_examples=200, deadline=None)
@given(layouts)
def test_reading_order_is_a_permutation_of_the_cells(lines: list[str]) -> None:
    cells, rows = split_cells(lines)
    assert sorted(reading_order(cells, rows)) == list(range(len(cells)))


def test_a_line_of_many_cells_reads_left_to_right() -> None:
    cells, rows = split_cells(["menu    " + "cell    " * 5000 + "end"])
    assert reading_order(cells, rows) == list(range(len(cells)))
