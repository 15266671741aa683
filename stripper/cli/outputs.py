"""Output for the command line: atomic writes and report files.

Every file is written to a temp file in its destination folder and moved
into place with `os.replace`, so a reader (or a re-run after a crash) sees
either the whole output or none, and an existing file is never half-written.
Outputs are named by `stripper.cli.names`.
"""

from __future__ import annotations

import functools
import gzip
import json
import math
import os
import tempfile
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Self  # Python 3.11+, only read by type checkers

    from ..api import LineVerdict


@functools.cache
def _file_mode() -> int:
    """The permissions a plain ``open(path, "w")`` would give (temp files get
    0600); read once, when the first file is written."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


class AtomicFile:
    """A binary file written in place of ``path`` only when complete.

    Use as a context manager: leaving the block normally moves the finished
    file into place; an exception (or `discard`) deletes the temp file and
    leaves any existing ``path`` as it was. With ``compress`` the bytes are
    gzipped (with no timestamp, so equal input gives equal output).
    """

    def __init__(self, path: Path, compress: bool = False) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(
            prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent
        )
        self._temp = Path(temp)
        self._raw: IO[bytes] = os.fdopen(handle, "wb")
        self._out: IO[bytes] = self._raw
        if compress:
            self._out = gzip.GzipFile(filename="", fileobj=self._raw, mode="wb", mtime=0)
        self._open = True

    def write(self, data: bytes) -> None:
        """Append bytes to the output."""
        self._out.write(data)

    def commit(self) -> None:
        """Finish the file and move it into place."""
        try:
            self._close()
            os.chmod(self._temp, _file_mode())
            os.replace(self._temp, self.path)
        except BaseException:
            self.discard()
            raise

    def discard(self) -> None:
        """Abandon the output: delete the temp file, leave ``path`` untouched."""
        try:
            self._close()
        finally:
            self._temp.unlink(missing_ok=True)

    def _close(self) -> None:
        if self._open:
            self._open = False
            try:
                if self._out is not self._raw:
                    self._out.close()
            finally:
                self._raw.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if kind is None:
            self.commit()
        else:
            self.discard()


def write_atomic(path: Path, data: bytes, compress: bool = False) -> None:
    """Write ``data`` to ``path`` atomically (see `AtomicFile`)."""
    with AtomicFile(path, compress) as out:
        out.write(data)


def dump_record(data: dict) -> bytes:
    """One JSONL output line: keys in their original order, UTF-8, ending in a newline.

    Text is written as is (not ``\\u`` escaped) unless it holds a lone
    surrogate, which UTF-8 cannot carry; then the line is ASCII-escaped.

    >>> dump_record({"id": 7, "text": "Grüße"})
    b'{"id": 7, "text": "Gr\\xc3\\xbc\\xc3\\x9fe"}\\n'
    """
    try:
        return (json.dumps(data, ensure_ascii=False) + "\n").encode("utf-8")
    except UnicodeEncodeError:
        return (json.dumps(data) + "\n").encode("ascii")


def report_entry(
    source: str,
    verdicts: Iterable[LineVerdict],
    record: int | None = None,
    line: int | None = None,
) -> dict:
    """One ``--report`` object: a document's non-blank lines and their debris probability.

    ``n`` counts document lines from 1 (blank lines included), as editors do;
    for JSONL inputs ``record`` is the record's 0-based index and ``line``
    its line number in the file.
    """
    entry: dict = {"source": source}
    if record is not None:
        entry["record"] = record
        entry["line"] = line
    entry["lines"] = [
        {"n": v.number + 1, "text": v.text, "debris": v.is_debris, "p": _probability(v)}
        for v in verdicts
    ]
    return entry


def _probability(verdict: LineVerdict) -> float | None:
    """Rounded for reading; None (JSON null) rather than NaN, which JSON lacks."""
    p = float(verdict.probability)
    return None if math.isnan(p) else round(p, 4)


class ReportWriter(AtomicFile):
    """The ``--report`` file: one JSON object per document, written as they come."""

    def add(self, entry: dict) -> None:
        """Append one `report_entry`."""
        self.write(dump_record(entry))
