"""Batch cleaning for the command line: plan outputs, run jobs, stream JSONL, sum up.

A ``clean`` run is a `Session` in the main process. It

1. *plans*: pairs each input with its output, refusing outputs that are
   inputs or that two inputs would both write, skipping finished outputs;
2. *runs jobs* through a `Runner` (a process pool with bounded in-flight
   work, results in order; in-process with one worker): `clean_files` cleans
   a few text or HTML files (one model batch) and writes their outputs;
   `clean_batch` cleans a batch of JSONL records and returns their output lines, which the
   session writes as results arrive, so JSONL files of any size stream;
3. *sums up*: every job returns a `Tally` (counts, failures, warnings,
   report entries); the session adds them, names failures on stderr, writes
   the ``--report`` file and prints the closing summary.

All HTML, whole pages and JSONL fields alike, is cleaned in `clean_html`.
"""

from __future__ import annotations

import os
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, NamedTuple, TypeVar

from .cleaner import Cleaned, Stripper
from .reading import (
    InputError,
    InputFile,
    Kind,
    Record,
    binary_reason,
    decode_text,
    describe_error,
    find_inputs,
    iter_raw_lines,
    open_input,
    parse_record,
    read_limited,
)
from .writing import AtomicFile, ReportWriter, dump_record, output_path, report_entry, write_atomic

if TYPE_CHECKING:
    from tqdm import tqdm

#: At most this many bad records are named per JSONL input; the rest are counted.
MAX_RECORD_FAILURES_SHOWN = 5
STDIN = "<stdin>"


class CommandError(Exception):
    """A whole command cannot run (exit code 1); the message says why."""


def load_model(stripper: Stripper) -> None:
    """Load the model now, so a missing or broken model is one clear error."""
    try:
        _ = stripper.model
    except FileNotFoundError as error:
        raise CommandError(f"{error}, or pass --model PATH") from error
    except Exception as error:
        raise CommandError(f"cannot load the model: {type(error).__name__}: {error}") from error


# -- what jobs return ------------------------------------------------------------


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


# -- turning documents into cleaned text -------------------------------------------


def clean_html(stripper: Stripper, html: str | bytes) -> Cleaned:
    """Extract one web page's article text with the DOM model.

    The one place HTML is cleaned, whole pages and JSONL fields alike.
    """
    return stripper.clean_html_document(html)


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
            return clean_html(stripper, data)
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


# -- jobs (run in worker processes) ----------------------------------------------

_stripper: Stripper | None = None


def _use_stripper(stripper: Stripper) -> None:
    """Set the process's `Stripper` (the pool initializer; also used in-process)."""
    global _stripper
    _stripper = stripper


def _the_stripper() -> Stripper:
    assert _stripper is not None, "_use_stripper was not called"
    return _stripper


@dataclass(frozen=True)
class FileJob:
    """Clean one text or HTML file into ``output``."""

    input: InputFile
    output: Path
    max_bytes: int
    report: bool


def clean_files(jobs: list[FileJob]) -> Tally:
    """Read, clean and write a few files; every problem becomes a failure in the tally.

    The text files are cleaned in one model batch, which costs far less than
    one batch per file when files are small.
    """
    tally = Tally()
    stripper = _the_stripper()
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
class BatchJob:
    """Clean the records among some consecutive JSONL lines."""

    source: str
    lines: list[tuple[int, bytes]]  #: (line number, raw line)
    first_record: int  #: index of the first record (blank lines are not records)
    fields: Fields
    max_bytes: int
    report: bool


def clean_batch(job: BatchJob) -> Tally:
    """Clean a batch of JSONL lines into output lines, one per input line, in order.

    Lines that cannot be cleaned (bad JSON, no such field, too long) are
    passed through unchanged and counted as failures, so no record is lost.
    """
    prepared = [_prepare(parse_record(n, raw, job.fields.source), job) for n, raw in job.lines]
    records = [record for record, _ in prepared]
    results: Iterator[Cleaned] = iter(())
    try:
        texts = [text for _, text in prepared if text is not None]
        stripper = _the_stripper()
        if job.fields.html is None:
            results = iter(list(stripper.clean_many(texts)))
        else:
            results = iter([clean_html(stripper, page) for page in texts])
    except Exception as error:  # noqa: BLE001 - keep every record, mark them failed
        why = _unexpected(error)
        records = [replace(r, data=None, error=why) if r.data is not None else r for r in records]
    return _batch_output(job, records, results)


def _prepare(record: Record, job: BatchJob) -> tuple[Record, str | None]:
    """A record and the text to clean from it; None (and an error) if there is none."""
    if record.data is None:
        return record, None
    if len(record.raw) > job.max_bytes:
        too_long = f"over the {job.max_bytes:,}-byte limit for one document"
        return replace(record, data=None, error=too_long), None
    try:
        return record, job.fields.document(record.data)
    except Exception as error:  # noqa: BLE001 - one bad page must not fail the batch
        return replace(record, data=None, error=_unexpected(error)), None


def _batch_output(job: BatchJob, records: list[Record], results: Iterator[Cleaned]) -> Tally:
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


def batch_jobs(
    lines: Iterator[tuple[int, bytes]],
    source: str,
    size: int,
    make: Callable[[list[tuple[int, bytes]], int], BatchJob],
) -> Iterator[BatchJob]:
    """Group raw JSONL lines into batches of ``size`` lines, lazily.

    ``make(lines, first_record)`` builds each job; ``first_record`` counts
    the non-blank lines before the batch.
    """
    batch: list[tuple[int, bytes]] = []
    records = first = 0
    for number, raw in lines:
        batch.append((number, raw))
        records += bool(raw.strip())
        if len(batch) >= size:
            yield make(batch, first)
            batch, first = [], records
    if batch:
        yield make(batch, first)


# -- running jobs ----------------------------------------------------------------

Job = TypeVar("Job")


class Runner:
    """Runs jobs in worker processes (or in this one), yielding results in order.

    At most ``2 × workers`` jobs are in flight, so memory stays bounded
    however many jobs there are.
    """

    def __init__(self, stripper: Stripper, workers: int) -> None:
        _use_stripper(stripper)
        self.window = 2 * workers
        self.pool = None
        if workers > 1:
            self.pool = ProcessPoolExecutor(
                workers, initializer=_use_stripper, initargs=(stripper,)
            )

    def map(self, job: Callable[[Job], Tally], items: Iterable[Job]) -> Iterator[Tally]:
        """``map(job, items)``, in parallel when there is a pool."""
        if self.pool is None:
            yield from map(job, items)
            return
        pending: deque[Future[Tally]] = deque()
        for item in items:
            pending.append(self.pool.submit(job, item))
            if len(pending) >= self.window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()

    def close(self) -> None:
        """Stop the worker processes, dropping work not yet started."""
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)


# -- the cleaning session --------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    """The options of one ``clean`` run."""

    output_dir: Path | None = None
    overwrite: bool = False
    kind: Kind | None = None  #: forced kind of standard input and files named explicitly
    fields: Fields = Fields()
    report: Path | None = None
    workers: int = 1
    quiet: bool = False


Plan = list[tuple[InputFile, Path]]


class Session:
    """One ``clean`` run: plans outputs, runs jobs, reports on stderr."""

    def __init__(self, settings: Settings, stripper: Stripper) -> None:
        self.settings = settings
        self.stripper = stripper
        self.max_bytes = stripper.config.max_document_bytes
        self.total = Tally()
        self.started = time.monotonic()
        self.report: ReportWriter | None = None
        self.bar: tqdm | None = None
        self._shown: dict[str, int] = {}  # record failures named per input

    # messages

    def say(self, message: str) -> None:
        """Print one line on stderr, above the progress bar if there is one."""
        if self.bar is not None:
            self.bar.write(message, file=sys.stderr)
        else:
            print(message, file=sys.stderr)

    def fail(self, source: str, why: str) -> None:
        """Count and name the failure of a whole input."""
        self.total.failed += 1
        self._name(Failure(source, why))

    def _name(self, failure: Failure) -> None:
        """Print a failure; after a few bad records of one input, just count them."""
        if failure.line is None:
            self.say(f"stripper: {failure.source}: {failure.why}")
            return
        shown = self._shown.get(failure.source, 0)
        self._shown[failure.source] = shown + 1
        if shown < MAX_RECORD_FAILURES_SHOWN:
            self.say(f"stripper: {failure.source}:{failure.line}: {failure.why}")
        elif shown == MAX_RECORD_FAILURES_SHOWN:
            self.say(f"stripper: {failure.source}: more bad lines, counted in the summary")

    def absorb(self, tally: Tally) -> None:
        """Take in a job's results: counts, messages and report entries."""
        self.total.add_counts(tally)
        for failure in tally.failures:
            self._name(failure)
        for warning in tally.warnings:
            self.say(f"stripper: warning: {warning}")
        if self.report is not None:
            for entry in tally.report:
                self.report.add(entry)

    # planning

    def run(self, paths: list[str]) -> int:
        """Clean every input under ``paths``; return the exit code."""
        found = find_inputs(paths, self.settings.kind)
        for where, why in found.problems:
            self.fail(where, why)
        if found.skipped_outputs:
            self.total.skipped += len(found.skipped_outputs)
            self.say(
                f"stripper: skipped {len(found.skipped_outputs)} file(s) named like "
                "stripper output (*.clean.*)"
            )
        plan = self.plan(found.inputs)
        if plan:
            load_model(self.stripper)
            self.execute(plan)
        self.summarise()
        return 1 if self.total.failed else 0

    def plan(self, inputs: list[InputFile]) -> Plan:
        """Pair inputs with outputs, refusing clashes and skipping finished ones.

        Two inputs that would write the same output (``page.txt`` and
        ``page.html``) both fail, each naming the other: which one should
        win is not for stripper to guess.
        """
        originals = {item.path.resolve() for item in inputs}
        outputs = [self._output(item) for item in inputs]
        resolved = [out.resolve() for out in outputs]  # each resolve reads every folder
        claims: dict[Path, list[Path]] = {}
        for item, real in zip(inputs, resolved):
            claims.setdefault(real, []).append(item.path)
        plan = []
        for item, out, real in zip(inputs, outputs, resolved):
            others = [str(path) for path in claims[real] if path != item.path]
            if real in originals or _same_file(out, item.path):
                self.fail(str(item.path), f"output {out} is an input file; refusing to write it")
            elif others:
                clash = f"output {out} is also the output of {', '.join(others)}"
                self.fail(str(item.path), f"{clash}; rename one (neither is cleaned)")
            elif out.is_file() and not self.settings.overwrite:
                self.total.skipped += 1
            else:
                plan.append((item, out))
        return plan

    def _output(self, item: InputFile) -> Path:
        return output_path(item.path, item.relative, self.settings.output_dir, item.kind)

    # running

    def execute(self, plan: Plan) -> None:
        """Clean the planned files: text and HTML in parallel, then each JSONL by batches."""
        files = [(i, o) for i, o in plan if i.kind != "jsonl"]
        streams = [(i, o) for i, o in plan if i.kind == "jsonl"]
        workers = self.settings.workers if streams else min(self.settings.workers, len(files))
        runner = Runner(self.stripper, workers)
        self.bar = _progress_bar(len(plan), self.settings.quiet)
        try:
            with _maybe_report(self.settings.report) as self.report:
                report = self.settings.report is not None
                jobs = [FileJob(i, o, self.max_bytes, report) for i, o in files]
                size = self.stripper.config.batch_size
                chunks = file_chunks(jobs, workers, size, self.stripper.config.chunk_bytes)
                for chunk, tally in zip(chunks, runner.map(clean_files, chunks)):
                    self.absorb(tally)
                    self._advance(len(chunk))
                for item, out in streams:
                    self.absorb(self.clean_jsonl_file(item, out, runner))
                    self._advance()
        finally:
            runner.close()
            if self.bar is not None:
                self.bar.close()
                self.bar = None

    def _advance(self, files: int = 1) -> None:
        """Move the progress bar on by ``files`` and show the running counts."""
        if self.bar is not None:
            self.bar.set_postfix_str(
                f"{self.total.documents:,} documents, {self.total.failed} failed"
            )
            self.bar.update(files)

    def clean_jsonl_file(self, item: InputFile, out: Path, runner: Runner) -> Tally:
        """Stream one JSONL file into its output; a read or write error discards the output."""
        source = str(item.path)
        try:
            with (
                open_input(item.path, item.compressed) as stream,
                AtomicFile(out, item.compressed) as sink,
            ):
                self.clean_jsonl_stream(stream, sink.write, source, runner)
        except InputError as error:
            return Tally().fail(source, str(error))
        except OSError as error:  # read errors are InputErrors by now
            return Tally().fail(source, f"cannot write {out}: {describe_error(error)}")
        return Tally(files=1)

    def clean_jsonl_stream(
        self, stream: BinaryIO, write: Callable[[bytes], object], source: str, runner: Runner
    ) -> None:
        """Clean JSONL from ``stream`` to ``write`` batch by batch, absorbing each result."""

        def make(lines: list[tuple[int, bytes]], first: int) -> BatchJob:
            report = self.settings.report is not None
            return BatchJob(source, lines, first, self.settings.fields, self.max_bytes, report)

        size = self.stripper.config.batch_size
        jobs = batch_jobs(iter_raw_lines(stream), source, size, make)
        for tally in runner.map(clean_batch, jobs):
            for line in tally.output:
                write(line)
            tally.output.clear()
            self.absorb(tally)
            self._advance(files=0)

    def summarise(self) -> None:
        """Print the closing summary on stderr (unless quiet)."""
        if self.settings.quiet:
            return
        t = self.total
        parts = [
            f"{t.files:,} file{'s' * (t.files != 1)}",
            f"{t.documents:,} document{'s' * (t.documents != 1)}",
            f"{t.lines_kept:,} line{'s' * (t.lines_kept != 1)} kept",
            f"{t.lines_removed:,} removed ({t.bytes_removed:,} bytes)",
            *(
                [f"{t.emptied:,} document{'s' * (t.emptied != 1)} left empty (--report shows why)"]
                if t.emptied
                else []
            ),
            f"{t.skipped:,} skipped"
            + (" (output exists; --overwrite redoes)" if t.skipped else ""),
            f"{t.failed:,} failed",
        ]
        elapsed = time.monotonic() - self.started
        self.say(f"stripper: {', '.join(parts)} in {elapsed:.1f} s")

    # standard input

    def run_stdin(self) -> int:
        """Clean standard input to standard output (text, HTML or JSONL by ``kind``)."""
        load_model(self.stripper)
        stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
        with _maybe_report(self.settings.report) as self.report:
            if self.settings.kind == "jsonl":
                runner = Runner(self.stripper, self.settings.workers)
                try:
                    self.clean_jsonl_stream(stdin, stdout.write, STDIN, runner)
                except InputError as error:
                    self.fail(STDIN, str(error))
                finally:
                    runner.close()
            else:
                self.absorb(self._clean_stdin_document(stdin, stdout))
        stdout.flush()
        self.summarise()
        return 1 if self.total.failed else 0

    def _clean_stdin_document(self, stdin: BinaryIO, stdout: BinaryIO) -> Tally:
        data = stdin.read(self.max_bytes + 1)
        if len(data) > self.max_bytes:
            limit = f"over the {self.max_bytes:,}-byte limit (raise it with --max-bytes)"
            return Tally().fail(STDIN, limit)
        tally = Tally()
        cleaned = clean_data(self.stripper, data, self.settings.kind or "text", STDIN, tally)
        if cleaned is not None:
            stdout.write(cleaned.text.encode("utf-8"))
            tally.add(cleaned, STDIN, self.settings.report is not None)
        return tally


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _maybe_report(path: Path | None) -> ReportWriter | nullcontext[None]:
    """The --report file as a context manager (committed when the run ends)."""
    return ReportWriter(path) if path else nullcontext()


def _progress_bar(total: int, quiet: bool) -> tqdm | None:
    """A tqdm bar on stderr, only for a person watching a terminal."""
    if quiet or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    tqdm.monitor_interval = 0  # no monitor thread: worker processes are forked
    return tqdm(total=total, unit="file", file=sys.stderr, dynamic_ncols=True)
