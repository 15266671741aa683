"""The jobs of a cleaning run, which worker processes carry out.

`clean_files` reads, cleans and writes a few text or HTML files (one
`Stripper.clean_many` call for the text); `clean_records` cleans the
records of some consecutive JSONL lines and returns their output lines,
which the session writes in order as results arrive. Every job returns a
`Tally` (counts, failures, warnings, report entries); nothing a job meets
stops the other jobs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import NamedTuple

from ..api import Cleaned, Stripper
from .inputs import (
    InputError,
    InputFile,
    Record,
    binary_reason,
    decode_text,
    describe_error,
    parse_record,
    read_limited,
)
from .names import Kind
from .outputs import dump_record, report_entry, write_atomic


class Failure(NamedTuple):
    """Why an input (or one line of a JSONL input) could not be cleaned."""

    source: str
    why: str
    line: int | None = None


@dataclass
class Tally:
    """Counts and messages from cleaning some documents; tallies add up."""

    files: int = 0
    documents: int = 0
    lines_kept: int = 0
    lines_removed: int = 0
    bytes_removed: int = 0
    emptied: int = 0  #: documents with text of which every line was removed
    skipped: int = 0
    failed: int = 0
    failures: list[Failure] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    report: list[dict] = field(default_factory=list)  #: `report_entry` objects
    output: list[bytes] = field(default_factory=list)  #: JSONL output lines, in order

    def add(self, cleaned: Cleaned, source: str, report: bool, **where: int) -> None:
        """Count one cleaned document, and keep its report entry if ``report``."""
        self.documents += 1
        self.lines_kept += cleaned.lines_kept
        self.lines_removed += cleaned.lines_removed
        self.bytes_removed += cleaned.bytes_removed
        self.emptied += cleaned.lines_removed > 0 and cleaned.lines_kept == 0
        if report:
            self.report.append(report_entry(source, cleaned.verdicts, **where))

    def fail(self, source: str, why: str, line: int | None = None) -> Tally:
        """Record a failure of a whole input, or of one ``line`` of a JSONL input."""
        self.failed += 1
        self.failures.append(Failure(source, why, line))
        return self

    def add_counts(self, other: Tally) -> None:
        """Add another tally's numbers (its messages and output are handled elsewhere)."""
        for name in _COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))


_COUNTS = (
    "files",
    "documents",
    "lines_kept",
    "lines_removed",
    "bytes_removed",
    "emptied",
    "skipped",
    "failed",
)


def _unexpected(error: Exception) -> str:
    return f"unexpected error: {type(error).__name__}: {error}"


def clean_data(
    stripper: Stripper, data: bytes, kind: Kind, source: str, tally: Tally
) -> Cleaned | None:
    """Decode (or render, for HTML) and clean one document.

    Returns None after recording why in ``tally`` if it cannot be cleaned;
    a decoding fallback is recorded as a warning.
    """
    try:
        if kind == "html":
            reason = binary_reason(data)
            if reason:
                raise InputError(f"skipped: {reason}")
            return stripper.clean_html_document(data)
        text = decode_data(data, source, tally)
        return None if text is None else stripper.clean_document(text)
    except InputError as error:
        tally.fail(source, str(error))
    except Exception as error:  # noqa: BLE001 - a bug must not stop the other files
        tally.fail(source, _unexpected(error))
    return None


def decode_data(data: bytes, source: str, tally: Tally) -> str | None:
    """Decode a text document, recording a fallback as a warning and a
    refusal (binary data) as a failure."""
    try:
        decoded = decode_text(data)
    except InputError as error:
        tally.fail(source, str(error))
        return None
    if decoded.warning:
        tally.warnings.append(f"{source}: {decoded.warning}")
    return decoded.text


@dataclass(frozen=True)
class FileJob:
    """Clean one text or HTML file into ``output``."""

    input: InputFile
    output: Path
    max_bytes: int
    report: bool


def clean_files(stripper: Stripper, jobs: list[FileJob]) -> Tally:
    """Read, clean and write a few files; every problem becomes a failure in the tally.

    The text files are cleaned in one `Stripper.clean_many` call, which costs
    far less than one call per file when files are small.
    """
    tally = Tally()
    texts: list[tuple[FileJob, str]] = []
    for job in jobs:
        source = str(job.input.path)
        try:
            data = read_limited(job.input.path, job.input.compressed, job.max_bytes)
        except InputError as error:
            tally.fail(source, str(error))
            continue
        if job.input.kind == "html":
            _write_output(job, clean_data(stripper, data, "html", source, tally), tally)
        elif (text := decode_data(data, source, tally)) is not None:
            texts.append((job, text))
    try:
        results = list(stripper.clean_many(text for _, text in texts))
    except Exception as error:  # noqa: BLE001 - a bug must not stop the other files
        for job, _ in texts:
            tally.fail(str(job.input.path), _unexpected(error))
        return tally
    for (job, _), cleaned in zip(texts, results):
        _write_output(job, cleaned, tally)
    return tally


def _write_output(job: FileJob, cleaned: Cleaned | None, tally: Tally) -> None:
    """Write one file's cleaned text atomically and count it (nothing if None)."""
    if cleaned is None:
        return
    source = str(job.input.path)
    try:
        write_atomic(job.output, cleaned.text.encode("utf-8"), job.input.compressed)
    except (OSError, UnicodeEncodeError) as error:
        tally.fail(source, f"cannot write {job.output}: {describe_error(error)}")
        return
    tally.files += 1
    tally.add(cleaned, source, job.report)


def file_chunks(
    jobs: list[FileJob], workers: int, size: int, max_bytes: int
) -> list[list[FileJob]]:
    """Split file jobs into chunks of at most ``size`` files and about
    ``max_bytes`` bytes, small enough that every worker gets some."""
    size = max(1, min(size, -(-len(jobs) // max(workers, 1))))
    chunks: list[list[FileJob]] = []
    chunk: list[FileJob] = []
    total = 0
    for job in jobs:
        try:
            bytes_ = job.input.path.stat().st_size
        except OSError:
            bytes_ = 0
        if chunk and (len(chunk) >= size or total + bytes_ > max_bytes):
            chunks.append(chunk)
            chunk, total = [], 0
        chunk.append(job)
        total += bytes_
    if chunk:
        chunks.append(chunk)
    return chunks


@dataclass(frozen=True)
class Fields:
    """Which field of a JSONL record is cleaned, and where the cleaned text goes.

    By default the ``text`` field is cleaned in place. With ``html`` set, that
    field's HTML is cleaned to its article text, which is written into the
    ``text`` field (replaced in its place, or added last); the HTML field is
    kept unless ``drop_html``.
    """

    text: str = "text"
    html: str | None = None
    drop_html: bool = False

    @property
    def source(self) -> str:
        """The field a record must have (as a string) to be cleaned."""
        return self.html or self.text

    def document(self, data: dict) -> str:
        """The text (or HTML) to clean from a parsed record."""
        return data[self.source]

    def output(self, data: dict, text: str) -> dict:
        """The output record: ``data`` with the cleaned ``text``, other fields in order."""
        out = dict(data)
        if self.drop_html and self.html is not None and self.html != self.text:
            del out[self.html]
        out[self.text] = text
        return out


@dataclass(frozen=True)
class RecordsJob:
    """Clean the records among some consecutive JSONL lines."""

    source: str
    lines: list[tuple[int, bytes]]  #: (line number, raw line)
    first_record: int  #: index of the first record (blank lines are not records)
    fields: Fields
    max_bytes: int
    report: bool


def clean_records(stripper: Stripper, job: RecordsJob) -> Tally:
    """Clean some JSONL lines into output lines, one per input line, in order.

    Lines that cannot be cleaned (bad JSON, no such field, too long) are
    passed through unchanged and counted as failures, so no record is lost.
    """
    prepared = [_prepare(parse_record(n, raw, job.fields.source), job) for n, raw in job.lines]
    records = [record for record, _ in prepared]
    results: Iterator[Cleaned] = iter(())
    try:
        texts = [text for _, text in prepared if text is not None]
        if job.fields.html is None:
            results = iter(list(stripper.clean_many(texts)))
        else:
            results = iter([stripper.clean_html_document(page) for page in texts])
    except Exception as error:  # noqa: BLE001 - keep every record, mark them failed
        why = _unexpected(error)
        records = [replace(r, data=None, error=why) if r.data is not None else r for r in records]
    return _records_output(job, records, results)


def _prepare(record: Record, job: RecordsJob) -> tuple[Record, str | None]:
    """A record and the text to clean from it; None (and an error) if there is none."""
    if record.data is None:
        return record, None
    if len(record.raw) > job.max_bytes:
        too_long = f"over the {job.max_bytes:,}-byte limit for one document"
        return replace(record, data=None, error=too_long), None
    try:
        return record, job.fields.document(record.data)
    except Exception as error:  # noqa: BLE001 - one bad page must not fail the others
        return replace(record, data=None, error=_unexpected(error)), None


def _records_output(job: RecordsJob, records: list[Record], results: Iterator[Cleaned]) -> Tally:
    """Pair records with their results into output lines, counts and failures."""
    tally = Tally()
    index = job.first_record
    for record in records:
        if record.data is None:
            tally.output.append(record.raw + b"\n")
            if not record.is_blank:
                tally.fail(job.source, record.error or "", record.line)
                index += 1
            continue
        result = next(results)
        tally.output.append(dump_record(job.fields.output(record.data, result.text)))
        tally.add(result, job.source, job.report, record=index, line=record.line)
        index += 1
    return tally


def records_jobs(
    lines: Iterator[tuple[int, bytes]],
    source: str,
    size: int,
    make: Callable[[list[tuple[int, bytes]], int], RecordsJob],
) -> Iterator[RecordsJob]:
    """Group raw JSONL lines into jobs of ``size`` lines, lazily.

    ``make(lines, first_record)`` builds each job; ``first_record`` counts
    the non-blank lines before the job's.
    """
    group: list[tuple[int, bytes]] = []
    records = first = 0
    for number, raw in lines:
        group.append((number, raw))
        records += bool(raw.strip())
        if len(group) >= size:
            yield make(group, first)
            group, first = [], records
    if group:
        yield make(group, first)
