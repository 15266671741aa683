"""Output names, atomic writes and report entries (no model needed)."""

from __future__ import annotations

import gzip
import json
import os
import stat
from pathlib import Path

import pytest

from stripper.api import LineVerdict
from stripper.cli.names import is_output_name, output_name, output_path
from stripper.cli.outputs import (
    AtomicFile,
    ReportWriter,
    dump_record,
    report_entry,
    write_atomic,
)


@pytest.mark.parametrize(
    ("name", "output"),
    [
        ("story.txt", "story.clean.txt"),
        ("story.txt.gz", "story.clean.txt.gz"),
        ("data.jsonl", "data.clean.jsonl"),
        ("data.jsonl.gz", "data.clean.jsonl.gz"),
        ("page.html", "page.clean.txt"),
        ("page.htm", "page.clean.txt"),
        ("page.html.gz", "page.clean.txt.gz"),
        ("page.HTM.gz", "page.clean.txt.gz"),
        ("notes.md", "notes.clean.md"),
        ("README", "README.clean.txt"),
        ("v1.2.story.txt", "v1.2.story.clean.txt"),
    ],
)
def test_output_names_insert_clean_before_the_suffix(name: str, output: str) -> None:
    assert output_name(name) == output
    assert is_output_name(output)
    assert not is_output_name(name)


def test_a_page_read_as_html_gets_a_text_output_whatever_its_suffix(tmp_path: Path) -> None:
    assert output_name("page.php", html=True) == "page.clean.txt"
    assert output_name("page.php.gz", html=True) == "page.clean.txt.gz"
    page = tmp_path / "page.php"
    assert output_path(page, Path("page.php"), None, "html") == tmp_path / "page.clean.txt"
    assert output_path(page, Path("page.php"), None, "text") == tmp_path / "page.clean.php"


def test_an_old_style_html_output_is_still_recognised_as_an_output() -> None:
    assert is_output_name("page.html.clean.txt")


def test_names_that_merely_contain_clean_are_not_outputs() -> None:
    assert not is_output_name("my.clean.room.txt")
    assert not is_output_name("clean.txt")


def test_output_path_is_beside_the_input_or_mirrored_below_the_output_dir(tmp_path: Path) -> None:
    source = tmp_path / "in" / "a" / "story.txt"
    assert output_path(source, Path("a/story.txt"), None) == source.with_name("story.clean.txt")
    mirrored = output_path(source, Path("a/story.txt"), tmp_path / "out")
    assert mirrored == tmp_path / "out" / "a" / "story.clean.txt"


def test_write_atomic_creates_parent_folders_and_leaves_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "er" / "out.txt"
    write_atomic(target, b"hello\n")
    assert target.read_bytes() == b"hello\n"
    assert os.listdir(target.parent) == ["out.txt"]


def test_written_files_get_ordinary_permissions_not_the_temp_files_0600(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    write_atomic(target, b"x")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask


def test_an_error_while_writing_keeps_the_old_file_and_removes_the_temp_file(
    tmp_path: Path,
) -> None:
    target = tmp_path / "out.txt"
    target.write_bytes(b"old\n")
    with pytest.raises(RuntimeError), AtomicFile(target) as out:
        out.write(b"half of the new")
        raise RuntimeError("killed mid-write")
    assert target.read_bytes() == b"old\n"
    assert os.listdir(tmp_path) == ["out.txt"]


def test_moving_into_place_fails_cleanly_when_the_target_is_a_folder(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.mkdir()
    with pytest.raises(OSError):
        write_atomic(target, b"new\n")
    assert target.is_dir()
    assert os.listdir(tmp_path) == ["out.txt"]


def test_gzipped_output_is_reproducible(tmp_path: Path) -> None:
    first, second = tmp_path / "a.txt.gz", tmp_path / "b.txt.gz"
    write_atomic(first, b"same text\n", compress=True)
    write_atomic(second, b"same text\n", compress=True)
    assert gzip.decompress(first.read_bytes()) == b"same text\n"
    assert first.read_bytes() == second.read_bytes()


def test_dump_record_keeps_key_order_and_unicode() -> None:
    line = dump_record({"z": 1, "text": "Grüße", "a": [1.5, None]})
    assert line == '{"z": 1, "text": "Grüße", "a": [1.5, null]}\n'.encode()
    assert list(json.loads(line)) == ["z", "text", "a"]


def test_dump_record_escapes_a_lone_surrogate_instead_of_failing() -> None:
    data = json.loads('{"text": "bad \\ud800 half"}')
    line = dump_record(data)
    assert json.loads(line) == data
    line.decode("ascii")


def test_report_entry_numbers_lines_from_one_and_rounds_probabilities() -> None:
    verdicts = (LineVerdict(0, "Share this", True, 0.987654), LineVerdict(2, "Body.", False, 0.01))
    assert report_entry("a.txt", verdicts) == {
        "source": "a.txt",
        "lines": [
            {"n": 1, "text": "Share this", "debris": True, "p": 0.9877},
            {"n": 3, "text": "Body.", "debris": False, "p": 0.01},
        ],
    }
    jsonl = report_entry("a.jsonl", verdicts[:1], record=4, line=6)
    assert (jsonl["record"], jsonl["line"]) == (4, 6)


def test_report_writer_writes_one_json_object_per_line(tmp_path: Path) -> None:
    path = tmp_path / "report.jsonl"
    with ReportWriter(path) as report:
        report.add({"source": "a"})
        report.add({"source": "b"})
    assert [json.loads(line) for line in path.read_text().splitlines()] == [
        {"source": "a"},
        {"source": "b"},
    ]
