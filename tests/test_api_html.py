"""HTML pages through the public API with the shipped HTML model."""

from __future__ import annotations

import copy

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


def test_a_consent_class_on_the_page_root_removes_only_the_banner(extract):
    # consent plugins mark the whole page (<body class="cookies-not-set">)
    page = ARTICLE_PAGE.replace("<body>", '<body class="cookies-not-set cmplz-banner">')
    text = extract(page)
    assert HEADLINE in text and all(p in text for p in PARAGRAPHS), text
    assert "We use cookies" not in text


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
    from stripper.models.files import save_model

    older = copy.copy(stripper.load_html_model())
    older.feature_names_ = older.feature_names_[:-1]  # as if saved before the last feature
    save_model(older, tmp_path / "html_model.npz", {})
    with pytest.raises(stripper.ModelError, match="another set of features"):
        stripper.load_html_model(tmp_path / "html_model.npz")


NEWS_PAGE = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{HEADLINE} | The Riverside Gazette</title>
<meta property="og:title" content="{HEADLINE}">
<script type="application/ld+json">{{"@context": "https://schema.org", "@type": "NewsArticle",
"headline": "{HEADLINE}", "datePublished": "2024-03-12T09:30:00+01:00",
"author": {{"@type": "Person", "name": "Jane Smith"}},
"articleBody": "{" ".join(PARAGRAPHS)}"}}</script></head>
<body><nav class="main-nav"><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>{HEADLINE}</h1><p class="byline">By Jane Smith</p>
{"".join(f"<p>{p}</p>" for p in PARAGRAPHS[:3])}
<figure><img src="b.jpg" alt="The old bridge seen from the north bank at dawn"
title="The old bridge seen from the north bank at dawn">
<figcaption>The old bridge seen from the north bank at dawn <span class="credit">Photo: A. Lens</span>
</figcaption></figure>
{"".join(f"<p>{p}</p>" for p in PARAGRAPHS[3:])}</article>
<aside class="related"><h3>More stories</h3><ul>
<li><a href="/a">Ferry service to resume in May</a><p>Crossings restart after the winter break.</p></li>
</ul></aside><footer>&copy; 2024 Riverside Gazette</footer></body></html>"""


def test_extract_html_gives_the_title_apart_from_the_body_and_the_declared_author_and_date():
    article = stripper.extract_html(NEWS_PAGE, url="https://riverside.example/bridge")
    assert article.title == HEADLINE
    assert HEADLINE not in article.text
    assert all(p in article.text for p in PARAGRAPHS)
    assert article.author == "Jane Smith"
    assert article.date == "2024-03-12"
    assert article.url == "https://riverside.example/bridge"
    texts = [v.text for v in article.blocks]
    assert HEADLINE in texts and "Home News" in texts  # a verdict on every block, kept or not


def test_clean_html_still_gives_the_headline_first():
    assert stripper.clean_html(NEWS_PAGE).startswith(HEADLINE + "\n")


def test_a_page_without_declared_facts_falls_back_to_what_the_page_shows():
    article = stripper.extract_html(ARTICLE_PAGE)
    assert article.title == HEADLINE and article.author == ""
    assert PARAGRAPHS[0] in article.text
