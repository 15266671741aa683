"""The command line: ``python -m stripper clean | train | evaluate``.

`main` parses the arguments and runs one command. Cleaning is organised as

* *jobs* that run in worker processes and return a `Tally` (counts,
  failures, report entries, JSONL output lines): `clean_file` cleans one
  text or HTML file and writes its output itself; `clean_batch` cleans a
  batch of JSONL records and returns their output lines;
* a `Session` in the main process that plans the outputs, hands jobs to a
  `Runner` (a process pool with bounded in-flight work, results in order),
  writes JSONL outputs and the report as results arrive, and prints
  failures, progress and the closing summary on stderr.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, NamedTuple, TypeVar

from .cleaner import Cleaned, Stripper
from .config import Config
from .reading import (
    InputError,
    InputFile,
    Kind,
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

PROGRAM = "python -m stripper"
#: At most this many bad records are named per JSONL input; the rest are counted.
MAX_RECORD_FAILURES_SHOWN = 5

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
        if report:
            self.report.append(report_entry(source, cleaned.verdicts, **where))

    def fail(self, source: str, why: str, line: int | None = None) -> None:
        """Record a failure of a whole input, or of one ``line`` of a JSONL input."""
        self.failed += 1
        self.failures.append(Failure(source, why, line))

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
    "skipped",
    "failed",
)


# -- jobs (run in worker processes) ----------------------------------------------

_stripper: Stripper | None = None


def _use_stripper(stripper: Stripper) -> None:
    """Set the process's `Stripper` (the pool initializer; also used in-process)."""
    global _stripper
    _stripper = stripper


def _the_stripper() -> Stripper:
    assert _stripper is not None, "_use_stripper was not called"
    return _stripper


def clean_html(stripper: Stripper, html: bytes) -> Cleaned:
    """Clean one web page: the single place HTML input is turned into cleaned text.

    For now the page is rendered to lines by `stripper.html.html_to_text`
    and those lines are cleaned; swap this body for the model's own HTML
    cleaning when it exists.
    """
    from .html import html_to_text

    return stripper.clean_document(html_to_text(html))


@dataclass(frozen=True)
class FileJob:
    """Clean one text or HTML file into ``output``."""

    input: InputFile
    output: Path
    max_bytes: int
    report: bool


def clean_file(job: FileJob) -> Tally:
    """Read, clean and write one file; every problem becomes a failure in the tally."""
    tally = Tally()
    source = str(job.input.path)
    try:
        data = read_limited(job.input.path, job.input.compressed, job.max_bytes)
    except InputError as error:
        tally.fail(source, str(error))
        return tally
    cleaned = clean_data(_the_stripper(), data, job.input.kind, source, tally)
    if cleaned is None:
        return tally
    try:
        write_atomic(job.output, cleaned.text.encode("utf-8"), job.input.compressed)
    except (OSError, UnicodeEncodeError) as error:
        tally.fail(source, f"cannot write {job.output}: {describe_error(error)}")
        return tally
    tally.files = 1
    tally.add(cleaned, source, job.report)
    return tally


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
        decoded = decode_text(data)
        if decoded.warning:
            tally.warnings.append(f"{source}: {decoded.warning}")
        return stripper.clean_document(decoded.text)
    except InputError as error:
        tally.fail(source, str(error))
    except Exception as error:  # noqa: BLE001 - a bug must not stop the other files
        tally.fail(source, f"unexpected error: {type(error).__name__}: {error}")
    return None


@dataclass(frozen=True)
class BatchJob:
    """Clean the records among some consecutive JSONL lines."""

    source: str
    lines: list[tuple[int, bytes]]  #: (line number, raw line)
    first_record: int  #: index of the first record (blank lines are not records)
    text_field: str
    max_bytes: int
    report: bool


def clean_batch(job: BatchJob) -> Tally:
    """Clean a batch of JSONL lines into output lines, one per input line, in order.

    Lines that cannot be cleaned (bad JSON, no text field, too long) are
    passed through unchanged and counted as failures, so no record is lost.
    """
    tally = Tally()
    too_long = f"over the {job.max_bytes:,}-byte limit for one document"
    records = [parse_record(number, raw, job.text_field) for number, raw in job.lines]
    records = [
        replace(r, data=None, error=too_long) if r.data and len(r.raw) > job.max_bytes else r
        for r in records
    ]
    try:
        texts = [r.data[job.text_field] for r in records if r.data is not None]
        results = iter(list(_the_stripper().clean_many(texts)))
    except Exception as error:  # noqa: BLE001 - keep every record, mark them failed
        why = f"unexpected error: {type(error).__name__}: {error}"
        records = [replace(r, data=None, error=why) if r.data is not None else r for r in records]
    index = job.first_record
    for record in records:
        if record.data is None:
            tally.output.append(record.raw + b"\n")
            if not record.is_blank:
                tally.fail(job.source, record.error or "", record.line)
                index += 1
            continue
        result = next(results)
        data = dict(record.data)
        data[job.text_field] = result.text  # same key, same place: order is kept
        tally.output.append(dump_record(data))
        tally.add(result, job.source, job.report, record=index, line=record.line)
        index += 1
    return tally


def _batch_jobs(
    lines: Iterator[tuple[int, bytes]], source: str, size: int, settings: Settings
) -> Iterator[BatchJob]:
    """Group raw JSONL lines into `BatchJob` s of ``size`` lines, lazily."""

    def job(batch: list[tuple[int, bytes]], first: int) -> BatchJob:
        return BatchJob(
            source, batch, first, settings.text_field, settings.max_bytes, settings.report
        )

    batch: list[tuple[int, bytes]] = []
    records = first = 0
    for number, raw in lines:
        batch.append((number, raw))
        records += bool(raw.strip())
        if len(batch) >= size:
            yield job(batch, first)
            batch, first = [], records
    if batch:
        yield job(batch, first)


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
    """The options of one ``clean`` run that jobs and planning need."""

    output_dir: Path | None
    overwrite: bool
    text_field: str
    max_bytes: int
    batch_size: int
    report: bool
    force_jsonl: bool


class Session:
    """One ``clean`` run: plans outputs, runs jobs, reports on stderr."""

    def __init__(self, args: argparse.Namespace, stripper: Stripper) -> None:
        self.args = args
        self.stripper = stripper
        self.settings = Settings(
            output_dir=Path(args.output_dir) if args.output_dir else None,
            overwrite=args.overwrite,
            text_field=args.text_field,
            max_bytes=stripper.config.max_document_bytes,
            batch_size=stripper.config.batch_size,
            report=args.report is not None,
            force_jsonl=args.jsonl,
        )
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

    # the run

    def run(self, paths: list[str]) -> int:
        """Clean every input under ``paths``; return the exit code."""
        found = find_inputs(paths, "jsonl" if self.settings.force_jsonl else None)
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

    def plan(self, inputs: list[InputFile]) -> list[tuple[InputFile, Path]]:
        """Pair inputs with outputs, refusing clashes and skipping finished ones."""
        originals = {item.path.resolve() for item in inputs}
        claimed: dict[Path, Path] = {}
        plan = []
        for item in inputs:
            out = output_path(item.path, item.relative, self.settings.output_dir)
            key = out.resolve()
            if key in originals or _same_file(out, item.path):
                self.fail(str(item.path), f"output {out} is an input file; refusing to write it")
            elif key in claimed:
                self.fail(str(item.path), f"output {out} is also the output of {claimed[key]}")
            elif out.is_file() and not self.settings.overwrite:
                self.total.skipped += 1
            else:
                plan.append((item, out))
            claimed.setdefault(key, item.path)
        return plan

    def execute(self, plan: list[tuple[InputFile, Path]]) -> None:
        """Clean the planned files: text and HTML in parallel, then each JSONL by batches."""
        files = [(i, o) for i, o in plan if i.kind != "jsonl"]
        streams = [(i, o) for i, o in plan if i.kind == "jsonl"]
        workers = self.args.workers if streams else min(self.args.workers, len(files))
        runner = Runner(self.stripper, workers)
        self.bar = _progress_bar(len(plan), self.args.quiet)
        try:
            with _maybe_report(self.args.report) as self.report:
                jobs = (
                    FileJob(i, o, self.settings.max_bytes, self.settings.report) for i, o in files
                )
                for tally in runner.map(clean_file, jobs):
                    self.absorb(tally)
                    self._advance()
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
            return _failed(source, str(error))
        except OSError as error:  # read errors are InputErrors by now
            return _failed(source, f"cannot write {out}: {describe_error(error)}")
        return Tally(files=1)

    def clean_jsonl_stream(
        self, stream: BinaryIO, write: Callable[[bytes], object], source: str, runner: Runner
    ) -> None:
        """Clean JSONL from ``stream`` to ``write`` batch by batch, absorbing each result."""
        lines = iter_raw_lines(stream)
        jobs = _batch_jobs(lines, source, self.settings.batch_size, self.settings)
        for tally in runner.map(clean_batch, jobs):
            for line in tally.output:
                write(line)
            tally.output.clear()
            self.absorb(tally)
            self._advance(files=0)

    def summarise(self) -> None:
        """Print the closing summary on stderr (unless --quiet)."""
        if self.args.quiet:
            return
        t = self.total
        parts = [
            f"{t.files:,} file{'s' * (t.files != 1)}",
            f"{t.documents:,} document{'s' * (t.documents != 1)}",
            f"{t.lines_kept:,} lines kept",
            f"{t.lines_removed:,} removed ({t.bytes_removed:,} bytes)",
            f"{t.skipped:,} skipped"
            + (" (output exists; --overwrite redoes)" if t.skipped else ""),
            f"{t.failed:,} failed",
        ]
        elapsed = time.monotonic() - self.started
        self.say(f"stripper: {', '.join(parts)} in {elapsed:.1f} s")

    # standard input

    def run_stdin(self) -> int:
        """Clean standard input to standard output (text, or JSONL with --jsonl)."""
        load_model(self.stripper)
        stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
        with _maybe_report(self.args.report) as self.report:
            if self.settings.force_jsonl:
                runner = Runner(self.stripper, self.args.workers)
                try:
                    self.clean_jsonl_stream(stdin, stdout.write, "<stdin>", runner)
                except InputError as error:
                    self.fail("<stdin>", str(error))
                finally:
                    runner.close()
            else:
                self.absorb(self._clean_stdin_text(stdin, stdout))
        stdout.flush()
        self.summarise()
        return 1 if self.total.failed else 0

    def _clean_stdin_text(self, stdin: BinaryIO, stdout: BinaryIO) -> Tally:
        data = stdin.read(self.settings.max_bytes + 1)
        if len(data) > self.settings.max_bytes:
            limit = f"over the {self.settings.max_bytes:,}-byte limit (raise it with --max-bytes)"
            return _failed("<stdin>", limit)
        tally = Tally()
        cleaned = clean_data(self.stripper, data, "text", "<stdin>", tally)
        if cleaned is not None:
            stdout.write(cleaned.text.encode("utf-8"))
            tally.add(cleaned, "<stdin>", self.settings.report)
        return tally


def _failed(where: str, why: str) -> Tally:
    tally = Tally()
    tally.fail(where, why)
    return tally


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _maybe_report(path: str | None) -> ReportWriter | nullcontext[None]:
    """The --report file as a context manager (committed when the run ends)."""
    return ReportWriter(Path(path)) if path else nullcontext()


def _progress_bar(total: int, quiet: bool) -> tqdm | None:
    """A tqdm bar on stderr, only for a person watching a terminal."""
    if quiet or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    tqdm.monitor_interval = 0  # no monitor thread: worker processes are forked
    return tqdm(total=total, unit="file", file=sys.stderr, dynamic_ncols=True)


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


# -- argument parsing ------------------------------------------------------------

DESCRIPTION = """\
Remove boilerplate lines -- menus, "Share this", cookie prompts, "Popular
posts" teasers, footers -- from scraped article text, line by line, with a
trained classifier. Originals are never changed: the cleaned text is written
beside them (story.txt -> story.clean.txt)."""

EXAMPLES = f"""\
examples:
  {PROGRAM} clean story.txt              writes story.clean.txt beside it
  {PROGRAM} clean corpus/                every input below corpus/, recursively
  {PROGRAM} clean corpus/ -o cleaned/    a mirrored tree under cleaned/ instead
  cat story.txt | {PROGRAM} clean -      standard input to standard output
  {PROGRAM} clean pages.jsonl.gz --text-field body
  {PROGRAM} clean story.txt --report review.jsonl --overwrite
  {PROGRAM} train training_data/ --out my-model.joblib
  {PROGRAM} evaluate training_data/ --model my-model.joblib

'{PROGRAM} COMMAND --help' explains a command's options."""

CLEAN_EPILOG = f"""\
inputs:
  Files named on the command line are cleaned whatever their suffix. Folders
  are searched recursively for *.txt, *.jsonl, *.html and *.htm, each also
  gzipped (.gz); hidden files and stripper's own outputs (*.clean.*) are left
  out, so running again never cleans an output. Text is read as UTF-8 (a BOM
  is dropped; UTF-16 with a BOM is read too); other bytes fall back to cp1252
  or latin-1 with a warning. Binary files are skipped with a message.

outputs:
  story.txt -> story.clean.txt         story.txt.gz -> story.clean.txt.gz
  pages.jsonl -> pages.clean.jsonl     pages.jsonl.gz -> pages.clean.jsonl.gz
  page.html -> page.html.clean.txt     (HTML is rendered to text lines)
  Output text is UTF-8 and keeps the input's kept lines byte for byte and its
  newline style. Each output appears whole or not at all (temp file + rename).
  An existing output is skipped, so an interrupted run resumes where it
  stopped; --overwrite cleans again. With --output-dir the tree below each
  folder given is mirrored below DIR (files given directly go into DIR).

JSON Lines:
  Each line's --text-field is cleaned; all other fields pass through in their
  order. Lines that are not JSON objects with that text field are copied
  unchanged and counted as failures (with their line number); blank lines
  are kept. Files are streamed in batches: memory does not grow with size.

report (--report FILE):
  One JSON object per document: {{"source": path, "record": index, "line":
  line, "lines": [{{"n": line number from 1, "text": ..., "debris": true|false,
  "p": probability of debris}}, ...]}} ("record"/"line" for JSONL only).

exit status:
  0 all inputs cleaned (or skipped), 1 some inputs failed (each is named on
  stderr), 2 the command line is wrong.

examples:
  {PROGRAM} clean story.txt other.txt.gz
  {PROGRAM} clean corpus/ --workers 2 --threshold 0.7
  {PROGRAM} clean corpus/ -o /tmp/cleaned --quiet
  {PROGRAM} clean - < story.txt > story.clean.txt
  zcat pages.jsonl.gz | {PROGRAM} clean - --jsonl > clean.jsonl"""


def _threshold(value: str) -> float:
    number = float(value)
    if not 0.0 <= number <= 1.0:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, got {value}")
    return number


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return number


_UNITS = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3}


def _size(value: str) -> int:
    """``"64M"`` → 67108864 (K, M, G are powers of 1024; a B after them is optional)."""
    text = value.strip().upper().removesuffix("B")
    unit = text[-1:] if text[-1:] in ("K", "M", "G") else ""
    try:
        number = float(text[: len(text) - len(unit)]) * _UNITS[unit]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a size: {value!r} (try 64M)") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be positive, got {value}")
    return int(number)


def _existing_file(value: str) -> Path:
    path = Path(value)
    if not path.is_file():
        raise argparse.ArgumentTypeError(f"no such file: {value}")
    return path


class _VersionAction(argparse.Action):
    """--version: the package version and what the shipped model was trained on."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: object) -> None:
        super().__init__(
            option_strings,
            dest,
            nargs=0,
            help="show the version and the model's training facts, then exit",
        )

    def __call__(self, parser: argparse.ArgumentParser, *args: object) -> None:
        print(version_text())
        parser.exit()


def version_text() -> str:
    """The package version, then the shipped model's card, one fact per line."""
    from . import __version__
    from .model import read_card, shipped_model_path

    lines = [f"stripper {__version__}"]
    path = shipped_model_path()
    if not path.exists():
        return "\n".join([*lines, f"model: none yet at {path} (run '{PROGRAM} train')"])
    lines.append(f"model: {path}")
    try:
        card = read_card()
    except (OSError, ValueError) as error:
        return "\n".join([*lines, f"  model card unreadable: {error}"])
    card.pop("config", None)  # the settings are Config's defaults
    lines += [f"  {key}: {value}" for key, value in _flatten(card)]
    return "\n".join(lines)


def _flatten(value: object, prefix: str = "") -> Iterator[tuple[str, str]]:
    """Nested card entries as ``("a.b", "text")`` pairs; long lists are counted."""
    if isinstance(value, dict) and len(value) <= 12:
        for key, inner in value.items():
            yield from _flatten(inner, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(value, dict | list) and len(value) > 12:
        yield prefix, f"{len(value)} entries"
    elif isinstance(value, list):
        yield prefix, ", ".join(map(str, value))
    elif isinstance(value, float):
        yield prefix, f"{value:.4g}"
    else:
        yield prefix, str(value)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for ``python -m stripper``."""
    parser = argparse.ArgumentParser(
        prog=PROGRAM,
        description=DESCRIPTION,
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action=_VersionAction)
    commands = parser.add_subparsers(
        title="commands", dest="command", metavar="COMMAND", required=True
    )
    _add_clean(commands)
    _add_train(commands)
    _add_evaluate(commands)
    return parser


def _add_clean(commands: argparse._SubParsersAction) -> None:
    clean = commands.add_parser(
        "clean",
        help="clean files, folders, JSONL or standard input",
        description="Clean text, JSONL and HTML files (or standard input), writing the\n"
        "cleaned text beside each input.",
        epilog=CLEAN_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    clean.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="files or folders to clean; - reads standard input and writes standard output",
    )
    output = clean.add_argument_group("where outputs go")
    output.add_argument(
        "-o",
        "--output-dir",
        metavar="DIR",
        help="write outputs in a tree mirrored below DIR instead of beside the inputs",
    )
    output.add_argument(
        "--overwrite", action="store_true", help="clean again inputs whose output already exists"
    )
    output.add_argument(
        "--report",
        metavar="FILE",
        help="also write each line's debris probability to FILE (JSON Lines)",
    )
    jsonl = clean.add_argument_group("JSON Lines")
    jsonl.add_argument(
        "--jsonl",
        action="store_true",
        help="read standard input (and files named on the command line) as JSON Lines",
    )
    jsonl.add_argument(
        "--text-field",
        default="text",
        metavar="NAME",
        help="the JSONL field to clean (default: %(default)s)",
    )
    model = clean.add_argument_group("model")
    _add_model_options(model)
    run = clean.add_argument_group("running")
    run.add_argument(
        "--workers",
        type=_positive,
        default=os.cpu_count() or 1,
        metavar="N",
        help="worker processes (default: all %(default)s cores)",
    )
    run.add_argument(
        "--max-bytes",
        type=_size,
        metavar="SIZE",
        help="refuse documents larger than SIZE, e.g. 200M (default: "
        f"{Config().max_document_bytes // 1024**2}M)",
    )
    run.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="no progress bar and no summary (failures are still named)",
    )
    clean.set_defaults(run=_clean_command, parser=clean)


def _add_model_options(group: argparse._ArgumentGroup) -> None:
    group.add_argument(
        "--model",
        type=_existing_file,
        metavar="PATH",
        help="a model file from 'train' (default: the shipped model)",
    )
    group.add_argument(
        "--threshold",
        type=_threshold,
        metavar="P",
        help="remove lines whose debris probability is at least P (default: the threshold "
        "chosen when the model was trained)",
    )


def _add_train(commands: argparse._SubParsersAction) -> None:
    train = commands.add_parser(
        "train",
        help="train a model from labelled data",
        description="Train a line model from labelled documents (see stripper.labels).",
        epilog=f"example:\n  {PROGRAM} train training_data/ --out my-model.joblib",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    train.add_argument(
        "data",
        nargs="*",
        metavar="DATA",
        help="labelled files or folders (default: the repository's training_data/)",
    )
    train.add_argument(
        "--out",
        type=Path,
        metavar="PATH",
        help="where to write the model (default: the shipped model's place)",
    )
    train.add_argument("-q", "--quiet", action="store_true", help="print only the result")
    train.set_defaults(run=_train_command, parser=train)


def _add_evaluate(commands: argparse._SubParsersAction) -> None:
    evaluate = commands.add_parser(
        "evaluate",
        help="score a model on labelled data",
        description="Score a model on labelled documents: line and shingle scores.",
        epilog=f"example:\n  {PROGRAM} evaluate held_out/ --model my-model.joblib",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    evaluate.add_argument("data", nargs="+", metavar="DATA", help="labelled files or folders")
    _add_model_options(evaluate)
    evaluate.add_argument(
        "--report", type=Path, metavar="FILE", help="write per-document scores to FILE"
    )
    evaluate.set_defaults(run=_evaluate_command, parser=evaluate)


# -- commands --------------------------------------------------------------------


def _clean_command(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    if "-" in args.paths and (len(args.paths) > 1 or args.output_dir):
        parser.error("'-' (standard input) cannot be combined with other paths or --output-dir")
    if args.report and Path(args.report).is_dir():
        parser.error(f"--report {args.report} is a folder; give a file name")
    config = Config()
    if args.max_bytes:
        config = replace(config, max_document_bytes=args.max_bytes)
    stripper = Stripper(model=args.model, threshold=args.threshold, config=config)
    session = Session(args, stripper)
    if args.paths == ["-"]:
        return session.run_stdin()
    return session.run(args.paths)


def default_training_data() -> Path:
    """The repository's ``training_data/`` folder beside the package."""
    return Path(__file__).resolve().parent.parent / "training_data"


def _train_command(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    data = _existing_paths(args.data, parser)
    if not data:
        default = default_training_data()
        if not default.is_dir():
            parser.error(f"no training data at {default}; pass the labelled data's path")
        data = [default]
    from .training import train_command

    with _training_errors():
        return train_command(data, args.out, Config(), args.quiet)


def _evaluate_command(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    data = _existing_paths(args.data, parser)
    from .training import evaluate_command

    with _training_errors():
        return evaluate_command(data, args.model, args.threshold, args.report)


def _existing_paths(paths: list[str], parser: argparse.ArgumentParser) -> list[Path]:
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        parser.error(f"no such file or folder: {', '.join(missing)}")
    return [Path(p) for p in paths]


@contextmanager
def _training_errors() -> Iterator[None]:
    """Bad labelled data or an unusable model become one-line `CommandError` s."""
    from .labels import LabelFormatError
    from .model import ModelVersionError

    try:
        yield
    except (LabelFormatError, ModelVersionError, OSError, ValueError) as error:
        raise CommandError(str(error)) from error


def main(argv: list[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args, args.parser)
    except CommandError as error:
        print(f"stripper: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(
            "stripper: interrupted; finished outputs are kept, partial ones removed",
            file=sys.stderr,
        )
        return 130
    except BrokenPipeError:  # e.g. piped into `head`
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except OSError as error:  # e.g. the --report file cannot be written
        where = f"{error.filename}: " if error.filename else ""
        print(f"stripper: error: {where}{describe_error(error)}", file=sys.stderr)
        return 1
