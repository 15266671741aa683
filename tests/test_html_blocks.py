"""Walking pages into text blocks and the DOM features of each block."""

from __future__ import annotations

import pytest

import stripper
from stripper.features.dom import DOM_NAMES, dom_features
from stripper.html.blocks import page_blocks
from stripper.html.flags import WORD_FLAGS

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


def test_markup_escaped_into_a_noscript_is_not_text():
    # a page saved by a browser running scripts writes its noscript content as text
    page = (
        '<html><body><noscript>&lt;div style="position:absolute"&gt;&lt;img src="/px.gif" '
        "width=1&gt;&lt;/div&gt;&lt;!-- tracking --&gt;</noscript>"
        "<noscript><p>Please enable JavaScript.</p></noscript>"
        "<p>Write &lt;b&gt; for bold.</p></body></html>"
    )
    assert [line for line in page_blocks(page).lines if line] == [
        "Please enable JavaScript.",
        "Write <b> for bold.",
    ]


def test_characters_a_browser_does_not_show_are_not_text():
    # soft hyphens break words for every tokenizer; a line of zero-width spaces is no line
    page = (
        "<p>Im Mit&shy;tel&shy;al&shy;ter war der Wein be\u00adrühmt.</p>"
        "<div>\u200b</div><p>\ufeffA long\u2060word, a\u200dzero-width joiner kept.</p>"
    )
    assert [line for line in page_blocks(page).lines if line] == [
        "Im Mittelalter war der Wein berühmt.",
        "A longword, a\u200dzero-width joiner kept.",
    ]


def test_text_is_rendered_in_composed_unicode():
    # "e" + combining acute, and Bengali YYA written as one precomposed letter
    lines = page_blocks("<p>Cafe\u0301 in \u0995\u09df</p>").lines
    assert lines[0] == "Caf\u00e9 in \u0995\u09af\u09bc"


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


def test_the_thread_of_a_page_that_declares_itself_a_discussion_is_its_content():
    declared = '<script type="application/ld+json">{"@type": "DiscussionForumPosting"}</script>'
    forum = THREAD_PAGE.replace("<body", f"<head>{declared}</head><body", 1)
    assert _features_of(forum, COMMENTS[5][:12])["thread_after_main"] == 0
    assert COMMENTS[5] in stripper.clean_html(forum)
    assert COMMENTS[5] not in stripper.clean_html(THREAD_PAGE)


def test_a_rescued_article_keeps_its_prose_and_not_its_comment_thread():
    cleaned = stripper.Stripper(threshold=0.0).clean_html_document(THREAD_PAGE)
    assert cleaned.rescued  # every block scored debris (threshold 0)
    assert PARAGRAPHS[1] in cleaned.text
    assert not any(comment in cleaned.text for comment in COMMENTS)


def test_comment_counts_and_page_wide_classes_are_not_threads():
    # <body class="comments-open"> wraps everything; "comment-count" is a link
    assert _features_of(THREAD_PAGE, PARAGRAPHS[0][:30])["chain_c_thread"] == 0
    assert _features_of(THREAD_PAGE, "12 comments")["chain_c_thread"] == 0
    assert _features_of(THREAD_PAGE, "12 comments")["chain_c_comment"] == 1


def test_a_post_filed_under_topics_named_like_regions_is_not_a_thread():
    classes = "post type-post category-for-discussion tag-comments tag-sidebar"
    page = f'<div class="{classes}">' + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "</div>"
    assert _features_of(page, PARAGRAPHS[2][:30])["chain_c_thread"] == 0
    assert _features_of(page, PARAGRAPHS[2][:30])["chain_c_side"] == 0
    assert _features_of(page, PARAGRAPHS[2][:30])["chain_c_content"] == 1


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


#: A class name each word flag should recognise.
CLASS_OF_FLAG = {
    "c_nav": "main-nav", "c_header": "site-masthead", "c_footer": "page-footer",
    "c_side": "sidebar-widget", "c_comment": "comment-reply-link", "c_share": "social-share",
    "c_related": "related-posts", "c_promo": "sponsor-box", "c_caption": "wp-caption",
    "c_cookie": "cookie-consent", "c_overlay": "modal-popup", "c_content": "entry-content",
    "c_meta": "post-byline", "c_subscribe": "newsletter-signup", "c_pager": "pagination",
    "c_title": "entry-title", "c_hidden": "sr-only", "c_thread": "comment-list",
}  # fmt: skip


@pytest.mark.parametrize("flag", sorted(WORD_FLAGS))
def test_each_class_word_flag_marks_the_text_inside_such_an_element(flag):
    page = f'<div class="{CLASS_OF_FLAG[flag]}"><span>Inside</span></div><p>Outside</p>'
    assert _features_of(page, "Inside")[f"chain_{flag}"] == 1
    assert _features_of(page, "Outside")[f"chain_{flag}"] == 0
    assert _features_of(page, "Inside")[f"near_{flag}"] == 1


def test_blocks_are_the_lines_of_the_naive_rendering_with_paragraph_breaks():
    blocks = page_blocks("<p>One para.</p><p>Two para.</p><div>Menu</div><div>Three</div>")
    assert blocks.lines == ["One para.", "", "Two para.", "", "Menu", "Three"]
