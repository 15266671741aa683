"""Per-line features: known lines get the values their names promise."""

import numpy as np
import pytest

from stripper.features import SHAPE_NAMES, featurize, stoplist, windowed_mean

SENTENCE = "The council voted on Tuesday evening to build a second bridge across the river."


@pytest.fixture(scope="module")
def stopwords() -> frozenset[str]:
    return stoplist(("English", "German"))


def column(batch, name: str) -> np.ndarray:
    return batch.shape[:, SHAPE_NAMES.index(name)]


def test_a_long_sentence_ends_a_sentence_and_a_menu_word_does_not(stopwords):
    batch = featurize([["Home", SENTENCE]], stopwords)
    assert column(batch, "ends_sentence").tolist() == [0.0, 1.0]
    assert column(batch, "log_words")[0] < column(batch, "log_words")[1]
    assert column(batch, "stopword_share")[1] > 0.2


def test_blank_lines_are_context_not_rows(stopwords):
    batch = featurize([["Home", "", SENTENCE, ""]], stopwords)
    assert batch.shape.shape == (2, len(SHAPE_NAMES))
    assert batch.line_numbers[0].tolist() == [0, 2]
    assert column(batch, "blank_after")[0] == 1.0
    assert column(batch, "blank_before")[1] == 1.0


def test_a_repeated_line_counts_its_copies_and_marks_the_first(stopwords):
    doc = ["Share this", SENTENCE, "share THIS!", "Tags"]
    batch = featurize([doc], stopwords)
    duplicates = np.exp(column(batch, "duplicates"))
    assert duplicates.round().tolist() == [2, 1, 2, 1]
    assert column(batch, "first_copy").tolist() == [1.0, 0.5, 0.0, 0.5]


def test_repetition_is_counted_within_a_document_only(stopwords):
    batch = featurize([["Share this", SENTENCE], ["Share this", SENTENCE]], stopwords)
    assert np.exp(column(batch, "duplicates")).round().tolist() == [1, 1, 1, 1]


def test_straight_quotes_in_a_curly_quoted_document_stand_out(stopwords):
    doc = [
        "\u201cWe will build it,\u201d the mayor said after the long vote in the hall.",
        "\u201cIt connects the city,\u201d she added, to applause from the crowd there.",
        '"Click here" to read our "best" stories',
    ]
    gap = column(featurize([doc], stopwords), "quote_style_gap")
    assert gap[2] >= 0.5
    assert gap[0] < 0


def test_of_two_copies_the_one_quoted_unlike_its_twin_stands_out(stopwords):
    caption = 'The mayor\'s "new" bridge opens to traffic on Tuesday.'
    paragraph = "The mayor\u2019s \u201cnew\u201d bridge opens to traffic on Tuesday."
    gap = column(featurize([[caption, SENTENCE, paragraph]], stopwords), "copy_quote_gap")
    assert gap[0] > 0.4
    assert gap[2] < -0.4
    assert gap[1] == 0.0


def test_a_near_copy_close_by_is_found_and_its_odd_quotes_stand_out(stopwords):
    caption = 'Despite its "unlimited" In partnership with Moscow, China stayed out.'
    paragraph = "Despite its \u201cunlimited\u201d partnership with Moscow, China stayed out."
    doc = [caption, "", paragraph, SENTENCE]
    batch = featurize([doc, ["Despite its unlimited partnership with Moscow"]], stopwords)
    near = column(batch, "near_copy")
    assert near[0] == near[1] > 0.8
    assert near[2] < 0.2 and near[3] == 0.0  # other lines; another document never counts
    gap = column(batch, "copy_quote_gap")
    assert gap[0] > 0.4 and gap[1] < -0.4


def test_a_line_sharing_the_main_texts_words_has_topic_overlap(stopwords):
    doc = [
        SENTENCE,
        "The bridge across the river will cost the council about forty million euros in total.",
        "The river bridge was approved.",
        "Subscribe to our newsletter today.",
    ]
    overlap = column(featurize([doc], stopwords), "topic_overlap")
    assert overlap[2] > overlap[3]


def test_copyright_url_and_separators_are_flagged(stopwords):
    doc = ["\u00a9 2024 Example Ltd", "www.example.com", "Home | News | Sport"]
    batch = featurize([doc], stopwords)
    assert column(batch, "has_copyright").tolist() == [1.0, 0.0, 0.0]
    assert column(batch, "has_url")[1] == 1.0
    assert column(batch, "pipe_or_bullets").tolist() == [0.0, 0.0, 1.0]


def test_lexical_rows_are_binary_and_one_per_line(stopwords):
    batch = featurize([["Share share share", SENTENCE], ["Home"]], stopwords)
    assert batch.lexical.shape[0] == 3
    assert set(batch.lexical.data.tolist()) == {1.0}


def test_an_empty_batch_and_an_all_blank_document_have_no_rows(stopwords):
    batch = featurize([["", "  "], []], stopwords)
    assert batch.shape.shape == (0, len(SHAPE_NAMES))
    assert batch.starts.tolist() == [0, 0, 0]


def test_windowed_mean_stays_inside_each_document():
    values = np.array([1.0, 1.0, 0.0, 0.0])
    doc_of = np.array([0, 0, 1, 1])
    starts = np.array([0, 2, 4])
    assert windowed_mean(values, doc_of, starts, 5).tolist() == [1.0, 1.0, 0.0, 0.0]
