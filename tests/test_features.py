"""Per-line features: known lines get the values their names promise."""

import re
import unicodedata
import zlib

import numpy as np
import pytest

from stripper.features.characters import (
    CLOSERS,
    STRIPPED,
    Characters,
    first_and_last,
    lower_case,
)
from stripper.features.line import SHAPE_NAMES, featurize
from stripper.features.windows import windowed_mean
from stripper.features.words import LEXICAL_DIMENSION, stoplist, token_bounds

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
    matrix = batch.lexical.csr()
    assert set(matrix.data.tolist()) == {1.0}
    assert matrix.max() == 1.0  # a repeated word is one column, present once


def test_an_empty_batch_and_an_all_blank_document_have_no_rows(stopwords):
    batch = featurize([["", "  "], []], stopwords)
    assert batch.shape.shape == (0, len(SHAPE_NAMES))
    assert batch.starts.tolist() == [0, 0, 0]


def test_windowed_mean_stays_inside_each_document():
    values = np.array([1.0, 1.0, 0.0, 0.0])
    doc_of = np.array([0, 0, 1, 1])
    starts = np.array([0, 2, 4])
    assert windowed_mean(values, doc_of, starts, 5).tolist() == [1.0, 1.0, 0.0, 0.0]


# -- the vectorised tokeniser agrees with a plain Python one ---------------------
MULTILINGUAL = (
    "Café naïve façade déjà-vu l'été Œuvre Ærø Straße STRASSE ÇAĞ ıstanbul iç\n"
    "北京欢迎你 東京 한국어 שלום مرحبا Москва ΑΘΗΝΑ ά e\u0301t\u00e9 ﬁne Ⅻ\n"
    "😀🎉 emoji👍ok x²³ ½ ١٢٣ 123 4.5 snake_case __init__ A_B 𝐀𝐁𝐂 𐐀𐐨\u200bzero\u00a0nbsp\n"
    "हिंदी में समाचार ภาษาไทยง่ายๆ ひらがなカタカナ漢字がまざったぶん 𠀋𠀍 عَرَبِيّ"
)
UNSPACED_NAMES = ("CJK", "HIRAGANA", "KATAKANA", "THAI", "LAO", "MYANMAR", "KHMER")


def reference_tokens(text: str) -> list[str]:
    """Runs of word characters (``\\w`` and combining marks), cut before every
    letter of a script written without spaces: the rule, spelt out per character."""
    tokens: list[str] = []
    previous_unspaced = False
    for char in text:
        lower = char.lower()[0]
        mark = unicodedata.category(char).startswith("M")
        if not (lower.isalnum() or lower == "_" or mark):
            tokens.append("")
            previous_unspaced = False
            continue
        unspaced = unicodedata.name(char, "").startswith(UNSPACED_NAMES)
        if (
            not tokens
            or not tokens[-1]
            or (unspaced and not mark)
            or (previous_unspaced and not unspaced and not mark)
        ):
            tokens.append("")
        tokens[-1] += lower
        previous_unspaced = unspaced or (mark and previous_unspaced)
    return [t for t in tokens if t]


def words(text: str) -> list[str]:
    """The tokens `featurize` hashes, as strings."""
    lines = Characters.of(text.split("\n"))
    starts, ends = token_bounds(lines)
    lower = lower_case(lines.cp)
    return ["".join(map(chr, lower[a:b])) for a, b in zip(starts, ends)]


def test_tokens_are_word_runs_cut_at_every_letter_of_scripts_without_spaces():
    assert words(MULTILINGUAL) == reference_tokens(MULTILINGUAL)
    assert words("东京 ภาษา") == ["东", "京", "ภ", "า", "ษ", "า"]
    assert words("हिंदी") == ["हिंदी"]  # vowel signs are part of the word


def test_words_lower_case_character_by_character():
    # str.lower() writes "i" + a combining dot for "İ" and a final sigma for the last "Σ"
    assert re.findall(r"\w+", "İstanbul ΟΔΟΣ".lower()) == ["i", "stanbul", "οδος"]
    assert words("İstanbul ΟΔΟΣ") == ["istanbul", "οδοσ"]


def test_a_paragraph_is_as_long_in_words_in_a_script_without_spaces(stopwords):
    japanese = "花火大会は警備費の高騰や新型コロナの影響で、2019年を最後に中止が続いていた。"
    english = "The fireworks had been cancelled since 2019 because security costs rose."
    log_words = column(featurize([[japanese, english]], stopwords), "log_words")
    assert abs(np.expm1(log_words[0]) - np.expm1(log_words[1])) < 10


def test_first_and_last_characters_are_those_of_the_string_methods():
    lines = ["  «Hello» ", "\u200b)", "x\u200b)", "abc)\u200b", "\u200b", "”", "Wait…”", "a", "(b)"]
    lines += ["", "  ", ") ) ", "x ) ”\u00a0", "\t*", "» a", "a\u200b\u200b"]
    chars = Characters.of(lines)
    first, last = first_and_last(chars, np.arange(len(lines)))
    char = lambda at: chr(chars.cp[at]) if at >= 0 else ""  # noqa: E731
    stripped = [line.strip(STRIPPED) for line in lines]
    assert [char(at) for at in first] == [s[:1] for s in stripped]
    assert [char(at) for at in last] == [s.rstrip(CLOSERS)[-1:] for s in stripped]


def test_stopwords_and_copies_are_found_in_any_script_and_case(stopwords):
    doc = ["FÜR über UND", "Москва ΑΘΗΝΑ", "москва αθηνα", "für Über und"]
    batch = featurize([doc], stopwords)
    assert column(batch, "stopword_share").tolist() == [1.0, 0.0, 0.0, 1.0]
    assert np.exp(column(batch, "duplicates")).round().tolist() == [2, 2, 2, 2]


def test_a_line_with_a_line_feed_is_refused(stopwords):
    with pytest.raises(ValueError, match="line feed"):
        featurize([["one\ntwo"]], stopwords)


def test_feature_columns_hash_words_with_zlib_crc32_as_trained_models_expect(stopwords):
    words = ["hello", "straße", "北京", "😀x", "é", "a" * 300, "ß" * 200, "x", "\udc80"]
    words += ["b" * 255, "c" * 256, "é" * 128, "d" * 257]  # around the tables' reach
    lexical = featurize([words], stopwords).lexical.csr()  # short lines: hashed whole, too
    for row, line in enumerate(words):
        crc = zlib.crc32(line.encode("utf-8", "surrogatepass"))
        assert (crc + 13) & (LEXICAL_DIMENSION - 1) in lexical[row].indices, line


@pytest.mark.parametrize(
    "line, opener",
    [
        ("48 Responses to \u201cSearching for the harbour\u201d", True),
        ("Comments (12)", True),
        ("Leave a Reply Cancel reply", True),
        ("No comments yet", True),
        ("Have Your Say", True),
        ("Comment becomes unnecessary at this point.", False),
        ("Discussion", False),
        ("Readers responded to the plan with anger and a petition of 4,000 names.", False),
    ],
)
def test_comment_thread_openers_are_short_headings_of_thread_words(stopwords, line, opener):
    batch = featurize([[SENTENCE, line]], stopwords)
    assert batch.opener.tolist() == [False, opener]


def test_lines_other_pages_of_the_site_share_are_marked_as_such(stopwords):
    from stripper.features.templates import batch_evidence

    stories = [
        "The mill reopened.",
        "A storm hit the pier.",
        "Fares rise in May.",
        "Otters return.",
    ]
    pages = [["Home | News | Sport", story, "Share this"] for story in stories]
    evidence = batch_evidence(pages, ["site"] * 4)
    share = column(featurize(pages, stopwords, evidence=evidence), "site_share")
    assert share.reshape(4, 3)[:, [0, 2]].min() == 1.0  # on every other page
    assert share.reshape(4, 3)[:, 1].max() == 0.0  # each story on its own page
    alone = column(featurize(pages[:1], stopwords), "site_share")
    assert alone.max() == 0.0  # without the site's other pages, no evidence


def test_a_line_a_few_pages_share_counts_for_its_share_of_them():
    from stripper.features.templates import SiteTemplates

    templates = SiteTemplates()
    for k in range(5):
        templates.add(["Menu", "Standfirst of the section" if k < 2 else f"Story {k}"], "s")
    share, pages = templates.evidence(["Menu", "Standfirst of the section"], "s").T
    assert share.tolist() == [1.0, 0.25]  # the other 4 pages: all, and 1 of them
    assert np.expm1(pages[0]) == 4


def test_template_counting_forgets_lines_seen_once_when_memory_runs_out():
    from stripper.features.templates import SiteTemplates

    templates = SiteTemplates(max_keys=40)
    for k in range(30):
        word = "x" * (k + 1)  # (digits are normalised away: 3 and 4 are one line)
        templates.add(["Menu", f"unique line {word}", f"another unique line {word}"], "s")
    share, _ = templates.evidence(["Menu", "unique line xxx"], "s").T
    assert share.tolist() == [1.0, 0.0]
    assert len(templates._keys) <= 40
