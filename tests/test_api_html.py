"""HTML pages through the public API with the shipped HTML model."""

from __future__ import annotations

import copy

import joblib
import pytest
from test_html_blocks import ARTICLE_PAGE, HEADLINE, PARAGRAPHS, THREAD_PAGE

import stripper
from stripper import Stripper


@pytest.fixture(scope="module")
def extract():
    return Stripper().clean_html


def test_article_text_is_kept_in_document_order(extract):
    text = extract(ARTICLE_PAGE)
    positions = [text.find(p) for p in [HEADLINE, *PARAGRAPHS]]
    assert -1 not in positions, text
    assert positions == sorted(positions)


def test_paragraphs_are_one_per_line_with_blank_lines_between(extract):
    text = extract(ARTICLE_PAGE)
    assert f"{PARAGRAPHS[2]}\n\n{PARAGRAPHS[3]}\n" in text


@pytest.mark.parametrize(
    "boilerplate",
    [
        "Sport",  # navigation
        "We use cookies",  # cookie banner
        "Accept all cookies",
        "Ferry service to resume",  # related posts
        "What a waste of money",  # comments
        "Lottery winner",  # sidebar
        "Sign up for our newsletter",
        "All rights reserved",  # footer
        "Privacy policy",
        "Share on Facebook",
    ],
)
def test_boilerplate_blocks_are_removed(extract, boilerplate):
    assert boilerplate not in extract(ARTICLE_PAGE)


def test_reader_comments_are_removed_even_when_they_outweigh_the_article(extract):
    text = extract(THREAD_PAGE)
    assert all(p in text for p in PARAGRAPHS[:3]), text
    assert "I have crossed that bridge" not in text and "Leave a reply" not in text


def test_bytes_are_decoded_by_declared_charset(extract):
    page = ARTICLE_PAGE.replace('charset="utf-8"', 'charset="windows-1252"').replace(
        "built in 1931", "built in 1931 by Caf\u00e9 \u201cBr\u00fccke\u201d"
    )
    text = extract(page.encode("cp1252"))
    assert "Caf\u00e9 \u201cBr\u00fccke\u201d" in text


def test_broken_markup_still_yields_the_article(extract):
    broken = ARTICLE_PAGE.replace("</p>", "").replace("</div>", "").replace("</article>", "")
    broken = broken.replace("<title>Bridge", "<title>Bridge <b")  # unclosed title and tag
    text = extract(broken)
    assert PARAGRAPHS[0][:60] in text and PARAGRAPHS[4][:60] in text


@pytest.mark.parametrize(
    "page",
    [
        b"",
        "",
        "   \n ",
        "<html><head><title>x</title></head><body></body></html>",
        "<body>  </body>",
    ],
)
def test_pages_without_text_give_empty_output(extract, page):
    assert extract(page) == ""


@pytest.mark.parametrize(
    "data",
    [
        bytes(range(256)) * 50,  # binary junk
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 500,
        b'{"json": "not html", "items": [1, 2, 3]}',
        b"\xff\xfe" + "<p>utf16 text</p>".encode("utf-16-le"),
    ],
)
def test_non_html_bytes_do_not_crash(extract, data):
    assert isinstance(extract(data), str)


def test_huge_page_is_handled(extract):
    body = "".join(f"<p>{PARAGRAPHS[i % 5]} (part {i})</p>\n" for i in range(3000))
    script = "<script>" + "var x = 1;" * 200_000 + "</script>"
    page = ARTICLE_PAGE.replace(f"<p>{PARAGRAPHS[4]}</p>", body + script)
    assert len(page) > 2_000_000
    text = extract(page)
    assert "(part 2999)" in text and "(part 0)" in text
    assert "Sport" not in text and "var x" not in text


def test_deeply_nested_markup_does_not_crash(extract):
    page = "<div>" * 5000 + f"<p>{PARAGRAPHS[0]}</p>" + "</div>" * 5000
    assert isinstance(extract(page), str)


def test_an_html_model_built_on_other_features_is_refused_clearly(tmp_path):
    older = copy.copy(stripper.load_html_model())
    older.feature_names_ = older.feature_names_[:-1]  # as if saved before the last feature
    joblib.dump(older, tmp_path / "html_model.joblib")
    with pytest.raises(stripper.ModelError, match="another set of features"):
        stripper.load_html_model(tmp_path / "html_model.joblib")
