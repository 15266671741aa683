"""The command line: ``python -m stripper clean | train | evaluate``.

`main` parses the arguments, runs one command and turns its outcome into an
exit code: 0 done, 1 some inputs (or the whole command) failed, 2 the command
line is wrong, 130 interrupted. This module holds the argument parser, the
help texts and one small handler per command; the cleaning machinery
(planning outputs, worker processes, JSONL streaming, the summary) is in
`stripper.cli.session`, training and evaluation in `stripper.training`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from ..api import Stripper
from ..config import Config
from .budget import ON_ERROR
from .inputs import describe_error
from .jobs import Fields
from .session import CommandError, Session, Settings, model_failure

PROGRAM = "python -m stripper"

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
  {PROGRAM} clean crawl.jsonl --html-field html   page HTML -> "text" field
  {PROGRAM} clean crawl.warc.gz          WARC pages -> crawl.clean.jsonl.gz
  {PROGRAM} clean story.txt --report review.jsonl --overwrite
  {PROGRAM} train training_data/ my-labels/ --out my-model.npz
  {PROGRAM} evaluate training_data/ --model my-model.npz

'{PROGRAM} COMMAND --help' explains a command's options."""

CLEAN_EPILOG = f"""\
inputs:
  Folders are searched recursively for *.txt, *.jsonl, *.html and *.htm,
  each also gzipped (.gz), and for record files (below), and read by
  suffix; hidden files and stripper's own outputs (story.clean.txt beside
  story.txt) are left out, so running again never cleans an output (an
  article merely named x.clean.txt, with no x.txt beside it, is cleaned).
  Files named on the command line are cleaned whatever their suffix (read
  as text unless it says JSONL, HTML or a record file); --text, --html or
  --jsonl forces how they (record files aside) and standard input are read.
  ARC and WAT files (and .zst, .bz2 or .xz inputs other than .jsonl.zst)
  are refused by name, never read as text: not supported yet. Text is read
  as UTF-8 (a BOM is dropped; UTF-16 is read too); other bytes fall back to
  cp1252 or latin-1 with a warning. A .gz file with bytes after its gzip
  data is read as gunzip reads it, with a warning. Binary files are skipped
  with a message and counted as skipped, not failed. A folder that cannot
  be read, a symbolic link loop or a broken link is named and the rest is
  cleaned.

outputs:
  story.txt -> story.clean.txt         story.txt.gz -> story.clean.txt.gz
  pages.jsonl -> pages.clean.jsonl     pages.jsonl.gz -> pages.clean.jsonl.gz
  page.html -> page.clean.txt          page.html.gz -> page.clean.txt.gz
  crawl.warc.gz -> crawl.clean.jsonl.gz   crawl.warc.wet.gz -> crawl.wet.clean.jsonl.gz
  pages.jsonl.zst -> pages.clean.jsonl.zst   t.parquet -> t.clean.parquet
  (HTML, also .htm, is rendered to text lines; the output is text.) Two
  inputs that would write the same output (page.txt and page.html in one
  folder) both fail, each naming the other: rename one.
  Output text is UTF-8 and keeps the input's kept lines byte for byte and its
  newline style. Each output appears whole or not at all (temp file + rename).
  A kept last line without a newline is written without one. An existing
  output is skipped, so an interrupted run resumes where it stopped (a JSONL
  file from its last complete line); --overwrite cleans again. Temp files a
  killed run left in the folders written to are removed (those no run is
  writing). With --output-dir the tree below the folder
  given is mirrored below DIR; several folders are each mirrored below
  DIR/NAME, NAME the folder's name (files given directly go into DIR).

budgets (--max-bytes, --max-lines, --max-seconds, --on-error):
  A document over one of its budgets is named and counted, and the batch
  goes on: --on-error fail (the default) fails it (no output; a JSONL
  record is copied unchanged; a record file's record is left out), keep
  passes it through unchanged (a page: its text with nothing removed),
  drop writes no text for it (an empty file or field). Memory grows about
  40 bytes per byte of text and 1 KB per line, which the default
  --max-bytes and --max-lines bound.

JSON Lines:
  Each line's --text-field is cleaned; all other fields pass through in their
  order. Lines that are not JSON objects with that text field are copied
  unchanged and counted as failures (with their line number); blank lines
  are kept. Files are streamed in batches: memory does not grow with size.
  With --html-field NAME, each record's NAME field holds a web page: it is
  rendered and cleaned, and the text is written into the --text-field
  (replacing it in its place, or added as the last field). NAME itself is
  kept unchanged unless --drop-html removes it. Records without a string
  NAME field pass through unchanged as failures.

record files (WARC, WET, .jsonl.zst, Parquet):
  They need pip install "stripper[warc]", "stripper[zstd]" or
  "stripper[parquet]". WARC (*.warc, *.warc.gz): each HTML response with a
  2xx status; WET (*.wet, *.warc.wet.gz): each conversion record, as text.
  Each becomes one JSON object: url, record_id, title (where the page
  declares one), text, lines_kept, lines_removed, bytes_removed.
  *.jsonl.zst and *.parquet: each record's --text-field (or the page in
  --html-field) is cleaned, the other fields kept (but --drop-html's), the
  counts added.
  Records that are not documents (requests, redirects, images) are counted
  as skipped by reason; one that cannot be read or cleaned is named with
  its place (file@offset, file:line, file#row), counted as failed and left
  out, and the rest is written. A file that cannot be read at all, or
  whose library is not installed, fails with no output. Budgets apply per
  record, except that a record over --max-bytes is skipped as too-large.
  Each file is one job, streamed in bounded memory; a killed run cleans it
  again.

report (--report FILE):
  One JSON object per document: {{"source": path, "record": index, "line":
  line, "lines": [{{"n": line number from 1, "text": ..., "debris": true|false,
  "p": probability of debris}}, ...]}} ("record"/"line" for JSONL only; for
  a record file "source" is the record's place, e.g. crawl.warc.gz@1234). A
  line with column gaps (3+ spaces or a tab between words, as text browsers
  lay out tables) is judged cell by cell: one entry per cell, same "n".

summary:
  Files, documents, lines (or cells) kept and removed, documents left empty
  (they had text and lost every line: an error page rightly, an article by a
  model mistake; --report shows each line's probability), documents over
  budget that were kept or dropped, skipped by reason ("2 skipped: 1 output
  exists, 1 binary") and failed.

exit status:
  0 all inputs cleaned (or skipped, or passed through by --on-error keep or
  drop), 1 some inputs failed (each is named on stderr), 2 the command line
  is wrong.

examples:
  {PROGRAM} clean story.txt other.txt.gz
  {PROGRAM} clean corpus/ --workers 2 --threshold 0.7
  {PROGRAM} clean corpus/ -o /tmp/cleaned --quiet
  {PROGRAM} clean - < story.txt > story.clean.txt
  zcat pages.jsonl.gz | {PROGRAM} clean - --jsonl > clean.jsonl
  curl -s https://example.org/ | {PROGRAM} clean - --html
  {PROGRAM} clean crawl.jsonl --html-field html --drop-html
  {PROGRAM} clean crawl/ --max-seconds 10 --on-error keep"""


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


def _seconds(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {value!r}") from None
    if not number >= 0 or number == float("inf"):
        raise argparse.ArgumentTypeError(f"must be 0 (no limit) or more, got {value}")
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
    """--version: the package version and what the shipped models were trained on."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: object) -> None:
        super().__init__(
            option_strings,
            dest,
            nargs=0,
            help="show the version and what each shipped model was trained on, then exit",
        )

    def __call__(self, parser: argparse.ArgumentParser, *args: object) -> None:
        print(version_text())
        parser.exit()


def version_text() -> str:
    """The package version and, per shipped model, a line of what it was trained
    on; the whole card is the ``.json`` beside the model."""
    from .. import __version__
    from ..models.files import SHIPPED, read_card

    lines = [f"stripper {__version__}"]
    for kind, path in SHIPPED.items():
        if not path.exists():
            lines.append(f"{kind} model: none yet at {path} (run '{PROGRAM} train')")
            continue
        try:
            card = read_card(path)
        except (OSError, ValueError) as error:
            lines.append(f"{kind} model: {path} (card unreadable: {error})")
            continue
        lines.append(f"{kind} model: {path} ({_trained_on(card)}; threshold {card['threshold']})")
    return "\n".join(lines)


def _trained_on(card: dict) -> str:
    """``"trained on training_data, cleaneval-dev, ..."``: sources, corpora by name."""
    names: list[str] = []
    for source in card.get("trained_on") or card.get("data", {}).get("corpora", []):
        parts = Path(source).parts
        name = parts[-2] if "corpora" in parts[:-2] else source
        if name not in names:
            names.append(name)
    return "trained on " + ", ".join(names) if names else "training data not recorded"


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
    _add_label(commands)
    _add_adapt(commands)
    return parser


Handler = Callable[[argparse.Namespace, argparse.ArgumentParser], int]


def _add_command(
    commands: argparse._SubParsersAction, name: str, run: Handler, **texts: str
) -> argparse.ArgumentParser:
    """A subcommand parser whose handler is ``run``; ``texts`` are help, description, epilog."""
    command = commands.add_parser(
        name, formatter_class=argparse.RawDescriptionHelpFormatter, **texts
    )
    command.set_defaults(run=run, parser=command)
    return command


def _add_clean(commands: argparse._SubParsersAction) -> None:
    clean = _add_command(
        commands,
        "clean",
        _clean_command,
        help="clean files, folders, JSONL, WARC, Parquet or standard input",
        description="Clean text, JSONL and HTML files, WARC, WET and Parquet files (or\n"
        "standard input), writing the cleaned text beside each input.",
        epilog=CLEAN_EPILOG,
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
    _add_input_options(clean)
    model = clean.add_argument_group("model")
    _add_model_options(model)
    model.add_argument(
        "--outlet",
        metavar="NAME",
        help="every input is a page of NAME, the outlet the --model was adapted to "
        "(default: the pages whose URL host the adapted model names)",
    )
    model.add_argument(
        "--templates",
        action=argparse.BooleanOptionalAction,
        help="count each site's pages first (a folder, a URL host), so lines its pages "
        "share weigh as template; --templates counts texts too (default: web pages only)",
    )
    run = clean.add_argument_group("running")
    run.add_argument(
        "--workers",
        type=_positive,
        default=os.cpu_count() or 1,
        metavar="N",
        help="worker processes (default: all %(default)s cores)",
    )
    defaults = Config()
    run.add_argument(
        "--max-bytes",
        type=_size,
        metavar="SIZE",
        help="documents larger than SIZE are over budget, e.g. 200M (default: "
        f"{defaults.max_document_bytes // 1024**2}M)",
    )
    run.add_argument(
        "--max-lines",
        type=_positive,
        metavar="N",
        help=f"documents of more lines are over budget (default: {defaults.max_document_lines:,})",
    )
    run.add_argument(
        "--max-seconds",
        type=_seconds,
        metavar="S",
        help="a document that takes more seconds of processor time to clean is over "
        f"budget; 0: no limit (default: {defaults.max_document_seconds:g})",
    )
    run.add_argument(
        "--on-error",
        choices=ON_ERROR,
        default=defaults.on_error,
        help="what becomes of a document over budget: fail it, keep it unchanged, or "
        "drop its text (default: %(default)s)",
    )
    run.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="no progress bar and no summary (failures are still named)",
    )


def _add_input_options(clean: argparse.ArgumentParser) -> None:
    kinds = clean.add_argument_group(
        "how inputs are read", "(for standard input and files named on the command line)"
    ).add_mutually_exclusive_group()
    for kind, what in (("text", "plain text"), ("html", "HTML pages"), ("jsonl", "JSON Lines")):
        kinds.add_argument(
            f"--{kind}",
            dest="kind",
            action="store_const",
            const=kind,
            help=f"read them as {what}, whatever their suffix",
        )
    jsonl = clean.add_argument_group("JSON Lines and Parquet")
    jsonl.add_argument(
        "--text-field",
        default="text",
        metavar="NAME",
        help="the field to clean, or with --html-field to write the text into "
        "(default: %(default)s)",
    )
    jsonl.add_argument(
        "--html-field",
        metavar="NAME",
        help="clean the web page in field NAME into --text-field (NAME is kept)",
    )
    jsonl.add_argument(
        "--drop-html", action="store_true", help="with --html-field: leave NAME out of the output"
    )


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
    train = _add_command(
        commands,
        "train",
        _train_command,
        help="train a model from labelled data",
        description="Train a line model from labelled documents (see stripper.training.labels),\n"
        "or with --html the HTML model from the public corpora.",
        epilog=f"""examples:
  {PROGRAM} train training_data/ my-labels/ --weight my-labels=3 --out my-model.npz
  {PROGRAM} train --html --datasets ../shared/datasets --out my-html-model.npz""",
    )
    train.add_argument(
        "data",
        nargs="*",
        metavar="DATA",
        help="labelled files or folders (default: the repository's training_data/)",
    )
    train.add_argument(
        "--out", type=Path, metavar="PATH", required=True, help="where to write the model"
    )
    train.add_argument(
        "--weight",
        action="append",
        default=[],
        metavar="PATH=FACTOR",
        help="weigh the data path PATH FACTOR times its share (repeatable)",
    )
    train.add_argument(
        "--replace-shipped",
        action="store_true",
        help="allow --out to be the shipped model's own file",
    )
    html = train.add_argument_group("the HTML model")
    html.add_argument("--html", action="store_true", help="train the HTML model instead")
    html.add_argument(
        "--datasets",
        type=Path,
        default=Path("..", "shared", "datasets"),
        metavar="DIR",
        help="folder of the public corpora (default: %(default)s)",
    )
    html.add_argument(
        "--limit", type=int, default=0, metavar="N", help="at most N pages per corpus"
    )
    train.add_argument("-q", "--quiet", action="store_true", help="print only the result")


def _add_adapt(commands: argparse._SubParsersAction) -> None:
    adapt = _add_command(
        commands,
        "adapt",
        _adapt_command,
        help="adapt the model to one outlet from a few labelled pages",
        description="Fit a small outlet stage on top of the frozen text model from a few\n"
        "labelled pages of one outlet (seconds; no public corpora needed). The new\n"
        "model scores that outlet's pages (their host matches --host, or --outlet is\n"
        "given to clean) and leaves every other page to the base model, unchanged.",
        epilog=f"""examples:
  {PROGRAM} label pages/*.html --out labels/ --outlet slashdot   (then review labels/)
  {PROGRAM} adapt labels/slashdot --host '*.slashdot.org' --out slashdot.npz
  {PROGRAM} clean crawl.jsonl --model slashdot.npz          (pages of *.slashdot.org)
  {PROGRAM} clean slashdot-pages/ --model slashdot.npz --outlet slashdot""",
    )
    adapt.add_argument("data", nargs="+", metavar="LABELLED", help="labelled pages of the outlet")
    adapt.add_argument("--out", type=Path, required=True, metavar="PATH", help="the model to write")
    adapt.add_argument(
        "--model", type=_existing_file, metavar="PATH", help="the base model (default: shipped)"
    )
    adapt.add_argument("--outlet", metavar="NAME", help="the outlet's name (default: its folder)")
    adapt.add_argument(
        "--host",
        action="append",
        default=[],
        metavar="PATTERN",
        help="a host (or pattern, e.g. '*.example.com') of the outlet's pages (repeatable)",
    )


def _adapt_command(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    data = _existing_paths(args.data, parser)
    from ..training.adapt import adapt_command

    with _training_errors():
        card = adapt_command(data, args.out, args.model, args.outlet, args.host)
    held = card["held_out"]
    print(
        f"adapted to {card['outlet']} from {card['data']['pages']} pages "
        f"({card['data']['labelled_lines']} labelled lines); saved {args.out}"
    )
    if "adapted_f1" in held:
        print(
            f"held-out pages (each scored by a stage fitted on the others): shingle F1 "
            f"{held['adapted_f1']:.3f} adapted, {held['base_f1']:.3f} base model"
        )
    if not card["outlet_stage"]:
        print(
            "the outlet stage cleaned held-out pages worse than the base model: it is off; "
            "label more pages, or pages the model gets wrong (label --pick)"
        )
    else:
        print(
            "that check sees only the labelled pages: about one adaptation in twenty cleans "
            "an outlet's other pages worse (measured on Dragnet's outlets, from two or five "
            "pages); label a few more pages and score them with evaluate --model before "
            "trusting it"
        )
    return 0


def _add_evaluate(commands: argparse._SubParsersAction) -> None:
    evaluate = _add_command(
        commands,
        "evaluate",
        _evaluate_command,
        help="score a model on labelled data",
        description="Score a model on labelled documents: debris lines found and body text kept\n"
        "(4-gram shingles), over all, per outlet (folder) and per document, with the lines\n"
        "each document got most wrong: the pages to label next, and what to look for.",
        epilog=f"""examples:
  {PROGRAM} evaluate held_out/
  {PROGRAM} evaluate labels/slashdot/ --model slashdot.npz --report report.json

A model adapted to an outlet (adapt) scores the documents in the folder named
after its outlet with its outlet stage, and every other one as its base model.""",
    )
    evaluate.add_argument("data", nargs="+", metavar="DATA", help="labelled files or folders")
    _add_model_options(evaluate)
    evaluate.add_argument(
        "--worst-documents",
        type=int,
        default=5,
        metavar="N",
        help="documents with the lowest body-text F1 to print (default 5)",
    )
    evaluate.add_argument(
        "--worst-lines",
        type=int,
        default=3,
        metavar="N",
        help="most confident mistakes shown per document (default 3)",
    )
    evaluate.add_argument(
        "--report",
        type=Path,
        metavar="FILE",
        help="write every score, per outlet and per document with its worst lines, as JSON",
    )


def _add_label(commands: argparse._SubParsersAction) -> None:
    from .label import DEFAULT_UNCERTAIN

    label = _add_command(
        commands,
        "label",
        _label_command,
        help="pre-label pages with the model's decisions, for review",
        description="Write each page in the label format with the model's decisions, the lines\n"
        "it is unsure of marked '? ' to be checked first, and a review page to check them.",
        epilog=f"""outputs:
  DIR/<outlet>/<name>.txt   one label file per page: '+ ' kept, '- ' removed,
                            '? ' unsure (within --uncertain of the threshold, or
                            a line whose cells disagree); training ignores '? '
  DIR/review.html           every page of the run, for review in any browser:
                            flip lines and blocks, then Save downloads <name>.txt
                            to be put in DIR/<outlet>/ (replaced on each run)
  Text files are labelled line by line; HTML pages (.html, .htm) as the HTML
  mode reads them, one block per line. An existing label file is kept (it may
  hold a review) unless --overwrite; the review page then shows its labels.

examples:
  {PROGRAM} label pages/*.html --out labels/ --outlet my-outlet
  {PROGRAM} label story.txt --out labels/ --uncertain 0.3
  {PROGRAM} label crawl/slashdot/ --out labels/ --pick 5
  {PROGRAM} adapt labels/slashdot/ --host '*.slashdot.org' --out slashdot.npz""",
    )
    label.add_argument("paths", nargs="+", metavar="PAGE", help="text files, HTML pages or folders")
    label.add_argument(
        "--out", type=Path, required=True, metavar="DIR", help="where label files are written"
    )
    label.add_argument(
        "--outlet",
        metavar="NAME",
        help="the outlet folder below DIR (default: the folder each page is in)",
    )
    label.add_argument(
        "--model",
        type=_existing_file,
        metavar="PATH",
        help="a text model from 'train' (HTML pages are judged by the shipped HTML model)",
    )
    label.add_argument(
        "--uncertain",
        type=_threshold,
        default=DEFAULT_UNCERTAIN,
        metavar="P",
        help="mark '? ' the lines whose debris probability is within P of the threshold "
        "(default: %(default)s; with 0 only lines whose cells disagree are marked)",
    )
    label.add_argument(
        "--pick",
        type=_positive,
        metavar="N",
        help="label only the N pages (of the outlet's given) whose labels would teach "
        "'adapt' most: those the model is least sure of, counting a line once for "
        "all the pages that repeat it",
    )
    label.add_argument("--overwrite", action="store_true", help="replace existing label files")


# -- commands --------------------------------------------------------------------


def _clean_command(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    _check_clean(args, parser)
    config = replace(Config(), on_error=args.on_error)
    if args.max_bytes:
        config = replace(config, max_document_bytes=args.max_bytes)
    if args.max_lines:
        config = replace(config, max_document_lines=args.max_lines)
    if args.max_seconds is not None:
        config = replace(config, max_document_seconds=args.max_seconds or None)
    stripper = Stripper(model=args.model, threshold=args.threshold, config=config)
    settings = Settings(
        output_dir=Path(args.output_dir) if args.output_dir else None,
        overwrite=args.overwrite,
        kind=args.kind,
        fields=Fields(args.text_field, args.html_field, args.drop_html),
        report=Path(args.report) if args.report else None,
        workers=args.workers,
        quiet=args.quiet,
        outlet=args.outlet is not None,
        templates=args.templates,
    )
    if args.outlet is not None:
        _check_outlet(stripper, args.outlet, parser)
    session = Session(settings, stripper)
    if args.paths == ["-"]:
        return session.run_stdin()
    return session.run(args.paths)


def _check_outlet(stripper: Stripper, outlet: str, parser: argparse.ArgumentParser) -> None:
    """--outlet NAME needs a model adapted to NAME (exit code 2 otherwise)."""
    from ..models.files import ModelError

    try:
        adapted = getattr(stripper.model, "outlet", None)
    except ModelError as error:
        parser.error(f"cannot load the model: {error}")
    if adapted is None:
        parser.error(f"--outlet {outlet}: the model is not adapted to an outlet (see 'adapt')")
    if adapted != outlet:
        parser.error(f"--outlet {outlet}: the model is adapted to {adapted!r}")


def _check_clean(args: argparse.Namespace, parser: argparse.ArgumentParser) -> None:
    """Refuse option combinations that make no sense (exit code 2)."""
    stdin = "-" in args.paths
    if stdin and (len(args.paths) > 1 or args.output_dir):
        parser.error("'-' (standard input) cannot be combined with other paths or --output-dir")
    if args.report and Path(args.report).is_dir():
        parser.error(f"--report {args.report} is a folder; give a file name")
    if args.drop_html and not args.html_field:
        parser.error("--drop-html needs --html-field")
    if args.html_field and args.kind in ("text", "html"):
        parser.error(
            f"--html-field reads JSON Lines or Parquet; it cannot be combined with --{args.kind}"
        )
    if args.html_field and stdin and args.kind is None:
        parser.error("--html-field on standard input needs --jsonl")


def _train_command(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from ..models.files import SHIPPED

    shipped = SHIPPED["html" if args.html else "text"]
    if args.out.resolve() == shipped.resolve() and not args.replace_shipped:
        parser.error(f"--out {args.out} is the shipped model; add --replace-shipped to replace it")
    log = (lambda _: None) if args.quiet else (lambda line: print(line, file=sys.stderr))
    if args.html:
        if args.data or args.weight:
            parser.error(
                "--html trains on the corpora under --datasets; DATA and --weight "
                "are for the line model"
            )
        if not args.datasets.is_dir():
            parser.error(f"no such folder: {args.datasets} (--datasets)")
        from ..training.html import train_html

        with _training_errors():
            card = train_html(args.datasets, args.out, limit=args.limit, log=log)
        if args.replace_shipped:
            from ..models.files import pin_shipped

            pin_shipped()
        print(json.dumps(card["data"]["counts"], indent=2))
        return 0
    from ..training.fit import DEFAULT_DATA, train

    data = _existing_paths(args.data, parser)
    if not data:
        if not DEFAULT_DATA.is_dir():
            parser.error(f"no training data at {DEFAULT_DATA}; pass the labelled data's path")
        data = [DEFAULT_DATA]
    weights = dict(_weight(value, parser) for value in args.weight)
    with _training_errors():
        card = train(data, args.out, Config(), weights, log=log)
    if args.replace_shipped:
        from ..models.files import pin_shipped

        pin_shipped()
    print(json.dumps(card.get("cross_validation", {}).get("scores", {}), indent=2))
    return 0


def _weight(value: str, parser: argparse.ArgumentParser) -> tuple[Path, float]:
    """``PATH=FACTOR`` of ``--weight``."""
    path, _, factor = value.rpartition("=")
    try:
        number = float(factor)
    except ValueError:
        number = -1.0
    if not path or number <= 0:
        parser.error(f"--weight {value}: give PATH=FACTOR with a positive FACTOR, e.g. data=2")
    return Path(path), number


def _evaluate_command(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    data = _existing_paths(args.data, parser)
    from ..models.files import load_model
    from ..training.evaluate import evaluate

    try:  # read once here (evaluate's own load is then cached), so any file gives one line
        load_model(args.model)
    except Exception as error:
        raise CommandError(model_failure(error)) from error
    with _training_errors():
        evaluation = evaluate(data, args.model, args.threshold, args.worst_lines)
    print(evaluation.summary(args.worst_documents))
    if args.report:
        text = json.dumps(evaluation.report(), indent=2, ensure_ascii=False) + "\n"
        Path(args.report).write_text(text, encoding="utf-8")
    return 0


def _label_command(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from .label import check_outlet, run_label

    if args.outlet is not None and (reason := check_outlet(args.outlet)):
        parser.error(f"--outlet {args.outlet}: {reason}")
    if args.out.exists() and not args.out.is_dir():
        parser.error(f"--out {args.out} is a file; give a folder")
    stripper = Stripper(model=args.model)
    return run_label(
        args.paths, args.out, stripper, args.outlet, args.uncertain, args.overwrite, args.pick
    )


def _existing_paths(paths: list[str], parser: argparse.ArgumentParser) -> list[Path]:
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        parser.error(f"no such file or folder: {', '.join(missing)}")
    return [Path(p) for p in paths]


@contextmanager
def _training_errors() -> Iterator[None]:
    """Bad labelled data or an unusable model become one-line `CommandError` s."""
    from ..models.files import ModelError
    from ..training.labels import LabelFormatError

    try:
        yield
    except (LabelFormatError, ModelError, OSError, ValueError) as error:
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
