"""Pages nested deeper than libxml2 builds trees keep their text."""

from __future__ import annotations

import pytest

from stripper.html.blocks import html_to_text

ARTICLE = "The ferry resumed its crossings on Monday after a week of storms."


@pytest.mark.parametrize("depth", [2_500, 100_000])
def test_a_page_nested_past_the_parsers_limit_keeps_its_text(depth: int) -> None:
    page = (
        "<html><body><nav><a href='/'>Home</a></nav>"
        + "<div><span>" * depth
        + f"<p>{ARTICLE}</p>"
        + "</span></div>" * depth
        + "<footer><p>After the nesting.</p></footer></body></html>"
    )
    lines = [line for line in html_to_text(page).split("\n") if line]
    assert lines == ["Home", ARTICLE, "After the nesting."]


def test_a_page_of_ordinary_depth_renders_as_before() -> None:
    page = "<div>" * 50 + f"<p>{ARTICLE}</p><ul><li>One<li>Two</ul>" + "</div>" * 50
    assert html_to_text(page) == f"{ARTICLE}\n\nOne\nTwo\n"
