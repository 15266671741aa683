"""Output for the command line: atomic writes, resumable JSONL outputs, report files.

Every file is written to a temp file in its destination folder and moved
into place with `os.replace`, so a reader (or a re-run after a crash) sees
either the whole output or none, and an existing file is never half-written.
A temp file is locked (``flock``) while it is written, so a later run can
tell a killed run's orphan from another run's work in progress and remove
only the orphans (`remove_orphans`). A JSONL output grows in a fixed hidden
file beside its destination (`PartialOutput`), so a run killed part way
through a big file is resumed from its last complete line, not redone.
Outputs are named by `stripper.cli.names`.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import gzip
import json
import math
import os
import re
import tempfile
import time
import zlib
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING

from .names import is_output_name

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
        lock_temp_file(handle)  # mine while written: not an orphan
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


#: How AtomicFile names its temp files: ``.story.clean.txt.k3j9_x2a.tmp``.
_TEMP_NAME = re.compile(r"\.(?P<name>.+)\.[a-z0-9_]{8}\.tmp")
#: A temp file not locked and older than this was left by a run that was
#: killed; younger, it may be one a writer has created and not locked yet
#: (the two steps of `AtomicFile` are microseconds apart).
ORPHAN_SECONDS = 2


def lock_temp_file(handle: int) -> None:
    """Lock a temp file being written, where the file system can (some cannot:
    their temp files are then never taken for orphans, see `remove_orphans`)."""
    with contextlib.suppress(OSError):
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)


def remove_orphans(folder: Path, now: float | None = None) -> int:
    """Delete the temp files of outputs that killed runs left in ``folder``;
    return how many.

    Only names of stripper's own temp pattern for one of its output names
    count, and only when older than `ORPHAN_SECONDS` *and* unlocked: a temp
    file another run is writing is locked by it, and a new one (not locked
    yet for an instant) is young. Where locks are not supported nothing is
    removed.
    """
    now = time.time() if now is None else now
    removed = 0
    try:
        names = os.listdir(folder)
    except OSError:
        return 0
    for name in names:
        match = _TEMP_NAME.fullmatch(name)
        if not match or not is_output_name(match["name"]):
            continue
        path = Path(folder, name)
        try:
            if now - path.lstat().st_mtime < ORPHAN_SECONDS or not path.is_file():
                continue
            handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            continue
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            path.unlink()
            removed += 1
        except OSError:  # locked (another run is writing it), or locks unsupported
            pass
        finally:
            os.close(handle)
    return removed


class Busy(Exception):
    """Another run is writing this output now."""


class PartialOutput:
    """A JSONL output written line by line into ``.NAME.partial`` beside it,
    which is renamed to NAME when complete (`commit`).

    The partial file is locked while open, so two runs never write one
    output. A partial file that a killed run left is resumed: it is cut back
    to its last complete line (for gzip, to its last complete member: each
    `flush` ends one), and `lines` says how many input lines that covers,
    one output line per input line.
    """

    def __init__(self, path: Path, compress: bool = False, resume: bool = True) -> None:
        self.path = Path(path)
        self.partial = self.partial_of(self.path)
        self.compress = compress
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._handle = self._lock()
        self.lines = self._cut_back() if resume else 0
        if not resume:
            os.ftruncate(self._handle, 0)
        os.lseek(self._handle, 0, os.SEEK_END)
        self._pending: list[bytes] = []

    @staticmethod
    def partial_of(path: Path) -> Path:
        """Where the output ``path`` grows until it is complete."""
        return path.with_name(f".{path.name}.partial")

    def _lock(self) -> int:
        """Open and lock the partial file; `Busy` if another run holds it."""
        while True:
            handle = os.open(self.partial, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(handle)
                raise Busy(str(self.partial)) from None
            except OSError:  # no locks on this file system: write unlocked
                return handle
            try:  # still the file at that name (not one just renamed into place)?
                if os.stat(self.partial).st_ino == os.fstat(handle).st_ino:
                    return handle
            except FileNotFoundError:
                pass
            os.close(handle)

    def _cut_back(self) -> int:
        """Cut the partial file back to whole lines; return how many it holds."""
        with os.fdopen(os.dup(self._handle), "rb") as stream:
            keep, lines = (_whole_members if self.compress else _whole_lines)(stream)
        os.ftruncate(self._handle, keep)
        return lines

    def write(self, line: bytes) -> None:
        """Add one output line (written at the next `flush`)."""
        self._pending.append(line)

    def flush(self) -> None:
        """Write the lines added since the last flush (one gzip member if compressed)."""
        if not self._pending:
            return
        data = b"".join(self._pending)
        self._pending = []
        if self.compress:
            data = gzip.compress(data, mtime=0)
        view = memoryview(data)
        while view:
            view = view[os.write(self._handle, view) :]

    def commit(self) -> None:
        """Move the finished output into place and let go of it."""
        self.flush()
        _chmod(self._handle)
        os.replace(self.partial, self.path)
        self.close()

    def discard(self) -> None:
        """Delete the partial file (the input cannot be read, or the output written)."""
        try:
            self.partial.unlink(missing_ok=True)
        finally:
            self.close()

    def close(self) -> None:
        """Let go of the partial file, leaving it to be resumed."""
        if self._handle >= 0:
            os.close(self._handle)
            self._handle = -1


def _chmod(handle: int) -> None:
    os.fchmod(handle, _file_mode())


def _whole_lines(stream: IO[bytes]) -> tuple[int, int]:
    """(bytes up to the last newline, lines before it) of a plain file."""
    keep = lines = offset = 0
    for block in iter(lambda: stream.read(1 << 20), b""):
        end = block.rfind(b"\n")
        if end >= 0:
            lines += block.count(b"\n")
            keep = offset + end + 1
        offset += len(block)
    return keep, lines


def _whole_members(stream: IO[bytes]) -> tuple[int, int]:
    """(bytes of the complete gzip members at the start, lines they hold)."""
    data = stream.read()
    keep = lines = 0
    while data[keep:]:
        member = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            text = member.decompress(data[keep:])
        except zlib.error:
            break
        if not member.eof or not text.endswith(b"\n"):
            break
        lines += text.count(b"\n")
        keep = len(data) - len(member.unused_data)
    return keep, lines


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
