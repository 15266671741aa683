"""Grouping files into jobs for the worker processes."""

from pathlib import Path

from stripper.cli.inputs import InputFile
from stripper.cli.jobs import FileJob, file_chunks


def _jobs(folder: Path, sizes: list[int]) -> list[FileJob]:
    jobs = []
    for i, size in enumerate(sizes):
        path = folder / f"f{i:03d}.txt"
        path.write_bytes(b"x" * size)
        item = InputFile(path, Path(path.name), "text", False)
        jobs.append(FileJob(item, folder / f"f{i:03d}.clean.txt", 1 << 20, False))
    return jobs


def test_chunks_keep_every_file_once_in_order(tmp_path):
    jobs = _jobs(tmp_path, [10] * 200)
    chunks = file_chunks(jobs, workers=2, size=64, max_bytes=1 << 20)
    assert [job for chunk in chunks for job in chunk] == jobs
    assert max(len(chunk) for chunk in chunks) == 64


def test_few_files_are_spread_over_the_workers(tmp_path):
    chunks = file_chunks(_jobs(tmp_path, [10] * 4), workers=2, size=64, max_bytes=1 << 20)
    assert [len(chunk) for chunk in chunks] == [2, 2]


def test_a_chunk_stops_growing_at_the_byte_limit(tmp_path):
    chunks = file_chunks(_jobs(tmp_path, [600, 600, 600]), workers=1, size=64, max_bytes=1000)
    assert [len(chunk) for chunk in chunks] == [1, 1, 1]
