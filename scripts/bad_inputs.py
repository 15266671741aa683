"""Run the command line over a generated corpus of bad inputs and print what happened.

Each case is a small folder (binary files, broken encodings, FIFOs, link
loops, malformed JSONL of every kind, broken gzip, deep and huge HTML, odd
file names, an unwritable or full output folder, ...). Every case is
cleaned twice, as a folder and with its files named on the command line,
and once more all together with two worker processes. After each run:

* tracebacks: a Python traceback on stderr (or an exception out of ``main``);
* originals changed: a file or link of the case whose bytes changed;
* outputs lost: an input that got no output and was not named on stderr;
* unnamed failures: failures the summary counts beyond those stderr names.

All four must be 0; the script exits 1 otherwise.

    python scripts/bad_inputs.py          # every case (a few minutes; a 200 MB file)
    python scripts/bad_inputs.py --fast   # the quick ones in-process (the test suite runs these)

Runs are in-process (``stripper.cli.main``) except where a case needs a
process of its own: files root may not read (run without root's
read-anything capabilities through ``setpriv``), and the full disk (a
64 KB tmpfs mounted as the output folder, which needs root).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import hashlib
import io
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from stripper import cli
from stripper.cli.names import kind_of, output_path, output_sources

REPO = Path(__file__).resolve().parent.parent
ARTICLE = (
    "Skip to main content\nHome | News | Sport\n\n"
    "The harbour festival will return next month for the first time since 2020, organisers "
    "confirmed on Thursday, with a lantern parade and three nights of music on the quay.\n\n"
    "The festival began in 1987 as a small fundraiser for the lifeboat station and grew to "
    "draw more than 40,000 visitors before it was cancelled.\n\n"
    "Share this\n0 comments\n© 2024 Kestrel Bay Gazette\n"
)
PAGE = (
    "<html><head><title>Festival</title></head><body><nav><a href=/>Home</a></nav>"
    "<article><p>The harbour festival will return next month for the first time since 2020, "
    "organisers confirmed on Thursday.</p><p>It began in 1987 as a small fundraiser.</p>"
    "</article><footer>© 2024</footer></body></html>"
)
MB = 1024 * 1024


def put(folder: Path, name: str | bytes, data: str | bytes) -> Path:
    path = Path(os.fsdecode(os.path.join(os.fsencode(folder), os.fsencode(name))))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def record(data: object) -> bytes:
    return json.dumps(data).encode() + b"\n"


# -- the cases ------------------------------------------------------------------------


def long_article(seed: int) -> str:
    """About 40 KB of distinct body paragraphs, which cleaning keeps."""
    words = [
        "harbour",
        "festival",
        "council",
        "lantern",
        "parade",
        "quay",
        "visitors",
        "station",
        "music",
        "boats",
    ]
    pick = random.Random(seed).choice
    sentences = (" ".join(pick(words) for _ in range(14)).capitalize() + "." for _ in range(400))
    return "\n\n".join(sentences) + "\n"


def malformed_jsonl(folder: Path) -> None:
    lines = [
        record({"text": ARTICLE}),
        b'{"text": "unterminated\n',
        b'["a", "list"]\n',
        b"42\n",
        b'"a string"\n',
        b"null\n",
        b'{"title": "no text field"}\n',
        b'{"text": 7}\n',
        b'{"text": null}\n',
        b'{"text": "caf\xe9 not utf-8"}\n',
        b'{"text": "x", "deep": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n",
        b"\n",
        b"   \t \n",
        record({"text": ARTICLE})[:-1] + b"\r\n",
        b'{"text": "a", "text": "duplicate key"}\n',
        record({"text": "NUL \x00 inside and a lone \ud800 surrogate"}),
        record({"text": "x" * (2 * MB)}),
        b'{"text": "truncated last line, no newline',
    ]
    put(folder, "bad.jsonl", b"\xef\xbb\xbf" + b"".join(lines))


def odd_names(folder: Path) -> None:
    for name in [
        "with spaces.txt",
        "new\nline.txt",
        b"latin1-\xe9t\xe9.txt",
        "-starts-with-dash.txt",
        "ünïcödé 日本.txt",
        "x" * 245 + ".txt",  # its output name is over 255 bytes
        "trailing-dot..txt",
    ]:
        put(folder, name, ARTICLE)


def tiny_files(folder: Path) -> None:
    for i in range(10_000):
        put(folder, f"d{i // 1000}/f{i:05d}.txt", f"Short file number {i}.\nShare this\n")


def big_file(folder: Path) -> None:
    with open(folder / "huge.txt", "wb") as out:
        paragraph = (ARTICLE * 20).encode()
        for _ in range(200 * MB // len(paragraph) + 1):
            out.write(paragraph)


def gzip_bomb(folder: Path) -> None:
    put(folder, "bomb.txt.gz", gzip.compress(b"a" * (100 * MB)))


def random_bytes(n: int) -> bytes:
    return random.Random(n).randbytes(n)


def orphans(folder: Path) -> None:
    put(folder, "story.txt", ARTICLE)
    old = time.time() - 3600
    temp = put(folder, ".story.clean.txt.ab12cd_9.tmp", "half an output")
    os.utime(temp, (old, old))
    put(folder, ".pages.clean.jsonl.partial", record({"text": "Done before."})[:-3])
    put(folder, "pages.jsonl", record({"text": "Done before."}) + record({"text": ARTICLE}))


def links(folder: Path) -> None:
    put(folder, "story.txt", ARTICLE)
    os.symlink("loop.txt", folder / "loop.txt")
    os.symlink("a.txt", folder / "b.txt")
    os.symlink("b.txt", folder / "a.txt")
    os.symlink("nowhere.txt", folder / "dangling.txt")
    os.symlink("..", folder / "up")
    (folder / "sub").mkdir()
    os.symlink("../sub", folder / "sub" / "again")


@dataclass
class Case:
    """One bad input: what it is, how to make it, how to run it."""

    name: str
    build: Callable[[Path], object]
    big: bool = False  #: left out of --fast
    args: tuple[str, ...] = ()
    #: run in a process without root's power to read anything (permissions matter)
    unprivileged: bool = False
    locked: Callable[[Path], None] | None = None  #: takes permissions away after building
    full_disk: bool = False  #: --output-dir on a 64 KB tmpfs


def chmod(mode: int, *names: str) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        for name in names:
            (folder / name if name else folder).chmod(mode)

    return apply


CASES = [
    Case("binary PNG named .txt", lambda f: put(f, "photo.txt", b"\x89PNG\r\n\x1a\n" + bytes(900))),
    Case("random bytes", lambda f: put(f, "noise.txt", random_bytes(5000))),
    Case("PDF named .html", lambda f: put(f, "doc.html", b"%PDF-1.7\n" + random_bytes(3000))),
    Case(
        "invalid UTF-8 (cp1252)",
        lambda f: put(f, "cp.txt", ARTICLE.replace("©", "é").encode("cp1252")),
    ),
    Case(
        "invalid UTF-8 (random high bytes)", lambda f: put(f, "bad.txt", b"ok \xff\xfe\xfa\n" * 50)
    ),
    Case("UTF-16 LE with BOM", lambda f: put(f, "u16.txt", ARTICLE.encode("utf-16"))),
    Case(
        "UTF-16 BE with BOM",
        lambda f: put(f, "u16be.txt", b"\xfe\xff" + ARTICLE.encode("utf-16-be")),
    ),
    Case("UTF-16 without BOM", lambda f: put(f, "u16raw.txt", ARTICLE.encode("utf-16-le"))),
    Case("UTF-16 BOM, odd length", lambda f: put(f, "u16odd.txt", ARTICLE.encode("utf-16") + b"x")),
    Case("UTF-16 page with BOM", lambda f: put(f, "page.html", PAGE.encode("utf-16"))),
    Case("UTF-16 page without BOM", lambda f: put(f, "page.htm", PAGE.encode("utf-16-le"))),
    Case("stray NUL bytes", lambda f: put(f, "nul.txt", ARTICLE.replace("quay", "qu\x00ay"))),
    Case("mostly NUL", lambda f: put(f, "nuls.txt", b"\x00" * 4000 + b"text\n")),
    Case("UTF-8 BOM", lambda f: put(f, "bom.txt", "\ufeff" + ARTICLE)),
    Case("CR-only newlines", lambda f: put(f, "cr.txt", ARTICLE.replace("\n", "\r"))),
    Case("CRLF newlines", lambda f: put(f, "crlf.txt", ARTICLE.replace("\n", "\r\n"))),
    Case("mixed newlines", lambda f: put(f, "mixed.txt", ARTICLE.replace("\n\n", "\r\n\r"))),
    Case("no final newline", lambda f: put(f, "nonl.txt", ARTICLE.rstrip("\n"))),
    Case("Unicode line separators", lambda f: put(f, "ls.txt", ARTICLE.replace("\n", "\u2028"))),
    Case("empty file", lambda f: put(f, "empty.txt", b"")),
    Case("blank lines only", lambda f: put(f, "blank.txt", "\n \n\t\n\n")),
    Case(
        "one 10 MB line", lambda f: put(f, "long.txt", "words without a break " * 480_000), big=True
    ),
    Case(
        "one 10 MB line of column gaps",
        lambda f: put(f, "table.txt", "word    next " * 800_000),
        big=True,
    ),
    Case("a line of 20,000 cells", lambda f: put(f, "cells.txt", "Home\n" + "cell    x " * 20_000)),
    Case("200 MB file", big_file, big=True),
    Case("2 M short lines (6 MB)", lambda f: put(f, "lines.txt", b"ab\n" * 2_000_000), big=True),
    Case(
        "unreadable file",
        lambda f: put(f, "secret.txt", ARTICLE),
        unprivileged=True,
        locked=chmod(0, "secret.txt"),
    ),
    Case(
        "unreadable sub-folder",
        lambda f: (put(f, "ok.txt", ARTICLE), put(f, "locked/a.txt", ARTICLE)),
        unprivileged=True,
        locked=chmod(0, "locked"),
    ),
    Case(
        "sub-folder without execute permission",
        lambda f: (put(f, "ok.txt", ARTICLE), put(f, "listable/a.txt", ARTICLE)),
        unprivileged=True,
        locked=chmod(0o644, "listable"),
    ),
    Case(
        "read-only output folder",
        lambda f: put(f, "story.txt", ARTICLE),
        unprivileged=True,
        locked=chmod(0o555, ""),
    ),
    Case(
        "full output disk",
        lambda f: [put(f, f"s{i}.txt", long_article(i)) for i in range(8)],
        full_disk=True,
    ),
    Case("FIFO", lambda f: (os.mkfifo(f / "pipe.txt"), os.mkfifo(f / "pipe.jsonl"))),
    Case("symbolic link loops and dangling links", links),
    Case("10,000 tiny files", tiny_files, big=True),
    Case("malformed JSONL of every kind", malformed_jsonl),
    Case(
        "JSONL record over --max-bytes",
        lambda f: put(f, "big.jsonl", record({"text": "x" * 3000})),
        args=("--max-bytes", "1K"),
    ),
    Case("empty JSONL", lambda f: put(f, "empty.jsonl", b"")),
    Case("binary named .jsonl", lambda f: put(f, "bin.jsonl", random_bytes(4000))),
    Case(
        "truncated .txt.gz",
        lambda f: put(f, "cut.txt.gz", gzip.compress(ARTICLE.encode() * 40)[:300]),
    ),
    Case(
        "truncated .jsonl.gz",
        lambda f: put(f, "cut.jsonl.gz", gzip.compress(record({"text": ARTICLE}) * 400)[:900]),
    ),
    Case("fake .gz", lambda f: put(f, "fake.txt.gz", "not gzip at all\n")),
    Case("empty .gz", lambda f: put(f, "empty.txt.gz", b"")),
    Case(
        "gzip with trailing garbage",
        lambda f: put(f, "tail.txt.gz", gzip.compress(ARTICLE.encode()) + b"garbage"),
    ),
    Case("gzip bomb (100 MB of 'a')", gzip_bomb, big=True),
    Case(
        "gzipped data without .gz", lambda f: put(f, "zipped.txt", gzip.compress(ARTICLE.encode()))
    ),
    Case(
        "broken HTML",
        lambda f: put(
            f,
            "broken.html",
            "<html><body><p>Unclosed <b>bold <div>"
            "<table><tr><td>cell<p>text</td></html></p></body><<<>>>&&&;<!-- never closed",
        ),
    ),
    Case(
        "HTML with an unclosed title", lambda f: put(f, "title.html", "<title>News<body><p>Text.")
    ),
    Case("HTML of markup only", lambda f: put(f, "tags.html", "<div></div>" * 1000)),
    Case("HTML nested 5,000 deep", lambda f: put(f, "deep.html", "<div>" * 5000 + PAGE)),
    Case(
        "HTML nested 100,000 deep",
        lambda f: put(f, "deeper.html", "<div><span>" * 100_000 + PAGE),
        big=True,
    ),
    Case(
        "huge HTML (30 MB)", lambda f: put(f, "huge.html", "<html><body>" + PAGE * 80_000), big=True
    ),
    Case("odd file names", odd_names),
    Case(
        "formats without a reader",
        lambda f: [
            put(f, n, gzip.compress(b"WARC/1.0\r\n"))
            for n in ("crawl.warc.gz", "crawl.wet", "x.parquet", "pages.jsonl.zst")
        ],
    ),
    Case("article named like an output", lambda f: put(f, "bees.clean.txt", ARTICLE)),
    Case(
        "output named with its input",
        lambda f: (put(f, "a.txt", ARTICLE), put(f, "a.clean.txt", "done\n")),
    ),
    Case(
        "two inputs claiming one output",
        lambda f: (put(f, "page.txt", ARTICLE), put(f, "page.html", PAGE)),
    ),
    Case("orphan temp file and a killed run's partial JSONL", orphans),
    Case(
        "over the time budget",
        lambda f: put(f, "slow.txt", ARTICLE * 3000),
        args=("--max-seconds", "0.001"),
    ),
    Case(
        "over the time budget, kept",
        lambda f: put(f, "slow.txt", ARTICLE * 3000),
        args=("--max-seconds", "0.001", "--on-error", "keep"),
    ),
]


# -- running and checking -------------------------------------------------------------


@dataclass
class Outcome:
    runs: int = 0
    tracebacks: int = 0
    changed: int = 0
    lost: int = 0
    unnamed: int = 0
    exits: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def snapshot(folder: Path) -> dict[str, str]:
    """Every original file and link below ``folder``: its content's hash, or
    its target. stripper's own files (an output beside its input, a temp or
    partial file) are not originals: rewriting or removing them is its job."""
    found = {}
    for root, dirs, files in os.walk(folder):
        siblings = {n.lower() for n in files}
        for name in dirs + files:
            if _TEMP.fullmatch(name) or any(s in siblings for s in output_sources(name)):
                continue
            path = os.path.join(root, name)
            if os.path.islink(path):
                found[path] = "-> " + os.readlink(path)
            elif os.path.isfile(path):
                try:
                    with open(path, "rb") as stream:
                        found[path] = hashlib.sha256(stream.read()).hexdigest()
                except OSError:
                    found[path] = "unreadable"
    return found


def run_cli(args: list[str], unprivileged: bool) -> tuple[int, str, bool]:
    """(exit code, stderr, whether a traceback escaped) of one command."""
    if unprivileged or args[0] == "--subprocess":
        args = [a for a in args if a != "--subprocess"]
        command = [sys.executable, "-m", "stripper", *args]
        if unprivileged and os.geteuid() == 0:
            drop = "-dac_override,-dac_read_search"
            command = ["setpriv", f"--bounding-set={drop}", f"--inh-caps={drop}", *command]
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        done = subprocess.run(command, capture_output=True, env=env, timeout=900, check=False)
        err = done.stderr.decode("utf-8", "surrogateescape")
        return done.returncode, err, "Traceback (most recent call last)" in err
    err = io.StringIO()
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = cli.main(args)
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 2
    except BaseException as error:  # noqa: BLE001 - that is what is counted
        return 1, f"{err.getvalue()}{type(error).__name__}: {error}", True
    return code, err.getvalue(), "Traceback (most recent call last)" in err.getvalue()


_TEMP = re.compile(r"\..+\.([a-z0-9_]{8}\.tmp|partial)")
_SUMMARY_FAILED = re.compile(r"([\d,]+) failed in [\d.]+ s")
_NOTICE = ("skipped:", "; passed through", "; dropped", "removed ", "warning:", "more bad lines")


def check(
    case_folder: Path,
    before: dict[str, str],
    code: int,
    err: str,
    out_dir: Path | None,
    outcome: Outcome,
) -> None:
    """Count what went wrong in one run of one case."""
    after = snapshot(case_folder)
    outcome.changed += sum(1 for path, digest in before.items() if after.get(path) != digest)
    # every input either has its output or is named on stderr
    _names.cache_clear()
    for path in before:
        name = os.path.basename(path)
        if os.path.islink(path) or not os.path.isfile(path) or name.startswith("."):
            continue
        if kind_of(name)[0] is None:
            continue
        if any(source in _names(os.path.dirname(path)) for source in output_sources(name)):
            continue  # an output itself
        relative = Path(os.path.relpath(path, case_folder))
        kind = kind_of(name)[0]
        out = output_path(Path(path), relative, out_dir, kind)
        named = any(str(folder) + ":" in err for folder in [path, *Path(path).parents])
        if not out.exists() and not named:
            outcome.lost += 1
            outcome.notes.append(f"lost: {path}")
    # failures the summary counts are named
    match = _SUMMARY_FAILED.search(err)
    failed = int(match[1].replace(",", "")) if match else 0
    named = [
        line
        for line in err.splitlines()
        if line.startswith("stripper: ")
        and ": " in line[10:]
        and not _is_summary(line)
        and not any(marker in line for marker in _NOTICE)
    ]
    if "more bad lines" in err:
        named += ["..."] * failed
    if code == 1 and failed == 0 and "error:" not in err:
        outcome.unnamed += 1
        outcome.notes.append(f"exit 1 without a failure: {err[-300:]!r}")
    if failed > len(named):
        outcome.unnamed += failed - len(named)
        outcome.notes.append(f"{failed} failed, {len(named)} named")


@functools.lru_cache(maxsize=64)
def _names(folder: str) -> frozenset[str]:
    return frozenset(n.lower() for n in os.listdir(folder))


def _is_summary(line: str) -> bool:
    return bool(_SUMMARY_FAILED.search(line))


@contextlib.contextmanager
def tiny_disk() -> object:
    """A 64 KB tmpfs, mounted for the run (None where mounting is not allowed)."""
    where = Path(tempfile.mkdtemp(prefix="stripper-full-"))
    mounted = (
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(where)],
            capture_output=True,
            check=False,
        ).returncode
        == 0
    )
    try:
        yield where if mounted else None
    finally:
        if mounted:
            left = [p.name for p in where.rglob(".*.tmp")]
            subprocess.run(["umount", str(where)], check=False)
            if left:
                raise AssertionError(f"temp files left on the full disk: {left}")
        where.rmdir()


def run_case(case: Case, root: Path) -> Outcome:
    folder = root / re.sub(r"\W+", "-", case.name).strip("-")
    folder.mkdir()
    case.build(folder)
    outcome = Outcome()
    if case.locked:
        case.locked(folder)
    before = snapshot(folder)
    top = [os.path.join(folder, n) for n in sorted(os.listdir(folder)) if not n.startswith(".")]
    common = ["--workers", "1", *case.args]
    runs: list[list[str]] = [["clean", str(folder), *common]]
    if top:
        runs.append(["clean", *top, "--overwrite", *common])
    try:
        for args in runs:
            with tiny_disk() if case.full_disk else contextlib.nullcontext() as disk:
                if case.full_disk and disk is None:
                    outcome.notes.append("not run: cannot mount a tmpfs here")
                    continue
                if disk is not None:
                    args = [*args, "--output-dir", str(disk)]
                code, err, traceback = run_cli(args, case.unprivileged)
                outcome.runs += 1
                outcome.exits.append(code)
                outcome.tracebacks += traceback
                if traceback:
                    outcome.notes.append(err[-600:])
                if disk is None:  # a full disk holds no outputs to look for afterwards
                    check(folder, before, code, err, None, outcome)
                else:
                    outcome.changed += sum(
                        1 for p, d in before.items() if snapshot(folder).get(p) != d
                    )
    finally:
        for path in [folder, *folder.rglob("*")]:
            if path.is_dir() and not path.is_symlink():
                path.chmod(0o755)
    return outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fast", action="store_true", help="only the quick cases")
    parser.add_argument("--only", default="", help="only cases whose name contains this")
    args = parser.parse_args()
    # --fast leaves out the big cases and those needing a process per run
    # (tests/test_cli_faults.py runs the permission cases on their own)
    cases = [
        c for c in CASES if not (args.fast and (c.big or c.unprivileged)) and args.only in c.name
    ]
    total = Outcome()
    print(f"{'case':52} {'runs':>4} {'exits':>9} {'tb':>3} {'chg':>4} {'lost':>4} {'unnamed':>7}")
    with tempfile.TemporaryDirectory(prefix="stripper-bad-") as temp:
        root = Path(temp)
        for case in cases:
            started = time.monotonic()
            outcome = run_case(case, root)
            exits = ",".join(map(str, outcome.exits))
            print(
                f"{case.name[:52]:52} {outcome.runs:4} {exits:>9} {outcome.tracebacks:3} "
                f"{outcome.changed:4} {outcome.lost:4} {outcome.unnamed:7}"
                f"  {time.monotonic() - started:5.1f} s",
                flush=True,
            )
            for note in outcome.notes:
                print(f"    {note}")
            for name in ("runs", "tracebacks", "changed", "lost", "unnamed"):
                setattr(total, name, getattr(total, name) + getattr(outcome, name))
        # all the (privileged) cases at once, with worker processes
        together = [p for p in root.iterdir() if p.is_dir()]
        code, err, traceback = run_cli(
            ["--subprocess", "clean", *map(str, together), "--workers", "2", "--overwrite", "-q"],
            False,
        )
        total.runs += 1
        total.tracebacks += traceback
        print(f"{'all cases at once, 2 workers':52} {1:4} {code:>9} {int(traceback):3}")
        if traceback:
            print(err[-2000:])
    print(
        f"\n{len(cases)} cases, {total.runs} runs: {total.tracebacks} tracebacks, "
        f"{total.changed} originals changed, {total.lost} outputs lost, "
        f"{total.unnamed} failures not named"
    )
    sys.exit(1 if total.tracebacks or total.changed or total.lost or total.unnamed else 0)


if __name__ == "__main__":
    main()
