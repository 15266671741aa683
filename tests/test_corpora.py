"""Corpus readers, gold normalisation and line labelling, on small made-up pages."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from stripper.html.blocks import html_to_text
from stripper.training.corpora import (
    Page,
    align_lines,
    cut_dragnet_comments,
    inscriptis_text,
    iter_corpus,
    l3s_gold_text,
    label_by_snippets,
    label_page,
    site_of,
    snippet_accuracy,
    split_glued,
    strip_cleaneval_markers,
)

ARTICLE = [
    "Otters return to the river",
    "After forty years away, a family of otters has been seen near the old mill.",
    "Volunteers counted three cubs playing on the bank at dawn last week.",
]


def test_aligner_labels_article_lines_body_and_menu_lines_debris():
    lines = ["Home", "News", "Sport", "", *ARTICLE, "", "Share this story", "Contact us"]
    labels = align_lines(lines, "\n".join(ARTICLE))
    assert labels == [True, True, True, None, False, False, False, None, True, True]


def test_aligner_keeps_sidebar_copy_of_headline_out_of_order_as_debris():
    lines = [*ARTICLE, "Most read", ARTICLE[0], "Rain expected over the weekend in the valley"]
    labels = align_lines(lines, "\n".join(ARTICLE))
    assert labels[:3] == [False, False, False]
    assert labels[3:] == [True, True, True]


def test_aligner_tolerates_case_quotes_entities_and_whitespace():
    gold = "\u201cIt\u2019s BACK,\u201d said  the warden &amp; her team."
    lines = ['"it\'s back," said the warden & her team.', "Subscribe"]
    assert align_lines(lines, gold.replace("&amp;", "&")) == [False, True]


def test_aligner_leaves_half_aligned_line_unlabelled():
    gold = "Council approves bridge budget.\nThe vote was close and ran late into the night."
    lines = [
        "Council approves bridge budget. Read more from our reporters in town today",
        "The vote was close and ran late into the night.",
    ]
    assert align_lines(lines, gold) == [None, False]


def test_aligner_gives_blank_and_wordless_lines_no_label():
    assert align_lines(["", "   ", "***", "Text here now"], "Text here now") == [
        None,
        None,
        None,
        False,
    ]


def test_aligner_with_empty_gold_labels_everything_debris():
    assert align_lines(["Menu", "Footer text"], "") == [True, True]


def test_glued_gold_words_are_split_to_align():
    assert split_glued(["higher", "educationinstitutions"], {"education", "institutions"}) == [
        "higher",
        "education",
        "institutions",
    ]
    lines = ["Types of higher education institutions in the country", "Login"]
    assert align_lines(lines, "Types of higher educationinstitutions in the country") == [
        False,
        True,
    ]


def test_cleaneval_markers_and_url_line_are_stripped():
    gold = "URL: http://example.org/a\n<h> A  title\n<p> First para\n  wraps here.\n<l> item\n"
    url, text = strip_cleaneval_markers(gold)
    assert url == "http://example.org/a"
    assert text == "A title\nFirst para wraps here.\nitem\n"


def test_cleaneval_note_comment_is_not_gold_text():
    url, text = strip_cleaneval_markers(
        "URL: http://a.org/ <!-- this page contains no article -->\n"
    )
    assert (url, text) == ("http://a.org/", "")


def test_dragnet_comments_after_marker_are_cut():
    assert cut_dragnet_comments("Story.\n!@#$%^&*()  COMMENTS\nGreat!") == "Story.\n"
    assert cut_dragnet_comments("Story only.\n") == "Story only.\n"


def test_l3s_gold_keeps_headline_and_full_text_in_order():
    annotated = (
        '<div><span class="x-nc-sel0">Menu</span></div>'
        '<h1><span class="x-nc-sel1">Headline</span></h1>'
        '<p><span class="x-nc-sel2">Body <a href=#>linked</a> text.</span></p>'
        '<p><span class="x-nc-sel4">Related story</span></p>'
        '<p><span class="x-nc-sel5">A comment</span></p>'
    )
    assert l3s_gold_text(annotated).split() == ["Headline", "Body", "linked", "text."]


def test_site_is_registered_domain_like():
    assert site_of("http://news.bbc.co.uk/x") == "bbc.co.uk"
    assert site_of("https://www.example.com:8080/a") == "example.com"
    assert site_of("") == ""


def test_snippets_label_lines_keep_body_drop_debris_others_none():
    lines = ["Impressum", "Die  GEMA dreht völlig am Zeiger!", "Sonstiges", ""]
    labels = label_by_snippets(lines, ["Die GEMA dreht völlig"], ["Impressum"])
    assert labels == [True, False, None, None]


def test_snippet_accuracy_counts_kept_and_removed_snippets():
    output = "Die GEMA dreht\nvöllig am Zeiger!"
    assert snippet_accuracy(output, ["GEMA dreht völlig", "absent"], ["Impressum"]) == (2, 3)


def test_inscriptis_renderer_trims_padding_and_handles_empty_pages():
    text = inscriptis_text("<table><tr><td>a</td></tr></table><p>Some text.</p>")
    assert all(line == line.rstrip() for line in text.split("\n"))
    assert "Some text." in text
    assert inscriptis_text("") == ""


def _gz(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(text.encode("utf-8")))


def test_cleaneval_folder_reads_pages_with_site_and_gold(tmp_path: Path):
    root = tmp_path / "cleaneval-final"
    _gz(root / "html" / "7.html.gz", '<text id="http://www.foo.co.uk/a" x="y">\n<p>Hello there</p>')
    (root / "gold").mkdir()
    (root / "gold" / "7.txt").write_text("URL: http://www.foo.co.uk/a\n<p> Hello there\n")
    [page] = list(iter_corpus(root))
    assert (page.page_id, page.site, page.gold) == ("7", "foo.co.uk", "Hello there\n")
    assert "<text" not in page.html


def test_trafilatura_eval_folder_reads_snippets(tmp_path: Path):
    root = tmp_path / "trafilatura-eval"
    _gz(root / "html" / "a.example.html.gz", "<p>Kept words</p><p>Impressum</p>")
    cases = {
        "https://a.example.de/x": {
            "file": "a.example.html",
            "with": ["Kept"],
            "without": ["Impressum"],
        }
    }
    (root / "evaldata.json").write_text(json.dumps(cases))
    [page] = list(iter_corpus(root))
    assert page.gold is None
    assert (page.site, page.keep_snippets, page.drop_snippets) == (
        "example.de",
        ("Kept",),
        ("Impressum",),
    )


def test_readability_site_falls_back_to_case_name_without_number(tmp_path: Path):
    case = tmp_path / "readability" / "news-2"
    _gz(case / "source.html.gz", "<div>Menu</div><p>Article text</p>")
    (case / "expected.html").write_text("<div><p>Article text</p></div>")
    (case / "expected-metadata.json").write_text("{}")
    [page] = list(iter_corpus(case.parent))
    assert (page.site, page.gold) == ("news", "Article text\n")


def test_unknown_corpus_folder_is_refused(tmp_path: Path):
    with pytest.raises(ValueError, match="unknown corpus"):
        iter_corpus(tmp_path / "mystery")


_THREAD_PAGE = (
    "<html><body><article><h1>Harbour wall repaired</h1>"
    "<p>The harbour wall that collapsed in the January storm has been rebuilt, the port "
    "authority said on Friday, two weeks ahead of the fishing season.</p>"
    "<p>Repairs cost less than feared because most of the original stone was recovered "
    "from the seabed by divers working through February.</p></article>"
    '<div id="comments"><ol class="commentlist">'
    "<li><p>My grandfather helped build the first wall in 1952 and would be glad.</p></li>"
    "<li><p>About time, the old one had been crumbling for a decade at least.</p></li>"
    "</ol></div></body></html>"
)
_THREAD_GOLD = (
    "Harbour wall repaired\nThe harbour wall that collapsed in the January storm has been "
    "rebuilt, the port authority said on Friday, two weeks ahead of the fishing season.\n"
    "Repairs cost less than feared because most of the original stone was recovered from the "
    "seabed by divers working through February.\nMy grandfather helped build the first wall in "
    "1952 and would be glad.\nAbout time, the old one had been crumbling for a decade at least."
)


@pytest.mark.parametrize("corpus, comment", [("cleaneval-final", True), ("dragnet", False)])
def test_comment_threads_are_debris_where_the_gold_keeps_comments_by_convention(corpus, comment):
    page = Page(corpus, "1", "example.org", "", _THREAD_PAGE, _THREAD_GOLD)
    text = html_to_text(_THREAD_PAGE)
    labels = dict(zip(text.split("\n"), label_page(page, text)))
    # CleanEval's gold keeps comments by convention; other gold decides itself
    assert labels["About time, the old one had been crumbling for a decade at least."] is comment
    assert labels["Harbour wall repaired"] is False


def test_lines_snippets_say_nothing_of_stay_unlabelled_in_comment_threads_too():
    page = Page(
        "trafilatura-eval", "1", "example.org", "", _THREAD_PAGE, None,
        keep_snippets=("the port authority said on Friday",), drop_snippets=(),
    )  # fmt: skip
    text = html_to_text(_THREAD_PAGE)
    labels = dict(zip(text.split("\n"), label_page(page, text)))
    assert labels["About time, the old one had been crumbling for a decade at least."] is None
    assert labels["Harbour wall repaired"] is None


def test_lines_after_a_thread_opener_under_the_article_are_debris_where_gold_keeps_comments():
    page_html = _THREAD_PAGE.replace(
        '<div id="comments"><ol class="commentlist">', "<h3>2 Comments</h3><div>"
    )
    page_html = page_html.replace("<li>", "<div>").replace("</li>", "</div>").replace("</ol>", "")
    page = Page("cleaneval-final", "1", "example.org", "", page_html, _THREAD_GOLD)
    text = html_to_text(page_html)
    labels = dict(zip(text.split("\n"), label_page(page, text)))
    assert labels["2 Comments"] is True
    assert labels["About time, the old one had been crumbling for a decade at least."] is True
    assert labels["Harbour wall repaired"] is False
