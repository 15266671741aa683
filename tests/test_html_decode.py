"""Decoding page bytes and rendering HTML as naive scraped text."""

from __future__ import annotations

import codecs

from stripper.html.blocks import html_to_text
from stripper.html.decode import decode_html


def test_meta_charset_cp1252_page_decodes_with_declared_charset():
    page = '<html><head><meta charset="windows-1252"></head><p>Caf\u00e9 \u201cnoir\u201d</p>'
    assert "Caf\u00e9 \u201cnoir\u201d" in decode_html(page.encode("cp1252"))


def test_http_equiv_latin1_is_read_as_cp1252_like_browsers():
    page = (
        '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"><p>\u2019tis</p>'
    ).encode("cp1252")
    assert "\u2019tis" in decode_html(page)


def test_utf8_bom_wins_and_is_removed():
    page = codecs.BOM_UTF8 + '<meta charset="iso-8859-1"><p>\u00fcber</p>'.encode()
    text = decode_html(page)
    assert text.startswith("<meta")
    assert "\u00fcber" in text


def test_utf16_bom_is_decoded():
    assert decode_html(codecs.BOM_UTF16_LE + "<p>hi</p>".encode("utf-16-le")) == "<p>hi</p>"


def test_meta_utf16_on_ascii_bytes_is_read_as_utf8():
    assert (
        decode_html(b'<meta charset="utf-16"><p>plain</p>') == '<meta charset="utf-16"><p>plain</p>'
    )


def test_undeclared_utf8_is_decoded_as_utf8():
    assert decode_html("<p>na\u00efve \u2014 ok</p>".encode()) == "<p>na\u00efve \u2014 ok</p>"


def test_invalid_utf8_falls_back_to_cp1252():
    assert decode_html(b"<p>caf\xe9 \x93x\x94</p>") == "<p>caf\u00e9 \u201cx\u201d</p>"


def test_wrong_declared_charset_falls_back_instead_of_failing():
    page = '<meta charset="utf-8"><p>caf\u00e9</p>'.encode("cp1252")
    assert "caf\u00e9" in decode_html(page)


def test_decoding_never_raises_on_arbitrary_bytes():
    assert isinstance(decode_html(bytes(range(256)) * 3), str)
    assert isinstance(decode_html(b'<meta charset="no-such-codec">\xff'), str)


def test_nav_links_render_on_separate_lines():
    page = "<nav><ul><li><a href=/>Home</a></li><li><a href=/news>News</a></li></ul></nav>"
    assert html_to_text(page).split("\n")[:2] == ["Home", "News"]


def test_inline_tags_join_one_line_with_collapsed_whitespace():
    page = "<p>The <b>river</b>\n   rose <a href=#>over<em>night</em></a>.</p>"
    assert html_to_text(page) == "The river rose overnight.\n"


def test_scripts_styles_and_comments_are_dropped():
    page = (
        "<head><title>T</title><style>p{}</style></head><body><script>var x = 1;</script>"
        "<!-- note --><p>Text<script>y()</script> after</p></body>"
    )
    assert html_to_text(page) == "Text after\n"


def test_ruby_readings_do_not_glue_into_the_sentence():
    page = "<p><ruby>法律<rp>(</rp><rt>ほうりつ</rt><rp>)</rp></ruby>ができて、<ruby>親<rt>おや</rt></ruby>が</p>"
    assert html_to_text(page) == "法律ができて、親が\n"


def test_blank_line_follows_paragraphs_but_not_menu_items():
    page = "<div>Menu</div><div>Login</div><p>One.</p><p>Two.</p>"
    assert html_to_text(page) == "Menu\nLogin\n\nOne.\n\nTwo.\n"


def test_br_and_table_cells_start_new_lines():
    page = "<p>line one<br>line two</p><table><tr><td>a</td><td>b</td></tr></table>"
    assert html_to_text(page).split("\n") == ["line one", "line two", "", "a", "b", ""]


def test_pre_keeps_its_line_breaks():
    assert html_to_text("<pre>a  b\nc</pre>") == "a b\nc\n"


def test_broken_markup_still_renders_all_text():
    page = "<div><p>Unclosed <b>bold<p>Next</div></span><li>Item"
    assert html_to_text(page).split() == ["Unclosed", "bold", "Next", "Item"]


def test_unclosed_title_does_not_swallow_the_page():
    page = "<html><head><title>Headline</head><body><p>Story text.</p></body>"
    assert html_to_text(page) == "Story text.\n"


def test_text_after_the_end_of_html_is_rendered_as_browsers_do():
    pasted = (
        "<html><body><p>Site header</p></body></html>\n"
        "<html><body><p>The article a server pasted after the first document.</p>"
        "</body></html>"
    )
    assert "The article a server pasted" in html_to_text(pasted)
    assert "The article" in html_to_text('<html lang="en" /><body><p>The article</p>')


def test_empty_and_textless_pages_render_empty():
    assert html_to_text("") == ""
    assert html_to_text(b"") == ""
    assert html_to_text("   \n") == ""
    assert html_to_text("<html><script>x()</script></html>") == ""


def test_bytes_are_decoded_before_rendering():
    page = '<meta charset="windows-1252"><p>caf\u00e9</p>'.encode("cp1252")
    assert html_to_text(page) == "caf\u00e9\n"


def test_xml_declaration_and_nul_bytes_are_tolerated():
    page = '<?xml version="1.0" encoding="utf-8"?><html><p>a\x00b</p></html>'
    assert html_to_text(page).replace("\x00", "").replace("\ufffd", "") == "ab\n"
