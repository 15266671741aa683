"""Input for the command line: finding files, reading and decoding them.

Everything that can go wrong with an input (missing, unreadable, binary,
too large, corrupt gzip, a symbolic link loop, a folder that cannot be
read) becomes a one-line reason, so the command line can name the file or
folder and carry on with the rest: an `InputError` (a `Skipped` one for
binary files, which are skipped rather than failed) or a `Found.problems`
entry.

Which files in a folder are inputs is decided by their names
(`stripper.cli.names`). Hidden files and folders (``.git``, temp files) and
stripper's own outputs (``story.clean.txt`` beside ``story.txt``) are never
inputs, so a re-run never cleans its output.
"""

from __future__ import annotations

import errno
import gzip
import json
import os
import stat
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from .gunzip import gunzip, trailing_garbage
from .names import INPUT_PATTERNS, Kind, kind_of, not_supported, output_sources

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


class TooLarge(InputError):
    """An input over the byte budget of one document (see `stripper.cli.budget`)."""


class Skipped(InputError):
    """An input that is left alone rather than failed (a binary file); the
    message says why, ``reason`` is its short name for the summary."""

    def __init__(self, message: str, reason: str = "binary") -> None:
        super().__init__(message)
        self.reason = reason


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
    #: (path, reason) for paths that failed: missing, unreadable folders,
    #: symbolic link loops, formats not supported yet
    problems: list[tuple[str, str]]
    #: (output named explicitly, the input beside it that writes it), left alone
    skipped_outputs: list[tuple[Path, Path]] = field(default_factory=list)


def find_inputs(
    paths: Iterable[str | Path],
    named_kind: Kind | None = None,
    output_dir: Path | None = None,
) -> Found:
    """Expand files and folders (recursively) into the inputs to clean.

    A file named explicitly is an input whatever its suffix: its kind is
    ``named_kind`` if given, else its suffix's (unknown suffixes are read as
    text); a record file's is always ``"records"``. Folders only contribute
    files with the known suffixes. Formats without a reader
    (`stripper.cli.names.not_supported`) are problems, named or found. Each
    file is listed once, in the order given, folders sorted by name. With
    ``output_dir``, that folder is never searched (it holds outputs), and
    when several folders are given each one's inputs are placed below its
    own name (``relative``), so their mirrored trees cannot collide.
    """
    paths = [Path(p) for p in paths]
    own_names = output_dir is not None and sum(p.is_dir() for p in paths) > 1
    excluded = os.path.realpath(output_dir) if output_dir is not None else None
    inputs: list[InputFile] = []
    problems: list[tuple[str, str]] = []
    skipped: list[tuple[Path, Path]] = []
    seen: set[str] = set()
    for given in paths:
        if given.is_dir():
            before = len(problems)
            prefix = _folder_name(given) if own_names else None
            found = list(_walk(given, problems, excluded, prefix))
            if not found and len(problems) == before:
                problems.append((str(given), f"no input files ({INPUT_PATTERNS}) in this folder"))
        elif given.exists():
            refused = not_supported(given.name)
            if refused:
                problems.append((str(given), refused))
                continue
            source = _output_source(given)
            if source is not None:
                skipped.append((given, source))
                continue
            kind, compressed = kind_of(given.name)
            if kind != "records":  # a record file's format is in its name
                kind = named_kind or kind or "text"
            found = [InputFile(given, Path(given.name), kind, compressed)]
        else:
            problems.append((str(given), _missing(given)))
            continue
        for item in found:
            try:
                key = os.path.realpath(item.path, strict=True)
            except OSError as error:  # a symbolic link loop, a dangling link
                problems.append((str(item.path), describe_error(error, item.path)))
                continue
            if key not in seen:
                seen.add(key)
                inputs.append(item)
    return Found(inputs, problems, skipped)


def _folder_name(folder: Path) -> str:
    """The name a folder's mirrored tree gets below --output-dir (``.`` has one too)."""
    return folder.name or Path(os.path.realpath(folder)).name or "root"


def _walk(
    folder: Path, problems: list[tuple[str, str]], excluded: str | None, prefix: str | None
) -> Iterator[InputFile]:
    """The inputs below ``folder``; folders that cannot be read or entered are
    added to ``problems`` and the rest of the tree is still searched."""

    def unreadable(error: OSError) -> None:
        where = error.filename or str(folder)
        problems.append((str(where), f"cannot read this folder: {describe_error(error)}"))

    for root, dirs, files in os.walk(folder, onerror=unreadable):
        if excluded is not None and os.path.realpath(root) == excluded:
            dirs[:] = []
            continue
        entries = files or dirs
        if entries and not _can_enter(root, entries[0]):
            problems.append((root, "cannot enter this folder: permission denied"))
            dirs[:] = []
            continue
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        names = {name.lower() for name in files}
        for name in sorted(files):
            if name.startswith("."):
                continue
            path = Path(root, name)
            refused = not_supported(name)
            if refused:
                problems.append((str(path), refused))
                continue
            kind, compressed = kind_of(name)
            if kind is None or any(source in names for source in output_sources(name)):
                continue
            relative = path.relative_to(folder)
            if prefix is not None:
                relative = Path(prefix, relative)
            yield InputFile(path, relative, kind, compressed)


def _can_enter(root: str, name: str) -> bool:
    """False for a folder whose names can be listed but whose entries cannot
    be reached (read but no execute permission)."""
    try:
        os.lstat(os.path.join(root, name))
    except PermissionError:
        return False
    except OSError:
        pass
    return True


def _output_source(path: Path) -> Path | None:
    """The input beside ``path`` whose output ``path`` is, if there is one."""
    sources = output_sources(path.name)
    if not sources:
        return None
    try:
        beside = {name.lower(): name for name in os.listdir(path.parent)}
    except OSError:
        return None
    for source in sources:
        if source in beside and beside[source] != path.name:
            return path.with_name(beside[source])
    return None


def _missing(path: Path) -> str:
    """Why a path that does not exist does not: no such entry, or a broken link."""
    if os.path.islink(path):
        try:
            os.stat(path)
        except OSError as error:
            return describe_error(error, path)
    return "no such file or folder"


# -- reading bytes ----------------------------------------------------------


@contextmanager
def open_input(path: Path, compressed: bool) -> Iterator[BinaryIO]:
    """Open a file for binary reading, decompressing gzip; failing to open is an `InputError`.

    Errors while reading are the reader's to handle (see `describe_error`),
    so that errors raised while *writing* inside the block are not mistaken
    for input errors. Bytes after the gzip data are ignored, as gunzip does;
    `gzip_warning` says how many after reading.
    """
    try:
        raw = open(path, "rb")  # noqa: SIM115 - closed by the `with raw` below
    except OSError as error:
        raise InputError(describe_error(error)) from error
    with raw:
        yield gunzip(raw) if compressed else raw  # type: ignore[misc]


#: The errors reading a (possibly gzipped) file can raise.
READ_ERRORS = (OSError, EOFError, zlib.error)


def describe_error(error: BaseException, path: Path | None = None) -> str:
    """One line saying what went wrong while reading a file (at ``path``, if given,
    to tell a dangling symbolic link from a missing file)."""
    if isinstance(error, OSError) and error.errno == errno.ELOOP:
        return "a symbolic link loop (too many levels of symbolic links)"
    if isinstance(error, FileNotFoundError) and path is not None and os.path.islink(path):
        return f"a dangling symbolic link (to {os.readlink(path)}, which does not exist)"
    if isinstance(error, gzip.BadGzipFile):
        return f"not a valid gzip file ({error})"
    if isinstance(error, EOFError):
        return "gzip file is truncated"
    if isinstance(error, zlib.error):
        return f"corrupt gzip data ({error})"
    if isinstance(error, RecursionError):
        return "nested too deeply to read (over Python's recursion limit)"
    if isinstance(error, IsADirectoryError):
        return "is a folder, not a file"
    if isinstance(error, PermissionError):
        return "permission denied"
    if isinstance(error, FileNotFoundError):
        return "no such file"
    if isinstance(error, OSError) and error.strerror:
        return error.strerror[:1].lower() + error.strerror[1:]
    return str(error) or type(error).__name__


def check_regular(path: Path) -> int:
    """The size of the regular file at ``path``; anything else is an `InputError`
    (a named pipe is never opened: opening it would wait for a writer)."""
    try:
        info = path.stat()
    except OSError as error:
        raise InputError(describe_error(error, path)) from error
    if stat.S_ISDIR(info.st_mode):
        raise InputError("is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        what = "a named pipe" if stat.S_ISFIFO(info.st_mode) else "a device or socket"
        raise InputError(f"is not a regular file but {what} (clean - reads a stream)")
    return info.st_size


def gzip_warning(stream: object) -> str | None:
    """The warning for a gzip stream that had bytes after its data, once read."""
    ignored = trailing_garbage(stream)
    if not ignored:
        return None
    return f"{ignored:,} bytes after the end of the gzip data ignored (as gunzip does)"


def read_limited(
    path: Path, compressed: bool, max_bytes: int, warnings: list[str] | None = None
) -> bytes:
    """Read a whole (decompressed) file, refusing one larger than ``max_bytes``.

    A plain file is measured before it is read, so a huge file costs nothing;
    a gzip file is decompressed only up to the limit. A warning about the
    file (bytes after its gzip data) is appended to ``warnings``.
    """
    size = check_regular(path)
    if not compressed and size > max_bytes:
        raise TooLarge(_too_large(size, max_bytes))
    with open_input(path, compressed) as stream:
        try:
            data = stream.read(max_bytes + 1)
        except READ_ERRORS as error:
            raise InputError(describe_error(error)) from error
        warning = gzip_warning(stream)
    if len(data) > max_bytes:
        raise TooLarge(_too_large(None, max_bytes))
    if warning and warnings is not None:
        warnings.append(warning)
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


def utf16_without_bom(data: bytes) -> str | None:
    """``"utf-16-le"`` or ``"utf-16-be"`` for text that looks like UTF-16 without
    a byte-order mark (mostly Latin text: every other byte NUL), else None.

    >>> utf16_without_bom("Hello, world".encode("utf-16-le"))
    'utf-16-le'
    >>> utf16_without_bom(b"Hello, world") is None
    True
    """
    head = data[: SNIFF_BYTES - SNIFF_BYTES % 2]
    if len(data) % 2 or len(head) < 8:
        return None
    high, low = head[1::2].count(0), head[0::2].count(0)
    pairs = len(head) // 2
    if high >= 0.9 * pairs and low <= 0.1 * pairs:
        return "utf-16-le"
    if low >= 0.9 * pairs and high <= 0.1 * pairs:
        return "utf-16-be"
    return None


def decode_text(data: bytes) -> Decoded:
    """Decode a document: UTF-8 (BOM dropped), UTF-16 (with a BOM, or without
    one if it is plainly UTF-16), else cp1252/latin-1.

    Binary data raises `Skipped`. A fallback decoding never fails, but it
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
    utf16 = utf16_without_bom(data)
    if utf16:
        try:
            return Decoded(data.decode(utf16), f"no byte-order mark; read as {utf16.upper()}")
        except UnicodeDecodeError:
            pass
    reason = binary_reason(data)
    if reason:
        raise Skipped(f"skipped: {reason}")
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


def page_input(data: bytes) -> bytes | str:
    """A page's bytes as the HTML renderer should get them: UTF-16 without a
    byte-order mark decoded here (with one, the renderer reads it), binary
    data refused with `Skipped`."""
    if data.startswith(_UTF16_BOMS):
        return data
    utf16 = utf16_without_bom(data)
    if utf16:
        try:
            return data.decode(utf16)
        except UnicodeDecodeError:
            pass
    reason = binary_reason(data)
    if reason:
        raise Skipped(f"skipped: {reason}")
    return data


def count_lines(text: str) -> int:
    """About how many lines ``text`` has (for the line budget; CR-only text too)."""
    return max(text.count("\n"), text.count("\r")) + 1


# -- JSON Lines ---------------------------------------------------------------


@dataclass(frozen=True)
class Record:
    """One line of a JSONL input: parsed if it could be, else why not."""

    line: int  #: 1-based line number in the input
    raw: bytes  #: the line as read, without its line terminator
    data: dict | None = None
    error: str | None = None
    over_budget: bool = False  #: over the byte budget (``error`` says so)

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
    except RecursionError:
        return Record(number, raw, error="nested too deeply to parse (over the recursion limit)")
    if not isinstance(data, dict):
        return Record(number, raw, error=f"not a JSON object but {type(data).__name__}")
    if field not in data:
        return Record(number, raw, error=f'no "{field}" field')
    if not isinstance(data[field], str):
        kind = type(data[field]).__name__
        return Record(number, raw, error=f'"{field}" is {kind}, not a string')
    return Record(number, raw, data=data)
