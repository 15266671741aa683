"""Input for the command line: finding files, reading and decoding them.

Everything that can go wrong with an input (missing, unreadable, binary,
too large, corrupt gzip) becomes an `InputError` whose message is one
readable line, so the command line can name the file and carry on.

Which files in a folder are inputs is decided by their names
(`stripper.cli.names`). Hidden files and folders (``.git``, temp files) and stripper's own outputs
(``*.clean.txt``, ...) are never inputs, so a re-run never cleans its output.
"""

from __future__ import annotations

import gzip
import json
import os
import stat
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .names import INPUT_PATTERNS, Kind, is_output_name, kind_of

#: How many leading bytes are sniffed to tell text from binary.
SNIFF_BYTES = 1024
#: Share of control bytes (NUL and others that text never holds) in the
#: sniffed head above which a file is binary; a text file with a few stray
#: NULs stays text.
MAX_CONTROL_SHARE = 0.05
_CONTROL_BYTES = bytes(b for b in range(32) if chr(b) not in "\t\n\v\f\r\x1b")
_BINARY_MAGIC = {
    b"%PDF-": "a PDF",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"PK\x03\x04": "a zip archive (or office document)",
    b"\x7fELF": "an executable",
    b"\x1f\x8b": "gzip data (name the file .gz to have it decompressed)",
    b"\xfd7zXZ\x00": "xz data",
    b"7z\xbc\xaf\x27\x1c": "a 7z archive",
    b"\xd0\xcf\x11\xe0": "an old office document",
    b"SQLite format 3\x00": "an SQLite database",
}
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


class InputError(Exception):
    """An input cannot be cleaned; the message says why in one line."""


@dataclass(frozen=True)
class InputFile:
    """One file to clean, and where it sits below the path it was found in."""

    path: Path
    relative: Path  #: path below the folder given on the command line (mirrored by --output-dir)
    kind: Kind
    compressed: bool


@dataclass(frozen=True)
class Decoded:
    """A document's text and, if it was not UTF-8, a warning saying how it was read."""

    text: str
    warning: str | None = None


# -- finding inputs ---------------------------------------------------------


@dataclass(frozen=True)
class Found:
    """What a search of the command-line paths turned up."""

    inputs: list[InputFile]
    problems: list[tuple[str, str]]  #: (path, reason) for paths that yielded nothing
    skipped_outputs: list[Path]  #: stripper outputs named explicitly, left alone


def find_inputs(paths: Iterable[str | Path], named_kind: Kind | None = None) -> Found:
    """Expand files and folders (recursively) into the inputs to clean.

    A file named explicitly is an input whatever its suffix: its kind is
    ``named_kind`` if given, else its suffix's (unknown suffixes are read as
    text). Folders only contribute files with the known suffixes. Each file
    is listed once, in the order given, folders sorted by name.
    """
    inputs: list[InputFile] = []
    problems: list[tuple[str, str]] = []
    skipped: list[Path] = []
    seen: set[Path] = set()
    for given in map(Path, paths):
        if given.is_dir():
            found = list(_walk(given))
            if not found:
                problems.append((str(given), f"no input files ({INPUT_PATTERNS}) in this folder"))
        elif given.exists():
            if is_output_name(given.name):
                skipped.append(given)
                continue
            kind, compressed = kind_of(given.name)
            kind = named_kind or kind or "text"
            found = [InputFile(given, Path(given.name), kind, compressed)]
        else:
            problems.append((str(given), "no such file or folder"))
            continue
        for item in found:
            key = item.path.resolve()
            if key not in seen:
                seen.add(key)
                inputs.append(item)
    return Found(inputs, problems, skipped)


def _walk(folder: Path) -> Iterator[InputFile]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            kind, compressed = kind_of(name)
            if kind is None or name.startswith(".") or is_output_name(name):
                continue
            path = Path(root, name)
            yield InputFile(path, path.relative_to(folder), kind, compressed)


# -- reading bytes ----------------------------------------------------------


@contextmanager
def open_input(path: Path, compressed: bool) -> Iterator[BinaryIO]:
    """Open a file for binary reading, decompressing gzip; failing to open is an `InputError`.

    Errors while reading are the reader's to handle (see `describe_error`),
    so that errors raised while *writing* inside the block are not mistaken
    for input errors.
    """
    try:
        raw = open(path, "rb")  # noqa: SIM115 - closed by the `with raw` below
    except OSError as error:
        raise InputError(describe_error(error)) from error
    with raw:
        if not compressed:
            yield raw
        else:
            with gzip.GzipFile(fileobj=raw, mode="rb") as unzipped:
                yield unzipped  # type: ignore[misc]


#: The errors reading a (possibly gzipped) file can raise.
READ_ERRORS = (OSError, EOFError, zlib.error)


def describe_error(error: BaseException) -> str:
    """One line saying what went wrong while reading a file."""
    if isinstance(error, gzip.BadGzipFile):
        return f"not a valid gzip file ({error})"
    if isinstance(error, EOFError):
        return "gzip file is truncated"
    if isinstance(error, zlib.error):
        return f"corrupt gzip data ({error})"
    if isinstance(error, IsADirectoryError):
        return "is a folder, not a file"
    if isinstance(error, PermissionError):
        return "permission denied"
    if isinstance(error, FileNotFoundError):
        return "no such file"
    if isinstance(error, OSError) and error.strerror:
        return error.strerror[:1].lower() + error.strerror[1:]
    return str(error) or type(error).__name__


def read_limited(path: Path, compressed: bool, max_bytes: int) -> bytes:
    """Read a whole (decompressed) file, refusing one larger than ``max_bytes``.

    A plain file is measured before it is read, so a huge file costs nothing;
    a gzip file is decompressed only up to the limit.
    """
    try:
        info = path.stat()
    except OSError as error:
        raise InputError(describe_error(error)) from error
    if stat.S_ISDIR(info.st_mode):
        raise InputError("is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise InputError("is not a regular file")
    size = info.st_size
    if not compressed and size > max_bytes:
        raise InputError(_too_large(size, max_bytes))
    with open_input(path, compressed) as stream:
        try:
            data = stream.read(max_bytes + 1)
        except READ_ERRORS as error:
            raise InputError(describe_error(error)) from error
    if len(data) > max_bytes:
        raise InputError(_too_large(None, max_bytes))
    return data


def _too_large(size: int | None, max_bytes: int) -> str:
    what = f"{size:,} bytes" if size is not None else "the decompressed text"
    return (
        f"{what} is over the {max_bytes:,}-byte limit for one document "
        "(raise it with --max-bytes, or split the file)"
    )


# -- decoding ---------------------------------------------------------------


def binary_reason(head: bytes) -> str | None:
    """Why ``head`` (a file's first bytes) looks binary, or None if it looks like text.

    >>> binary_reason(b"%PDF-1.7 ...")
    'looks like a PDF'
    >>> binary_reason(b"A line\\x00 with one stray NUL byte\\n") is None
    True
    """
    for magic, what in _BINARY_MAGIC.items():
        if head.startswith(magic):
            return f"looks like {what}"
    head = head[:SNIFF_BYTES]
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    if controls > MAX_CONTROL_SHARE * len(head):
        return "looks binary (many NUL or control bytes), not text"
    return None


def decode_text(data: bytes) -> Decoded:
    """Decode a document: UTF-8 (BOM dropped), UTF-16 with a BOM, else cp1252/latin-1.

    Binary data raises `InputError`. A fallback decoding never fails, but it
    may be wrong, so it comes with a warning for the user.

    >>> decode_text("café".encode("cp1252"))
    Decoded(text='café', warning='not valid UTF-8 (byte 0xe9 at offset 3); read as cp1252')
    """
    if data.startswith(_UTF16_BOMS):
        try:
            return Decoded(data.decode("utf-16"))
        except UnicodeDecodeError as error:
            reason = f"has a UTF-16 byte-order mark but is not UTF-16 ({error.reason})"
            raise InputError(reason) from error
    reason = binary_reason(data)
    if reason:
        raise InputError(f"skipped: {reason}")
    try:
        return Decoded(data.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        bad = f"byte 0x{data[error.start]:02x} at offset {error.start}"
    for fallback in ("cp1252", "latin-1"):
        try:
            text = data.decode(fallback)
        except UnicodeDecodeError:
            continue
        return Decoded(text, f"not valid UTF-8 ({bad}); read as {fallback}")
    raise AssertionError("latin-1 decodes any bytes")  # pragma: no cover


# -- JSON Lines ---------------------------------------------------------------


@dataclass(frozen=True)
class Record:
    """One line of a JSONL input: parsed if it could be, else why not."""

    line: int  #: 1-based line number in the input
    raw: bytes  #: the line as read, without its line terminator
    data: dict | None = None
    error: str | None = None

    @property
    def is_blank(self) -> bool:
        """Blank lines are not records; they pass through unreported."""
        return not self.raw.strip()


def iter_raw_lines(stream: BinaryIO) -> Iterator[tuple[int, bytes]]:
    """Yield ``(line number, line without terminator)`` lazily from a binary stream.

    A read error part way (a truncated gzip, say) raises `InputError`.
    """
    lines = enumerate(stream, start=1)
    while True:
        try:
            number, line = next(lines)
        except StopIteration:
            return
        except READ_ERRORS as error:
            raise InputError(describe_error(error)) from error
        if number == 1 and line.startswith(_UTF8_BOM):
            line = line[len(_UTF8_BOM) :]
        yield number, line.rstrip(b"\r\n")


def parse_record(number: int, raw: bytes, field: str) -> Record:
    """Parse one JSONL line and check it has a string ``field`` to clean.

    >>> parse_record(3, b'{"id": 1}', "text").error
    'no "text" field'
    """
    if not raw.strip():
        return Record(number, raw)
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        return Record(number, raw, error=f"not UTF-8 (byte 0x{raw[error.start]:02x})")
    except json.JSONDecodeError as error:
        return Record(number, raw, error=f"not valid JSON ({error.msg}, column {error.colno})")
    if not isinstance(data, dict):
        return Record(number, raw, error=f"not a JSON object but {type(data).__name__}")
    if field not in data:
        return Record(number, raw, error=f'no "{field}" field')
    if not isinstance(data[field], str):
        kind = type(data[field]).__name__
        return Record(number, raw, error=f'"{field}" is {kind}, not a string')
    return Record(number, raw, data=data)
