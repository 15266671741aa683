"""Peak memory of reading large record files: prints figures, asserts nothing.

    python scripts/records_memory.py                  # about 1 GB of records per format
    python scripts/records_memory.py --records 50000  # smaller

Writes a .jsonl.zst, a .warc.gz and a .parquet of ``--records`` documents of
about 5 KB each to a temp folder, then reads each one in a process of its
own through `stripper.cli.records.read_records` and prints documents, seconds,
documents/s and the process's peak resident memory, beside a process that
only imports the readers. Bounded memory shows as a peak that does not grow
with the file. Needs ``pip install "stripper[warc,parquet,zstd]"``.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORDS = ["the", "council", "bridge", "river", "ferry", "spring", "vote", "town", "officials",
         "said", "residents", "debate", "construction", "years", "engineers", "survey"]  # fmt: skip


def texts(count: int, seed: int = 7):
    rng = random.Random(seed)
    for i in range(count):
        lines = [" ".join(rng.choices(WORDS, k=rng.randint(3, 25))) for _ in range(60)]
        yield i, "\n".join(lines) + "\n"


def write_files(folder: Path, count: int) -> list[Path]:
    import pyarrow as pa
    import pyarrow.parquet as pq
    from warcio.warcwriter import WARCWriter

    from stripper.cli.records import RecordWriter

    jsonl = folder / "docs.jsonl.zst"
    with RecordWriter(jsonl) as out:
        for i, text in texts(count):
            out.write({"id": i, "text": text})
    warc = folder / "crawl.warc.gz"
    with open(warc, "wb") as raw:
        writer = WARCWriter(raw, gzip=True)
        for i, text in texts(count):
            body = (
                "<html><body><p>" + text.replace("\n", "</p><p>") + "</p></body></html>"
            ).encode()
            http = (
                b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n"
                % len(body)
            )
            payload = http + body
            url = f"https://a.example/{i}"
            record = writer.create_warc_record(
                url, "response", payload=io.BytesIO(payload), length=len(payload)
            )
            writer.write_record(record)
    parquet = folder / "docs.parquet"
    schema = pa.schema([("id", pa.int64()), ("text", pa.string())])
    with pq.ParquetWriter(parquet, schema) as out:
        batch = []
        for i, text in texts(count):
            batch.append({"id": i, "text": text})
            if len(batch) == 1000:
                out.write_table(pa.Table.from_pylist(batch, schema))
                batch = []
        if batch:
            out.write_table(pa.Table.from_pylist(batch, schema))
    return [jsonl, warc, parquet]


def read(path: str | None) -> None:
    """In this process: read one file (or none) and print a JSON line of figures."""
    from stripper.cli.records import ReadStats, read_records

    started, count = time.perf_counter(), 0
    stats = ReadStats()
    if path:
        for _ in read_records(path, stats=stats):
            count += 1
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"file": Path(path).name if path else "(imports only)", "documents": count,
                      "seconds": round(seconds, 1), "peak_rss_mb": round(peak),
                      "bad": stats.bad_count}))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--read", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.read is not None:
        return read(args.read)
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        paths = write_files(Path(folder), args.records)
        print(f"wrote {args.records:,} records per file in {time.perf_counter() - started:.0f} s")
        columns = ("size MB", "documents", "s", "docs/s", "peak RSS MB")
        print(f"{'file':<16}", *(f"{c:>{max(len(c), 8)}}" for c in columns))
        for path in [None, *paths]:
            command = [sys.executable, __file__, "--read", str(path or "")]
            result = json.loads(subprocess.run(command, capture_output=True, text=True,
                                               check=True).stdout)  # fmt: skip
            size = path.stat().st_size / 1e6 if path else 0
            rate = result["documents"] / result["seconds"] if result["seconds"] else 0
            figures = (f"{size:.0f}", f"{result['documents']:,}", f"{result['seconds']:.1f}",
                       f"{rate:.0f}", str(result["peak_rss_mb"]))  # fmt: skip
            print(
                f"{result['file']:<16}",
                *(f"{f:>{max(len(c), 8)}}" for f, c in zip(figures, columns)),
            )


if __name__ == "__main__":
    main()
