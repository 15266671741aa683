"""``python -m stripper label``: pre-labelled files and the review page, on real files.

The review page's behaviour in a browser is tested in ``test_review_page.py``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import stripper
from stripper import cli
from stripper.training.labels import parse_labelled

STORY = """\
Skip to main content
Home | News | Sport | Business

Harbour festival returns after four-year break with lantern parade

The Kestrel Bay harbour festival will return next month for the first time since 2020, organisers confirmed on Thursday, with a lantern parade.

Share on Facebook   The festival, which began in 1987 as a small fundraiser for the lifeboat station, had grown to draw more than 40,000 visitors.

The boat-building contest gives teams six hours to build a craft from a pallet of timber, rope and plastic drums, and then race it across the harbour.

0 comments
Popular posts
Council approves new cycle lanes on Shore Road
© 2024 Kestrel Bay Gazette. All rights reserved.
"""
MIXED_LINE = 7  # "Share on Facebook" beside a paragraph: two cells, debris and body

PAGE = """<!doctype html><html><head><title>Ferry</title></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<article><h1>Ferry crossings resume after a week of storms</h1>
<p>The ferry resumed its crossings on Monday morning after a week in which storms kept every boat in the harbour and the island's shop ran out of bread.</p>
<p>Passengers queued from six o'clock, and the first sailing left twenty minutes late with a full car deck.</p></article>
<footer><a href="/privacy">Privacy</a> <a href="/terms">Terms</a> © 2024 Island Post</footer>
</body></html>"""


def label(*args: str | Path) -> int:
    return cli.main(["label", *map(str, args)])


def write(path: Path, text: str, newline: str = "\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.replace("\n", newline).encode("utf-8"))
    return path


def markers(text: str) -> list[str]:
    """Each line's marker in a label file ("" for an empty line)."""
    return [row[:1] for row in text.split("\n")]


def expected_markers(text: str, uncertain: float) -> list[str]:
    """The markers the model's verdicts call for, for a text without cells."""
    model = stripper.Stripper()
    result = [""] * len(text.split("\n"))
    for verdict in model.classify(text):
        sure = abs(verdict.probability - model.threshold) >= uncertain
        result[verdict.number] = ("-" if verdict.is_debris else "+") if sure else "?"
    return result


def review_data(page: Path) -> dict:
    """The documents a review page embeds."""
    found = re.search(
        r'<script type="application/json" id="review-data">(.*?)</script>',
        page.read_text(encoding="utf-8"),
        re.S,
    )
    assert found, "the review page embeds its data"
    return json.loads(found.group(1))


def test_label_files_give_back_the_document_when_the_markers_are_removed(tmp_path: Path) -> None:
    story = write(tmp_path / "pages" / "story.txt", STORY)
    assert label(story, "--out", tmp_path / "labels", "--outlet", "gazette") == 0
    labelled = (tmp_path / "labels" / "gazette" / "story.txt").read_text(encoding="utf-8")
    assert parse_labelled(labelled).text == STORY
    assert "\n".join(row[2:] for row in labelled.split("\n")) == STORY


def test_labels_are_the_model_decisions_with_lines_near_the_threshold_marked_to_check(
    tmp_path: Path,
) -> None:
    text = STORY.replace("Share on Facebook   ", "")  # no cells: one verdict per line
    story = write(tmp_path / "story.txt", text)
    for uncertain in ("0", "0.2", "0.45"):
        out = tmp_path / f"labels-{uncertain}"
        assert label(story, "--out", out, "--outlet", "o", "--uncertain", uncertain) == 0
        written = (out / "o" / "story.txt").read_text(encoding="utf-8")
        assert markers(written) == expected_markers(text, float(uncertain))
    assert "?" not in markers(
        (tmp_path / "labels-0" / "o" / "story.txt").read_text(encoding="utf-8")
    )


def test_every_line_is_to_check_with_the_widest_band(tmp_path: Path) -> None:
    story = write(tmp_path / "story.txt", STORY)
    assert label(story, "--out", tmp_path / "labels", "--outlet", "o", "--uncertain", "1") == 0
    written = (tmp_path / "labels" / "o" / "story.txt").read_text(encoding="utf-8")
    assert {m for m in markers(written) if m} == {"?"}


def test_a_line_whose_cells_disagree_is_marked_to_check(tmp_path: Path) -> None:
    cells = [v for v in stripper.Stripper().classify(STORY) if v.number == MIXED_LINE]
    assert [v.is_debris for v in cells] == [True, False], "the test needs a mixed line"
    story = write(tmp_path / "story.txt", STORY)
    assert label(story, "--out", tmp_path / "labels", "--outlet", "o", "--uncertain", "0") == 0
    rows = (tmp_path / "labels" / "o" / "story.txt").read_text(encoding="utf-8").split("\n")
    assert rows[MIXED_LINE].startswith("? Share on Facebook   The festival")
    assert rows[0].startswith("- ") and rows[5].startswith("+ ")


def test_crlf_text_is_labelled_line_for_line(tmp_path: Path) -> None:
    story = write(tmp_path / "story.txt", STORY, newline="\r\n")
    assert label(story, "--out", tmp_path / "labels", "--outlet", "o") == 0
    labelled = (tmp_path / "labels" / "o" / "story.txt").read_bytes()
    assert b"\r" not in labelled
    assert parse_labelled(labelled.decode("utf-8")).text == STORY


def test_html_pages_are_labelled_by_the_blocks_the_html_mode_reads(tmp_path: Path) -> None:
    page = write(tmp_path / "ferry.html", PAGE)
    assert label(page, "--out", tmp_path / "labels", "--outlet", "island-post") == 0
    labelled = parse_labelled(
        (tmp_path / "labels" / "island-post" / "ferry.txt").read_text(encoding="utf-8")
    )
    cleaned = stripper.Stripper().clean_html_document(PAGE)
    assert labelled.lines[:-1] == cleaned.lines and labelled.lines[-1] == ""
    kept = {v.text for v in cleaned.verdicts if not v.is_debris}
    assert any(line in kept for line, body in zip(labelled.lines, labelled.labels) if body is False)
    assert "Ferry crossings resume after a week of storms" in kept


def test_an_existing_label_file_is_kept_and_shown_in_the_review_page(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    story = write(tmp_path / "story.txt", STORY)
    out = tmp_path / "labels"
    assert label(story, "--out", out, "--outlet", "o") == 0
    target = out / "o" / "story.txt"
    reviewed = target.read_text(encoding="utf-8").replace(
        "- Skip to main content", "+ Skip to main content"
    )
    target.write_text(reviewed, encoding="utf-8")
    capsys.readouterr()

    assert label(story, "--out", out, "--outlet", "o") == 0
    assert target.read_text(encoding="utf-8") == reviewed
    err = capsys.readouterr().err
    assert f"skipped {story}: {target} exists" in err and "0 label files written, 1 skipped" in err
    document = review_data(out / "review.html")["documents"][0]
    assert document["labels"][0] == "+" and document["model"][0] == "-"

    assert label(story, "--out", out, "--outlet", "o", "--overwrite") == 0
    assert target.read_text(encoding="utf-8").startswith("- Skip to main content")


def test_the_summary_counts_pages_lines_and_lines_to_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    story = write(tmp_path / "story.txt", STORY)
    other = write(tmp_path / "other.txt", "Share on Facebook\n0 comments\n")
    assert (
        label(story, other, "--out", tmp_path / "labels", "--outlet", "o", "--uncertain", "1") == 0
    )
    err = capsys.readouterr().err
    assert "2 pages, 12 lines, 12 to check" in err
    assert "2 label files written, 0 skipped, 0 failed" in err
    assert str(tmp_path / "labels" / "review.html") in err


def test_the_outlet_is_the_page_folder_unless_given(tmp_path: Path) -> None:
    story = write(tmp_path / "kestrel-gazette" / "story.txt", STORY)
    assert label(story, "--out", tmp_path / "labels") == 0
    assert (tmp_path / "labels" / "kestrel-gazette" / "story.txt").is_file()


def test_folders_are_searched_for_pages(tmp_path: Path) -> None:
    write(tmp_path / "pages" / "story.txt", STORY)
    write(tmp_path / "pages" / "deeper" / "ferry.html", PAGE)
    assert label(tmp_path / "pages", "--out", tmp_path / "labels", "--outlet", "o") == 0
    assert sorted(p.name for p in (tmp_path / "labels" / "o").iterdir()) == [
        "ferry.txt",
        "story.txt",
    ]


def test_pick_labels_only_the_pages_that_teach_most_and_skips_repeats(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("a1", "a2", "a3"):  # one page three times: labelling it once is enough
        write(tmp_path / "pages" / f"{name}.txt", STORY)
    other = "Skip to main content\n\nThe ferry resumed its crossings on Monday after storms.\n"
    write(tmp_path / "pages" / "b.txt", other + "Share this\nRelated: Bridge vote delayed\n")
    assert label(tmp_path / "pages", "--out", tmp_path / "labels", "--pick", "2") == 0
    written = sorted(p.name for p in (tmp_path / "labels" / "pages").iterdir())
    assert len(written) == 2 and "b.txt" in written
    assert "picked 2 of 4 pages" in capsys.readouterr().err


def test_two_pages_with_one_name_fail_instead_of_sharing_a_label_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = write(tmp_path / "a" / "story.txt", STORY)
    second = write(tmp_path / "b" / "story.html", PAGE)
    assert label(first, second, "--out", tmp_path / "labels", "--outlet", "o") == 1
    err = capsys.readouterr().err
    assert f"{second}: {first} is labelled into" in err and "1 failed" in err
    assert (
        parse_labelled((tmp_path / "labels" / "o" / "story.txt").read_text(encoding="utf-8")).text
        == STORY
    )


def test_unusable_inputs_fail_with_their_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records = write(tmp_path / "pages.jsonl", '{"text": "Home"}\n')
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    assert label(tmp_path / "missing.txt", records, binary, "--out", tmp_path / "labels") == 1
    err = capsys.readouterr().err
    assert f"{tmp_path / 'missing.txt'}: no such file or folder" in err
    assert "JSON Lines are not labelled" in err and "looks like a PNG image" in err
    assert "0 pages" in err and "3 failed" in err
    assert not (tmp_path / "labels" / "review.html").exists()


@pytest.mark.parametrize("outlet", ["../elsewhere", ".hidden", "a/b", ""])
def test_an_outlet_must_be_a_folder_name(tmp_path: Path, outlet: str) -> None:
    story = write(tmp_path / "story.txt", STORY)
    with pytest.raises(SystemExit) as exit:
        label(story, "--out", tmp_path / "labels", "--outlet", outlet)
    assert exit.value.code == 2
    assert not (tmp_path / "labels").exists()


def test_the_review_page_embeds_every_page_and_loads_nothing(tmp_path: Path) -> None:
    story = write(tmp_path / "story.txt", STORY.replace("Popular posts", "Popular </script> posts"))
    page = write(tmp_path / "ferry.html", PAGE)
    out = tmp_path / "labels"
    assert label(story, page, "--out", out, "--outlet", "o") == 0
    html = (out / "review.html").read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", html), "no external resource"
    assert "default-src 'none'" in html
    documents = {d["name"]: d for d in review_data(out / "review.html")["documents"]}
    assert sorted(documents) == ["ferry", "story"]
    for name, document in documents.items():
        written = (out / "o" / f"{name}.txt").read_text(encoding="utf-8")
        assert document["file"] == f"o/{name}.txt"
        assert document["lines"] == list(parse_labelled(written).lines)
        assert document["labels"] == markers(written)
        assert all(0 <= p <= 1 for cells in document["p"] for p in cells)
    assert "Popular </script> posts" in documents["story"]["lines"]
