"""The public API with the shipped model: clean, Stripper, clean_html."""

import pickle
from pathlib import Path

import pytest

import stripper
from stripper import Stripper
from stripper.text.lines import split_lines
from stripper.training.labels import iter_labelled

SEEDS = Path(__file__).resolve().parent.parent / "training_data" / "seeds"

ARTICLE = """Skip to main content
Home
News
Sport

Council approves the new river bridge after a decade of debate

The city council voted on Tuesday evening to build a second bridge across the river, ending a debate that began more than ten years ago when the old ferry service closed.

Construction is expected to start next spring and to last about three years, according to the transport department, which put the cost at 48 million euros.

"This bridge will connect two halves of the city that have grown apart," the mayor said after the vote.

Share on Facebook
Share on Twitter
0 comments
Leave a Reply
Your email address will not be published. Required fields are marked *
\u00a9 2024 Riverside Times. All rights reserved.
"""


@pytest.fixture(scope="module")
def default() -> Stripper:
    return Stripper()


def assert_kept_and_removed(out: str, kept: tuple[str, ...], removed: tuple[str, ...]) -> None:
    for text in kept:
        assert text in out, text
    for text in removed:
        assert text not in out, text


def test_clean_keeps_the_article_and_drops_page_furniture(default):
    assert_kept_and_removed(
        default.clean(ARTICLE),
        ("The city council voted on Tuesday evening", "Construction is expected to start next"),
        ("Skip to main content", "Share on Facebook", "0 comments", "Leave a Reply"),
    )


THREAD = """The lighthouse keeper's last winter

For thirty-one years Margaret Lowry climbed the hundred and twelve steps of the Skerry Point lighthouse twice a night, trimming the wick and winding the clockwork that turned the lens.

When the light was automated in 1987 she stayed on in the keeper's cottage, the only person the board allowed to remain, and kept a logbook of every ship she saw pass.

That logbook, eleven volumes in a pencil hand that grows smaller each year, is now in the county archive, where it was catalogued this autumn.

Archivists say it is the most complete record of coastal traffic for the period that anyone has found.

12 Responses to “The lighthouse keeper's last winter”

November 12, 2024
Tom Hendry
My father fished out of Skerry harbour and always said the light was the best kept on the coast, and he would have loved to read this story about her.

November 12, 2024
Ailsa
I met her once as a child and she showed us the great lens, and I have never forgotten how it caught the evening sun over the water.

November 13, 2024
Rob M.
What a life. I hope the archive puts the logbooks online one day so that those of us far away can read them too.
"""


def test_reader_comments_under_a_thread_heading_are_removed(default):
    assert_kept_and_removed(
        default.clean(THREAD),
        ("kept a logbook of every ship she saw pass", "most complete record of coastal traffic"),
        ("12 Responses to", "My father fished out of Skerry", "I met her once as a child"),
    )


BROWSER_DUMP = """  icRiverside    Jobs    Homes    Motors    Dating
  Home page                Council approves the new river bridge
  National sport
  Your Wedding             The city council voted on Tuesday evening to build a second bridge across the river, ending a debate that began more than ten years ago when the old ferry service closed.
  Education                Construction is expected to start next spring and to last about three years, according to the transport department, which put the cost at 48 million euros.
  Shopping Channel         "This bridge will connect two halves of the city that have grown apart," the mayor said after the vote.
  Jobs
  Motors                   Find your new job:
  Travel                   Job title
  Weather                  e.g. Secretary
  Horoscopes
"""


def test_a_menu_column_beside_the_article_is_cut_away_from_it(default):
    # a text browser's dump lays the menu column and the article side by side
    assert_kept_and_removed(
        default.clean(BROWSER_DUMP),
        ("The city council voted on Tuesday evening", "Construction is expected to start next"),
        ("Your Wedding", "Education", "Home page", "Find your new job"),
    )
    verdicts = default.classify(BROWSER_DUMP)
    numbers = [v.number for v in verdicts if v.text.strip() in ("Your Wedding", "Education")]
    assert numbers == [3, 4]  # cells report the line they came from


def test_output_lines_are_an_ordered_subsequence_of_input_lines(default):
    out_lines = split_lines(default.clean(ARTICLE))
    remaining = iter(split_lines(ARTICLE))
    for line in out_lines:
        if line:
            assert any(line == candidate for candidate in remaining)


def test_windows_newlines_are_kept(default):
    out = default.clean(ARTICLE.replace("\n", "\r\n"))
    assert "\r\n" in out and "\n" not in out.replace("\r\n", "")


def test_counts_add_up(default):
    cleaned = default.clean_document(ARTICLE)
    non_blank = [line for line in split_lines(ARTICLE) if line.strip()]
    assert cleaned.lines_kept + cleaned.lines_removed == len(non_blank)
    assert cleaned.bytes_removed == len(ARTICLE.encode()) - len(cleaned.text.encode())
    assert len(cleaned.verdicts) == len(non_blank)


def test_classify_numbers_point_at_the_document_lines(default):
    lines = split_lines(ARTICLE)
    for verdict in default.classify(ARTICLE):
        assert lines[verdict.number] == verdict.text
        assert 0.0 <= verdict.probability <= 1.0


def test_empty_and_blank_documents_clean_to_nothing(default):
    assert default.clean("") == ""
    assert default.clean("\n \n\u00a0\n") == ""


def test_clean_many_matches_clean_one_by_one(default):
    texts = [ARTICLE, "", ARTICLE.upper(), ARTICLE[:300]]
    assert [c.text for c in default.clean_many(texts)] == [default.clean(t) for t in texts]


MENU_PAGE = "Home\nNews\nSport\nWeather\n\u00a9 2024 Riverside Times\nPrivacy policy\n"


def test_a_page_without_prose_whose_every_line_scores_debris_comes_out_empty():
    cleaned = Stripper(threshold=0.0).clean_document(MENU_PAGE)
    assert cleaned.text == "" and not cleaned.rescued


def test_an_article_whose_every_line_scores_debris_keeps_its_densest_prose():
    cleaned = Stripper(threshold=0.0).clean_document(ARTICLE)  # every line scores >= 0
    assert cleaned.rescued
    assert "The city council voted on Tuesday evening" in cleaned.text
    assert "Share on Facebook" not in cleaned.text and "Skip to main content" not in cleaned.text
    assert all(not v.is_debris for v in cleaned.verdicts if v.number in cleaned.rescued)


def test_an_article_in_one_cell_whose_end_is_cut_off_still_counts_as_prose():
    body = " ".join(ARTICLE.split("\n\n")[2:5])
    cell = body.rstrip(".") + " Read more"  # a whole article in one line, no final full stop
    cleaned = Stripper(threshold=0.0).clean_document(f"Home\nNews\n{cell}\nContact us\n")
    assert cleaned.rescued
    assert cleaned.text.strip() == cell


def test_the_last_line_keeps_its_missing_final_newline(default):
    body = ARTICLE.split("\n\n", 1)[1].split("\n\nShare on Facebook")[0]
    text = "Skip to main content\n\n" + body  # ends with the mayor's quote, no newline
    assert not text.endswith("\n")
    assert default.clean(text).endswith("the mayor said after the vote.")
    assert default.clean(text + "\n").endswith("the mayor said after the vote.\n")


def test_a_site_template_learnt_from_its_pages_marks_its_lines_as_template_not_its_articles(
    default,
):
    stories = [
        "The harbour wall was repaired after the winter storms, the port authority said on "
        "Monday, and the boats that had sheltered up the river for two months came back.",
        "A new ferry timetable starts in May, with two more crossings every weekday morning "
        "and a late boat on Fridays, after commuters asked for it for years.",
        "The library will open on Sundays from next month, the council announced on Tuesday, "
        "paid for by a grant that also buys new books for the children's room.",
    ]
    paragraph = ARTICLE.split("\n\n")[2]
    pages = [
        f"Riverside Times\nHome\n\n{story}\n\n{paragraph}\n\nYou might also like\n"
        for story in stories
    ]
    learner = Stripper(model=default.model)
    for page in pages:
        learner.learn(page, "riverside.example")
    alone = {v.text: v.probability for v in default.classify(pages[0])}
    taught = {
        v.text: v.probability
        for v in learner.clean_document(pages[0], "riverside.example").verdicts
    }
    assert taught["You might also like"] >= alone["You might also like"]
    assert taught[stories[0]] < learner.threshold  # the story stays body
    assert taught[paragraph] < learner.threshold  # and so does a paragraph every article repeats


def test_threshold_outside_zero_to_one_is_refused():
    with pytest.raises(ValueError, match="threshold"):
        Stripper(threshold=1.5)


def test_stripper_pickles_without_its_model_and_works_after(default):
    default.clean("warm up")  # loads the model
    payload = pickle.dumps(default)
    assert len(payload) < 10_000
    assert pickle.loads(payload).clean(ARTICLE) == default.clean(ARTICLE)


def test_missing_model_file_is_a_clear_error(tmp_path):
    with pytest.raises(stripper.ModelError, match="train"):
        Stripper(model=tmp_path / "none.joblib").clean("text")


def test_module_level_clean_uses_the_shipped_model(default):
    assert stripper.clean(ARTICLE) == default.clean(ARTICLE)


def test_clean_html_returns_article_text_without_navigation():
    page = (
        "<html><head><title>t</title><script>var x = 1;</script></head><body>"
        "<nav><ul><li><a href='/'>Home</a></li><li><a href='/news'>News</a></li></ul></nav>"
        "<article><h1>Council approves the new river bridge</h1>"
        + "".join(f"<p>{p}</p>" for p in split_lines(ARTICLE)[6:11] if p)
        + "</article><footer>\u00a9 2024 Riverside Times. All rights reserved.</footer></body></html>"
    )
    out = stripper.clean_html(page.encode("utf-8"))
    assert "The city council voted on Tuesday evening" in out
    assert "var x" not in out and "All rights reserved" not in out


SEED_DOCS = list(iter_labelled([SEEDS]))


def _seed_mistakes(stripper: Stripper, doc) -> tuple[list[str], list[str]]:
    """(debris lines kept, body lines removed) of one labelled seed."""
    debris = {v.number: v.is_debris for v in stripper.classify(doc.text)}
    kept = [doc.lines[i] for i, label in enumerate(doc.labels) if label is True and not debris[i]]
    lost = [doc.lines[i] for i, label in enumerate(doc.labels) if label is False and debris[i]]
    return kept, lost


@pytest.mark.parametrize("doc", SEED_DOCS, ids=lambda d: d.name)
def test_shipped_model_loses_no_body_line_of_any_seed(default, doc):
    assert _seed_mistakes(default, doc)[1] == []


@pytest.mark.parametrize("doc", SEED_DOCS, ids=lambda d: d.name)
def test_shipped_model_removes_every_debris_line_of_every_seed(default, doc):
    assert any(label is True for label in doc.labels)
    assert _seed_mistakes(default, doc)[0] == []
