"""A ``clean`` run over many files: plan outputs, run jobs, stream JSONL, sum up.

A run is a `Session` in the main process. It

1. *plans*: pairs each input with its output, refusing outputs that are
   inputs or that two inputs would both write, skipping finished outputs;
2. *runs jobs* (`stripper.cli.jobs`) through a `Runner` (a process pool with
   bounded in-flight work, results in order; in-process with one worker):
   `clean_files` for text and HTML files, `clean_record_file` for each
   record file (WARC, WET, ``.jsonl.zst``, Parquet: it streams into its own
   output), `clean_records` for some lines of a JSONL file, whose output
   lines the session writes as results arrive, so JSONL files of any size
   stream;
3. *sums up*: it adds the jobs' tallies, names failures on stderr, writes
   the ``--report`` file and prints the closing summary.

Before writing and once done, it removes the temp files that killed runs
left in the folders it writes to (`stripper.cli.outputs.remove_orphans`); a JSONL file
a killed run had started is resumed from its last complete line. A worker
process that dies (killed, out of memory) fails only the job it held.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import signal
import sys
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, TypeVar

from ..api import Stripper
from .inputs import (
    InputError,
    InputFile,
    check_regular,
    describe_error,
    find_inputs,
    gzip_warning,
    iter_raw_lines,
    open_input,
)
from .jobs import (
    Budget,
    Failure,
    Fields,
    FileJob,
    RecordFileJob,
    RecordsJob,
    Tally,
    clean_data,
    clean_files,
    clean_record_file,
    clean_records,
    file_chunks,
    files_crashed,
    record_file_crashed,
    records_crashed,
    records_jobs,
)
from .names import Kind, output_path
from .outputs import Busy, PartialOutput, ReportWriter, remove_orphans
from .templates import file_site, learn_sites

if TYPE_CHECKING:
    from tqdm import tqdm

#: At most this many bad records are named per JSONL or record file; the rest are counted.
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
        raise CommandError(model_failure(error)) from error


def model_failure(error: BaseException) -> str:
    """One line for a model file that cannot be loaded: the loader's own
    message, or for a foreign or damaged file what the unpickler hit."""
    from ..models.files import ModelError

    if isinstance(error, ModelError):
        return f"cannot load the model: {error}"
    detail = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    return f"cannot load the model: not a stripper model file, or a damaged one ({detail})"


Job = TypeVar("Job")


class Runner:
    """Runs jobs in worker processes (or in this one), yielding results in order.

    At most ``2 × workers`` jobs are in flight, so memory stays bounded
    however many jobs there are. Each job gets the `Stripper` with it (it
    pickles without its models, and a process loads each model file once).
    A worker that dies breaks the pool: the pool is started again, the job
    whose result was awaited is run again alone, and if it kills a worker
    again it is the culprit, whose tally ``crashed`` makes; the jobs in
    flight are sent again. (A worker killed in the instant it writes its
    result back leaves half a message that Python's pool waits for
    forever; killed while cleaning, as an out-of-memory kill at a memory
    peak is, it is recovered.)
    """

    def __init__(self, stripper: Stripper, workers: int) -> None:
        self.stripper = stripper
        self.workers = workers
        self.restarts = 0  #: times a broken pool was started again
        self.window = 2 * workers
        self.pool = ProcessPoolExecutor(workers, initializer=_worker_start) if workers > 1 else None

    def map(
        self,
        job: Callable[[Stripper, Job], Tally],
        items: Iterable[Job],
        crashed: Callable[[Job, str], Tally],
    ) -> Iterator[Tally]:
        """``job(stripper, item)`` for each item, in parallel when there is a pool."""
        if self.pool is None:
            yield from (job(self.stripper, item) for item in items)
            return
        pending: deque[tuple[Job, Future[Tally]]] = deque()
        for item in items:
            pending.append((item, self._submit(job, item)))
            if len(pending) >= self.window:
                yield self._result(job, pending, crashed)
        while pending:
            yield self._result(job, pending, crashed)

    def _submit(self, job: Callable[[Stripper, Job], Tally], item: Job) -> Future[Tally]:
        """The job's future; a pool found broken already gives a failed one."""
        assert self.pool is not None
        try:
            return self.pool.submit(job, self.stripper, item)
        except BrokenProcessPool as error:
            failed: Future[Tally] = Future()
            failed.set_exception(error)
            return failed

    def _result(
        self,
        job: Callable[[Stripper, Job], Tally],
        pending: deque[tuple[Job, Future[Tally]]],
        crashed: Callable[[Job, str], Tally],
    ) -> Tally:
        item, future = pending.popleft()
        try:
            return future.result()
        except BrokenProcessPool:
            pass
        self._restart()
        try:
            tally = self._submit(job, item).result()
        except BrokenProcessPool:
            self._restart()
            tally = crashed(item, "a worker process died cleaning it (out of memory? killed?)")
        for i, (other, _) in enumerate(pending):
            pending[i] = (other, self._submit(job, other))
        return tally

    def _restart(self) -> None:
        """A new pool for a broken one. Its workers are spawned, not forked:
        this process now has the old pool's threads, and a fork could copy a
        lock one of them holds into a worker, which would then wait forever."""
        assert self.pool is not None
        self.restarts += 1
        self.pool.shutdown(wait=True, cancel_futures=True)
        spawn = multiprocessing.get_context("spawn")
        self.pool = ProcessPoolExecutor(self.workers, spawn, _worker_start)

    def close(self) -> None:
        """Stop the worker processes, dropping work not yet started."""
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)


def _worker_start() -> None:
    """In each worker: SIGTERM ends the process, as a pool expects when it
    terminates its workers (``python -m stripper`` turns SIGTERM into
    KeyboardInterrupt, which a forked worker would inherit, take for a job's
    error and carry on: a broken pool then waited for it forever)."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


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
    outlet: bool = False  #: every document is the adapted model's outlet's (``--outlet``)
    templates: bool | None = None  #: count sites' pages first: web pages (None), all, none


Plan = list[tuple[InputFile, Path]]


class Session:
    """One ``clean`` run: plans outputs, runs jobs, reports on stderr."""

    def __init__(self, settings: Settings, stripper: Stripper) -> None:
        self.settings = settings
        self.stripper = stripper
        self.budget = Budget.of(stripper.config)
        self.total = Tally()
        self.started = time.monotonic()
        self.report: ReportWriter | None = None
        self.bar: tqdm | None = None
        self._shown: dict[str, int] = {}  # record failures named per input
        self.folders: list[Path] = []  #: the folders outputs are written to

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
        line = isinstance(failure.line, int)  # else a place in a record file: @offset, #row
        if shown < MAX_RECORD_FAILURES_SHOWN:
            place = f":{failure.line}" if line else failure.line
            self.say(f"stripper: {failure.source}{place}: {failure.why}")
        elif shown == MAX_RECORD_FAILURES_SHOWN:
            what = "lines" if line else "records"
            self.say(f"stripper: {failure.source}: more bad {what}, counted in the summary")

    def absorb(self, tally: Tally) -> None:
        """Take in a job's results: counts, messages and report entries."""
        self.total.add_counts(tally)
        for failure in [*tally.notices, *tally.failures]:
            self._name(failure)
        for warning in tally.warnings:
            self.say(f"stripper: warning: {warning}")
        if self.report is not None:
            for entry in tally.report:
                self.report.add(entry)

    # planning

    def run(self, paths: list[str]) -> int:
        """Clean every input under ``paths``; return the exit code."""
        found = find_inputs(paths, self.settings.kind, self.settings.output_dir)
        for where, why in found.problems:
            self.fail(where, why)
        for output, source in found.skipped_outputs:
            why = f"skipped: stripper's own output, of {source.name} beside it"
            self.absorb(Tally().skip(str(output), "stripper output", why))
        plan = self.plan(found.inputs)
        if plan:
            ensure_model(self.stripper)
            if self.settings.templates is not False:  # all inputs: a resume cleans as a whole
                fields, outlet = self.settings.fields, self.settings.outlet
                learn_sites(
                    self.stripper, found.inputs, fields, outlet, bool(self.settings.templates)
                )
            self.execute(plan)
            self.remove_orphans()
        self.summarise()
        return 1 if self.total.failed else 0

    def plan(self, inputs: list[InputFile]) -> Plan:
        """Pair inputs with outputs, refusing clashes and skipping finished ones.

        Two inputs that would write the same output (``page.txt`` and
        ``page.html``) both fail, each naming the other: which one should
        win is not for stripper to guess. An input whose output cannot even
        be looked at (a folder without permission) fails alone.
        """
        originals = set()
        for item in inputs:
            originals.add(_real(item.path))
        outputs = [self._output(item) for item in inputs]
        resolved = [_real(out) for out in outputs]  # each resolve reads every folder
        claims: dict[str, list[Path]] = {}
        for item, real in zip(inputs, resolved):
            claims.setdefault(real, []).append(item.path)
        plan = []
        folders: set[Path] = set()
        for item, out, real in zip(inputs, outputs, resolved):
            others = [str(path) for path in claims[real] if path != item.path]
            try:
                if real in originals or _same_file(out, item.path):
                    why = f"output {out} is an input file; refusing to write it"
                    self.fail(str(item.path), why)
                elif others:
                    clash = f"output {out} is also the output of {', '.join(others)}"
                    self.fail(str(item.path), f"{clash}; rename one (neither is cleaned)")
                elif out.is_file() and not self.settings.overwrite:
                    self.total.skipped["output exists"] += 1
                    folders.add(out.parent)
                else:
                    plan.append((item, out))
                    folders.add(out.parent)
            except OSError as error:
                self.fail(str(item.path), f"cannot check its output {out}: {describe_error(error)}")
        self.folders = sorted(folders)
        self.remove_orphans()
        return plan

    def remove_orphans(self) -> None:
        """Delete temp files killed runs left in the folders this run writes to.

        Done before the run and again after it: a temp file a run killed an
        instant ago is too young to tell from one being created, but by the
        end of this run it is not.
        """
        for folder in self.folders:
            count = remove_orphans(folder)
            if count:
                self.say(f"stripper: {folder}: removed {count} temp file(s) left by a killed run")

    def _output(self, item: InputFile) -> Path:
        return output_path(item.path, item.relative, self.settings.output_dir, item.kind)

    # running

    def execute(self, plan: Plan) -> None:
        """Clean the planned files: text and HTML in parallel, then record
        files in parallel (one job each), then each JSONL by batches."""
        files = [(i, o) for i, o in plan if i.kind in ("text", "html")]
        records = [(i, o) for i, o in plan if i.kind == "records"]
        streams = [(i, o) for i, o in plan if i.kind == "jsonl"]
        workers = self.settings.workers
        if not streams:
            workers = min(workers, len(files) + len(records))
        runner = Runner(self.stripper, workers)
        self.bar = _progress_bar(len(plan), self.settings.quiet)
        try:
            with _maybe_report(self.settings.report) as self.report:
                report = self.settings.report is not None
                outlet = self.settings.outlet
                jobs = [FileJob(i, o, self.budget, report, file_site(i, outlet)) for i, o in files]
                size = self.stripper.config.batch_size
                chunks = file_chunks(jobs, workers, size, self.stripper.config.chunk_bytes)
                results = runner.map(clean_files, chunks, files_crashed)
                for chunk, tally in zip(chunks, results):
                    self.absorb(tally)
                    self._advance(len(chunk))
                fields = self.settings.fields
                record_jobs = [
                    RecordFileJob(i, o, fields, self.budget, report, outlet) for i, o in records
                ]
                for tally in runner.map(clean_record_file, record_jobs, record_file_crashed):
                    self.absorb(tally)
                    self._advance()
                for item, out in streams:
                    self.absorb(self.clean_jsonl_file(item, out, runner))
                    self._advance()
        finally:
            runner.close()
            if runner.restarts:
                why = "a worker process died (out of memory? killed?)"
                self.say(f"stripper: warning: {why}; workers started again {runner.restarts}x")
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
        """Stream one JSONL file into its output, resuming what a killed run
        had written; a read or write error discards the output."""
        source = str(item.path)
        try:
            check_regular(item.path)
            resume = not self.settings.overwrite and _unchanged_since(item.path, out)
            sink = PartialOutput(out, item.compressed, resume)
        except InputError as error:
            return Tally().fail(source, str(error))
        except Busy:
            return Tally().skip(source, "in use", "skipped: another run is writing its output")
        except OSError as error:
            return Tally().fail(source, f"cannot write {out}: {describe_error(error)}")
        if out.is_file() and not self.settings.overwrite:  # finished since it was planned
            sink.discard()
            return Tally().skip(source, "output exists")
        tally = Tally(files=1)
        try:
            with open_input(item.path, item.compressed) as stream:
                if sink.lines:
                    tally.warnings.append(f"{source}: resumed after line {sink.lines:,}")
                self.clean_jsonl_stream(stream, sink, source, runner, skip=sink.lines)
                warning = gzip_warning(stream)
            sink.commit()
        except InputError as error:
            sink.discard()
            return Tally().fail(source, str(error))
        except OSError as error:  # read errors are InputErrors by now
            sink.discard()
            return Tally().fail(source, f"cannot write {out}: {describe_error(error)}")
        finally:
            sink.close()  # interrupted: the partial output stays, to be resumed
        if warning:
            tally.warnings.append(f"{source}: {warning}")
        return tally

    def clean_jsonl_stream(
        self,
        stream: BinaryIO,
        sink: PartialOutput | _Stdout,
        source: str,
        runner: Runner,
        skip: int = 0,
    ) -> None:
        """Clean JSONL from ``stream`` into ``sink`` batch by batch, absorbing
        each result; the first ``skip`` lines are done already."""

        def make(lines: list[tuple[int, bytes]], first: int) -> RecordsJob:
            report = self.settings.report is not None
            fields, outlet = self.settings.fields, self.settings.outlet
            return RecordsJob(source, lines, first, fields, self.budget, report, outlet)

        lines = iter_raw_lines(stream)
        done_records = sum(bool(raw.strip()) for _, raw in itertools.islice(lines, skip))
        size = self.stripper.config.batch_size
        jobs = records_jobs(lines, source, size, make, done_records)
        for tally in runner.map(clean_records, jobs, records_crashed):
            for line in tally.output:
                sink.write(line)
            sink.flush()
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
            *(
                [f"{t.over_budget:,} over budget ({_PASSED[self.budget.on_error]})"]
                if t.over_budget
                else []
            ),
            _skipped(t.skipped),
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
                    self.clean_jsonl_stream(stdin, _Stdout(stdout), STDIN, runner)
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
        limit = self.budget.max_bytes
        data = stdin.read(limit + 1)
        if len(data) > limit:
            return Tally().fail(STDIN, f"over the {limit:,}-byte limit (raise it with --max-bytes)")
        tally = Tally()
        kind = self.settings.kind or "text"
        site = "*" if self.settings.outlet else None
        cleaned = clean_data(self.stripper, data, kind, STDIN, tally, self.budget, site)
        if cleaned is not None:
            stdout.write(cleaned.text.encode("utf-8"))
            tally.add(cleaned, STDIN, self.settings.report is not None)
        return tally


class _Stdout:
    """Standard output as a JSONL sink (see `PartialOutput`)."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream

    def write(self, line: bytes) -> None:
        self.stream.write(line)

    def flush(self) -> None:
        self.stream.flush()


_PASSED = {"keep": "passed through unchanged", "drop": "dropped", "fail": "failed"}


def _skipped(reasons: Counter[str]) -> str:
    """``"3 skipped: 2 output exists (--overwrite redoes), 1 binary"`` for the summary."""
    total = sum(reasons.values())
    if not total:
        return "0 skipped"
    hints = {"output exists": " (--overwrite redoes)"}
    parts = [f"{n:,} {reason}{hints.get(reason, '')}" for reason, n in reasons.most_common()]
    return f"{total:,} skipped: {', '.join(parts)}"


def _unchanged_since(source: Path, out: Path) -> bool:
    """Whether ``source`` is older than the partial output of ``out`` a killed
    run left (or there is none): only then is that output resumed, not redone."""
    try:
        partial = PartialOutput.partial_of(out).stat()
    except OSError:
        return True
    return source.stat().st_mtime_ns <= partial.st_mtime_ns


def _real(path: Path) -> str:
    """The path with links resolved as far as they go (a link loop stays as it is)."""
    try:
        return os.path.realpath(path)
    except (OSError, RuntimeError):
        return os.path.abspath(path)


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
