"""Record files: documents read from WARC, WET, JSON Lines and Parquet, and
cleaned records written to JSON Lines or Parquet, all in bounded memory.

    stats = ReadStats()
    with RecordWriter("crawl.clean.jsonl.zst") as out:
        documents = read_records("CC-MAIN-...-00000.warc.gz", stats=stats)
        for document, cleaned in clean_documents(Stripper(), documents, stats):
            out.write(output_record(document, cleaned))
    print(stats.summary())

What each input gives (`read_records` picks the reader by the file's name):

* ``.warc``, ``.warc.gz``: one ``"html"`` `Document` per HTTP response with a
  2xx status and an HTML type; the body with its transfer and content
  encodings undone, and the charset of the HTTP header to decode it with;
* ``.warc.wet.gz`` (Common Crawl's WET): one ``"text"`` document per
  ``conversion`` record;
* ``.jsonl``, ``.jsonl.gz``, ``.jsonl.zst``: one document per line, from its
  ``text_field`` (or, with ``html_field``, the page in that field);
* ``.parquet``: one document per row, read a row group at a time.

Nothing in a file stops a run: a record that is not a document (a request,
an image, a redirect) is counted in ``stats.skipped`` by reason, and a record
that cannot be read (cut off, corrupt, junk between records) is named in
``stats.bad`` and reading goes on with the next one.

Memory is one record (or one Parquet row group) at a time, with each
document at most ``max_bytes``. The optional libraries (warcio, pyarrow,
zstandard) are imported only when a file needs them.
"""

from __future__ import annotations

import codecs
import contextlib
import gzip
import io
import json
import os
import re
import tempfile
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, BinaryIO, Literal
from urllib.parse import urlsplit

from .outputs import lock_temp_file

if TYPE_CHECKING:
    from ..api import Cleaned, Stripper

#: Documents larger than this (raw or decoded) are skipped as ``too-large``.
MAX_BYTES = 64 * 1024 * 1024
#: Bad records named in `ReadStats.bad`; the rest are only counted.
MAX_BAD_NAMED = 100
#: How far ahead a search for the next WARC record reads at a time.
RESYNC_WINDOW = 1 << 20
#: Rows per Parquet row group written (and the batches read).
PARQUET_ROWS = 1000
#: The counts every output record carries, as `stripper.Cleaned` names them.
COUNTS = ("lines_kept", "lines_removed", "bytes_removed")
#: The files `read_records` reads, for messages.
RECORD_PATTERNS = "*.warc, *.warc.gz, *.warc.wet.gz, *.jsonl[.gz|.zst], *.parquet"
#: The fields of a record cleaned from WARC or WET, in order.
RECORD_FIELDS = ("url", "record_id", "title", "text", *COUNTS)

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_LOOKS_LIKE_HTML = re.compile(
    rb"^\s*(?:<!doctype\s+html|<html|<head|<body|<!--|<meta|<title)", re.I
)
_WARC_LINE = re.compile(rb"WARC/1\.[01]\r?\n")
_GZIP_MAGIC = b"\x1f\x8b\x08"
#: A payload that holds the start of the next record: its Content-Length lied.
_NEXT_RECORD = re.compile(rb"\r\n\r\nWARC/1\.[01]\r\n[A-Za-z-]+: ")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def optional(module: str, extra: str, what: str) -> Any:
    """Import an optional library, or fail with one line naming the extra to install."""
    try:
        return __import__(module, fromlist=["_"])
    except ImportError:
        package = module.split(".")[0]
        raise ImportError(f'{what} needs {package}: pip install "stripper[{extra}]"') from None


# -- what is read -------------------------------------------------------------


@dataclass(frozen=True)
class Document:
    """One document read from a record file."""

    kind: Literal["text", "html"]
    content: str | bytes  #: text: str; html: the page, bytes as served (encodings undone) or str
    source: str  #: where it was read, for messages: ``file@offset``, ``file:line``, ``file#row``
    url: str | None = None
    record_id: str | None = None  #: WARC-Record-ID (WET: of the conversion record)
    charset: str | None = None  #: html bytes: the charset the HTTP header names
    fields: dict | None = None  #: JSONL and Parquet: the whole input record, to write back

    def page(self) -> str | bytes:
        """The HTML decoded as a browser would: BOM, then the HTTP header's
        charset, else the bytes as they are, for stripper to read ``<meta charset>``."""
        data = self.content
        if isinstance(data, str):
            return data
        for bom, encoding in _BOMS:
            if data.startswith(bom):
                return data[len(bom) :].decode(encoding, "replace")
        if self.charset:
            with contextlib.suppress(UnicodeDecodeError, LookupError):
                return data.decode(self.charset)
        return data


@dataclass(frozen=True)
class BadRecord:
    """A record that could not be read, and why."""

    source: str  #: ``file@offset``, ``file:line`` or ``file#row``
    why: str
    name: str | None = None  #: its URL or record id, where known

    def __str__(self) -> str:
        return f"{self.source}{f' ({self.name})' if self.name else ''}: {self.why}"


@dataclass
class ReadStats:
    """What reading some files turned up: documents, skipped records by reason, bad ones."""

    documents: Counter = field(default_factory=Counter)  #: by kind
    skipped: Counter = field(default_factory=Counter)  #: by reason
    bad: list[BadRecord] = field(default_factory=list)  #: the first `MAX_BAD_NAMED`
    bad_count: int = 0
    resyncs: int = 0  #: times a WARC reader searched for the next record after a bad one

    def add_bad(self, source: str, why: str, name: str | None = None) -> None:
        self.bad_count += 1
        if len(self.bad) < MAX_BAD_NAMED:
            self.bad.append(BadRecord(source, why, name))

    def summary(self) -> str:
        """One line of counts, then one line per bad record named."""
        documents = ", ".join(f"{n:,} {kind}" for kind, n in sorted(self.documents.items()))
        skipped = ", ".join(f"{reason} {n:,}" for reason, n in self.skipped.most_common())
        line = f"{documents or 'no'} documents; skipped: {skipped or 'none'}; bad: {self.bad_count}"
        return "\n".join([line, *(f"  {bad}" for bad in self.bad)])


class RecordError(Exception):
    """A record that cannot be used; reading goes on with the next one."""


def record_format(name: str) -> Literal["warc", "jsonl", "parquet"] | None:
    """Which reader a file name calls for, or None if it is not a record file.

    >>> [record_format(n) for n in ("a.warc.gz", "a.warc.wet.gz", "a.jsonl.zst", "a.txt")]
    ['warc', 'warc', 'jsonl', None]
    """
    name = name.lower()
    if name.endswith((".warc", ".warc.gz", ".wet", ".wet.gz")):
        return "warc"
    if name.endswith((".jsonl", ".jsonl.gz", ".jsonl.zst")):
        return "jsonl"
    if name.endswith(".parquet"):
        return "parquet"
    return None


def read_records(
    path: str | Path,
    *,
    text_field: str = "text",
    html_field: str | None = None,
    stats: ReadStats | None = None,
    max_bytes: int = MAX_BYTES,
) -> Iterator[Document]:
    """The documents of one record file, by its name (`record_format`)."""
    stats = stats if stats is not None else ReadStats()
    kind = record_format(str(path))
    if kind == "warc":
        return read_warc(path, stats=stats, max_bytes=max_bytes)
    if kind == "jsonl":
        return read_jsonl(path, text_field, html_field, stats=stats, max_bytes=max_bytes)
    if kind == "parquet":
        return read_parquet(path, text_field, html_field, stats=stats, max_bytes=max_bytes)
    raise ValueError(f"{path}: not a record file ({RECORD_PATTERNS})")


# -- WARC and WET ---------------------------------------------------------------


def read_warc(
    path: str | Path,
    *,
    stats: ReadStats | None = None,
    max_bytes: int = MAX_BYTES,
    verify_digests: bool = False,
) -> Iterator[Document]:
    """HTML captures and WET texts of a ``.warc``, ``.warc.gz`` or ``.warc.wet.gz`` file.

    warcio parses the records; neither it nor any other WARC library goes
    on after a bad record, so after one this searches forward for the next
    record start (a gzip member that inflates to ``WARC/1.``, or a ``WARC/1.x``
    line) and starts again there. ``verify_digests`` also names records whose
    WARC-Block-Digest does not match (a corrupt gzip member, which warcio
    otherwise reads short without an error).
    """
    warcio = optional("warcio.archiveiterator", "warc", "reading WARC files")
    stats = stats if stats is not None else ReadStats()
    name = str(path)
    try:
        raw = open(path, "rb")  # noqa: SIM115 - closed below, after the reading
    except OSError as error:
        stats.add_bad(name, f"cannot open: {_why(error)}")
        return
    with raw:
        stream: BinaryIO = raw
        gzipped = raw.read(2) == b"\x1f\x8b"
        start: int | None = 0  # where the next pass of the parser begins
        done = -1  # records up to this offset were read before (see the gzip switch)
        while start is not None:
            last = -1  # offset of the last record this pass read
            try:
                for offset, record in _warc_records(warcio, stream, start, verify_digests):
                    if offset > done:
                        last = offset
                        document = _read_record(record, name, offset, max_bytes, stats)
                        if document is not None:
                            stats.documents[document.kind] += 1
                            yield document
                # the parser stopped quietly: at the end of the file, or before a
                # record cut off in its headers, which it drops without a word
                if last < 0 and _next_record_start(stream, start, gzipped) == start:
                    stats.add_bad(f"{name}@{start}", "unreadable record (cut off in its headers?)")
                after = max(last, start) + 1
            except _Unreadable as unreadable:
                error = unreadable.error
                if stream is raw and last == 0 and "non-chunked gzip" in str(error):
                    # gzipped as one stream, not a member per record: valid gzip,
                    # which warcio refuses after the first record; read it
                    # through gzip instead (its seeks are slow, but this is rare)
                    raw.seek(0)
                    stream = gzip.GzipFile(fileobj=raw, mode="rb")  # noqa: SIM115
                    gzipped, start, done = False, 0, 0
                    stats.skipped["whole-file-gzip (read as one stream)"] += 1
                    continue
                if error is not None:
                    stats.add_bad(f"{name}@{unreadable.offset}", _why(error))
                after = max(unreadable.offset, last) + 1
            start = _resync(stream, after, gzipped, stats, name)


def _read_record(
    record: Any, name: str, offset: int, max_bytes: int, stats: ReadStats
) -> Document | None:
    """`_document`, with its errors counted; raises `_Unreadable` if the parser
    is out of step with the file after this record."""
    source = f"{name}@{offset}"
    try:
        return _document(record, source, max_bytes, stats)
    except RecordError as error:
        reason = str(error)
        if reason.startswith(("too-large", "unsupported-encoding")):
            stats.skipped[reason.split(" ")[0]] += 1
            return None
        stats.add_bad(source, reason, _name(record))
        if reason.startswith(("truncated", "overlong", "corrupt")):
            raise _Unreadable(offset) from None
        return None


def _resync(stream: BinaryIO, after: int, gzipped: bool, stats: ReadStats, name: str) -> int | None:
    """The next record start at or after ``after`` (None: the end of the file)."""
    try:
        found = _next_record_start(stream, after, gzipped)
    except (OSError, EOFError, zlib.error) as error:  # a broken one-stream gzip
        stats.add_bad(f"{name}@{after}", f"cannot read on: {_why(error)}")
        return None
    stats.resyncs += found is not None
    return found


class _Unreadable(Exception):
    """The WARC parser lost its way at ``offset`` (``error``: why, if not yet named)."""

    def __init__(self, offset: int, error: Exception | None = None) -> None:
        super().__init__(offset, error)
        self.offset, self.error = offset, error


def _warc_records(
    warcio: Any, stream: BinaryIO, start: int, verify: bool
) -> Iterator[tuple[int, Any]]:
    """(offset, warcio record) from ``start`` on. warcio's messages to stderr
    are caught (this reader names those errors itself), and whatever its
    parser raises becomes `_Unreadable` at the offset where it happened."""
    stream.seek(start)
    records = warcio.ArchiveIterator(stream, check_digests=verify)
    while True:
        try:
            with contextlib.redirect_stderr(io.StringIO()):
                record = next(records, None)
        except Exception as error:  # noqa: BLE001 - the parser's errors vary
            raise _Unreadable(records.offset, error) from None
        if record is None:
            return
        if record.format != "warc":
            # warcio also reads ARC, and takes any first line of five words for
            # an ARC header: a gzipped text file would "parse" as ARC records
            error = ValueError(f"not a WARC record (read as {record.format})")
            raise _Unreadable(records.offset, error)
        yield records.offset, record


def _name(record: Any) -> str | None:
    headers = record.rec_headers
    return headers.get_header("WARC-Target-URI") or headers.get_header("WARC-Record-ID")


def _why(error: Exception) -> str:
    return f"{type(error).__name__}: {' '.join(str(error).split())[:200]}"


def _document(record: Any, source: str, max_bytes: int, stats: ReadStats) -> Document | None:
    """The document a WARC record holds, or None (counted in ``stats.skipped``)."""
    headers = record.rec_headers
    url = headers.get_header("WARC-Target-URI")
    record_id = headers.get_header("WARC-Record-ID")
    kind = record.rec_type
    if headers.get_header("Content-Length") is None:  # warcio reads on without one
        raise RecordError("truncated: no Content-Length (cut off in its headers?)")
    if kind == "conversion":  # WET: the text Common Crawl extracted from a response
        mime, _ = parse_content_type(headers.get_header("Content-Type"))
        if mime not in (None, "text/plain"):
            stats.skipped[f"conversion:{mime}"] += 1
            return None
        text = _payload(record, max_bytes).decode("utf-8", "replace")
        return Document("text", text, source, url, record_id)
    if kind != "response":
        stats.skipped[f"type:{kind}"] += 1
        return None
    if record.http_headers is None:
        stats.skipped["no-http-headers"] += 1
        return None
    status = record.http_headers.get_statuscode() or ""
    if not status.startswith("2"):
        stats.skipped[f"status:{status[:1] or '?'}xx"] += 1
        return None
    http = {key.lower(): value for key, value in record.http_headers.headers}
    mime, charset = parse_content_type(http.get("content-type"))
    if mime is not None and mime not in HTML_TYPES:
        stats.skipped[f"mime:{mime}"] += 1
        return None
    body = _payload(record, max_bytes)
    if "chunked" in http.get("transfer-encoding", "").lower():
        body, complete = dechunk(body)
        if not complete:
            raise RecordError("bad chunking: the chunked body ends early")
    body = decode_content(body, http.get("content-encoding"), max_bytes)
    if not body.strip():
        stats.skipped["empty-body"] += 1
        return None
    if mime is None and not _LOOKS_LIKE_HTML.match(body[:512]):
        stats.skipped["mime:none"] += 1
        return None
    return Document("html", body, source, url, record_id, charset)


def _payload(record: Any, max_bytes: int) -> bytes:
    """A record's payload (after its HTTP headers), checked for being whole."""
    stream = record.raw_stream
    with contextlib.redirect_stderr(io.StringIO()) as messages:
        data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise RecordError("too-large")
    if messages.getvalue():  # warcio's zlib error: a corrupt gzip member, read short
        raise RecordError(f"corrupt: {messages.getvalue().splitlines()[0][:200]}")
    if getattr(stream, "limit", 0):  # warcio's LimitReader: bytes the file did not have
        raise RecordError(f"truncated: the record is cut off after {len(data):,} bytes")
    checker = getattr(record, "digest_checker", None)
    if checker is not None and checker.passed is False:
        raise RecordError("digest mismatch: " + "; ".join(checker.problems))
    if _NEXT_RECORD.search(data):
        raise RecordError("overlong: the payload runs into the next record (Content-Length?)")
    return data


def _next_record_start(stream: BinaryIO, after: int, gzipped: bool) -> int | None:
    """The offset of the first record start at or after ``after``, or None."""
    position = after
    while True:
        stream.seek(position)
        window = stream.read(RESYNC_WINDOW + 16)
        if not window:
            return None
        if gzipped:
            found = window.find(_GZIP_MAGIC)
            while 0 <= found < RESYNC_WINDOW:
                stream.seek(position + found)
                with contextlib.suppress(zlib.error):
                    head = zlib.decompressobj(31).decompress(stream.read(4096), 16)
                    if head.startswith(b"WARC/1."):
                        return position + found
                found = window.find(_GZIP_MAGIC, found + 1)
        else:
            for match in _WARC_LINE.finditer(window):
                at = match.start()
                if at >= RESYNC_WINDOW:
                    break
                if position + at == 0 or (at > 0 and window[at - 1 : at] == b"\n"):
                    return position + at
                if at == 0:  # at the window's start: look at the byte before it
                    stream.seek(position - 1)
                    if stream.read(1) == b"\n":
                        return position
        if len(window) <= RESYNC_WINDOW:
            return None
        position += RESYNC_WINDOW


def dechunk(data: bytes) -> tuple[bytes, bool]:
    """Undo ``Transfer-Encoding: chunked``: (body, whether it ended properly).

    A body that does not start with a chunk size is returned as it is
    (servers say "chunked" of bodies that are not).

    >>> dechunk(b"5\\r\\nHello\\r\\n0\\r\\n\\r\\n"), dechunk(b"<html>")
    ((b'Hello', True), (b'<html>', True))
    """
    parts, at, first = [], 0, True
    while at < len(data):
        end = data.find(b"\n", at, at + 1024)
        try:
            size = int(data[at:end].split(b";", 1)[0].strip(), 16) if end >= 0 else None
        except ValueError:
            size = None
        if size is None:
            return (data, True) if first else (b"".join(parts), False)
        first = False
        if size == 0:
            return b"".join(parts), True
        parts.append(data[end + 1 : end + 1 + size])
        at = end + 1 + size
        if at > len(data):
            return b"".join(parts), False
        at += 2 if data[at : at + 2] == b"\r\n" else 1 if data[at : at + 1] == b"\n" else 0
    return b"".join(parts), False


def decode_content(body: bytes, encoding: str | None, limit: int = MAX_BYTES) -> bytes:
    """Undo ``Content-Encoding`` (gzip, x-gzip, deflate, br, zstd), at most ``limit`` bytes."""
    for name in reversed([e.strip().lower() for e in (encoding or "").split(",") if e.strip()]):
        if name in ("identity", "none"):
            continue
        try:
            if name in ("gzip", "x-gzip"):
                body = _inflate(body, 47, limit)  # 47: a gzip or zlib header, either
            elif name == "deflate":
                try:
                    body = _inflate(body, 15, limit)
                except zlib.error:
                    body = _inflate(body, -15, limit)  # raw deflate, as some servers send
            elif name == "br":
                body = optional("brotli", "warc", "Content-Encoding: br").decompress(body)
            elif name == "zstd":
                zstandard = optional("zstandard", "zstd", "Content-Encoding: zstd")
                body = zstandard.ZstdDecompressor().decompress(body, max_output_size=limit)
            else:
                raise RecordError(f"unsupported-encoding:{name}")
        except ImportError as error:
            raise RecordError(f"unsupported-encoding:{name} ({error})") from None
        except (zlib.error, OSError, ValueError, RuntimeError) as error:
            if _LOOKS_LIKE_HTML.match(body[:256]):  # the header lied: the body is plain
                return body
            raise RecordError(f"decode error ({name}): {error}") from None
        if len(body) > limit:
            raise RecordError("too-large (decoded)")
    return body


def _inflate(data: bytes, wbits: int, limit: int) -> bytes:
    out = zlib.decompressobj(wbits).decompress(data, limit + 1)  # bounded: no zip bombs
    if len(out) > limit:
        raise RecordError("too-large (decoded)")
    return out


def parse_content_type(value: str | None) -> tuple[str | None, str | None]:
    """The MIME type and the charset (as a Python codec name) of a Content-Type.

    >>> parse_content_type("text/html; charset=ISO-8859-1")
    ('text/html', 'iso8859-1')
    """
    if not value:
        return None, None
    mime, *parameters = value.split(";")
    charset = None
    for parameter in parameters:
        key, _, label = parameter.partition("=")
        if key.strip().lower() == "charset":
            with contextlib.suppress(LookupError):
                charset = codecs.lookup(label.strip().strip("\"'")).name
    return mime.strip().lower() or None, charset


# -- JSON Lines -------------------------------------------------------------------


def read_jsonl(
    path: str | Path,
    text_field: str = "text",
    html_field: str | None = None,
    *,
    stats: ReadStats | None = None,
    max_bytes: int = MAX_BYTES,
) -> Iterator[Document]:
    """One document per line of a ``.jsonl``, ``.jsonl.gz`` or ``.jsonl.zst`` file.

    The document is the line's ``text_field``, or with ``html_field`` the
    page in that field. A line that is not such an object is named as bad;
    a line over ``max_bytes`` is skipped without being held in memory.
    """
    stats = stats if stats is not None else ReadStats()
    name, wanted = str(path), html_field or text_field
    try:
        with open_compressed(path) as stream:
            for number, line in _lines(stream, max_bytes):
                source = f"{name}:{number}"
                if line is None:
                    stats.skipped["too-large"] += 1
                    continue
                if not line.strip():
                    continue
                try:
                    data = json.loads(line)
                except (UnicodeDecodeError, ValueError, RecursionError) as error:
                    stats.add_bad(source, f"not a JSON line ({_why(error)})")
                    continue
                value = data.get(wanted) if isinstance(data, dict) else None
                if not isinstance(value, str):
                    is_object = isinstance(data, dict)
                    stats.add_bad(source, f'no string "{wanted}"' if is_object else "not an object")
                    continue
                kind = "html" if html_field else "text"
                url, record_id = data.get("url"), data.get("id")
                stats.documents[kind] += 1
                yield Document(kind, value, source, _str(url), _str(record_id), fields=data)
    except (OSError, EOFError, zlib.error, ZstdError) as error:
        stats.add_bad(name, f"cannot read on: {_why(error)}")


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


def _lines(stream: BinaryIO, max_bytes: int) -> Iterator[tuple[int, bytes | None]]:
    """(line number, line) of a binary stream; None for a line over ``max_bytes``,
    which is read past in pieces rather than held whole."""
    number = 0
    while True:
        line = stream.readline(max_bytes + 1)
        if not line:
            return
        number += 1
        if len(line) > max_bytes and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):
                line = stream.readline(1 << 20)
            yield number, None
            continue
        yield number, line


class ZstdError(Exception):
    """A zstd stream that cannot be read on (corrupt, or cut off)."""


@contextlib.contextmanager
def open_compressed(path: str | Path) -> Iterator[BinaryIO]:
    """A binary stream of a file, decompressed as its name says (``.gz``, ``.zst``)."""
    name = str(path).lower()
    with open(path, "rb") as raw:
        if name.endswith(".gz"):
            with gzip.GzipFile(fileobj=raw, mode="rb") as stream:
                yield stream  # type: ignore[misc]
        elif name.endswith(".zst"):
            with io.BufferedReader(ZstdReader(raw), 1 << 20) as stream:
                yield stream
        else:
            yield raw


class ZstdReader(io.RawIOBase):
    """The zstd frames of a file one after another, as ``zstd -d`` reads them.

    A file that ends inside a frame raises `ZstdError` (zstandard's own
    stream reader ends quietly there, and a cut-off download would look
    whole). Compressed bytes go in 1 KiB at a time, which bounds what one
    step can inflate to (32 MiB), whatever the file.
    """

    def __init__(self, raw: BinaryIO) -> None:
        self._zstandard = optional("zstandard", "zstd", "reading .zst files")
        self._raw = raw
        self._frame: Any = None  # the decompressor of the current frame
        self._out = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._out:
            chunk = self._raw.read(1024)
            if not chunk:
                if self._frame is not None and not self._frame.eof:
                    raise ZstdError("cut off: the file ends inside a zstd frame")
                return 0
            self._out = memoryview(self._inflate(chunk))
        size = min(len(buffer), len(self._out))
        buffer[:size] = self._out[:size]
        self._out = self._out[size:]
        return size

    def _inflate(self, chunk: bytes) -> bytes:
        parts = []
        while chunk:
            if self._frame is None or self._frame.eof:  # a new frame begins
                self._frame = self._zstandard.ZstdDecompressor().decompressobj()
            try:
                parts.append(self._frame.decompress(chunk))
            except self._zstandard.ZstdError as error:
                raise ZstdError(f"corrupt zstd data ({error})") from None
            chunk = self._frame.unused_data if self._frame.eof else b""
        return b"".join(parts)


# -- Parquet ----------------------------------------------------------------------


def read_parquet(
    path: str | Path,
    text_field: str = "text",
    html_field: str | None = None,
    *,
    stats: ReadStats | None = None,
    max_bytes: int = MAX_BYTES,
    batch_size: int = PARQUET_ROWS,
) -> Iterator[Document]:
    """One document per row of a Parquet file, from its ``text_field`` column
    (or the page in ``html_field``).

    Read in batches of ``batch_size`` rows. pyarrow decodes a whole row group
    at a time, so that is the memory a file costs; a row group that cannot
    be read is named as bad and reading goes on with the next.
    """
    parquet = optional("pyarrow.parquet", "parquet", "reading Parquet files")
    stats = stats if stats is not None else ReadStats()
    name, wanted = str(path), html_field or text_field
    kind: Literal["text", "html"] = "html" if html_field else "text"
    try:
        file = parquet.ParquetFile(path)
    except Exception as error:  # noqa: BLE001 - pyarrow's errors vary: name the file, go on
        stats.add_bad(name, f"not a readable Parquet file ({_why(error)})")
        return
    with file:
        if wanted not in file.schema_arrow.names:
            columns = ", ".join(file.schema_arrow.names)
            stats.add_bad(name, f'no "{wanted}" column (it has {columns})')
            return
        row = 0
        for group in range(file.metadata.num_row_groups):
            first = row
            row += file.metadata.row_group(group).num_rows
            try:
                for batch in file.iter_batches(batch_size=batch_size, row_groups=[group]):
                    for offset, data in enumerate(batch.to_pylist()):
                        document = _row_document(data, wanted, kind, f"{name}#{first + offset}")
                        if document is None:
                            stats.skipped["null"] += 1
                        elif len(document.content) > max_bytes:
                            stats.skipped["too-large"] += 1
                        else:
                            stats.documents[kind] += 1
                            yield document
                    first += batch.num_rows
            except (OSError, ValueError) as error:  # pyarrow's ArrowException subclasses these
                stats.add_bad(f"{name}#{first}", f"row group {group} unreadable: {_why(error)}")


def _row_document(data: dict, column: str, kind: str, source: str) -> Document | None:
    value = data[column]
    if value is None:
        return None
    if isinstance(value, bytes) and kind == "text":
        value = value.decode("utf-8", "replace")
    url, record_id = data.get("url"), data.get("id")
    return Document(kind, value, source, _str(url), _str(record_id), fields=data)  # type: ignore[arg-type]


# -- cleaning -----------------------------------------------------------------------


def site_of(url: object, outlet: bool = False) -> str | None:
    """The site a document is cleaned as: ``"*"`` if every document is the
    adapted model's outlet's (``clean --outlet``), else its URL's host (None
    without one). An adapted model scores the documents of its hosts; the
    templates a batch teaches are counted per site.

    >>> site_of("https://www.Example.com/a?b"), site_of(None), site_of("x", outlet=True)
    ('www.example.com', None, '*')
    """
    if outlet:
        return "*"
    if not isinstance(url, str):
        return None
    try:
        return urlsplit(url).hostname or None
    except ValueError:  # a malformed address is no site
        return None


def clean_documents(
    stripper: Stripper,
    documents: Iterable[Document],
    stats: ReadStats | None = None,
    batch_size: int = 64,
    outlet: bool = False,
) -> Iterator[tuple[Document, Cleaned]]:
    """Each document with its cleaned version, in order; text goes through
    `Stripper.clean_many` in batches, pages one at a time, each as its site
    (`site_of`).

    A document whose cleaning fails is named in ``stats.bad`` and left out;
    the others go on.
    """
    stats = stats if stats is not None else ReadStats()
    batch: list[Document] = []
    for document in documents:
        batch.append(document)
        if len(batch) >= batch_size:
            yield from _clean_batch(stripper, batch, stats, outlet)
            batch = []
    yield from _clean_batch(stripper, batch, stats, outlet)


def _clean_batch(
    stripper: Stripper, batch: list[Document], stats: ReadStats, outlet: bool
) -> Iterator[tuple[Document, Cleaned]]:
    texts = [d for d in batch if d.kind == "text"]
    sites = [site_of(d.url, outlet) for d in texts]
    try:
        cleaned: dict[int, Cleaned | Exception] = dict(
            zip(map(id, texts), stripper.clean_many([d.content for d in texts], sites))  # type: ignore[misc]
        )
    except Exception:  # noqa: BLE001 - find the document that failed, one at a time
        cleaned = {
            id(d): _attempt(stripper.clean_document, d.content, site)
            for d, site in zip(texts, sites)
        }
    for document in batch:
        result = (
            cleaned[id(document)]
            if document.kind == "text"
            else _attempt(clean_page, stripper, document, site_of(document.url, outlet))
        )
        if isinstance(result, Exception):
            stats.add_bad(document.source, f"cleaning failed: {_why(result)}", document.url)
        else:
            yield document, result


def clean_page(stripper: Stripper, document: Document, site: str | None = None) -> Cleaned:
    """A page's article text (and its declared title), the page decoded with
    its HTTP charset first."""
    return stripper.clean_html_document(document.page(), site)


def _attempt(clean: Any, *arguments: Any) -> Any:
    try:
        return clean(*arguments)
    except Exception as error:  # noqa: BLE001 - reported by the caller
        return error


def output_record(document: Document, cleaned: Cleaned, text_field: str = "text") -> dict:
    """What is written for a cleaned document.

    From WARC or WET: `RECORD_FIELDS` (url, record id, title, text, counts).
    From JSONL or Parquet: the input record with its ``text_field`` cleaned
    (or added, for a page read from another field), then the counts.
    """
    counts = {name: getattr(cleaned, name) for name in COUNTS}
    if document.fields is None:
        return {"url": document.url, "record_id": document.record_id, "title": cleaned.title,
                "text": cleaned.text, **counts}  # fmt: skip
    return {**document.fields, text_field: cleaned.text, **counts}


# -- writing ------------------------------------------------------------------------


class RecordWriter:
    """Records (dicts) written to ``.jsonl``, ``.jsonl.gz``, ``.jsonl.zst`` or ``.parquet``.

    The file is written under a temp name beside ``path`` and moved into
    place when the writer is closed without an error, so a crash never
    leaves half a file under the output's name. Parquet is written a row
    group of `PARQUET_ROWS` records at a time, with ``schema`` (a pyarrow
    schema, see `parquet_output_schema`) or one inferred from the first rows.
    """

    def __init__(self, path: str | Path, schema: Any = None, level: int = 3) -> None:
        self.path = Path(path)
        name = self.path.name.lower()
        if not name.endswith((".jsonl", ".jsonl.gz", ".jsonl.zst", ".parquet")):
            raise ValueError(f"{path}: records are written to .jsonl[.gz|.zst] or .parquet")
        self.written = 0
        self._schema = schema
        self._rows: list[dict] = []
        self._parquet: Any = None
        if name.endswith(".parquet"):
            self._pa = optional("pyarrow", "parquet", "writing Parquet files")
            optional("pyarrow.parquet", "parquet", "writing Parquet files")
        elif name.endswith(".zst"):
            optional("zstandard", "zstd", "writing .zst files")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(
            prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent
        )
        lock_temp_file(handle)  # not an orphan for `stripper.cli.outputs.remove_orphans`
        self._temp = Path(temp)
        self._raw = os.fdopen(handle, "wb")
        self._out: IO[bytes] = self._raw
        if name.endswith(".gz"):
            self._out = gzip.GzipFile(filename="", fileobj=self._raw, mode="wb", mtime=0)
        elif name.endswith(".zst"):
            self._out = zstd_writer(self._raw, level)

    def write(self, record: dict) -> None:
        """Add one record."""
        if self._parquet is None and not self.path.name.lower().endswith(".parquet"):
            self._out.write(_json_line(record))
        else:
            self._rows.append(record)
            if len(self._rows) >= PARQUET_ROWS:
                self._flush_rows()
        self.written += 1

    def _flush_rows(self) -> None:
        if not self._rows:
            return
        import pyarrow.parquet as pq

        if self._schema is None:
            self._schema = _infer_schema(self._pa, self._rows)
        if self._parquet is None:
            self._parquet = pq.ParquetWriter(self._raw, self._schema, compression="zstd")
        self._parquet.write_table(self._pa.Table.from_pylist(self._rows, schema=self._schema))
        self._rows = []

    def close(self) -> None:
        """Finish the file and move it into place."""
        try:
            if self.path.name.lower().endswith(".parquet"):
                self._flush_rows()
                if self._parquet is None:  # no rows: still a valid file, with the schema
                    import pyarrow.parquet as pq

                    schema = self._schema or _infer_schema(self._pa, [])
                    self._parquet = pq.ParquetWriter(self._raw, schema)
                self._parquet.close()
            if self._out is not self._raw:
                self._out.close()
            self._raw.close()
            os.chmod(self._temp, 0o666 & ~_umask())
            os.replace(self._temp, self.path)
        except BaseException:
            self.discard()
            raise

    def discard(self) -> None:
        """Abandon the output: delete the temp file, leave ``path`` as it was."""
        with contextlib.suppress(Exception):
            self._raw.close()
        self._temp.unlink(missing_ok=True)

    def __enter__(self) -> RecordWriter:
        return self

    def __exit__(self, kind: Any, error: Any, trace: Any) -> None:
        if kind is None:
            self.close()
        else:
            self.discard()


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


def _json_line(record: dict) -> bytes:
    try:
        return (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate, which UTF-8 cannot carry
        return (json.dumps(record) + "\n").encode("ascii")


def zstd_writer(raw: BinaryIO, level: int) -> IO[bytes]:
    """A binary stream that compresses into ``raw`` as one zstd frame."""
    zstandard = optional("zstandard", "zstd", "writing .zst files")
    return zstandard.ZstdCompressor(level=level).stream_writer(raw, closefd=False)


def _infer_schema(pa: Any, rows: list[dict]) -> Any:
    """A Parquet schema for rows: the record fields typed, others as pyarrow infers them."""
    known = {"url": pa.string(), "record_id": pa.string(), "title": pa.string(),
             "text": pa.string(), **{name: pa.int64() for name in COUNTS}}  # fmt: skip
    if not rows:
        return pa.schema([(name, known[name]) for name in RECORD_FIELDS])
    inferred = pa.Table.from_pylist(rows).schema
    return pa.schema([(f.name, known.get(f.name, f.type)) for f in inferred])


def parquet_output_schema(path: str | Path, text_field: str = "text") -> Any:
    """The schema of records cleaned from a Parquet file: its own (types and
    metadata kept), the text column a string, plus the count columns."""
    pa = optional("pyarrow", "parquet", "writing Parquet files")
    parquet = optional("pyarrow.parquet", "parquet", "reading Parquet files")
    schema = parquet.read_schema(path)
    fields = [f for f in schema if f.name not in COUNTS]
    if text_field in schema.names:
        fields[schema.get_field_index(text_field)] = pa.field(text_field, pa.string())
    else:
        fields.append(pa.field(text_field, pa.string()))
    fields += [pa.field(name, pa.int64()) for name in COUNTS]
    return pa.schema(fields, metadata=schema.metadata)
