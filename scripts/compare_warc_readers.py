"""Why `clean` reads WARC with warcio: reading time beside FastWARC's.

Writes a ``.warc.gz`` of HTTP responses (the hand-written pages of
``tests/data/pages``, repeated), then reads every response's payload with
warcio (stripper's reader) and with FastWARC, three times each, and prints
records per CPU second beside what cleaning those pages costs per record in
the HTML mode. FastWARC is not a dependency: ``pip install fastwarc`` first.

    python scripts/compare_warc_readers.py --records 6000
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from stripper import Stripper

PAGES = Path(__file__).resolve().parents[1] / "tests" / "data" / "pages"


def write_warc(path: Path, pages: list[bytes], records: int) -> None:
    """``records`` HTTP responses, the pages in turn, gzipped per record."""
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        for i in range(records):
            headers = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
            )
            record = writer.create_warc_record(
                f"https://site{i % 50}.example/page/{i}",
                "response",
                payload=io.BytesIO(pages[i % len(pages)]),
                http_headers=headers,
            )
            writer.write_record(record)


def read_warcio(path: Path) -> int:
    with open(path, "rb") as stream:
        return sum(
            len(r.content_stream().read()) > 0
            for r in ArchiveIterator(stream)
            if r.rec_type == "response"
        )


def read_fastwarc(path: Path) -> int:
    from fastwarc.warc import ArchiveIterator as FastIterator
    from fastwarc.warc import WarcRecordType

    with open(path, "rb") as stream:
        records = FastIterator(stream, record_types=WarcRecordType.response, parse_http=True)
        return sum(len(r.reader.read()) > 0 for r in records)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=6000)
    args = parser.parse_args()
    try:
        import fastwarc  # noqa: F401
    except ImportError:
        print("FastWARC is not installed: pip install fastwarc", file=sys.stderr)
        return 2
    pages = [p.read_bytes() for p in sorted(PAGES.glob("*/*.html"))]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "responses.warc.gz"
        write_warc(path, pages, args.records)
        print(f"{args.records:,} responses, {path.stat().st_size / 1e6:.1f} MB gzipped")
        for name, read in (("warcio", read_warcio), ("FastWARC", read_fastwarc)) * 3:
            started = time.process_time()
            count = read(path)
            seconds = time.process_time() - started
            print(f"{name:9s} read {count:,} records: {count / seconds:8,.0f} records/CPU s")
    stripper = Stripper()
    stripper.clean_html(pages[0])  # load the model outside the timing
    started = time.process_time()
    for page in pages:
        stripper.clean_html(page)
    seconds = time.process_time() - started
    print(f"HTML mode cleaning the same pages: {len(pages) / seconds:8,.0f} records/CPU s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
