"""Fuzzing the public entry points with hypothesis: no exception, and what
comes out is made of what went in.

A short, repeatable run (a fixed, small number of examples each);
``scripts/fuzz.py`` runs the same properties on 10,000 or more random cases
per entry point (``STRIPPER_FUZZ_EXAMPLES``).
"""

from __future__ import annotations

import functools
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import stripper
from stripper.html.blocks import html_to_text
from stripper.text.cells import split_cells
from stripper.text.lines import split_lines
from stripper.training.labels import LabelFormatError, parse_labelled

EXAMPLES = int(os.environ.get("STRIPPER_FUZZ_EXAMPLES", "40"))
SHORT = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize="STRIPPER_FUZZ_EXAMPLES" not in os.environ,
    database=None,
)

#: Characters scraped text is made of, and those that break naive code:
#: line and cell separators of every kind, BOMs, NUL, surrogates, combining marks.
awkward = st.sampled_from(
    [
        "\n",
        "\r",
        "\r\n",
        "\t",
        "   ",
        "\x00",
        "\ufeff",
        "\u2028",
        "\x85",
        "\xa0",
        "\ud800",
        "e\u0301",
    ]
)
words = st.sampled_from(
    ["Share this", "Home", "0 comments", "The council approved the bridge.", "©", "| News |"]
)
texts = st.lists(st.one_of(st.text(max_size=40), awkward, words), max_size=30).map("".join)
tags = st.sampled_from(["p", "div", "a", "li", "nav", "footer", "pre", "table", "td", "br", "b"])
fragments = st.one_of(
    texts,
    tags.map(lambda t: f"<{t}>"),
    tags.map(lambda t: f"</{t}>"),
    st.sampled_from(["<!--", "-->", "<script>", "<title>", "&amp;", "&#0;", "<p class='x'", "<"]),
)
pages = st.lists(fragments, max_size=40).map("".join)
label_rows = st.lists(
    st.one_of(
        st.tuples(st.sampled_from(["+ ", "- ", "? ", "", "+", "x ", "-\t"]), st.text(max_size=20)),
    ),
    max_size=20,
).map(lambda rows: "\n".join(marker + text for marker, text in rows))


def is_made_of(output: list[str], source: list[str]) -> bool:
    """Every output line is an input line, or some of its cells, in the input's order.

    A line with column gaps may come back as some of its cells only (the
    first without its gap, `stripper.text.lines.join_kept`); a blank output
    line is a paragraph break standing for lines left out.
    """
    remaining = iter(source)
    return all(any(is_cut_of(line, candidate) for candidate in remaining) for line in output)


def is_cut_of(line: str, source: str) -> bool:
    """Whether ``line`` is ``source``, or some of its cells joined in order (the
    first without its gap unless it starts the line), or a blank line."""
    if not line.strip() or line == source:
        return True
    cells = split_cells([source])[0]

    @functools.cache
    def fits(start: int, at: int) -> bool:  # line[at:] is made of cells from ``start`` on
        if at == len(line):
            return at > 0
        for index in range(start, len(cells)):
            piece = cells[index].lstrip() if at == 0 and index else cells[index]
            if piece and line.startswith(piece, at) and fits(index + 1, at + len(piece)):
                return True
        return False

    return fits(0, 0)


def check_clean(text: str) -> None:
    cleaned = stripper.clean(text)
    assert is_made_of(split_lines(cleaned), split_lines(text))


def check_clean_html(page: str | bytes) -> None:
    cleaned = stripper.clean_html(page)
    assert is_made_of(split_lines(cleaned), split_lines(html_to_text(page)))


def check_classify(text: str) -> None:
    lines = split_lines(text)
    verdicts = stripper.Stripper().classify(text)
    numbers = [v.number for v in verdicts]
    assert numbers == sorted(numbers)
    for verdict in verdicts:
        assert verdict.text in lines[verdict.number]
        assert 0.0 <= verdict.probability <= 1.0


def check_parse_labelled(text: str) -> None:
    try:
        document = parse_labelled(text)
    except LabelFormatError as error:
        assert str(error).startswith("<text>:")
        return
    assert len(document.lines) == len(document.labels)
    assert document.text == "\n".join(row[2:] for row in text.split("\n"))


@SHORT
@given(texts)
def test_clean_returns_lines_of_its_input(text: str) -> None:
    check_clean(text)


@SHORT
@given(st.one_of(pages, pages.map(lambda p: p.encode("utf-8", "surrogatepass")), st.binary()))
def test_clean_html_returns_lines_of_the_pages_text(page: str | bytes) -> None:
    check_clean_html(page)


@SHORT
@given(texts)
def test_classify_judges_each_line_or_cell_of_its_input(text: str) -> None:
    check_classify(text)


@SHORT
@given(st.one_of(label_rows, st.text(max_size=80)))
def test_the_label_parser_reads_or_refuses_in_one_line(text: str) -> None:
    check_parse_labelled(text)
