"""Finding, reading and decoding inputs (no model needed)."""

from __future__ import annotations

import gzip
import io
import os
from pathlib import Path

import pytest

from stripper.cli.inputs import (
    InputError,
    binary_reason,
    decode_text,
    find_inputs,
    iter_raw_lines,
    open_input,
    parse_record,
    read_limited,
)
from stripper.cli.names import kind_of


def touch(path: Path, data: bytes = b"text\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


# -- finding inputs -----------------------------------------------------------


def test_folder_search_finds_known_suffixes_recursively_in_sorted_order(tmp_path: Path) -> None:
    for name in ["b.txt", "a.jsonl.gz", "sub/c.html", "sub/d.htm.gz", "sub/deeper/e.txt.gz"]:
        touch(tmp_path / name)
    found = find_inputs([tmp_path])
    assert [str(i.relative) for i in found.inputs] == [
        "a.jsonl.gz",
        "b.txt",
        "sub/c.html",
        "sub/d.htm.gz",
        "sub/deeper/e.txt.gz",
    ]
    assert [(i.kind, i.compressed) for i in found.inputs] == [
        ("jsonl", True),
        ("text", False),
        ("html", False),
        ("html", True),
        ("text", True),
    ]
    assert found.problems == []


def test_folder_search_leaves_out_outputs_hidden_files_and_other_suffixes(tmp_path: Path) -> None:
    for name in [
        "story.txt",
        "story.clean.txt",
        "data.jsonl.gz",
        "data.clean.jsonl.gz",
        "page.html",
        "page.html.clean.txt",
        "page.clean.txt",
        "zipped.htm.gz",
        "zipped.clean.txt.gz",
        ".story.clean.txt.abc.tmp",
        ".hidden.txt",
        ".git/config.txt",
        "notes.md",
        "image.png",
    ]:
        touch(tmp_path / name)
    found = find_inputs([tmp_path])
    assert [i.path.name for i in found.inputs] == [
        "data.jsonl.gz",
        "page.html",
        "story.txt",
        "zipped.htm.gz",
    ]


def test_an_article_named_like_an_output_with_no_input_beside_it_is_an_input(
    tmp_path: Path,
) -> None:
    touch(tmp_path / "how-to-keep-a-kitchen.clean.txt")
    touch(tmp_path / "other.txt")
    found = find_inputs([tmp_path])
    assert [i.path.name for i in found.inputs] == ["how-to-keep-a-kitchen.clean.txt", "other.txt"]


def test_a_file_named_explicitly_is_read_whatever_its_suffix(tmp_path: Path) -> None:
    notes = touch(tmp_path / "notes.md")
    found = find_inputs([notes])
    assert [(i.path, i.kind) for i in found.inputs] == [(notes, "text")]
    assert find_inputs([notes], named_kind="jsonl").inputs[0].kind == "jsonl"


def test_an_output_named_explicitly_is_skipped_naming_its_input(tmp_path: Path) -> None:
    story = touch(tmp_path / "story.txt")
    output = touch(tmp_path / "story.clean.txt")
    found = find_inputs([output])
    assert found.inputs == []
    assert found.skipped_outputs == [(output, story)]


def test_a_file_named_like_an_output_without_its_input_is_read(tmp_path: Path) -> None:
    article = touch(tmp_path / "story.clean.txt")
    assert [i.path for i in find_inputs([article]).inputs] == [article]


def test_missing_paths_and_folders_without_inputs_are_problems(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    touch(empty / "only.png")
    found = find_inputs([tmp_path / "nope.txt", empty])
    assert found.inputs == []
    assert found.problems == [
        (str(tmp_path / "nope.txt"), "no such file or folder"),
        (str(empty), found.problems[1][1]),
    ]
    assert "no input files" in found.problems[1][1]


def test_a_file_given_twice_or_inside_a_given_folder_is_listed_once(tmp_path: Path) -> None:
    story = touch(tmp_path / "story.txt")
    found = find_inputs([story, tmp_path, story])
    assert [i.path for i in found.inputs] == [story]


def test_kind_of_reads_suffixes_case_insensitively() -> None:
    assert kind_of("PAGE.HTM.GZ") == ("html", True)
    assert kind_of("x.gz") == (None, True)


# -- reading bytes ------------------------------------------------------------


def test_read_limited_decompresses_gzip(tmp_path: Path) -> None:
    path = touch(tmp_path / "a.txt.gz", gzip.compress(b"hello\n"))
    assert read_limited(path, compressed=True, max_bytes=100) == b"hello\n"


def test_a_file_over_the_limit_is_refused_without_reading_it(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with open(big, "wb") as sparse:  # 200 MB of holes: instant, takes no disk
        sparse.truncate(200 * 1024 * 1024)
    with pytest.raises(InputError, match="over the 67,108,864-byte limit"):
        read_limited(big, compressed=False, max_bytes=64 * 1024 * 1024)


def test_a_gzip_that_decompresses_over_the_limit_is_refused(tmp_path: Path) -> None:
    path = touch(tmp_path / "bomb.txt.gz", gzip.compress(b"a" * 10_000))
    with pytest.raises(InputError, match="decompressed text is over the 1,000-byte limit"):
        read_limited(path, compressed=True, max_bytes=1000)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"this is not gzip at all", "not a valid gzip file"),
        (gzip.compress(b"some text " * 100)[:-12], "gzip file is truncated"),
    ],
)
def test_a_corrupt_gzip_is_a_one_line_input_error(
    tmp_path: Path, data: bytes, message: str
) -> None:
    path = touch(tmp_path / "bad.txt.gz", data)
    with pytest.raises(InputError, match=message):
        read_limited(path, compressed=True, max_bytes=10_000)


def test_a_folder_where_a_file_is_expected_is_an_input_error(tmp_path: Path) -> None:
    folder = tmp_path / "story.txt"
    folder.mkdir()
    with pytest.raises(InputError, match="is a folder"):
        read_limited(folder, compressed=False, max_bytes=100)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_an_unreadable_file_is_permission_denied(tmp_path: Path) -> None:
    path = touch(tmp_path / "secret.txt")
    path.chmod(0)
    with pytest.raises(InputError, match="permission denied"):
        read_limited(path, compressed=False, max_bytes=100)


# -- decoding -----------------------------------------------------------------


def test_utf8_with_a_bom_is_decoded_without_the_bom() -> None:
    assert decode_text(b"\xef\xbb\xbfGr\xc3\xbc\xc3\x9fe\n") == decode_text(
        b"Gr\xc3\xbc\xc3\x9fe\n"
    )
    assert decode_text(b"\xef\xbb\xbfx").text == "x"


def test_utf16_with_a_bom_is_decoded() -> None:
    assert decode_text("Grüße\r\n".encode("utf-16")).text == "Grüße\r\n"


def test_non_utf8_falls_back_to_cp1252_with_a_warning() -> None:
    decoded = decode_text("“Smart quotes” – café\n".encode("cp1252"))
    assert decoded.text == "“Smart quotes” – café\n"
    assert decoded.warning is not None
    assert decoded.warning.endswith("read as cp1252")


def test_bytes_cp1252_lacks_fall_back_to_latin1() -> None:
    decoded = decode_text(b"caf\xe9 \x81\n")  # 0x81 is undefined in cp1252
    assert decoded.text == "caf\xe9 \x81\n"
    assert decoded.warning is not None
    assert decoded.warning.endswith("read as latin-1")


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n" + bytes(100),
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n",
        bytes(range(256)) * 4,
        gzip.compress(b"text that was gzipped but not named .gz"),
    ],
)
def test_binary_data_is_refused(data: bytes) -> None:
    assert binary_reason(data) is not None
    with pytest.raises(InputError, match="skipped: looks"):
        decode_text(data)


def test_text_with_a_few_stray_nul_bytes_is_still_text() -> None:
    data = b"A headline\n" + b"Some body text with a stray \x00 byte in it.\n" * 20 + b"\x00\x00"
    assert binary_reason(data) is None
    assert decode_text(data).text == data.decode()


def test_empty_data_is_empty_text() -> None:
    assert decode_text(b"").text == ""


def test_a_gzipped_document_reads_and_decodes(tmp_path: Path) -> None:
    path = touch(tmp_path / "a.txt.gz", gzip.compress("Grüße\n".encode()))
    data = read_limited(path, compressed=True, max_bytes=100)
    assert decode_text(data).text == "Grüße\n"


# -- JSON Lines ---------------------------------------------------------------


def test_raw_lines_are_numbered_from_one_and_lose_their_terminators() -> None:
    stream = io.BytesIO(b'\xef\xbb\xbf{"a": 1}\r\n\n{"b": 2}')
    assert list(iter_raw_lines(stream)) == [(1, b'{"a": 1}'), (2, b""), (3, b'{"b": 2}')]


def test_a_gzip_truncated_mid_stream_raises_an_input_error(tmp_path: Path) -> None:
    data = gzip.compress(b"".join(b'{"text": "line %d"}\n' % i for i in range(5000)))
    path = touch(tmp_path / "cut.jsonl.gz", data[: len(data) // 2])
    with pytest.raises(InputError, match="truncated"), open_input(path, True) as stream:
        for _ in iter_raw_lines(stream):
            pass


def test_open_input_names_a_missing_file() -> None:
    with pytest.raises(InputError, match="no such file"), open_input(Path("/no/such.txt"), False):
        pass


def test_parse_record_accepts_an_object_with_a_string_field() -> None:
    record = parse_record(4, '{"id": 1, "text": "Grüße"}'.encode(), "text")
    assert record.error is None
    assert record.data == {"id": 1, "text": "Grüße"}
    assert record.line == 4


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        (b'{"text": "unterminated', "not valid JSON"),
        (b'["text"]', "not a JSON object but list"),
        (b'{"body": "x"}', 'no "text" field'),
        (b'{"text": null}', '"text" is NoneType, not a string'),
        (b'{"text": "caf\xe9"}', "not UTF-8 (byte 0xe9)"),
    ],
)
def test_parse_record_says_why_a_line_cannot_be_cleaned(raw: bytes, error: str) -> None:
    record = parse_record(1, raw, "text")
    assert record.data is None
    assert record.error is not None
    assert record.error.startswith(error)


def test_a_blank_line_is_not_a_record_and_not_an_error() -> None:
    record = parse_record(2, b"  ", "text")
    assert record.is_blank
    assert record.error is None
