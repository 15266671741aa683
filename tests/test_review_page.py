"""The review page of ``label``, used in a real headless Chromium through Playwright.

Skipped when Playwright or Debian's Chromium (/usr/bin/chromium) is missing;
with ``STRIPPER_BROWSER_TESTS=require`` (as CI sets it) a missing browser fails
instead, so a broken install cannot pass as a skip.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from stripper import cli
from stripper.training.labels import LabelledDocument, parse_labelled

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

STORY = """\
Skip to main content
Home | News | Sport | Business

Harbour festival returns after four-year break with lantern parade

The Kestrel Bay harbour festival will return next month for the first time since 2020, organisers confirmed on Thursday, with a lantern parade.

The festival, which began in 1987 as a small fundraiser for the lifeboat station, had grown to draw more than 40,000 visitors.

The boat-building contest gives teams six hours to build a craft from a pallet of timber, rope and plastic drums, and then race it across the harbour.

0 comments
Popular posts
Council approves new cycle lanes on Shore Road
© 2024 Kestrel Bay Gazette. All rights reserved.
"""
FOOTER = [11, 12, 13, 14]  # "0 comments" to "© 2024": one block of debris


def _missing(reason: str) -> None:
    if os.environ.get("STRIPPER_BROWSER_TESTS") == "require":
        pytest.fail(f"{reason}, and STRIPPER_BROWSER_TESTS=require")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright is not installed (pip install playwright)")
    if not CHROMIUM.exists():
        _missing(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def labelled(tmp_path: Path) -> Path:
    """A label folder made by ``label`` for STORY, with no line left unsure."""
    story = tmp_path / "story.txt"
    story.write_text(STORY, encoding="utf-8")
    out = tmp_path / "labels"
    arguments = ["label", str(story), "--out", str(out), "--outlet", "gazette", "--uncertain", "0"]
    assert cli.main(arguments) == 0
    prelabelled = read(out / "gazette" / "story.txt")
    assert [prelabelled.labels[i] for i in (0, 1, 3, *FOOTER)] == [True, True, False] + [True] * 4
    return out


@pytest.fixture
def page(browser, labelled: Path):
    """The review page, open; fails the test on any script error."""
    context = browser.new_context(accept_downloads=True)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.goto((labelled / "review.html").as_uri())
    yield tab
    context.close()
    assert errors == []


def read(path: Path) -> LabelledDocument:
    return parse_labelled(path.read_text(encoding="utf-8"))


def move_to(page, line: int) -> None:
    """Move the cursor to the first line (Home), then down with j until it is on ``line``."""
    page.keyboard.press("Home")
    for _ in range(len(STORY.split("\n"))):
        if page.get_attribute("#lines", "aria-activedescendant") == f"line-{line}":
            return
        page.keyboard.press("j")
    raise AssertionError(f"j never reached line {line}")


def save(page) -> tuple[str, LabelledDocument]:
    """Click Save; the downloaded file's name and labels."""
    with page.expect_download() as download:
        page.click("#save")
    return download.value.suggested_filename, read(Path(download.value.path()))


def changed(saved: LabelledDocument, before: LabelledDocument) -> dict[int, bool | None]:
    assert saved.lines == before.lines, "the saved file holds the same document"
    return {i: new for i, (new, old) in enumerate(zip(saved.labels, before.labels)) if new != old}


def test_a_flipped_block_and_line_are_saved_exactly_there(page, labelled: Path) -> None:
    before = read(labelled / "gazette" / "story.txt")
    move_to(page, FOOTER[0])
    page.keyboard.press("b")  # the footer block becomes body
    page.click("#line-1")  # "Home | News ..." becomes body
    name, saved = save(page)
    assert name == "story.txt"
    assert changed(saved, before) == {1: False, **dict.fromkeys(FOOTER, False)}


def test_a_shift_clicked_range_is_set_and_undo_takes_a_change_back(page, labelled: Path) -> None:
    before = read(labelled / "gazette" / "story.txt")
    page.click("#line-3")  # the headline: body -> debris
    move_to(page, 5)
    page.click("#line-9", modifiers=["Shift"])  # lines 5 to 9 (body) -> debris
    page.keyboard.press("z")  # takes the range back, not the headline
    page.click("#line-13", modifiers=["Shift"])  # from line 5, where undo left the cursor: -> body
    _, saved = save(page)
    assert changed(saved, before) == {3: True, 11: False, 12: False, 13: False}


def test_lines_show_their_label_and_read_in_their_own_direction(page) -> None:
    assert page.get_attribute("#line-0", "data-label") == "-"
    assert page.get_attribute("#line-3", "data-label") == "+"
    assert page.get_attribute("#line-3 .text", "dir") == "auto"
    assert page.inner_text("#line-3 .text") == STORY.split("\n")[3]


def test_keys_set_lines_and_selections_and_find_lines_to_check(page, labelled: Path) -> None:
    before = read(labelled / "gazette" / "story.txt")
    move_to(page, 5)
    page.keyboard.press("Shift+J")  # select lines 5 to 7
    page.keyboard.press("-")  # both debris
    move_to(page, 0)
    page.keyboard.press("?")
    page.keyboard.press("Enter")  # unsure again, then back to the side it leans to: debris
    page.keyboard.press("j")
    page.keyboard.press("?")  # line 1 left to check
    move_to(page, 9)
    page.keyboard.press("n")
    assert page.get_attribute("#lines", "aria-activedescendant") == "line-1"
    _, saved = save(page)
    assert changed(saved, before) == {1: None, 5: True, 7: True}
