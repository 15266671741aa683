"""``clean`` on record files, end to end through the command line: WARC and
WET into JSONL records, ``.jsonl.zst`` and Parquet into their own format,
on real files written here with warcio, zstandard and pyarrow."""

from __future__ import annotations

import gzip
import json
import os
import random
import sys
import time
from pathlib import Path

import pytest
from test_cli import ARTICLE, digest, write
from test_records import http_response, warc_record

WARC_EXTRA = 'needs pip install "stripper[warc]"'
DEBRIS = ("Skip to main content", "Share on Facebook", "Subscribe to our newsletter")
COUNTS = ["lines_kept", "lines_removed", "bytes_removed"]


def record_id(i: int) -> str:
    return f"<urn:uuid:00000000-0000-0000-0000-{i:012d}>"


def warc(documents: list[dict]) -> bytes:
    """A gzipped WARC as crawlers write it: warcinfo, then per page a request
    and its HTML response; an image and a redirect among them."""
    parts = [warc_record("", "warcinfo", b"software: tests\r\n", True)]
    for i, doc in enumerate(documents):
        parts.append(warc_record(doc["url"], "request", b"GET / HTTP/1.1\r\n\r\n", True))
        response = http_response(doc["html"].encode())
        parts.append(warc_record(doc["url"], "response", response, True,
                                 **{"WARC-Record-ID": record_id(i)}))  # fmt: skip
    image = http_response(b"\x89PNG\r\n\x1a\n" + bytes(200), "image/png")
    moved = http_response(b"<html>moved</html>", status="301 Moved Permanently")
    parts.append(warc_record("https://news.example/logo.png", "response", image, True))
    parts.append(warc_record("https://news.example/old", "response", moved, True))
    return b"".join(parts)


def wet(documents: list[dict]) -> bytes:
    """A Common Crawl WET file: warcinfo, then one conversion record per page."""
    parts = [warc_record("", "warcinfo", b"description: Wet files\r\n", True)]
    for i, doc in enumerate(documents):
        parts.append(warc_record(doc["url"], "conversion", doc["text"].encode(), True,
                                 content_type="text/plain",
                                 **{"WARC-Record-ID": record_id(i)}))  # fmt: skip
    return b"".join(parts)


def jsonl_zst(rows: list[dict]) -> bytes:
    zstandard = pytest.importorskip("zstandard", reason='needs pip install "stripper[zstd]"')
    lines = "".join(json.dumps(row) + "\n" for row in rows).encode()
    return zstandard.ZstdCompressor().compress(lines)


def read_jsonl_zst(path: Path) -> list[dict]:
    import zstandard

    with open(path, "rb") as raw, zstandard.ZstdDecompressor().stream_reader(raw) as stream:
        return [json.loads(line) for line in stream.read().splitlines()]


def read_jsonl_gz(path: Path) -> list[dict]:
    return [json.loads(line) for line in gzip.decompress(path.read_bytes()).splitlines()]


def write_parquet(path: Path, rows: list[dict]) -> Path:
    pa = pytest.importorskip("pyarrow", reason='needs pip install "stripper[parquet]"')
    import pyarrow.parquet as pq

    pq.write_table(pa.Table.from_pylist(rows), path)
    return path


def has_no_debris(text: str) -> bool:
    return not any(line in text for line in DEBRIS)


@pytest.fixture
def pages(documents: list[dict]) -> list[dict]:
    return documents[:4]


# -- each format, end to end -------------------------------------------------------


@pytest.mark.parametrize("name", ["crawl.warc.gz", "crawl.warc"])
def test_a_warc_becomes_jsonl_records_of_its_html_pages_with_url_id_title_and_counts(
    tmp_path: Path, run, pages: list[dict], name: str
) -> None:
    pytest.importorskip("warcio", reason=WARC_EXTRA)
    data = warc(pages)
    path = write(tmp_path / name, data if name.endswith(".gz") else gzip.decompress(data))
    before = digest(path)
    result = run("clean", tmp_path)
    assert result.code == 0, result.err
    written = read_jsonl_gz(tmp_path / "crawl.clean.jsonl.gz")
    assert [r["url"] for r in written] == [d["url"] for d in pages]
    assert [r["record_id"] for r in written] == [record_id(i) for i in range(len(pages))]
    assert [r["title"] for r in written] == [f"Bridge vote number {i}" for i in range(len(pages))]
    assert list(written[0]) == ["url", "record_id", "title", "text", *COUNTS]
    assert all(has_no_debris(r["text"]) and "bridge" in r["text"] for r in written)
    assert all(r["lines_kept"] > 0 and r["lines_removed"] > 0 for r in written)
    assert result.summary["documents"] == len(pages) and result.summary["files"] == 1
    skipped = "7 skipped: 4 type:request, 1 type:warcinfo, 1 mime:image/png, 1 status:3xx"
    assert skipped in result.err
    assert digest(path) == before


def test_a_wet_file_becomes_jsonl_records_of_its_cleaned_texts(
    tmp_path: Path, run, pages: list[dict]
) -> None:
    pytest.importorskip("warcio", reason=WARC_EXTRA)
    path = write(tmp_path / "CC-MAIN-1-00000.warc.wet.gz", wet(pages))
    result = run("clean", path)
    assert result.code == 0, result.err
    written = read_jsonl_gz(tmp_path / "CC-MAIN-1-00000.wet.clean.jsonl.gz")
    assert [(r["url"], r["record_id"], r["title"]) for r in written] == [
        (d["url"], record_id(i), None) for i, d in enumerate(pages)
    ]
    assert all(has_no_debris(r["text"]) and "bridge" in r["text"] for r in written)
    kept = sum(r["lines_kept"] for r in written)
    assert result.summary["kept"] == kept and result.summary["documents"] == len(pages)


def test_a_jsonl_zst_keeps_every_field_and_gets_its_text_field_cleaned(
    tmp_path: Path, run, pages: list[dict]
) -> None:
    rows = [{"id": d["id"], "body": d["text"], "lang": "en"} for d in pages]
    path = write(tmp_path / "pages.jsonl.zst", jsonl_zst(rows))
    result = run("clean", tmp_path, "--text-field", "body")
    assert result.code == 0, result.err
    written = read_jsonl_zst(tmp_path / "pages.clean.jsonl.zst")
    assert [list(r) for r in written] == [["id", "body", "lang", *COUNTS]] * len(rows)
    assert [r["id"] for r in written] == [d["id"] for d in pages]
    assert all(has_no_debris(r["body"]) and "bridge" in r["body"] for r in written)
    assert all(r["bytes_removed"] == len(row["body"].encode()) - len(r["body"].encode())
               for r, row in zip(written, rows))  # fmt: skip
    assert result.summary["documents"] == len(rows)
    assert path.read_bytes() == jsonl_zst(rows)


def test_a_parquet_table_of_pages_gets_their_article_text_and_can_drop_the_html(
    tmp_path: Path, run, pages: list[dict]
) -> None:
    path = write_parquet(tmp_path / "table.parquet", pages)
    before = digest(path)
    result = run("clean", path, "--html-field", "html", "--drop-html")
    assert result.code == 0, result.err
    import pyarrow.parquet as pq

    table = pq.read_table(tmp_path / "table.clean.parquet")
    assert table.schema.names == ["id", "url", "text", *COUNTS]
    assert table.column("id").to_pylist() == [d["id"] for d in pages]
    texts = table.column("text").to_pylist()
    assert all(has_no_debris(t) and t.startswith("Bridge vote number") for t in texts)
    assert digest(path) == before


# -- damage, reruns, missing libraries ------------------------------------------------


def test_a_warc_with_a_truncated_record_keeps_the_good_ones_and_names_the_bad_one(
    tmp_path: Path, run, pages: list[dict]
) -> None:
    pytest.importorskip("warcio", reason=WARC_EXTRA)
    body = b"<html><p>" + random.Random(1).randbytes(20_000).hex().encode()  # incompressible
    cut = warc_record("https://cut.example/", "response", http_response(body), True)
    good = warc(pages)
    path = write(tmp_path / "crawl.warc.gz", good + cut[: len(cut) // 2])
    result = run("clean", path)
    assert result.code == 1  # a bad record is a failure, as a bad JSONL line is
    written = read_jsonl_gz(tmp_path / "crawl.clean.jsonl.gz")
    assert [r["url"] for r in written] == [d["url"] for d in pages]
    assert f"stripper: {path}@{len(good)}: truncated" in result.err
    assert "(https://cut.example/)" in result.err and "Traceback" not in result.err
    assert result.summary["failed"] == 1 and result.summary["documents"] == len(pages)


def test_a_file_that_cannot_be_read_fails_whole_and_writes_nothing(
    tmp_path: Path, run, pages: list[dict]
) -> None:
    write_parquet(tmp_path / "table.parquet", pages)
    result = run("clean", tmp_path, "--text-field", "body")
    assert result.code == 1
    assert f'stripper: {tmp_path / "table.parquet"}: no "body" column (it has id, url' in result.err
    assert sorted(os.listdir(tmp_path)) == ["table.parquet"]


def test_a_rerun_skips_finished_outputs_and_never_reads_them_as_inputs(
    tmp_path: Path, run, pages: list[dict]
) -> None:
    pytest.importorskip("warcio", reason=WARC_EXTRA)
    originals = [
        write(tmp_path / "crawl.warc.gz", warc(pages)),
        write(tmp_path / "crawl.warc.wet.gz", wet(pages)),  # a segment's WARC and WET
        write(tmp_path / "pages.jsonl.zst", jsonl_zst(pages)),
        write_parquet(tmp_path / "table.parquet", pages),
    ]
    before = {path: digest(path) for path in originals}
    first = run("clean", tmp_path, workers=2)
    assert first.code == 0, first.err
    assert first.summary["files"] == 4 and first.summary["documents"] == 4 * len(pages)
    outputs = {p: digest(p) for p in tmp_path.iterdir() if p not in before}
    assert sorted(p.name for p in outputs) == [
        "crawl.clean.jsonl.gz", "crawl.wet.clean.jsonl.gz", "pages.clean.jsonl.zst",
        "table.clean.parquet",
    ]  # fmt: skip
    again = run("clean", tmp_path)
    assert again.code == 0, again.err
    assert "4 skipped: 4 output exists (--overwrite redoes), 0 failed" in again.err
    assert again.summary["files"] == 0
    assert {p: digest(p) for p in outputs} == outputs
    assert {p: digest(p) for p in originals} == before


def test_a_missing_library_fails_only_its_file_in_one_line(
    tmp_path: Path, run, pages: list[dict], monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("warcio", reason=WARC_EXTRA)
    path = write(tmp_path / "crawl.warc.gz", warc(pages))
    write(tmp_path / "story.txt", ARTICLE)
    monkeypatch.setitem(sys.modules, "warcio.archiveiterator", None)  # as if not installed
    result = run("clean", tmp_path)
    assert result.code == 1
    message = f'stripper: {path}: reading WARC files needs warcio: pip install "stripper[warc]"'
    assert message in result.err and "Traceback" not in result.err
    assert sorted(os.listdir(tmp_path)) == ["crawl.warc.gz", "story.clean.txt", "story.txt"]


def test_a_temp_file_a_killed_run_left_is_removed(tmp_path: Path, run, pages: list[dict]) -> None:
    write(tmp_path / "pages.jsonl.zst", jsonl_zst(pages))
    orphan = write(tmp_path / ".pages.clean.jsonl.zst.k3j9_x2a.tmp", b"half a file")
    old = time.time() - 60
    os.utime(orphan, (old, old))
    result = run("clean", tmp_path)
    assert result.code == 0, result.err
    assert "removed 1 temp file(s) left by a killed run" in result.err
    assert sorted(os.listdir(tmp_path)) == ["pages.clean.jsonl.zst", "pages.jsonl.zst"]


def test_a_record_output_being_written_is_never_taken_for_a_killed_runs(tmp_path: Path) -> None:
    from stripper.cli.outputs import remove_orphans
    from stripper.cli.records import RecordWriter

    with RecordWriter(tmp_path / "crawl.clean.jsonl.gz") as out:
        out.write({"text": "written by another run"})
        (temp,) = tmp_path.iterdir()
        old = time.time() - 60
        os.utime(temp, (old, old))
        assert remove_orphans(tmp_path) == 0  # locked: in progress, not an orphan
    assert os.listdir(tmp_path) == ["crawl.clean.jsonl.gz"]


# -- budgets per record ----------------------------------------------------------------


@pytest.mark.parametrize("on_error", ["fail", "keep", "drop"])
def test_a_record_over_the_line_budget_is_failed_kept_or_emptied_as_on_error_says(
    tmp_path: Path, run, pages: list[dict], on_error: str
) -> None:
    long = {"id": "long", "text": "".join(f"Line {n} of a long list.\n" for n in range(50))}
    rows = [pages[0], long, pages[1]]
    write(tmp_path / "pages.jsonl.zst", jsonl_zst(rows))
    result = run("clean", tmp_path, "--max-lines", "40", "--on-error", on_error)
    assert result.code == (1 if on_error == "fail" else 0)
    assert f"{tmp_path / 'pages.jsonl.zst'}:2: 51 lines is over the 40-line limit" in result.err
    written = {r["id"]: r for r in read_jsonl_zst(tmp_path / "pages.clean.jsonl.zst")}
    assert has_no_debris(written[pages[0]["id"]]["text"])
    if on_error == "fail":
        assert list(written) == [pages[0]["id"], pages[1]["id"]]
    else:
        assert written["long"]["text"] == (long["text"] if on_error == "keep" else "")
        assert "1 file, 2 documents," in result.err and "1 over budget" in result.err
