"""Check the review page of ``label`` in a real headless Chromium, as a person would use it.

Pre-labels a page (default: examples/harbour-festival.txt) into a temporary
folder, opens its review.html in Debian's Chromium through Playwright,
flips one line (the first to check) with the space bar and the page's last
block with b, clicks Save and checks that the downloaded label file parses
and differs from the pre-labels exactly on the flipped lines. Prints each
step; exits 1 if the check fails.

    python scripts/check_review_page.py [PAGE] [--screenshot out.png]

Needs ``pip install playwright`` and ``apt-get install chromium`` (no
``playwright install``: the browser is Debian's).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from stripper import cli
from stripper.training.labels import LabelledDocument, parse_labelled

REPO = Path(__file__).resolve().parent.parent
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
NAMES = {True: "debris", False: "body", None: "unsure"}


def last_block(document: LabelledDocument) -> list[int]:
    """The lines of the document's last block: the run of non-blank lines with the
    last line's label, blank lines inside it not ending it (as the page's b flips)."""
    lines = [i for i, line in enumerate(document.lines) if line.strip()]
    label = document.labels[lines[-1]]
    block: list[int] = []
    for i in reversed(lines):
        if document.labels[i] != label:
            break
        block.insert(0, i)
    return block


def flipped(label: bool | None, leaning: bool) -> bool:
    """What a flip gives a line: the other label; an unsure line gets the other side
    of its leaning."""
    return not (leaning if label is None else label)


def check(page_file: Path, screenshot: Path | None) -> bool:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as temp:
        out = Path(temp, "labels")
        print(f"$ python -m stripper label {page_file} --out {out} --outlet check")
        if cli.main(["label", str(page_file), "--out", str(out), "--outlet", "check"]) != 0:
            return False
        name = Path(page_file.name.removesuffix(".gz")).stem
        before = parse_labelled((out / "check" / f"{name}.txt").read_text(encoding="utf-8"))
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            print(f"opened {out / 'review.html'} in headless Chromium {browser.version}")
            tab = browser.new_context(accept_downloads=True).new_page()
            errors: list[str] = []
            tab.on("pageerror", lambda error: errors.append(str(error)))
            tab.goto((out / "review.html").as_uri())

            line = int(tab.get_attribute("#lines", "aria-activedescendant").removeprefix("line-"))
            leaning = "leans debris" in tab.get_attribute(f"#line-{line}", "aria-label")
            expected = {line: flipped(before.labels[line], leaning)}
            tab.keyboard.press(" ")
            change = f"{NAMES[before.labels[line]]} -> {NAMES[expected[line]]}"
            print(f"space on line {line + 1} ({before.lines[line][:50]!r}): {change}")

            block = last_block(before)
            tab.keyboard.press("End")  # the cursor goes to the last line
            tab.keyboard.press("b")
            to = not before.labels[block[-1]]
            expected.update(dict.fromkeys(block, to))
            lines = f"{block[0] + 1}-{block[-1] + 1} ({len(block)} lines)"
            print(f"b on line {block[-1] + 1}: the block of lines {lines} -> {NAMES[to]}")
            if screenshot:
                tab.screenshot(path=str(screenshot), full_page=False)
                print(f"screenshot: {screenshot}")

            with tab.expect_download() as download:
                tab.click("#save")
            saved_name = download.value.suggested_filename
            saved = parse_labelled(Path(download.value.path()).read_text(encoding="utf-8"))
            browser.close()
    print(f"clicked Save: downloaded {saved_name}, {len(saved.lines)} lines, parses")
    differ = {i: new for i, (new, old) in enumerate(zip(saved.labels, before.labels)) if new != old}
    problems = []
    if errors:
        problems.append(f"script errors in the page: {errors}")
    if saved_name != f"{name}.txt":
        problems.append(f"saved as {saved_name}, not {name}.txt")
    if saved.lines != before.lines:
        problems.append("the saved file holds another document")
    if differ != expected:
        problems.append(f"labels differ on lines {sorted(differ)}, flipped {sorted(expected)}")
    for problem in problems:
        print(f"FAIL: {problem}")
    if not problems:
        print(
            f"OK: the saved labels differ from the pre-labels on the {len(expected)} flipped lines"
        )
    return not problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "page", nargs="?", type=Path, default=REPO / "examples" / "harbour-festival.txt"
    )
    parser.add_argument("--screenshot", type=Path, metavar="PNG", help="save a screenshot")
    args = parser.parse_args()
    try:
        import playwright  # noqa: F401
    except ImportError:
        print("needs Playwright: pip install playwright", file=sys.stderr)
        return 2
    if not CHROMIUM.exists():
        print(f"needs Chromium at {CHROMIUM}: apt-get install chromium", file=sys.stderr)
        return 2
    return 0 if check(args.page, args.screenshot) else 1


if __name__ == "__main__":
    sys.exit(main())
