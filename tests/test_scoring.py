"""Line scores and the 4-gram shingle measure."""

import pytest

from stripper.training.scoring import line_scores, page_score, shingle_scores, shingles


def test_shingles_are_four_token_windows_counted_as_a_multiset():
    counts = shingles("a b c d a b c d")
    assert counts[("a", "b", "c", "d")] == 2
    assert sum(counts.values()) == 5


def test_short_text_is_one_shingle():
    assert list(shingles("just two")) == [("just", "two")]


def test_identical_text_scores_one():
    page = page_score(
        "The river rose over night and flooded the mill.",
        "The river rose over night and flooded the mill.",
    )
    assert page.precision == page.recall == 1.0


def test_extra_output_costs_precision_not_recall():
    gold = "one two three four five six"
    page = page_score(gold + " seven eight nine ten", gold)
    assert page.recall == 1.0
    assert page.precision == pytest.approx(3 / 7)


def test_empty_output_for_nonempty_gold_scores_zero():
    page = page_score("", "one two three four")
    assert (page.precision, page.recall) == (0.0, 0.0)


def test_corpus_f1_is_taken_of_averaged_precision_and_recall():
    scores = shingle_scores(["a b c d", "e f g h"], ["a b c d", "x y z w"])
    assert scores.precision == pytest.approx(0.5)
    assert scores.recall == pytest.approx(0.5)
    assert scores.f1 == pytest.approx(0.5)
    assert scores.count == 2


def test_line_scores_count_debris_as_positive():
    scores = line_scores([True, True, False, False], [True, False, True, False])
    assert scores.precision == 0.5 and scores.recall == 0.5
    assert scores.count == 4
