"""A ``clean`` run over many files: plan outputs, run jobs, stream JSONL, sum up.

A run is a `Session` in the main process. It

1. *plans*: pairs each input with its output, refusing outputs that are
   inputs or that two inputs would both write, skipping finished outputs;
2. *runs jobs* (`stripper.cli.jobs`) through a `Runner` (a process pool with
   bounded in-flight work, results in order; in-process with one worker):
   `clean_files` for text and HTML files, `clean_records` for some lines of
   a JSONL file, whose output lines the session writes as results arrive,
   so JSONL files of any size stream;
3. *sums up*: it adds the jobs' tallies, names failures on stderr, writes
   the ``--report`` file and prints the closing summary.
"""

from __future__ import annotations

import os
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, TypeVar

from ..api import Stripper
from .inputs import InputError, InputFile, describe_error, find_inputs, iter_raw_lines, open_input
from .jobs import (
    Failure,
    Fields,
    FileJob,
    RecordsJob,
    Tally,
    clean_data,
    clean_files,
    clean_records,
    file_chunks,
    records_jobs,
)
from .names import Kind, output_path
from .outputs import AtomicFile, ReportWriter

if TYPE_CHECKING:
    from tqdm import tqdm

#: At most this many bad records are named per JSONL input; the rest are counted.
MAX_RECORD_FAILURES_SHOWN = 5
STDIN = "<stdin>"


class CommandError(Exception):
    """A whole command cannot run (exit code 1); the message says why."""


def ensure_model(stripper: Stripper) -> None:
    """Load the model now, so a missing or broken model is one clear error."""
    try:
        _ = stripper.model
    except FileNotFoundError as error:
        raise CommandError(f"{error}, or pass --model PATH") from error
    except Exception as error:
        raise CommandError(f"cannot load the model: {type(error).__name__}: {error}") from error


Job = TypeVar("Job")


class Runner:
    """Runs jobs in worker processes (or in this one), yielding results in order.

    At most ``2 × workers`` jobs are in flight, so memory stays bounded
    however many jobs there are. Each job gets the `Stripper` with it (it
    pickles without its models, and a process loads each model file once).
    """

    def __init__(self, stripper: Stripper, workers: int) -> None:
        self.stripper = stripper
        self.window = 2 * workers
        self.pool = ProcessPoolExecutor(workers) if workers > 1 else None

    def map(self, job: Callable[[Stripper, Job], Tally], items: Iterable[Job]) -> Iterator[Tally]:
        """``job(stripper, item)`` for each item, in parallel when there is a pool."""
        if self.pool is None:
            yield from (job(self.stripper, item) for item in items)
            return
        pending: deque[Future[Tally]] = deque()
        for item in items:
            pending.append(self.pool.submit(job, self.stripper, item))
            if len(pending) >= self.window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()

    def close(self) -> None:
        """Stop the worker processes, dropping work not yet started."""
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)


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
            ensure_model(self.stripper)
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

        def make(lines: list[tuple[int, bytes]], first: int) -> RecordsJob:
            report = self.settings.report is not None
            return RecordsJob(source, lines, first, self.settings.fields, self.max_bytes, report)

        size = self.stripper.config.batch_size
        jobs = records_jobs(iter_raw_lines(stream), source, size, make)
        for tally in runner.map(clean_records, jobs):
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
        ensure_model(self.stripper)
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
