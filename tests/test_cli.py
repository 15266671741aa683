"""The command line, end to end, with the real shipped model.

Most tests call `stripper.cli.main` in-process on real files in ``tmp_path``;
a few run ``python -m stripper`` as a subprocess (standard input and output,
the installed entry point). Set ``STRIPPER_TEST_MODEL`` to run them with
another model file than the shipped one.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from stripper import cli
from stripper.cli.names import INPUT_PATTERNS
from stripper.text.lines import split_lines

REPO = Path(__file__).resolve().parent.parent
MODEL = (
    ["--model", os.environ["STRIPPER_TEST_MODEL"]] if "STRIPPER_TEST_MODEL" in os.environ else []
)

PARAGRAPHS = [
    "The harbour festival will return next month for the first time since 2020, organisers "
    "confirmed on Thursday, with a lantern parade, a boat-building contest and three nights of "
    "music on the old fish quay.",
    "The festival, which began in 1987 as a small fundraiser for the lifeboat station, had grown "
    "to draw more than 40,000 visitors before it was cancelled, and rising insurance costs kept "
    "it off the calendar for three more summers.",
    '"We were told again and again that it could not be done on a volunteer budget any more," '
    "said the woman who chairs the festival committee, standing on the quay where the parade "
    "will end.",
]
ARTICLE = "\n".join(
    [
        "Skip to main content",
        "Home | News | Sport | Business | Culture | Weather",
        "We use cookies to improve your experience. By continuing you agree to our use of "
        "cookies. Accept",
        "Share this",
        "",
        "\n\n".join(PARAGRAPHS),
        "",
        "0 comments",
        "Popular posts",
        "Council approves new cycle lanes on Shore Road",
        "© 2024 Kestrel Bay Gazette. All rights reserved.",
        "",
    ]
)
BODY_START = "The harbour festival will return next month"


class Run:
    """The outcome of one command: exit code, standard output and error."""

    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err

    @property
    def summary(self) -> dict[str, int]:
        """The numbers of the closing summary line."""
        match = re.search(
            r"stripper: ([\d,]+) files?, ([\d,]+) documents?, ([\d,]+) lines? kept, ([\d,]+) "
            r"removed \(([\d,]+) bytes\), (?:([\d,]+) documents? left empty [^,]*, )?"
            r"([\d,]+) skipped.*, ([\d,]+) failed in [\d.]+ s",
            self.err,
        )
        assert match, f"no summary in: {self.err!r}"
        names = ["files", "documents", "kept", "removed", "bytes", "empty", "skipped", "failed"]
        return {
            name: int((value or "0").replace(",", ""))
            for name, value in zip(names, match.groups(), strict=True)
        }


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]):
    """Run ``cli.main`` in-process (one worker unless the test says otherwise)."""

    def invoke(*args: str | Path, workers: int = 1) -> Run:
        argv = [str(a) for a in args]
        if argv[:1] == ["clean"]:
            argv += [*MODEL, "--workers", str(workers)]
        code = cli.main(argv)
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return invoke


def subprocess_run(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    """Run ``python -m stripper`` from the repository, as a user would."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "stripper", *args]
    return subprocess.run(
        command, input=stdin, capture_output=True, env=env, cwd=REPO, timeout=120, check=False
    )


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode() if isinstance(content, str) else content
    path.write_bytes(data)
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def is_subsequence(kept: list[str], lines: list[str]) -> bool:
    remaining = iter(lines)
    return all(line in remaining for line in kept)


# -- outputs beside the originals -----------------------------------------------


def test_clean_writes_output_beside_original_and_leaves_original_untouched(
    tmp_path: Path, run
) -> None:
    story = write(tmp_path / "story.txt", ARTICLE)
    before = digest(story)
    result = run("clean", tmp_path)
    assert result.code == 0, result.err
    output = tmp_path / "story.clean.txt"
    assert digest(story) == before
    cleaned = output.read_text(encoding="utf-8")
    assert is_subsequence(split_lines(cleaned), split_lines(ARTICLE))
    assert sorted(os.listdir(tmp_path)) == ["story.clean.txt", "story.txt"]


def test_the_article_loses_its_obvious_debris_and_keeps_its_body(tmp_path: Path, run) -> None:
    write(tmp_path / "story.txt", ARTICLE)
    assert run("clean", tmp_path / "story.txt").code == 0
    cleaned = (tmp_path / "story.clean.txt").read_text()
    assert BODY_START in cleaned
    assert "Skip to main content" not in cleaned
    assert "All rights reserved" not in cleaned


def test_summary_counts_match_what_was_cleaned(tmp_path: Path, run) -> None:
    write(tmp_path / "a.txt", ARTICLE)
    write(tmp_path / "b.txt", ARTICLE.replace("harbour", "river"))
    result = run("clean", tmp_path)
    content_lines = 2 * sum(1 for line in split_lines(ARTICLE) if line.strip())
    summary = result.summary
    assert summary["files"] == 2
    assert summary["documents"] == 2
    assert summary["kept"] + summary["removed"] == content_lines
    kept = sum(
        1
        for name in ("a", "b")
        for line in split_lines((tmp_path / f"{name}.clean.txt").read_text())
        if line.strip()
    )
    assert summary["kept"] == kept
    written = sum((tmp_path / f"{n}.clean.txt").stat().st_size for n in ("a", "b"))
    originals = sum((tmp_path / f"{n}.txt").stat().st_size for n in ("a", "b"))
    assert summary["bytes"] == originals - written
    assert (summary["empty"], summary["skipped"], summary["failed"]) == (0, 0, 0)


def test_summary_names_documents_of_which_every_line_was_removed(tmp_path: Path, run) -> None:
    write(tmp_path / "story.txt", ARTICLE)
    write(tmp_path / "footer.txt", "Powered by Blogger.\nScroll to Top\n")
    write(tmp_path / "blank.txt", "\n\n")
    result = run("clean", tmp_path)
    assert (tmp_path / "footer.clean.txt").read_text() == ""
    assert result.summary["documents"] == 3
    assert result.summary["empty"] == 1
    assert "1 document left empty (--report shows why)" in result.err


def test_output_dir_mirrors_the_input_tree(tmp_path: Path, run) -> None:
    source = tmp_path / "corpus"
    write(source / "2024" / "june" / "story.txt", ARTICLE)
    write(source / "top.txt", ARTICLE)
    result = run("clean", source, "--output-dir", tmp_path / "out")
    assert result.code == 0, result.err
    assert (tmp_path / "out" / "2024" / "june" / "story.clean.txt").is_file()
    assert (tmp_path / "out" / "top.clean.txt").is_file()
    assert not (source / "top.clean.txt").exists()


def test_a_rerun_skips_existing_outputs_and_says_how_many(tmp_path: Path, run) -> None:
    write(tmp_path / "a.txt", ARTICLE)
    write(tmp_path / "b.txt", ARTICLE)
    assert run("clean", tmp_path).code == 0
    output = tmp_path / "a.clean.txt"
    output.write_text("left alone\n")
    result = run("clean", tmp_path)
    assert result.code == 0
    assert result.summary["skipped"] == 2
    assert result.summary["files"] == 0
    assert output.read_text() == "left alone\n"


def test_overwrite_cleans_again_inputs_whose_output_exists(tmp_path: Path, run) -> None:
    write(tmp_path / "a.txt", ARTICLE)
    output = write(tmp_path / "a.clean.txt", "stale\n")
    result = run("clean", tmp_path, "--overwrite")
    assert result.code == 0
    assert result.summary["files"] == 1
    assert output.read_text() != "stale\n"


def test_an_output_named_on_the_command_line_is_not_cleaned_again(tmp_path: Path, run) -> None:
    write(tmp_path / "a.txt", ARTICLE)
    run("clean", tmp_path / "a.txt")
    result = run("clean", tmp_path / "a.txt", tmp_path / "a.clean.txt", "--overwrite")
    assert result.code == 0
    assert result.summary["skipped"] == 1
    assert not (tmp_path / "a.clean.clean.txt").exists()


@pytest.mark.parametrize("link", [os.symlink, os.link])
def test_refuses_to_write_an_output_that_is_the_input_itself(tmp_path: Path, run, link) -> None:
    story = write(tmp_path / "story.txt", ARTICLE)
    link(story, tmp_path / "story.clean.txt")
    result = run("clean", story, "--overwrite")
    assert result.code == 1
    assert "is an input file; refusing" in result.err
    assert story.read_text() == ARTICLE


def test_gzipped_text_gives_a_gzipped_output_with_the_same_text(tmp_path: Path, run) -> None:
    write(tmp_path / "plain" / "story.txt", ARTICLE)
    write(tmp_path / "zipped" / "story.txt.gz", gzip.compress(ARTICLE.encode()))
    assert run("clean", tmp_path).code == 0
    plain = (tmp_path / "plain" / "story.clean.txt").read_bytes()
    zipped = gzip.decompress((tmp_path / "zipped" / "story.clean.txt.gz").read_bytes())
    assert zipped == plain


PAGE = (
    "<html><body><nav><a href=/>Home</a> <a href=/news>News</a></nav>\n"
    + "\n".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    + "\n</body></html>\n"
)


def test_html_pages_are_rendered_and_cleaned_into_text(tmp_path: Path, run) -> None:
    write(tmp_path / "page.html", PAGE)
    write(tmp_path / "zipped" / "page.htm.gz", gzip.compress(PAGE.encode()))
    result = run("clean", tmp_path)
    assert result.code == 0, result.err
    text = (tmp_path / "page.clean.txt").read_text()
    assert BODY_START in text
    assert "<p>" not in text
    zipped = gzip.decompress((tmp_path / "zipped" / "page.clean.txt.gz").read_bytes())
    assert zipped.decode() == text


def test_a_text_and_an_html_input_claiming_one_output_both_fail_naming_each_other(
    tmp_path: Path, run
) -> None:
    text = write(tmp_path / "page.txt", ARTICLE)
    html = write(tmp_path / "page.html", PAGE)
    write(tmp_path / "other.txt", ARTICLE)
    result = run("clean", tmp_path)
    assert result.code == 1
    output = tmp_path / "page.clean.txt"
    for one, other in ((html, text), (text, html)):
        assert f"stripper: {one}: output {output} is also the output of {other}" in result.err
    assert not output.exists()
    assert (tmp_path / "other.clean.txt").is_file()
    assert result.summary["failed"] == 2
    assert result.summary["files"] == 1


def test_html_and_text_flags_force_how_named_files_are_read(tmp_path: Path, run) -> None:
    page = write(tmp_path / "page.php", PAGE)
    assert run("clean", page, "--html").code == 0
    assert "<p>" not in (tmp_path / "page.clean.txt").read_text()
    assert BODY_START in (tmp_path / "page.clean.txt").read_text()
    source = write(tmp_path / "raw" / "source.html", PAGE)
    assert run("clean", source, "--text").code == 0
    assert "<p>" in (tmp_path / "raw" / "source.clean.txt").read_text()


def test_html_on_standard_input_is_rendered_and_cleaned() -> None:
    done = subprocess_run("clean", "-", "--html", *MODEL, stdin=PAGE.encode())
    assert done.returncode == 0, done.stderr
    assert BODY_START in done.stdout.decode()
    assert b"<p>" not in done.stdout


def test_a_page_in_a_file_and_in_a_jsonl_field_gives_the_same_text(tmp_path: Path, run) -> None:
    write(tmp_path / "page.html", PAGE)
    write(tmp_path / "pages.jsonl", jsonl([{"html": PAGE}]))
    assert run("clean", tmp_path, "--html-field", "html").code == 0
    from_file = (tmp_path / "page.clean.txt").read_text()
    (record,) = map(json.loads, (tmp_path / "pages.clean.jsonl").read_text().splitlines())
    assert BODY_START in from_file
    assert record["text"] == from_file


# -- standard input and output ------------------------------------------------


def test_dash_reads_standard_input_and_writes_standard_output() -> None:
    done = subprocess_run("clean", "-", *MODEL, stdin=ARTICLE.encode())
    assert done.returncode == 0, done.stderr
    cleaned = done.stdout.decode()
    assert is_subsequence(split_lines(cleaned), split_lines(ARTICLE))
    assert BODY_START in cleaned
    assert b"1 document" in done.stderr


def test_jsonl_on_standard_input_is_cleaned_record_by_record() -> None:
    records = [{"id": i, "text": ARTICLE} for i in range(3)]
    lines = b"".join(json.dumps(r).encode() + b"\n" for r in records)
    done = subprocess_run("clean", "-", "--jsonl", "--workers", "2", *MODEL, stdin=lines)
    assert done.returncode == 0, done.stderr
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["id"] for r in out] == [0, 1, 2]
    assert all(BODY_START in r["text"] for r in out)


def test_quiet_prints_nothing_on_success() -> None:
    done = subprocess_run("clean", "-", "--quiet", *MODEL, stdin=b"A short line.\n")
    assert done.returncode == 0
    assert done.stderr == b""


# -- JSON Lines files -----------------------------------------------------------


def jsonl(records: list[dict]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def test_jsonl_cleans_the_text_field_and_passes_other_fields_in_order(tmp_path: Path, run) -> None:
    records = [
        {"url": "https://example.org/a", "body": ARTICLE, "tags": ["news", "ünïcode"], "n": 1.5},
        {"body": ARTICLE, "meta": {"b": 2, "a": 1}, "url": None},
    ]
    source = write(tmp_path / "pages.jsonl", jsonl(records))
    before = digest(source)
    result = run("clean", source, "--text-field", "body")
    assert result.code == 0, result.err
    out = [json.loads(line) for line in (tmp_path / "pages.clean.jsonl").read_text().splitlines()]
    assert [list(r) for r in out] == [list(r) for r in records]
    for original, cleaned in zip(records, out, strict=True):
        assert {k: v for k, v in cleaned.items() if k != "body"} == {
            k: v for k, v in original.items() if k != "body"
        }
        assert is_subsequence(split_lines(cleaned["body"]), split_lines(ARTICLE))
    assert result.summary["documents"] == 2
    assert digest(source) == before


def test_html_field_is_cleaned_into_the_text_field_and_kept(tmp_path: Path, run) -> None:
    records = [
        {"id": 1, "html": PAGE},
        {"id": 2, "text": "old text", "html": PAGE},
        {"id": 3, "title": "no html field"},
    ]
    source = write(tmp_path / "crawl.jsonl", jsonl(records))
    result = run("clean", source, "--html-field", "html")
    assert result.code == 1
    assert 'crawl.jsonl:3: no "html" field' in result.err
    out = [json.loads(line) for line in (tmp_path / "crawl.clean.jsonl").read_text().splitlines()]
    assert [list(r) for r in out] == [
        ["id", "html", "text"],
        ["id", "text", "html"],
        ["id", "title"],
    ]
    assert out[0]["html"] == out[1]["html"] == PAGE
    assert out[0]["text"] == out[1]["text"]
    assert BODY_START in out[0]["text"]
    assert "<p>" not in out[0]["text"]
    assert out[2] == records[2]
    assert result.summary["documents"] == 2


def test_drop_html_leaves_the_html_field_out(tmp_path: Path, run) -> None:
    source = write(tmp_path / "crawl.jsonl", jsonl([{"id": 1, "page": PAGE}]))
    result = run("clean", source, "--html-field", "page", "--text-field", "body", "--drop-html")
    assert result.code == 0, result.err
    (out,) = [
        json.loads(line) for line in (tmp_path / "crawl.clean.jsonl").read_text().splitlines()
    ]
    assert list(out) == ["id", "body"]
    assert BODY_START in out["body"]


def test_gzipped_jsonl_gives_gzipped_jsonl(tmp_path: Path, run) -> None:
    write(tmp_path / "pages.jsonl.gz", gzip.compress(jsonl([{"text": ARTICLE}] * 3).encode()))
    assert run("clean", tmp_path).code == 0
    out = gzip.decompress((tmp_path / "pages.clean.jsonl.gz").read_bytes()).decode()
    assert len(out.splitlines()) == 3


def test_bad_jsonl_lines_pass_through_unchanged_and_are_named_as_failures(
    tmp_path: Path, run
) -> None:
    good = json.dumps({"text": ARTICLE})
    lines = [good, '{"text": "unterminated', '{"title": "no text field"}', "", good]
    write(tmp_path / "pages.jsonl", "\n".join(lines) + "\n")
    result = run("clean", tmp_path)
    assert result.code == 1
    assert "pages.jsonl:2: not valid JSON" in result.err
    assert 'pages.jsonl:3: no "text" field' in result.err
    out = (tmp_path / "pages.clean.jsonl").read_text().split("\n")[:-1]
    assert out[1:4] == lines[1:4]
    assert len(out) == len(lines)
    assert result.summary["documents"] == 2
    assert result.summary["failed"] == 2


def test_a_truncated_jsonl_gz_fails_without_leaving_an_output(tmp_path: Path, run) -> None:
    data = gzip.compress(jsonl([{"text": f"{ARTICLE} {i}"} for i in range(300)]).encode())
    write(tmp_path / "cut.jsonl.gz", data[: len(data) // 2])
    result = run("clean", tmp_path)
    assert result.code == 1
    assert "cut.jsonl.gz: gzip file is truncated" in result.err
    assert os.listdir(tmp_path) == ["cut.jsonl.gz"]


def test_two_workers_write_the_same_outputs_as_one(tmp_path: Path, run) -> None:
    records = [{"id": i, "text": ARTICLE.replace("harbour", f"harbour {i}")} for i in range(150)]
    for folder in ("one", "two"):
        write(tmp_path / folder / "pages.jsonl", jsonl(records))
        for i in range(4):
            write(tmp_path / folder / f"story{i}.txt", ARTICLE.replace("quay", f"quay {i}"))
    report = {}
    for folder, workers in (("one", 1), ("two", 2)):
        report[folder] = tmp_path / f"{folder}.report.jsonl"
        result = run("clean", tmp_path / folder, "--report", report[folder], workers=workers)
        assert result.code == 0, result.err
    for name in sorted(os.listdir(tmp_path / "one")):
        assert digest(tmp_path / "one" / name) == digest(tmp_path / "two" / name), name
    one = report["one"].read_text().replace("/one/", "/x/")
    assert one == report["two"].read_text().replace("/two/", "/x/")


# -- the review report ------------------------------------------------------------


def test_report_lists_every_line_with_its_debris_probability(tmp_path: Path, run) -> None:
    write(tmp_path / "story.txt", ARTICLE)
    write(tmp_path / "pages.jsonl", jsonl([{"text": "Share this\n\nA body line here.\n"}]))
    report = tmp_path / "review" / "report.jsonl"
    assert run("clean", tmp_path, "--report", report).code == 0
    entries = [json.loads(line) for line in report.read_text().splitlines()]
    assert [e["source"] for e in entries] == [
        str(tmp_path / "story.txt"),
        str(tmp_path / "pages.jsonl"),
    ]
    story, record = entries
    lines = split_lines(ARTICLE)
    assert [item["n"] for item in story["lines"]] == [
        n for n, line in enumerate(lines, start=1) if line.strip()
    ]
    for item in story["lines"]:
        assert item["text"] == lines[item["n"] - 1]
        assert 0.0 <= item["p"] <= 1.0
        assert isinstance(item["debris"], bool)
    kept = [i["text"] for i in story["lines"] if not i["debris"]]
    assert kept == [
        line for line in split_lines((tmp_path / "story.clean.txt").read_text()) if line
    ]
    assert (record["record"], record["line"]) == (0, 1)
    assert [i["n"] for i in record["lines"]] == [1, 3]


def test_a_higher_threshold_never_removes_more_lines(tmp_path: Path, run) -> None:
    write(tmp_path / "story.txt", ARTICLE)
    removed = []
    for threshold in ("0", "0.3", "0.9"):
        result = run("clean", tmp_path, "--threshold", threshold, "--overwrite")
        removed.append(result.summary["removed"])
    lines = sum(1 for line in split_lines(ARTICLE) if line.strip())
    assert lines - 3 <= removed[0] < lines  # all but the article's densest prose (kept)
    assert removed == sorted(removed, reverse=True)
    assert (tmp_path / "story.clean.txt").read_text() != ""


# -- bad inputs -----------------------------------------------------------------


def test_cp1252_input_is_read_with_a_warning_and_written_as_utf8(tmp_path: Path, run) -> None:
    text = ARTICLE.replace("said the woman", "said Zoë “Ines” Harlow")
    write(tmp_path / "story.txt", text.encode("cp1252"))
    result = run("clean", tmp_path)
    assert result.code == 0
    assert "warning:" in result.err
    assert "read as cp1252" in result.err
    cleaned = (tmp_path / "story.clean.txt").read_bytes().decode("utf-8")
    assert is_subsequence(split_lines(cleaned), split_lines(text))


def test_a_binary_file_is_skipped_named_and_counted_as_skipped_not_failed(
    tmp_path: Path, run
) -> None:
    write(tmp_path / "photo.txt", b"\x89PNG\r\n\x1a\n" + bytes(2000))
    write(tmp_path / "story.txt", ARTICLE)
    result = run("clean", tmp_path)
    assert result.code == 0, result.err
    assert "photo.txt: skipped: looks like a PNG image" in result.err
    assert "1 skipped: 1 binary" in result.err
    assert (result.summary["skipped"], result.summary["failed"]) == (1, 0)
    assert not (tmp_path / "photo.clean.txt").exists()
    assert (tmp_path / "story.clean.txt").is_file()


def test_a_text_file_with_a_few_stray_nul_bytes_is_cleaned(tmp_path: Path, run) -> None:
    text = ARTICLE.replace("Thursday,", "Thurs\x00day,")
    write(tmp_path / "story.txt", text)
    result = run("clean", tmp_path)
    assert result.code == 0, result.err
    assert is_subsequence(
        split_lines((tmp_path / "story.clean.txt").read_text()), split_lines(text)
    )


def test_an_empty_file_gives_an_empty_output(tmp_path: Path, run) -> None:
    write(tmp_path / "empty.txt", b"")
    write(tmp_path / "blank.txt", b"\n \n\n")
    result = run("clean", tmp_path)
    assert result.code == 0, result.err
    assert (tmp_path / "empty.clean.txt").read_bytes() == b""
    assert (tmp_path / "blank.clean.txt").read_bytes() == b""


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_kept_lines_keep_the_documents_newline_style(tmp_path: Path, run, newline: str) -> None:
    write(tmp_path / "story.txt", ARTICLE.replace("\n", newline))
    assert run("clean", tmp_path).code == 0
    cleaned = (tmp_path / "story.clean.txt").read_bytes().decode()
    assert BODY_START in cleaned
    assert cleaned.count(newline) == len(split_lines(cleaned))
    no_newlines = cleaned.replace(newline, "")
    assert "\n" not in no_newlines
    assert "\r" not in no_newlines


def test_a_ten_megabyte_single_line_is_cleaned(tmp_path: Path, run) -> None:
    line = ("scraped words without any break " * 330_000)[:10_000_000]
    write(tmp_path / "long.txt", f"Share this\n{line}\n")
    result = run("clean", tmp_path)
    assert result.code == 0, result.err
    assert result.summary["kept"] + result.summary["removed"] == 2


def test_a_file_over_the_size_limit_is_refused_with_a_message(tmp_path: Path, run) -> None:
    with open(tmp_path / "huge.txt", "wb") as sparse:  # 200 MB of holes: instant
        sparse.truncate(200 * 1024 * 1024)
    result = run("clean", tmp_path)
    assert result.code == 1
    assert "huge.txt: 209,715,200 bytes is over the 16,777,216-byte limit" in result.err
    assert not (tmp_path / "huge.clean.txt").exists()


def test_max_bytes_lowers_the_limit_and_applies_to_jsonl_records(tmp_path: Path, run) -> None:
    write(tmp_path / "story.txt", ARTICLE)
    write(tmp_path / "pages.jsonl", jsonl([{"text": ARTICLE}, {"text": "Short."}]))
    result = run("clean", tmp_path, "--max-bytes", "0.5K")
    assert result.code == 1
    assert "story.txt:" in result.err
    assert "pages.jsonl:1: over the 512-byte limit" in result.err
    out = (tmp_path / "pages.clean.jsonl").read_text().splitlines()
    assert json.loads(out[0]) == {"text": ARTICLE}
    assert result.summary["documents"] == 1


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_an_unreadable_file_fails_with_permission_denied(tmp_path: Path, run) -> None:
    secret = write(tmp_path / "secret.txt", ARTICLE)
    secret.chmod(0)
    result = run("clean", tmp_path)
    assert result.code == 1
    assert "secret.txt: permission denied" in result.err


def test_an_output_that_cannot_be_written_fails_and_leaves_no_temp_file(
    tmp_path: Path, run
) -> None:
    story = write(tmp_path / "story.txt", ARTICLE)
    (tmp_path / "story.clean.txt").mkdir()  # a folder where the output should go
    result = run("clean", story, "--overwrite")
    assert result.code == 1
    assert "story.txt: cannot write" in result.err
    assert sorted(os.listdir(tmp_path)) == ["story.clean.txt", "story.txt"]


def test_a_corrupt_gzip_fails_with_a_message(tmp_path: Path, run) -> None:
    write(tmp_path / "story.txt.gz", b"not gzip data at all")
    result = run("clean", tmp_path)
    assert result.code == 1
    assert "story.txt.gz: not a valid gzip file" in result.err
    assert os.listdir(tmp_path) == ["story.txt.gz"]


def test_missing_paths_and_empty_folders_fail_but_the_rest_is_cleaned(tmp_path: Path, run) -> None:
    write(tmp_path / "ok" / "story.txt", ARTICLE)
    (tmp_path / "empty").mkdir()
    result = run("clean", tmp_path / "missing.txt", tmp_path / "empty", tmp_path / "ok")
    assert result.code == 1
    failures = [line for line in result.err.splitlines() if not line.startswith("stripper: 1 file")]
    assert failures == [
        f"stripper: {tmp_path / 'missing.txt'}: no such file or folder",
        f"stripper: {tmp_path / 'empty'}: no input files ({INPUT_PATTERNS}) in this folder",
    ]
    assert (tmp_path / "ok" / "story.clean.txt").is_file()
    assert result.summary["failed"] == 2


# -- usage, version, exit codes ---------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["clean"],
        ["clean", "x.txt", "--threshold", "2"],
        ["clean", "x.txt", "--workers", "0"],
        ["clean", "x.txt", "--max-bytes", "lots"],
        ["clean", "x.txt", "--model", "/no/such/model.npz"],
        ["clean", "-", "x.txt"],
        ["clean", "x.txt", "--text", "--html"],
        ["clean", "x.txt", "--drop-html"],
        ["clean", "x.jsonl", "--html", "--html-field", "html"],
        ["clean", "-", "--html-field", "html"],
        ["frobnicate"],
        [],
    ],
)
def test_usage_errors_exit_with_2_and_a_message(args: list[str], capsys) -> None:
    with pytest.raises(SystemExit) as stop:
        cli.main(args)
    assert stop.value.code == 2
    assert "error:" in capsys.readouterr().err


def test_a_report_path_that_is_a_folder_is_a_usage_error(tmp_path: Path, capsys) -> None:
    with pytest.raises(SystemExit) as stop:
        cli.main(["clean", str(tmp_path), "--report", str(tmp_path)])
    assert stop.value.code == 2
    assert "is a folder" in capsys.readouterr().err


def test_version_prints_the_package_version_and_a_line_per_model() -> None:
    done = subprocess_run("--version")
    assert done.returncode == 0
    first, *rest = done.stdout.decode().splitlines()
    assert re.fullmatch(r"stripper \S+", first)
    assert [line.split(":")[0] for line in rest] == ["text model", "html model"]
    assert all(
        "trained on training_data" in line or "trained on cleaneval" in line for line in rest
    )
    assert "~/.cache" not in done.stdout.decode()


def test_help_teaches_with_examples() -> None:
    done = subprocess_run("clean", "--help")
    assert done.returncode == 0
    text = done.stdout.decode()
    assert "examples:" in text
    assert "story.txt -> story.clean.txt" in text
    assert "exit status:" in text


def test_evaluate_names_a_badly_labelled_file_in_one_line(tmp_path: Path, run) -> None:
    write(tmp_path / "outlet" / "doc.txt", "no label marker on this line\n")
    result = run("evaluate", tmp_path)
    assert result.code == 1
    assert result.err.strip().splitlines() == [
        "stripper: error: outlet/doc.txt:1: a line must start with '+ ', '- ' or '? ' (or be "
        + "empty), found 'no label mar'"
    ]


@pytest.mark.parametrize("command", [["train", "--out", "m.joblib"], ["evaluate"]])
def test_training_commands_refuse_missing_data_as_a_usage_error(command, capsys) -> None:
    with pytest.raises(SystemExit) as stop:
        cli.main([*command, "/no/such/data"])
    assert stop.value.code == 2
    assert "no such file or folder: /no/such/data" in capsys.readouterr().err


def test_train_needs_to_be_told_where_the_model_goes(capsys) -> None:
    with pytest.raises(SystemExit) as stop:
        cli.main(["train", "training_data"])
    assert stop.value.code == 2
    assert "--out" in capsys.readouterr().err


def test_train_does_not_overwrite_the_shipped_model_unless_asked(capsys) -> None:
    shipped = REPO / "stripper" / "data" / "model.npz"
    before = digest(shipped)
    with pytest.raises(SystemExit) as stop:
        cli.main(["train", str(REPO / "training_data" / "seeds"), "--out", str(shipped)])
    assert stop.value.code == 2
    assert "--replace-shipped" in capsys.readouterr().err
    assert digest(shipped) == before
