"""The jobs of a cleaning run, which worker processes carry out.

`clean_files` reads, cleans and writes a few text or HTML files (one
`Stripper.clean_many` call for the text); `clean_records` cleans the
records of some consecutive JSONL lines and returns their output lines,
which the session writes in order as results arrive; `clean_record_file`
streams one record file (WARC, WET, ``.jsonl.zst``, Parquet) through
`stripper.cli.records` into its output. Every job returns a
`Tally` (counts, failures, notices, warnings, report entries); nothing a
job meets stops the other jobs, and no document gets more than its
`Budget` (bytes, lines, seconds; `stripper.cli.budget`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from ..api import Cleaned, Stripper
from ..config import Config
from ..html.blocks import html_to_text
from ..text.lines import newline_of
from .budget import DROP, FAIL, KEEP, OverBudget, time_limit
from .inputs import (
    READ_ERRORS,
    InputError,
    InputFile,
    Record,
    Skipped,
    TooLarge,
    check_regular,
    count_lines,
    decode_text,
    describe_error,
    open_input,
    page_input,
    parse_record,
    read_limited,
)
from .names import Kind
from .outputs import AtomicFile, dump_record, report_entry, write_atomic
from .records import (
    ReadStats,
    RecordWriter,
    clean_documents,
    output_record,
    parquet_output_schema,
    read_records,
    site_of,
)


class Failure(NamedTuple):
    """Why an input (or one record of it) could not be cleaned, or, as a
    notice, why it was skipped or passed through."""

    source: str
    why: str
    #: the record's place: a JSONL line number, or in a record file
    #: ``@offset`` (WARC), ``:line`` (JSONL) or ``#row`` (Parquet)
    line: int | str | None = None


@dataclass(frozen=True)
class Budget:
    """The most one document may cost, and what becomes of one that costs more."""

    max_bytes: int
    max_lines: int
    max_seconds: float | None
    on_error: str = FAIL  #: `FAIL`, `KEEP` or `DROP` (see `stripper.cli.budget`)

    @classmethod
    def of(cls, config: Config) -> Budget:
        """The budget a `Config` sets."""
        return cls(
            config.max_document_bytes,
            config.max_document_lines,
            config.max_document_seconds,
            config.on_error,
        )

    def check_lines(self, text: str) -> None:
        """Raise `OverBudget` for a text of more lines than the budget allows."""
        lines = count_lines(text)
        if lines > self.max_lines:
            raise OverBudget(
                f"{lines:,} lines is over the {self.max_lines:,}-line limit for one document "
                "(raise it with --max-lines)"
            )


#: What each --on-error choice did with a document over budget, for messages.
PASSED = {KEEP: "passed through unchanged (--on-error keep)", DROP: "dropped (--on-error drop)"}


@dataclass
class Tally:
    """Counts and messages from cleaning some documents; tallies add up."""

    files: int = 0
    documents: int = 0
    lines_kept: int = 0
    lines_removed: int = 0
    bytes_removed: int = 0
    emptied: int = 0  #: documents with text of which every line was removed
    over_budget: int = 0  #: documents over budget that were kept or dropped (not failed)
    failed: int = 0
    skipped: Counter[str] = field(default_factory=Counter)  #: inputs left alone, by reason
    failures: list[Failure] = field(default_factory=list)
    notices: list[Failure] = field(default_factory=list)  #: skipped or passed-through inputs
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

    def fail(self, source: str, why: str, line: int | str | None = None) -> Tally:
        """Record a failure of a whole input, or of the record at ``line`` (`Failure.line`)."""
        self.failed += 1
        self.failures.append(Failure(source, why, line))
        return self

    def skip(self, source: str, reason: str, why: str | None = None) -> Tally:
        """Count an input left alone for ``reason``; name it if ``why`` is given."""
        self.skipped[reason] += 1
        if why is not None:
            self.notices.append(Failure(source, why))
        return self

    def passed(self, source: str, why: str, on_error: str, line: int | str | None = None) -> None:
        """Count and name a document over budget that was kept or dropped."""
        self.over_budget += 1
        self.notices.append(Failure(source, f"{why}; {PASSED[on_error]}", line))

    def add_counts(self, other: Tally) -> None:
        """Add another tally's numbers (its messages and output are handled elsewhere)."""
        for name in _COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.skipped.update(other.skipped)


_COUNTS = (
    "files",
    "documents",
    "lines_kept",
    "lines_removed",
    "bytes_removed",
    "emptied",
    "over_budget",
    "failed",
)


def _unexpected(error: BaseException) -> str:
    if isinstance(error, RecursionError):
        return "nested too deeply to clean (over Python's recursion limit)"
    return f"unexpected error: {type(error).__name__}: {error}"


def _why(error: BaseException) -> str:
    """The one-line reason a document could not be cleaned."""
    return str(error) if isinstance(error, OverBudget | InputError) else _unexpected(error)


def verbatim(text: str, cleaned: Cleaned) -> Cleaned:
    """``cleaned`` without the final newline that joining kept lines adds,
    when the document's last line had none and is kept (in whole or part):
    the output is the kept lines as they were."""
    if not cleaned.text or not text or text.endswith(("\n", "\r")):
        return cleaned
    rows, probabilities = cleaned.rows, cleaned.probabilities
    first = len(probabilities) - 1  # the last line's first unit (it may have cells)
    while rows is not None and first > 0 and rows[first - 1] == rows[-1]:
        first -= 1
    if not (probabilities[first:] < cleaned.threshold).any():  # blank (NaN) is not kept
        return cleaned
    out = cleaned.text.removesuffix(newline_of(text))
    removed = _utf8_size(text) - _utf8_size(out)
    return replace(cleaned, text=out, bytes_removed=max(0, removed))


def _utf8_size(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


def clean_texts(
    stripper: Stripper,
    texts: Sequence[str],
    seconds: float | None,
    sites: Sequence[str | None] | None = None,
) -> list[Cleaned | BaseException]:
    """Clean texts together (fast), each as its site and in its `verbatim`
    form; once that overruns one document's ``seconds`` or fails, clean them
    one by one, so only the document at fault is over budget or failed."""
    if not texts:
        return []
    sites = [None] * len(texts) if sites is None else sites
    try:
        with time_limit(seconds):
            together = list(stripper.clean_many(texts, sites))
        return [verbatim(t, c) for t, c in zip(texts, together)]
    except Exception as error:  # noqa: BLE001 - found out document by document below
        if len(texts) == 1:
            return [error]
    results: list[Cleaned | BaseException] = []
    for text, site in zip(texts, sites):
        try:
            with time_limit(seconds):
                results.append(verbatim(text, stripper.clean_document(text, site)))
        except Exception as error:  # noqa: BLE001 - a bug must not stop the other files
            results.append(error)
    return results


def clean_page(
    stripper: Stripper, page: bytes | str, seconds: float | None, site: str | None = None
) -> Cleaned:
    """Clean one HTML page of ``site`` within ``seconds`` (`OverBudget` past them)."""
    with time_limit(seconds):
        return stripper.clean_html_document(page, site)


def clean_data(
    stripper: Stripper,
    data: bytes,
    kind: Kind,
    source: str,
    tally: Tally,
    budget: Budget,
    site: str | None = None,
) -> Cleaned | None:
    """Decode (or render, for HTML) and clean one document of standard input.

    Returns None after recording why in ``tally`` if it gives no text; a
    document over budget is passed through or dropped as ``budget`` says.
    """
    try:
        if kind == "html":
            return clean_page(stripper, page_input(data), budget.max_seconds, site)
        text = decode_data(data, source, tally)
        if text is None:
            return None
        budget.check_lines(text)
        (result,) = clean_texts(stripper, [text], budget.max_seconds, [site])
        if isinstance(result, BaseException):
            raise result
        return result
    except Skipped as error:
        tally.skip(source, error.reason, str(error))
    except OverBudget as error:
        return _over_budget(data, kind, source, tally, budget, str(error))
    except Exception as error:  # noqa: BLE001 - one line, never a traceback
        tally.fail(source, _why(error))
    return None


def _over_budget(
    data: bytes | str,
    kind: Kind,
    source: str,
    tally: Tally,
    budget: Budget,
    why: str,
    line: int | str | None = None,
) -> Cleaned | None:
    """What ``--on-error`` makes of a document over budget (of standard input,
    or the record at ``line`` of a record file)."""
    if budget.on_error == FAIL:
        tally.fail(source, why, line)
        return None
    text = ""
    if budget.on_error == KEEP:
        try:
            text = _unchanged_text(data, kind, budget.max_seconds)
        except Exception as error:  # noqa: BLE001
            tally.fail(source, f"{why}; and cannot be passed through: {_why(error)}", line)
            return None
    tally.passed(source, why, budget.on_error, line)
    return _as_cleaned(text)


def _unchanged_text(data: bytes | str, kind: Kind, seconds: float | None) -> str:
    """A document's text with nothing removed: a page's rendering (which must
    finish within ``seconds`` too), or the text (decoded, if bytes)."""
    if kind == "html":
        with time_limit(seconds):
            return html_to_text(page_input(data) if isinstance(data, bytes) else data)
    return decode_text(data).text if isinstance(data, bytes) else data


def _as_cleaned(text: str) -> Cleaned:
    """A passed-through (or dropped) document as a result with nothing counted."""
    return Cleaned(text, 0, 0, 0, (), np.zeros(0), 1.0)


def decode_data(data: bytes, source: str, tally: Tally) -> str | None:
    """Decode a text document, recording a fallback as a warning and a
    refusal as a failure (`Skipped` is the caller's to count)."""
    try:
        decoded = decode_text(data)
    except Skipped:
        raise
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
    budget: Budget
    report: bool
    site: str | None = None  #: cleaned as a page of this site (`Session.site_of`)


def clean_files(stripper: Stripper, jobs: list[FileJob]) -> Tally:
    """Read, clean and write a few files; every problem becomes a failure in the tally.

    The text files are cleaned in one `Stripper.clean_many` call, which costs
    far less than one call per file when files are small (`clean_texts`).
    """
    tally = Tally()
    if not jobs:
        return tally
    texts: list[tuple[FileJob, str]] = []
    for job in jobs:
        source = str(job.input.path)
        try:
            text = _read_job(stripper, job, tally)
        except Skipped as error:
            tally.skip(source, error.reason, str(error))
        except (OverBudget, TooLarge) as error:
            _file_over_budget(job, str(error), tally)
        except InputError as error:
            tally.fail(source, str(error))
        except Exception as error:  # noqa: BLE001 - a bug must not stop the other files
            tally.fail(source, _unexpected(error))
        else:
            if text is not None:
                texts.append((job, text))
    results = clean_texts(
        stripper,
        [text for _, text in texts],
        jobs[0].budget.max_seconds,
        [j.site for j, _ in texts],
    )
    for (job, _), cleaned in zip(texts, results):
        if isinstance(cleaned, OverBudget):
            _file_over_budget(job, str(cleaned), tally)
        elif isinstance(cleaned, BaseException):
            tally.fail(str(job.input.path), _unexpected(cleaned))
        else:
            _write_output(job, cleaned, tally)
    return tally


def _read_job(stripper: Stripper, job: FileJob, tally: Tally) -> str | None:
    """Read one file: its text to clean, or None once an HTML page is written."""
    source = str(job.input.path)
    warnings: list[str] = []
    data = read_limited(job.input.path, job.input.compressed, job.budget.max_bytes, warnings)
    tally.warnings += [f"{source}: {warning}" for warning in warnings]
    if job.input.kind == "html":
        cleaned = clean_page(stripper, page_input(data), job.budget.max_seconds, job.site)
        _write_output(job, cleaned, tally)
        return None
    text = decode_data(data, source, tally)
    if text is not None:
        job.budget.check_lines(text)
    return text


def _file_over_budget(job: FileJob, why: str, tally: Tally) -> None:
    """Fail a file over budget, or write it unchanged or empty (``--on-error``)."""
    source, on_error = str(job.input.path), job.budget.on_error
    if on_error == FAIL:
        tally.fail(source, why)
        return
    try:
        if on_error == DROP:
            write_atomic(job.output, b"", job.input.compressed)
        elif job.input.kind == "html":
            text = _unchanged_text(_read_all(job), "html", job.budget.max_seconds)
            write_atomic(job.output, text.encode("utf-8", "surrogateescape"), job.input.compressed)
        else:
            _copy_unchanged(job)
    except Exception as error:  # noqa: BLE001
        tally.fail(source, f"{why}; and cannot be passed through: {_why(error)}")
        return
    tally.files += 1
    tally.passed(source, why, on_error)


def _read_all(job: FileJob) -> bytes:
    """A page too big for its byte budget is not rendered to pass it through."""
    return read_limited(job.input.path, job.input.compressed, job.budget.max_bytes)


def _copy_unchanged(job: FileJob) -> None:
    """Copy a text input to its output as it is, in bounded memory (``--on-error keep``)."""
    check_regular(job.input.path)
    with (
        open_input(job.input.path, job.input.compressed) as stream,
        AtomicFile(job.output, job.input.compressed) as out,
    ):
        try:
            for block in iter(lambda: stream.read(1 << 20), b""):
                out.write(block)
        except READ_ERRORS as error:
            raise InputError(describe_error(error)) from error


def _write_output(job: FileJob, cleaned: Cleaned, tally: Tally) -> None:
    """Write one file's cleaned text atomically and count it."""
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

    @property
    def dropped(self) -> str | None:
        """The field left out of output records (``--drop-html``), if any."""
        return self.html if self.drop_html and self.html != self.text else None

    def document(self, data: dict) -> str:
        """The text (or HTML) to clean from a parsed record."""
        return data[self.source]

    def output(self, data: dict, text: str) -> dict:
        """The output record: ``data`` with the cleaned ``text``, other fields in order."""
        out = dict(data)
        if self.dropped:
            del out[self.dropped]
        out[self.text] = text
        return out


@dataclass(frozen=True)
class RecordsJob:
    """Clean the records among some consecutive JSONL lines."""

    source: str
    lines: list[tuple[int, bytes]]  #: (line number, raw line)
    first_record: int  #: index of the first record (blank lines are not records)
    fields: Fields
    budget: Budget
    report: bool
    outlet: bool = False  #: every record is the adapted outlet's, whatever its ``url``


def clean_records(stripper: Stripper, job: RecordsJob) -> Tally:
    """Clean some JSONL lines into output lines, one per input line, in order.

    Lines that cannot be cleaned (bad JSON, no such field, too deep) are
    passed through unchanged and counted as failures, so no record is lost;
    records over budget are failed, passed through or emptied (``--on-error``).
    """
    try:
        return _clean_records(stripper, job)
    except Exception as error:  # noqa: BLE001 - every line still comes out, unchanged
        return records_crashed(job, _unexpected(error))


def records_crashed(job: RecordsJob, why: str) -> Tally:
    """The tally of a records job that could not run: its lines unchanged, each record failed."""
    tally = Tally(output=[raw + b"\n" for _, raw in job.lines])
    for number, raw in job.lines:
        if raw.strip():
            tally.fail(job.source, why, number)
    return tally


def files_crashed(jobs: list[FileJob], why: str) -> Tally:
    """The tally of a files job that could not run: each file failed, no output."""
    tally = Tally()
    for job in jobs:
        tally.fail(str(job.input.path), why)
    return tally


def _clean_records(stripper: Stripper, job: RecordsJob) -> Tally:
    records = [_parse(number, raw, job) for number, raw in job.lines]
    documents = [(i, job.fields.document(r.data)) for i, r in enumerate(records) if r.data]
    results: dict[int, Cleaned | BaseException] = {}
    texts = []
    for i, document in documents:
        try:
            job.budget.check_lines(document)
        except OverBudget as error:
            results[i] = error
        else:
            texts.append((i, document))
    sites = {i: site_of(records[i].data.get("url"), job.outlet) for i, _ in texts}
    if job.fields.html is None:
        cleaned = clean_texts(
            stripper,
            [text for _, text in texts],
            job.budget.max_seconds,
            [sites[i] for i, _ in texts],
        )
        results.update((i, result) for (i, _), result in zip(texts, cleaned))
    else:
        for i, page in texts:
            try:
                results[i] = clean_page(stripper, page, job.budget.max_seconds, sites[i])
            except Exception as error:  # noqa: BLE001 - one bad page must not fail the others
                results[i] = error
    return _records_output(stripper, job, records, results)


def _parse(number: int, raw: bytes, job: RecordsJob) -> Record:
    """One line as a record; one over the byte budget is not even parsed,
    unless ``--on-error drop`` must empty its field."""
    if len(raw) > job.budget.max_bytes and raw.strip():
        too_long = f"over the {job.budget.max_bytes:,}-byte limit for one document"
        if job.budget.on_error != DROP:
            return Record(number, raw, error=too_long, over_budget=True)
        record = parse_record(number, raw, job.fields.source)
        return replace(record, error=record.error or too_long, over_budget=record.data is not None)
    return parse_record(number, raw, job.fields.source)


def _records_output(
    stripper: Stripper,
    job: RecordsJob,
    records: list[Record],
    results: dict[int, Cleaned | BaseException],
) -> Tally:
    """Pair records with their results into output lines, counts and failures."""
    tally = Tally()
    index = job.first_record
    on_error = job.budget.on_error
    for i, record in enumerate(records):
        result = results.get(i)
        if record.over_budget:
            result = OverBudget(record.error)
        if isinstance(result, OverBudget) and on_error != FAIL:
            out = record.raw + b"\n"
            if on_error == DROP:
                data = record.data or {}
                out = dump_record(job.fields.output(data, ""))
            tally.output.append(out)
            tally.passed(job.source, str(result), on_error, record.line)
        elif isinstance(result, Cleaned):
            try:
                line = dump_record(job.fields.output(record.data, result.text))
            except (RecursionError, ValueError) as error:
                tally.output.append(record.raw + b"\n")
                tally.fail(job.source, _unexpected(error), record.line)
            else:
                tally.output.append(line)
                tally.add(result, job.source, job.report, record=index, line=record.line)
        else:
            tally.output.append(record.raw + b"\n")
            if record.is_blank:
                continue
            why = record.error or (_why(result) if result is not None else "")
            tally.fail(job.source, why, record.line)
        index += 1
    return tally


def records_jobs(
    lines: Iterator[tuple[int, bytes]],
    source: str,
    size: int,
    make: Callable[[list[tuple[int, bytes]], int], RecordsJob],
    records: int = 0,
) -> Iterator[RecordsJob]:
    """Group raw JSONL lines into jobs of ``size`` lines, lazily.

    ``make(lines, first_record)`` builds each job; ``first_record`` counts
    the non-blank lines before the job's (``records`` of them come before
    the first line given).
    """
    group: list[tuple[int, bytes]] = []
    first = records
    for number, raw in lines:
        group.append((number, raw))
        records += bool(raw.strip())
        if len(group) >= size:
            yield make(group, first)
            group, first = [], records
    if group:
        yield make(group, first)


# -- record files ----------------------------------------------------------------


@dataclass(frozen=True)
class RecordFileJob:
    """Clean one record file (WARC, WET, ``.jsonl.zst``, Parquet) into ``output``."""

    input: InputFile
    output: Path
    fields: Fields
    budget: Budget
    report: bool
    outlet: bool = False  #: every record is the adapted outlet's, whatever its URL


def clean_record_file(stripper: Stripper, job: RecordFileJob) -> Tally:
    """Stream a record file's documents through cleaning into its output
    (`stripper.cli.records`: one record in memory at a time).

    A record that cannot be read or cleaned is a failure named with its
    place (`Failure.line`) and left out; records that are not documents are
    counted as skipped by reason; neither stops the file. A problem with the
    file itself (unreadable, not Parquet, no such column, a compressed
    stream cut off) fails it and writes no output, as does a missing
    optional library (named in one line with the extra to install).
    """
    source = str(job.input.path)
    tally = Tally()
    try:
        check_regular(job.input.path)
        _clean_record_file(stripper, job, tally)
    except (InputError, ImportError) as error:
        tally.fail(source, str(error))
    except OSError as error:  # the readers name their own read errors: this is writing
        tally.fail(source, f"cannot write {job.output}: {describe_error(error)}")
    except Exception as error:  # noqa: BLE001 - a bug must not stop the other files
        tally.fail(source, _unexpected(error))
    return tally


def record_file_crashed(job: RecordFileJob, why: str) -> Tally:
    """The tally of a record file job that could not run: the file failed."""
    return Tally().fail(str(job.input.path), why)


def _clean_record_file(stripper: Stripper, job: RecordFileJob, tally: Tally) -> None:
    source, fields, budget = str(job.input.path), job.fields, job.budget
    stats = ReadStats()
    documents = read_records(
        job.input.path,
        text_field=fields.text,
        html_field=fields.html,
        stats=stats,
        max_bytes=budget.max_bytes,
    )
    cleaning = clean_documents(
        Budgeted(stripper, budget), documents, stats, stripper.config.batch_size, job.outlet
    )
    with RecordWriter(job.output, _parquet_schema(job)) as out:
        for document, cleaned in cleaning:
            if isinstance(cleaned, OverBudgetResult):
                place = document.source.removeprefix(source)
                kept = _over_budget(
                    document.page(), document.kind, source, tally, budget, cleaned.why, place
                )
                if kept is None:
                    continue
                cleaned = kept
            else:
                tally.add(cleaned, document.source, job.report)
            record = output_record(document, cleaned, fields.text)
            if fields.dropped:
                record.pop(fields.dropped, None)
            out.write(record)
        tally.skipped.update(stats.skipped)
        problem = None
        for bad in stats.bad:
            if bad.source == source:  # the file itself, not one record of it
                problem = bad.why
            else:
                why = f"{bad.why} ({bad.name})" if bad.name else bad.why
                tally.fail(source, why, bad.source.removeprefix(source))
        tally.failed += stats.bad_count - len(stats.bad)  # those beyond the ones named
        if problem is not None:
            raise InputError(problem)  # leaving the block discards the output
    tally.files += 1


def _parquet_schema(job: RecordFileJob) -> Any:
    """A Parquet output's schema: its input's, without the ``--drop-html``
    column (None for other outputs, or an input that is not Parquet, which
    the reader names)."""
    if not job.output.name.lower().endswith(".parquet"):
        return None
    try:
        schema = parquet_output_schema(job.input.path, job.fields.text)
    except (OSError, ValueError):  # pyarrow's errors subclass these
        return None
    if job.fields.dropped in schema.names:
        schema = schema.remove(schema.get_field_index(job.fields.dropped))
    return schema


@dataclass(frozen=True)
class OverBudgetResult(Cleaned):
    """What `Budgeted` gives for a document over budget: nothing, and why."""

    why: str = ""


class Budgeted:
    """A `Stripper` as `stripper.cli.records.clean_documents` calls it, with
    each document held to a `Budget`. A document over budget comes back as
    an `OverBudgetResult`, not an error, so that it reaches the caller with
    its record, to be failed, kept or emptied as ``--on-error`` says."""

    def __init__(self, stripper: Stripper, budget: Budget) -> None:
        self.stripper = stripper
        self.budget = budget

    def clean_many(
        self, texts: Iterable[str], sites: Sequence[str | None] | None = None
    ) -> list[Cleaned]:
        """Texts cleaned together within one document's seconds; past them
        (or a text over the line budget) `clean_documents` goes one by one."""
        texts = list(texts)
        for text in texts:
            self.budget.check_lines(text)
        with time_limit(self.budget.max_seconds):
            together = self.stripper.clean_many(texts, sites)
            return [verbatim(t, c) for t, c in zip(texts, together)]

    def clean_document(self, text: str, site: str | None = None) -> Cleaned:
        try:
            self.budget.check_lines(text)
            with time_limit(self.budget.max_seconds):
                return verbatim(text, self.stripper.clean_document(text, site))
        except OverBudget as error:
            return _over_budget_result(error)

    def clean_html_document(self, page: str | bytes, site: str | None = None) -> Cleaned:
        try:
            return clean_page(self.stripper, page, self.budget.max_seconds, site)
        except OverBudget as error:
            return _over_budget_result(error)


def _over_budget_result(error: OverBudget) -> OverBudgetResult:
    return OverBudgetResult("", 0, 0, 0, (), np.zeros(0), 1.0, why=str(error))
