"""The command line against bad input and faults: every input handled or
refused by name, one bad entry never stops a run, budgets per document,
killed and concurrent runs.

Tests run ``stripper.cli.main`` in-process on real files in ``tmp_path``
(the ``run`` fixture of ``test_cli``), or ``python -m stripper`` as a
subprocess where a process must be killed, run twice at once, or run
without root's power to read any file.
"""

from __future__ import annotations

import fcntl
import gzip
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_cli import ARTICLE, BODY_START, MODEL, PAGE, PARAGRAPHS, REPO, digest, jsonl, write

from stripper import cli

FAST = ("--max-seconds", "0")  # no time budget, for tests that do not test it


def python_stripper(*args: str | Path) -> list[str]:
    """``python -m stripper ARGS``; as root, without the power to read any
    file (so permissions are what they are for everyone else)."""
    command = [sys.executable, "-m", "stripper", *map(str, args), *MODEL]
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("root without setpriv reads files whatever their permissions")
        drop = "-dac_override,-dac_read_search"
        command = [setpriv, f"--bounding-set={drop}", f"--inh-caps={drop}", *command]
    return command


def run_python(*args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        python_stripper(*args), capture_output=True, text=True, env=env, timeout=120, check=False
    )


def no_traceback(err: str) -> None:
    assert "Traceback" not in err, err


# -- every input kind handled or refused by name ---------------------------------


@pytest.mark.parametrize(
    ("name", "what"),
    [
        ("crawl.arc.gz", "ARC files"),
        ("crawl.warc.wat.gz", "WAT files"),
        ("crawl.warc.zst", "zstd-compressed files"),
        ("story.txt.zst", "zstd-compressed files"),
        ("story.txt.bz2", "bzip2-compressed files"),
    ],
)
def test_formats_without_a_reader_are_refused_by_name_and_nothing_is_written(
    tmp_path: Path, run, name: str, what: str
) -> None:
    data = gzip.compress(b"WARC/1.0\r\nWARC-Type: response\r\n\r\n<p>Hello</p>\r\n")
    named = write(tmp_path / "named" / name, data)
    found = write(tmp_path / "folder" / name, data)
    write(tmp_path / "folder" / "story.txt", ARTICLE)
    for target in (named, tmp_path / "folder"):
        result = run("clean", target, "--text")
        assert result.code == 1
        path = named if target == named else found
        assert f"stripper: {path}: not supported yet: {what}" in result.err
    assert os.listdir(tmp_path / "named") == [name]
    assert sorted(os.listdir(tmp_path / "folder")) == sorted([name, "story.txt", "story.clean.txt"])


def test_the_summary_counts_skipped_files_by_reason(tmp_path: Path, run) -> None:
    write(tmp_path / "done.txt", ARTICLE)
    write(tmp_path / "done.clean.txt", "cleaned before\n")
    write(tmp_path / "photo.txt", b"\x89PNG\r\n\x1a\n" + bytes(500))
    write(tmp_path / "new.txt", ARTICLE)
    result = run("clean", tmp_path)
    assert result.code == 0, result.err
    assert "2 skipped: 1 output exists (--overwrite redoes), 1 binary, 0 failed" in result.err


def test_an_output_named_on_the_command_line_is_skipped_naming_its_input(
    tmp_path: Path, run
) -> None:
    write(tmp_path / "story.txt", ARTICLE)
    output = write(tmp_path / "story.clean.txt", "cleaned before\n")
    result = run("clean", output)
    assert result.code == 0
    assert f"{output}: skipped: stripper's own output, of story.txt beside it" in result.err
    assert "1 skipped: 1 stripper output" in result.err


def test_an_article_named_like_an_output_is_cleaned_when_no_input_is_beside_it(
    tmp_path: Path, run
) -> None:
    write(tmp_path / "keeping-bees.clean.txt", ARTICLE)
    result = run("clean", tmp_path)
    assert result.code == 0, result.err
    assert BODY_START in (tmp_path / "keeping-bees.clean.clean.txt").read_text()
    again = run("clean", tmp_path)  # its output has its input beside it: not cleaned again
    assert again.summary["skipped"] == 1
    assert not (tmp_path / "keeping-bees.clean.clean.clean.txt").exists()


def test_a_page_nested_past_the_parsers_limit_is_cleaned_not_emptied(tmp_path: Path, run) -> None:
    depth = 5_000
    page = "<html><body>" + "<div>" * depth + PAGE + "</div>" * depth + "</body></html>"
    write(tmp_path / "deep.html", page)
    result = run("clean", tmp_path)
    assert result.code == 0, result.err
    assert BODY_START in (tmp_path / "deep.clean.txt").read_text()


def test_utf16_pages_with_a_bom_are_cleaned_not_refused_as_binary(tmp_path: Path, run) -> None:
    write(tmp_path / "page.html", PAGE.encode("utf-16"))
    result = run("clean", tmp_path)
    assert result.code == 0, result.err
    assert BODY_START in (tmp_path / "page.clean.txt").read_text(encoding="utf-8")


def test_utf16_text_without_a_bom_is_read_with_a_warning(tmp_path: Path, run) -> None:
    write(tmp_path / "story.txt", ARTICLE.encode("utf-16-le"))
    result = run("clean", tmp_path)
    assert result.code == 0, result.err
    assert "no byte-order mark; read as UTF-16-LE" in result.err
    assert BODY_START in (tmp_path / "story.clean.txt").read_text(encoding="utf-8")


def test_a_gzip_with_trailing_garbage_keeps_what_decompresses_and_warns(
    tmp_path: Path, run
) -> None:
    write(tmp_path / "story.txt.gz", gzip.compress(ARTICLE.encode()) + b"junk after the data")
    records = jsonl([{"text": ARTICLE}] * 2).encode()
    write(tmp_path / "pages.jsonl.gz", gzip.compress(records) + b"\x00\x00trailing")
    result = run("clean", tmp_path)
    assert result.code == 0, result.err
    assert "story.txt.gz: 19 bytes after the end of the gzip data ignored" in result.err
    assert "pages.jsonl.gz: 8 bytes after the end of the gzip data ignored" in result.err
    text = gzip.decompress((tmp_path / "story.clean.txt.gz").read_bytes()).decode()
    assert BODY_START in text
    out = gzip.decompress((tmp_path / "pages.clean.jsonl.gz").read_bytes()).decode()
    assert len(out.splitlines()) == 2


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_a_kept_last_line_without_a_newline_gets_none_added(
    tmp_path: Path, run, newline: str
) -> None:
    text = "Share this" + newline + (newline * 2).join(PARAGRAPHS)  # no final newline
    write(tmp_path / "story.txt", text)
    write(tmp_path / "pages.jsonl", jsonl([{"text": text}]))
    assert run("clean", tmp_path).code == 0
    cleaned = (tmp_path / "story.clean.txt").read_bytes().decode()
    assert cleaned == (newline * 2).join(PARAGRAPHS)
    (record,) = map(json.loads, (tmp_path / "pages.clean.jsonl").read_text().splitlines())
    assert record["text"] == cleaned


def test_a_removed_last_line_leaves_the_newline_the_kept_line_had(tmp_path: Path, run) -> None:
    write(tmp_path / "story.txt", ARTICLE.rstrip("\n"))  # ends with the copyright line
    assert run("clean", tmp_path).code == 0
    assert (tmp_path / "story.clean.txt").read_text().endswith(".\n")


# -- one bad entry never stops a run ------------------------------------------------


def test_a_symbolic_link_loop_is_named_and_the_rest_is_cleaned(tmp_path: Path, run) -> None:
    write(tmp_path / "story.txt", ARTICLE)
    os.symlink("loop.txt", tmp_path / "loop.txt")
    os.symlink("missing.txt", tmp_path / "dangling.txt")
    os.symlink(tmp_path, tmp_path / "up")  # a folder loop: never followed
    result = run("clean", tmp_path)
    no_traceback(result.err)
    assert result.code == 1
    assert f"{tmp_path / 'loop.txt'}: a symbolic link loop" in result.err
    assert f"{tmp_path / 'dangling.txt'}: a dangling symbolic link (to missing.txt" in result.err
    assert (tmp_path / "story.clean.txt").is_file()
    assert result.summary["failed"] == 2


def test_a_jsonl_record_nested_too_deeply_fails_alone(tmp_path: Path, run) -> None:
    deep = '{"text": "x", "tree": ' + "[" * 100_000 + "]" * 100_000 + "}"
    good = json.dumps({"text": ARTICLE})
    write(tmp_path / "pages.jsonl", "\n".join([good, deep, good]) + "\n")
    result = run("clean", tmp_path)
    no_traceback(result.err)
    assert result.code == 1
    assert "pages.jsonl:2: nested too deeply to parse" in result.err
    out = (tmp_path / "pages.clean.jsonl").read_text().splitlines()
    assert out[1] == deep
    assert BODY_START in json.loads(out[0])["text"]
    assert result.summary["documents"] == 2


def test_a_named_pipe_is_refused_without_waiting_for_a_writer(tmp_path: Path, run) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    os.mkfifo(tmp_path / "pipe.jsonl")
    write(tmp_path / "story.txt", ARTICLE)
    result = run("clean", tmp_path)
    assert result.code == 1
    assert "pipe.txt: is not a regular file but a named pipe" in result.err
    assert "pipe.jsonl: is not a regular file but a named pipe" in result.err
    assert (tmp_path / "story.clean.txt").is_file()


def test_folders_that_cannot_be_read_or_entered_are_named_and_siblings_cleaned(
    tmp_path: Path,
) -> None:
    top = tmp_path / "corpus"
    write(top / "story.txt", ARTICLE)
    write(top / "locked" / "a.txt", ARTICLE)
    write(top / "listable" / "b.txt", ARTICLE)
    write(tmp_path / "closed" / "c.txt", ARTICLE)
    (top / "locked").chmod(0)
    (top / "listable").chmod(0o644)  # names can be listed, files not reached
    (tmp_path / "closed").chmod(0)
    try:
        done = run_python("clean", top, tmp_path / "closed", "--workers", "1", *FAST)
    finally:
        for folder in (top / "locked", top / "listable", tmp_path / "closed"):
            folder.chmod(0o755)
    no_traceback(done.stderr)
    assert done.returncode == 1
    assert f"{top / 'locked'}: cannot read this folder: permission denied" in done.stderr
    assert f"{top / 'listable'}: cannot enter this folder: permission denied" in done.stderr
    assert f"{tmp_path / 'closed'}: cannot read this folder: permission denied" in done.stderr
    assert "no input files" not in done.stderr
    assert (top / "story.clean.txt").is_file()


def test_evaluate_with_a_foreign_or_broken_model_file_says_so_in_one_line(
    tmp_path: Path, run
) -> None:
    write(tmp_path / "outlet" / "doc.txt", "+ A body line of the document.\n- Share this\n")
    shipped = (REPO / "stripper" / "data" / "model.npz").read_bytes()
    for name, data in [
        ("notes.npz", b"just some text\n"),
        ("empty.npz", b""),
        ("cut.npz", shipped[: len(shipped) // 3]),
    ]:
        model = write(tmp_path / name, data)
        result = run("evaluate", tmp_path / "outlet", "--model", model)
        assert result.code == 1
        (line,) = result.err.strip().splitlines()
        assert line.startswith(f"stripper: error: cannot load the model: {model}")
        assert " is not a stripper model file" in line or " is not a usable stripper model" in line


def test_output_dir_mirrors_several_folders_each_below_its_own_name(tmp_path: Path, run) -> None:
    write(tmp_path / "june" / "story.txt", ARTICLE)
    write(tmp_path / "july" / "story.txt", ARTICLE.replace("harbour", "river"))
    write(tmp_path / "loose.txt", ARTICLE)
    out = tmp_path / "out"
    result = run("clean", tmp_path / "june", tmp_path / "july", tmp_path / "loose.txt", "-o", out)
    assert result.code == 0, result.err
    assert "river" in (out / "july" / "story.clean.txt").read_text()
    assert "harbour" in (out / "june" / "story.clean.txt").read_text()
    assert (out / "loose.clean.txt").is_file()


def test_output_dir_refuses_two_folders_of_the_same_name_by_name(tmp_path: Path, run) -> None:
    a = write(tmp_path / "a" / "data" / "story.txt", ARTICLE)
    b = write(tmp_path / "b" / "data" / "story.txt", ARTICLE)
    out = tmp_path / "out"
    result = run("clean", tmp_path / "a" / "data", tmp_path / "b" / "data", "-o", out)
    assert result.code == 1
    assert f"{a}: output {out / 'data' / 'story.clean.txt'} is also the output of {b}" in result.err
    assert not out.exists() or not any(out.rglob("*.clean.txt"))


def test_an_output_dir_inside_the_input_folder_is_not_searched(tmp_path: Path, run) -> None:
    write(tmp_path / "story.txt", ARTICLE)
    out = tmp_path / "cleaned"
    assert run("clean", tmp_path, "-o", out).code == 0
    again = run("clean", tmp_path, "-o", out)
    assert again.code == 0
    assert again.summary["skipped"] == 1
    assert sorted(p.name for p in out.iterdir()) == ["story.clean.txt"]


# -- budgets per document ------------------------------------------------------------

BIG = "\n\n".join([ARTICLE] * 400)  # ~300 KB: far more than a millisecond to clean


def test_a_document_over_its_time_budget_is_named_and_failed_and_the_rest_cleaned(
    tmp_path: Path, run
) -> None:
    write(tmp_path / "big.txt", BIG)
    write(tmp_path / "small.txt", "Share this\n")
    result = run("clean", tmp_path, "--max-seconds", "0.001")
    assert result.code == 1
    assert f"{tmp_path / 'big.txt'}: took over 0.001 s to clean" in result.err
    assert not (tmp_path / "big.clean.txt").exists()


@pytest.mark.parametrize(("on_error", "expected"), [("keep", BIG), ("drop", "")])
def test_on_error_keep_passes_an_over_budget_document_through_and_drop_empties_it(
    tmp_path: Path, run, on_error: str, expected: str
) -> None:
    write(tmp_path / "big.txt", BIG)
    write(tmp_path / "pages.jsonl", jsonl([{"id": 1, "text": BIG}]))
    result = run("clean", tmp_path, "--max-seconds", "0.001", "--on-error", on_error)
    assert result.code == 0, result.err
    assert (tmp_path / "big.clean.txt").read_text() == expected
    (record,) = map(json.loads, (tmp_path / "pages.clean.jsonl").read_text().splitlines())
    assert record == {"id": 1, "text": expected}
    assert "2 over budget" in result.err
    assert f"{tmp_path / 'big.txt'}: took over 0.001 s to clean" in result.err


def test_a_file_over_the_byte_budget_is_kept_unchanged_with_on_error_keep(
    tmp_path: Path, run
) -> None:
    write(tmp_path / "story.txt.gz", gzip.compress(ARTICLE.encode()))
    result = run("clean", tmp_path, "--max-bytes", "100", "--on-error", "keep")
    assert result.code == 0, result.err
    assert gzip.decompress((tmp_path / "story.clean.txt.gz").read_bytes()).decode() == ARTICLE


def test_a_document_of_too_many_lines_is_over_budget(tmp_path: Path, run) -> None:
    write(tmp_path / "lines.txt", "word\n" * 1000)
    result = run("clean", tmp_path, "--max-lines", "500")
    assert result.code == 1
    assert "1,001 lines is over the 500-line limit" in result.err


def test_a_line_of_a_hundred_thousand_cells_is_cleaned_well_within_a_budget(
    tmp_path: Path, run
) -> None:
    # about 1 s of processor time; reading the cells in order took ~270 s when it was quadratic
    write(tmp_path / "table.txt", "Home\n" + "word    next " * 100_000 + "\n")
    result = run("clean", tmp_path, "--max-seconds", "60")
    assert result.code == 0, result.err
    assert result.summary["kept"] + result.summary["removed"] == 100_002  # cells


# -- killed and concurrent runs ---------------------------------------------------------


def test_temp_files_a_killed_run_left_are_removed_but_not_young_or_locked_ones(
    tmp_path: Path, run
) -> None:
    write(tmp_path / "story.txt", ARTICLE)
    old = time.time() - 3600
    orphan = write(tmp_path / ".story.clean.txt.ab12cd_9.tmp", "half an out")
    os.utime(orphan, (old, old))
    young = write(tmp_path / ".other.clean.txt.zz12cd_9.tmp", "being written")
    locked = write(tmp_path / ".third.clean.txt.yy12cd_9.tmp", "being written slowly")
    os.utime(locked, (old, old))
    foreign = write(tmp_path / ".notes.md.ab12cd_9.tmp", "not stripper's")
    os.utime(foreign, (old, old))
    with open(locked, "rb") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        result = run("clean", tmp_path)
    assert result.code == 0, result.err
    assert "removed 1 temp file(s) left by a killed run" in result.err
    assert not orphan.exists()
    assert young.exists() and locked.exists() and foreign.exists()


def uninterrupted(tmp_path: Path, run, name: str, records: list[dict]) -> bytes:
    source = write(tmp_path / "whole" / name, b"")
    data = jsonl(records).encode()
    source.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    assert run("clean", source, *FAST).code == 0
    out = source.with_name(name.replace(".jsonl", ".clean.jsonl"))
    return out.read_bytes()


@pytest.mark.parametrize("name", ["pages.jsonl", "pages.jsonl.gz"])
def test_a_jsonl_output_a_killed_run_left_half_written_is_resumed_to_the_same_output(
    tmp_path: Path, run, name: str
) -> None:
    records = [{"id": i, "text": ARTICLE.replace("harbour", f"harbour {i}")} for i in range(150)]
    whole = uninterrupted(tmp_path, run, name, records)
    folder = tmp_path / "killed"
    source = write(folder / name, (tmp_path / "whole" / name).read_bytes())
    output = name.replace(".jsonl", ".clean.jsonl")
    # what a run killed part way leaves: a prefix of its output, cut mid-line
    write(folder / f".{output}.partial", whole[: len(whole) * 2 // 3])
    result = run("clean", source, *FAST)
    assert result.code == 0, result.err
    assert "resumed after line" in result.err
    plain = gzip.decompress if name.endswith(".gz") else bytes
    assert plain((folder / output).read_bytes()) == plain(whole)
    assert sorted(os.listdir(folder)) == sorted([name, output])
    assert 0 < result.summary["documents"] < 150


def test_a_partial_jsonl_output_older_than_its_input_is_redone_not_resumed(
    tmp_path: Path, run
) -> None:
    source = write(tmp_path / "pages.jsonl", jsonl([{"text": ARTICLE}] * 3))
    partial = write(tmp_path / ".pages.clean.jsonl.partial", jsonl([{"text": "another file"}]))
    old = time.time() - 60
    os.utime(partial, (old, old))  # the input was replaced since the killed run
    assert run("clean", source, *FAST).code == 0
    out = (tmp_path / "pages.clean.jsonl").read_text()
    assert "another file" not in out
    assert len(out.splitlines()) == 3


def test_a_jsonl_output_another_run_is_writing_is_skipped_as_in_use(tmp_path: Path, run) -> None:
    write(tmp_path / "pages.jsonl", jsonl([{"text": ARTICLE}]))
    partial = write(tmp_path / ".pages.clean.jsonl.partial", b"")
    with open(partial, "rb") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        result = run("clean", tmp_path)
    assert result.code == 0
    assert "pages.jsonl: skipped: another run is writing its output" in result.err
    assert "1 skipped: 1 in use" in result.err


def test_two_runs_on_one_folder_at_once_write_what_one_run_writes(tmp_path: Path) -> None:
    records = [{"id": i, "text": ARTICLE.replace("quay", f"quay {i}")} for i in range(200)]
    for folder in ("alone", "together"):
        write(tmp_path / folder / "pages.jsonl", jsonl(records))
        for i in range(40):
            write(tmp_path / folder / f"story{i}.txt", ARTICLE.replace("harbour", f"harbour {i}"))
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "stripper", "clean", "--workers", "1", *FAST, *MODEL]
    subprocess.run([*command, tmp_path / "alone"], env=env, check=True, capture_output=True)
    runs = [
        subprocess.Popen([*command, tmp_path / "together"], env=env, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    errors = [process.communicate(timeout=120)[1].decode() for process in runs]
    for process, err in zip(runs, errors):
        no_traceback(err)
        assert process.returncode == 0, err
    names = sorted(os.listdir(tmp_path / "alone"))
    assert sorted(os.listdir(tmp_path / "together")) == names
    for name in names:
        assert digest(tmp_path / "together" / name) == digest(tmp_path / "alone" / name), name


def test_a_run_killed_mid_batch_and_run_again_writes_every_output_once_and_whole(
    tmp_path: Path,
) -> None:
    records = [{"id": i, "text": ARTICLE.replace("quay", f"quay {i}")} for i in range(600)]
    for folder in ("alone", "killed"):
        write(tmp_path / folder / "pages.jsonl", jsonl(records))
        for i in range(100):
            write(tmp_path / folder / f"s{i:03d}.txt", ARTICLE.replace("harbour", f"harbour {i}"))
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "stripper", "clean", "--workers", "2", *FAST, *MODEL]
    subprocess.run([*command, tmp_path / "alone"], env=env, check=True, capture_output=True)
    victim = subprocess.Popen(
        [*command, tmp_path / "killed"], env=env, stderr=subprocess.DEVNULL, start_new_session=True
    )
    partial = tmp_path / "killed" / ".pages.clean.jsonl.partial"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and victim.poll() is None:
        if partial.exists() and partial.stat().st_size > 0:
            break
        time.sleep(0.02)
    os.killpg(victim.pid, 9)  # the run and its workers, as a crash would
    victim.wait()
    again = subprocess.run(
        [*command, tmp_path / "killed"], env=env, capture_output=True, text=True, check=False
    )
    assert again.returncode == 0, again.stderr
    names = sorted(os.listdir(tmp_path / "alone"))
    assert sorted(os.listdir(tmp_path / "killed")) == names  # no temp or partial file left
    for name in names:
        assert digest(tmp_path / "killed" / name) == digest(tmp_path / "alone" / name), name


def test_a_killed_run_never_leaves_an_output_a_rerun_would_skip(tmp_path: Path) -> None:
    """What a kill leaves behind is hidden (temp or partial), never the output's name."""
    records = [{"id": i, "text": ARTICLE} for i in range(300)]
    source = write(tmp_path / "pages.jsonl", jsonl(records))
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "stripper", "clean", source, "--workers", "1", *MODEL]
    victim = subprocess.Popen(command, env=env, stderr=subprocess.DEVNULL)
    partial = tmp_path / ".pages.clean.jsonl.partial"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and victim.poll() is None:
        if partial.exists() and partial.stat().st_size > 0:
            break
        time.sleep(0.02)
    victim.kill()
    victim.wait()
    output = tmp_path / "pages.clean.jsonl"
    if output.exists():  # the run finished before the kill: then it is whole
        assert len(output.read_text().splitlines()) == 300
    assert cli.main(["clean", str(source), "--workers", "1", *FAST, *MODEL]) == 0
    assert len(output.read_text().splitlines()) == 300


def test_a_worker_process_killed_mid_run_is_replaced_and_every_record_written(
    tmp_path: Path, run
) -> None:
    # records that take a while each, so the kill lands while a worker cleans
    long = "\n\n".join([ARTICLE] * 25)
    records = [{"id": i, "text": long.replace("quay", f"quay {i}")} for i in range(400)]
    alone = write(tmp_path / "alone" / "pages.jsonl", jsonl(records))
    assert run("clean", alone, *FAST).code == 0
    source = write(tmp_path / "killed" / "pages.jsonl", jsonl(records))
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "stripper", "clean", source, "--workers", "2", *FAST, *MODEL]
    victim = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
    partial = source.with_name(".pages.clean.jsonl.partial")
    deadline = time.monotonic() + 60
    while victim.poll() is None and time.monotonic() < deadline:
        if partial.exists() and partial.stat().st_size > 0:
            break
        time.sleep(0.01)
    time.sleep(0.3)  # into the next batches
    tasks = Path(f"/proc/{victim.pid}/task")
    workers = [
        int(pid) for task in tasks.iterdir() for pid in (task / "children").read_text().split()
    ]
    if workers:  # (the run may have finished first on a fast machine)
        os.kill(workers[-1], 9)
    err = victim.communicate(timeout=300)[1]
    assert victim.returncode == 0, err
    assert not workers or "a worker process died" in err
    output = "pages.clean.jsonl"
    assert digest(source.with_name(output)) == digest(alone.with_name(output))
