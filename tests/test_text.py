"""Splitting documents into lines and joining the kept ones."""

from stripper.text.cells import reading_order, split_cells
from stripper.text.lines import is_blank, join_kept, newline_of, split_lines


def test_split_lines_accepts_every_newline_style():
    assert split_lines("a\r\nb\rc\nd") == ["a", "b", "c", "d"]


def test_split_lines_keeps_interior_blank_lines_and_drops_final_terminator():
    assert split_lines("a\n\n\nb\n") == ["a", "", "", "b"]


def test_split_lines_does_not_split_on_unicode_separators():
    assert split_lines("a\u2028b\x0cc\n") == ["a\u2028b\x0cc"]


def test_newline_of_reports_the_first_terminator():
    assert newline_of("x\r\ny\nz") == "\r\n"
    assert newline_of("no newline") == "\n"


def test_blank_lines_include_nbsp_and_tabs():
    assert is_blank("") and is_blank(" \t\u00a0")
    assert not is_blank(" x ")


def test_join_kept_collapses_blank_runs_and_trims_edges():
    lines = ["", "Title", "", "", "Body one", "Share this", "", "Body two", ""]
    keep = [True, True, True, True, True, False, True, True, True]
    assert join_kept(lines, keep) == "Title\n\nBody one\n\nBody two\n"


def test_join_kept_output_is_a_subsequence_of_input_lines():
    lines = ["a ", "", "b\u00a0", "x", "", "", "c"]
    keep = [True, True, True, False, True, True, True]
    out = join_kept(lines, keep).split("\n")[:-1]
    it = iter(lines)
    assert all(any(line == candidate for candidate in it) for line in out)


def test_join_kept_uses_the_given_newline():
    assert join_kept(["a", "b"], [True, True], "\r\n") == "a\r\nb\r\n"


def test_join_kept_of_nothing_kept_is_empty():
    assert join_kept(["a", "", "b"], [False, True, False]) == ""


def test_cells_are_cut_at_wide_gaps_and_tabs_not_at_spaces_or_indentation():
    lines = ["  Home      The mayor said   so.", "a  b", "x\ty", "    indented only"]
    cells, rows = split_cells(lines)
    assert cells == [
        "  Home",
        "      The mayor said",
        "   so.",
        "a  b",
        "x",
        "\ty",
        "    indented only",
    ]
    assert rows == [0, 0, 0, 1, 2, 2, 3]
    assert "".join(c for c, r in zip(cells, rows) if r == 0) == lines[0]


def test_a_row_whose_cells_are_all_kept_comes_back_whole():
    cells, rows = split_cells(["Year   Volume   Cause", "", "2022   5.8%     Heat"])
    out = join_kept(cells, [True] * len(cells), rows=rows)
    assert out == "Year   Volume   Cause\n\n2022   5.8%     Heat\n"


def test_removed_cells_leave_the_kept_ones_of_their_row():
    cells, rows = split_cells(["Home     The river rose.     Share", "Sport    It fell at noon."])
    keep = [c.strip() not in ("Home", "Share", "Sport") for c in cells]
    assert join_kept(cells, keep, rows=rows) == "The river rose.\nIt fell at noon.\n"


def _read(lines: list[str]) -> list[str]:
    cells, rows = split_cells(lines)
    return [cells[i].strip() for i in reading_order(cells, rows)]


def test_a_menu_column_is_read_before_the_article_beside_it_not_interleaved():
    lines = [
        "Masthead",
        "  Home        Bridge approved",
        "  Sport",
        "  Weather     The council voted on Tuesday.",
        "              Work starts in spring.",
        "",
        "Contact us",
    ]
    assert _read(lines) == [
        "Masthead",
        "Home",
        "Sport",
        "Weather",
        "Bridge approved",
        "The council voted on Tuesday.",
        "Work starts in spring.",
        "",
        "Contact us",
    ]


def test_reading_order_keeps_documents_without_gaps_as_they_are():
    lines = ["Title", "", "A paragraph   with a wide gap is not a column", "x"]
    cells, rows = split_cells(lines)
    order = reading_order(cells, rows)
    assert sorted(order) == list(range(len(cells)))
    assert reading_order(*split_cells(["a", "", "b"])) == [0, 1, 2]


def test_blank_lines_inside_a_table_go_with_the_last_column():
    lines = ["  Home      First paragraph.", "  News", "   ", "  Jobs      Second paragraph."]
    assert _read(lines) == ["Home", "News", "Jobs", "First paragraph.", "", "Second paragraph."]


def test_a_sidebar_cell_stays_in_its_column_when_the_menu_cell_beside_it_is_empty():
    lines = [
        "  Home      Bridge approved                    KEY STORIES",
        "            The council voted on Tuesday.      Ferry delayed",
        "  Sport     Work starts in spring.",
    ]
    assert _read(lines) == [
        "Home",
        "Sport",
        "Bridge approved",
        "The council voted on Tuesday.",
        "Work starts in spring.",
        "KEY STORIES",
        "Ferry delayed",
    ]


def test_a_header_table_and_a_footer_table_leave_the_article_between_them_in_place():
    lines = [
        "Home   News   Sport",
        "The council voted on Tuesday.",
        "        indented_code(line)",
        "Work starts in spring.",
        "",
        "",
        "Privacy   Terms",
    ]
    assert _read(lines) == [
        "Home",
        "News",
        "Sport",
        "The council voted on Tuesday.",
        "indented_code(line)",
        "Work starts in spring.",
        "",
        "",
        "Privacy",
        "Terms",
    ]
