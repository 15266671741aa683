"""DOM-aware HTML extraction: block walking, DOM features and the shipped block model."""

from __future__ import annotations

import copy

import joblib
import numpy as np
import pytest

from stripper.dom import (
    DOM_NAMES,
    FLAG_NAMES,
    HtmlModel,
    dom_features,
    extract,
    keep_text,
    load_html_model,
    page_blocks,
    shipped_html_model_path,
)
from stripper.model import ModelVersionError

PARAGRAPHS = [
    "The city council voted on Tuesday evening to rebuild the old river bridge, ending a "
    "debate that had divided the town for more than three years.",
    "Engineers said the existing structure, built in 1931, could no longer carry lorries "
    "safely, and repairs would have cost almost as much as a new crossing.",
    "Work is expected to begin next spring. During construction, traffic will be diverted "
    "over the railway bridge two miles to the north, the council said in a statement.",
    "Residents who opposed the plan had argued that the money would be better spent on "
    "schools, but a petition against the project gathered fewer than four hundred names.",
    "The mayor told reporters that the new bridge would include a wide cycle lane and "
    "footpaths on both sides, something campaigners had requested for over a decade.",
]
HEADLINE = "Council approves new river bridge after three-year debate"

ARTICLE_PAGE = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Bridge | The Riverside Gazette</title>
<script>var tracking = "do not show me";</script><style>p {{ color: red }}</style></head>
<body>
<div id="cookie-banner" class="cookie-consent">We use cookies to improve your experience.
 <button>Accept all cookies</button></div>
<header class="site-header"><div class="logo"><a href="/">The Riverside Gazette</a></div>
<nav class="main-nav"><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li>
<li><a href="/sport">Sport</a></li><li><a href="/opinion">Opinion</a></li></ul></nav>
<form class="search"><input name="q"><button>Search</button></form></header>
<main><article class="post">
<h1 class="entry-title">{HEADLINE}</h1>
<div class="byline">By Jane Smith | 12 March 2024</div>
<div class="share-buttons"><a href="#">Share on Facebook</a> <a href="#">Tweet this</a></div>
<div class="entry-content">
<p>{PARAGRAPHS[0]}</p>
<p>{PARAGRAPHS[1]}</p>
<figure><img src="bridge.jpg">
<figcaption class="caption">The old bridge in 1950. Photo: Archive</figcaption></figure>
<h2>Construction timetable</h2>
<p>{PARAGRAPHS[2]}</p>
<p>{PARAGRAPHS[3]}</p>
<p>{PARAGRAPHS[4]}</p>
</div></article>
<section class="related-posts"><h3>Related stories</h3><ul>
<li><a href="/a">Ferry service to resume in May</a></li>
<li><a href="/b">Town hall roof repairs finished</a></li>
<li><a href="/c">Ten best walks along the river</a></li></ul></section>
<section id="comments" class="comments"><h3>3 Comments</h3>
<div class="comment"><span class="author">Bob</span> Great news, about time!
 <a class="reply" href="#">Reply</a></div>
<div class="comment"><span class="author">Ann</span> What a waste of money.
 <a class="reply" href="#">Reply</a></div></section>
</main>
<aside class="sidebar"><div class="widget"><h4>Most read</h4><ol>
<li><a href="/x">Lottery winner gives away fortune</a></li>
<li><a href="/y">School league tables published</a></li></ol></div>
<div class="widget newsletter">Sign up for our newsletter <button>Subscribe</button></div></aside>
<footer class="site-footer"><p>&copy; 2024 Riverside Gazette Ltd. All rights reserved.</p>
<ul><li><a href="/privacy">Privacy policy</a></li><li><a href="/terms">Terms of use</a></li>
<li><a href="/contact">Contact us</a></li></ul></footer>
</body></html>"""


@pytest.fixture(scope="module")
def model() -> HtmlModel:
    if not shipped_html_model_path().exists():
        pytest.skip("no shipped HTML model; run scripts/train_html_model.py")
    return load_html_model()


# ---------------------------------------------------------------- block walking


def test_every_non_blank_block_line_has_its_dom_context():
    blocks = page_blocks(ARTICLE_PAGE)
    content = sum(1 for line in blocks.lines if line)
    assert content > 5
    assert len(blocks.chains) == len(blocks.depth) == len(blocks.link_chars) == content


def test_scripts_styles_and_title_are_not_blocks():
    text = "\n".join(page_blocks(ARTICLE_PAGE).lines)
    assert "tracking" not in text and "color: red" not in text
    assert "The Riverside Gazette</title>" not in text and "| The Riverside" not in text


def _features_of(page: str, needle: str) -> dict[str, float]:
    blocks = page_blocks(page)
    rows = dom_features(blocks)
    texts = [line for line in blocks.lines if line]
    index = next(i for i, t in enumerate(texts) if needle in t)
    return dict(zip(DOM_NAMES, rows[index]))


def test_nav_footer_and_comment_ancestry_is_seen_through_inline_markup():
    assert _features_of(ARTICLE_PAGE, "Sport")["chain_t_nav"] == 1
    assert _features_of(ARTICLE_PAGE, "Sport")["chain_c_nav"] == 1
    assert _features_of(ARTICLE_PAGE, "Contact us")["chain_t_footer"] == 1
    assert _features_of(ARTICLE_PAGE, "waste of money")["chain_c_comment"] == 1
    assert _features_of(ARTICLE_PAGE, PARAGRAPHS[0][:30])["chain_c_comment"] == 0


COMMENTS = [
    f"Comment {i}: I have crossed that bridge every day for twenty years and I think the "
    f"council should have asked the people who actually use it before spending the money."
    for i in range(12)
]
#: An article followed by a reader-comment thread longer than the article itself.
THREAD_PAGE = (
    '<html><body class="single-post comments-open"><div id="page"><article>'
    f"<h1>{HEADLINE}</h1>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS[:3]) + "</article>"
    '<div id="comments" class="comments-area"><h3>12 thoughts on this story</h3>'
    '<ol class="comment-list">'
    + "".join(
        f'<li class="comment"><div class="comment-author">Reader {i}</div><p>{c}</p></li>'
        for i, c in enumerate(COMMENTS)
    )
    + '</ol><div class="comment-respond"><p>Leave a reply</p></div></div>'
    '<p class="comment-count"><a href="#">12 comments</a></p></div></body></html>'
)


def test_a_comment_thread_longer_than_its_article_does_not_become_the_main_text():
    assert _features_of(THREAD_PAGE, PARAGRAPHS[1][:30])["in_main"] == 1
    assert _features_of(THREAD_PAGE, COMMENTS[5][:12])["in_main"] == 0
    assert _features_of(THREAD_PAGE, COMMENTS[5][:12])["thread_after_main"] == 1
    assert _features_of(THREAD_PAGE, PARAGRAPHS[1][:30])["thread_after_main"] == 0


def test_comment_counts_and_page_wide_classes_are_not_threads():
    # <body class="comments-open"> wraps everything; "comment-count" is a link
    assert _features_of(THREAD_PAGE, PARAGRAPHS[0][:30])["chain_c_thread"] == 0
    assert _features_of(THREAD_PAGE, "12 comments")["chain_c_thread"] == 0
    assert _features_of(THREAD_PAGE, "12 comments")["chain_c_comment"] == 1


def test_a_comment_wrapper_around_the_whole_article_is_not_a_thread():
    page = '<div class="comments-wrapper">' + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "</div>"
    assert _features_of(page, PARAGRAPHS[2][:30])["chain_c_thread"] == 1
    assert _features_of(page, PARAGRAPHS[2][:30])["thread_after_main"] == 0
    assert _features_of(page, PARAGRAPHS[2][:30])["in_main"] == 1


def test_link_share_separates_menus_from_prose():
    assert _features_of(ARTICLE_PAGE, "Home")["link_share"] == 1
    assert _features_of(ARTICLE_PAGE, PARAGRAPHS[1][:30])["link_share"] == 0


def test_article_paragraphs_sit_in_the_main_container_and_the_sidebar_does_not():
    assert _features_of(ARTICLE_PAGE, PARAGRAPHS[3][:30])["in_main"] == 1
    assert _features_of(ARTICLE_PAGE, "Lottery winner")["in_main"] == 0


def test_hidden_elements_are_flagged():
    page = (
        '<div style="display: none"><p>Secret text</p></div><p hidden>Also hidden</p><p>Shown</p>'
    )
    assert _features_of(page, "Secret")["chain_hidden"] == 1
    assert _features_of(page, "Also hidden")["chain_hidden"] == 1
    assert _features_of(page, "Shown")["chain_hidden"] == 0


def test_every_flag_has_a_feature_column():
    assert {f"chain_{n}" for n in FLAG_NAMES} <= set(DOM_NAMES)


def test_keep_text_puts_a_blank_line_between_paragraphs_only():
    blocks = page_blocks("<p>One para.</p><p>Two para.</p><div>Menu</div><div>Three</div>")
    text = keep_text(blocks, np.array([False, False, True, False]))
    assert text == "One para.\n\nTwo para.\n\nThree\n"


# ---------------------------------------------------------------- extraction


def test_article_text_is_kept_in_document_order(model):
    text = extract(ARTICLE_PAGE, model)
    positions = [text.find(p) for p in [HEADLINE, *PARAGRAPHS]]
    assert -1 not in positions, text
    assert positions == sorted(positions)


def test_paragraphs_are_one_per_line_with_blank_lines_between(model):
    text = extract(ARTICLE_PAGE, model)
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
def test_boilerplate_blocks_are_removed(model, boilerplate):
    assert boilerplate not in extract(ARTICLE_PAGE, model)


def test_reader_comments_are_removed_even_when_they_outweigh_the_article(model):
    text = extract(THREAD_PAGE, model)
    assert all(p in text for p in PARAGRAPHS[:3]), text
    assert "I have crossed that bridge" not in text and "Leave a reply" not in text


def test_bytes_are_decoded_by_declared_charset(model):
    page = ARTICLE_PAGE.replace('charset="utf-8"', 'charset="windows-1252"').replace(
        "built in 1931", "built in 1931 by Caf\u00e9 \u201cBr\u00fccke\u201d"
    )
    text = extract(page.encode("cp1252"), model)
    assert "Caf\u00e9 \u201cBr\u00fccke\u201d" in text


def test_broken_markup_still_yields_the_article(model):
    broken = ARTICLE_PAGE.replace("</p>", "").replace("</div>", "").replace("</article>", "")
    broken = broken.replace("<title>Bridge", "<title>Bridge <b")  # unclosed title and tag
    text = extract(broken, model)
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
def test_pages_without_text_give_empty_output(model, page):
    assert extract(page, model) == ""


@pytest.mark.parametrize(
    "data",
    [
        bytes(range(256)) * 50,  # binary junk
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 500,
        b'{"json": "not html", "items": [1, 2, 3]}',
        b"\xff\xfe" + "<p>utf16 text</p>".encode("utf-16-le"),
    ],
)
def test_non_html_bytes_do_not_crash(model, data):
    assert isinstance(extract(data, model), str)


def test_huge_page_is_handled(model):
    body = "".join(f"<p>{PARAGRAPHS[i % 5]} (part {i})</p>\n" for i in range(3000))
    script = "<script>" + "var x = 1;" * 200_000 + "</script>"
    page = ARTICLE_PAGE.replace(f"<p>{PARAGRAPHS[4]}</p>", body + script)
    assert len(page) > 2_000_000
    text = extract(page, model)
    assert "(part 2999)" in text and "(part 0)" in text
    assert "Sport" not in text and "var x" not in text


def test_deeply_nested_markup_does_not_crash(model):
    page = "<div>" * 5000 + f"<p>{PARAGRAPHS[0]}</p>" + "</div>" * 5000
    assert isinstance(extract(page, model), str)


def test_an_html_model_built_on_other_features_is_refused_clearly(model, tmp_path):
    older = copy.copy(model)
    older.feature_names_ = model.feature_names_[:-1]  # as if saved before the last feature
    joblib.dump(older, tmp_path / "html_model.joblib")
    with pytest.raises(ModelVersionError, match="another set of features"):
        load_html_model(tmp_path / "html_model.joblib")
