"""The plain-text label format."""

from pathlib import Path

import pytest

from stripper.training.labels import (
    LabelFormatError,
    format_labelled,
    iter_labelled,
    label_document,
    parse_labelled,
)

ROOT = Path(__file__).resolve().parent.parent
TRAINING_DATA = ROOT / "training_data"
SEEDS = ROOT.parent / "shared" / "seeds"


def test_parse_reads_markers_and_blank_lines():
    doc = parse_labelled("+ Title\n\n- Share this\n? Maybe\n")
    assert doc.lines == ("Title", "", "Share this", "Maybe", "")
    assert doc.labels == (False, None, True, None, None)


def test_format_then_parse_round_trips_odd_characters():
    lines = ["Headline\u00a0", "", "\tindented", "  ", "- dash line", "+ plus line", "\r"]
    labels = [False, None, True, None, True, False, None]
    text = format_labelled(lines, labels)
    assert parse_labelled(text).lines == tuple(lines)


def test_label_document_keeps_the_original_exactly():
    original = "One\n\nTwo \u201cquoted\u201d\r\nThree\n"
    labelled = label_document(original, [False, None, True, False, None])
    assert parse_labelled(labelled).text == original


def test_a_line_without_marker_is_an_error_naming_file_and_line():
    with pytest.raises(LabelFormatError, match=r"doc.txt:2"):
        parse_labelled("+ fine\nno marker here\n", name="doc.txt")


def test_marker_without_space_is_an_error():
    with pytest.raises(LabelFormatError):
        parse_labelled("+Title\n")


def test_groups_are_the_outlet_folders(tmp_path):
    for outlet in ("alpha", "beta"):
        (tmp_path / outlet).mkdir()
        (tmp_path / outlet / "doc.txt").write_text("+ Body\n- Debris\n", encoding="utf-8")
    docs = list(iter_labelled([tmp_path]))
    assert [d.group for d in docs] == ["alpha", "beta"]
    assert docs[0].name == "alpha/doc.txt"


def test_missing_data_path_is_reported(tmp_path):
    with pytest.raises(FileNotFoundError):
        list(iter_labelled([tmp_path / "nowhere"]))


def test_every_training_file_round_trips_and_every_outlet_has_both_labels():
    docs = list(iter_labelled([TRAINING_DATA]))
    assert len(docs) >= 60
    labels_of: dict[str, set] = {}
    for doc in docs:
        text = (TRAINING_DATA / doc.name).read_text(encoding="utf-8")
        assert format_labelled(doc.lines, doc.labels) == text, doc.name
        assert any(label is False for label in doc.labels), doc.name  # every page has a story
        labels_of.setdefault(doc.group, set()).update(doc.labels)
    for outlet, labels in labels_of.items():
        assert {True, False} <= labels, outlet


@pytest.mark.skipif(not SEEDS.exists(), reason="needs ../shared/seeds")
def test_removing_markers_gives_back_each_seed_byte_for_byte():
    for seed in sorted(SEEDS.glob("*.txt")):
        labelled = parse_labelled((TRAINING_DATA / "seeds" / seed.name).read_text(encoding="utf-8"))
        assert labelled.text.encode("utf-8") == seed.read_bytes(), seed.name


def test_cells_of_a_labelled_document_carry_their_lines_label():
    doc = parse_labelled("- Home     Sport\n+ The river rose overnight.\n")
    cells = doc.cells()
    assert cells.lines == ("Home", "     Sport", "The river rose overnight.", "")
    assert cells.labels == (True, True, False, None)
    assert parse_labelled("+ No gaps here.\n").cells() == parse_labelled("+ No gaps here.\n")
