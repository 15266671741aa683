"""Reading gzip data as ``gunzip`` does, in bounded memory.

Python's `gzip` module refuses a whole file that has bytes after its last
member (a download with junk appended, a crawler's padding), though every
byte of text decompressed fine. `Gunzip` reads members one after another,
skips zero padding between them, and stops at anything else, counting it
in `Gunzip.trailing` so the caller can warn; what decompressed is kept.
A file that does not start like gzip, or ends inside a member, still fails
(`gzip.BadGzipFile`, `EOFError`), as corrupt data does (`zlib.error`).
"""

from __future__ import annotations

import gzip
import io
import zlib
from typing import BinaryIO

_MAGIC = b"\x1f\x8b"
#: Compressed bytes read from the file at a time.
CHUNK = 64 * 1024


class Gunzip(io.RawIOBase):
    """A readable stream of the decompressed bytes of the gzip stream ``raw``."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.members = 0  #: members decompressed to their end
        self.trailing = 0  #: bytes ignored after the last member (not zero padding)
        self._input = b""
        self._member: zlib._Decompress | None = None
        self._done = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        """Decompress at most ``len(buffer)`` bytes into ``buffer``; 0 at the end."""
        while not self._done:
            if not self._input and not self._read_more():
                break
            if self._member is None and not self._start_member():
                continue
            assert self._member is not None
            out = self._member.decompress(self._input, len(buffer))
            self._input = self._member.unconsumed_tail
            if self._member.eof:
                self._input = self._member.unused_data + self._input
                self._member = None
                self.members += 1
            if out:
                buffer[: len(out)] = out
                return len(out)
        return 0

    def _read_more(self) -> bool:
        """Read compressed bytes; at the end of the file, finish (or fail mid-member)."""
        self._input = self.raw.read(CHUNK)
        if self._input:
            return True
        if self._member is not None:
            raise EOFError("Compressed file ended before the end-of-stream marker was reached")
        self._done = True
        return False

    def _start_member(self) -> bool:
        """At a member boundary: start the next member, or skip padding, or stop at junk."""
        data = self._input.lstrip(b"\x00") if self.members else self._input
        if len(data) < len(_MAGIC):
            more = self.raw.read(CHUNK)
            if more:
                self._input = data + more
                return False
        if data.startswith(_MAGIC):
            self._member = zlib.decompressobj(16 + zlib.MAX_WBITS)
            self._input = data
            return True
        if not self.members:
            raise gzip.BadGzipFile(f"Not a gzipped file ({data[:2]!r})")
        self.trailing += len(data) + sum(map(len, iter(lambda: self.raw.read(CHUNK), b"")))
        self._input = b""
        self._done = True
        return False


def gunzip(raw: BinaryIO) -> io.BufferedReader:
    """``raw``'s decompressed bytes as a buffered stream (``.raw.trailing`` after reading)."""
    return io.BufferedReader(Gunzip(raw), buffer_size=CHUNK)


def trailing_garbage(stream: object) -> int:
    """Bytes a `gunzip` stream ignored after its gzip data (0 for other streams)."""
    return getattr(getattr(stream, "raw", None), "trailing", 0)
