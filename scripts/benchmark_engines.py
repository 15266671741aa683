"""Throughput of stripper inside datatrove and Ray Data, beside plain `clean_many`.

    python scripts/benchmark_engines.py                     # 2,000 pages of 250 lines
    python scripts/benchmark_engines.py --docs 5000 --workers 2
    python scripts/benchmark_engines.py --html              # pages through the HTML mode

Prints one line per way of cleaning the same documents, asserts nothing:

* ``clean_many``: one process (its start-up is loading the model);
* ``datatrove``: JsonlReader -> StripperStep -> JsonlWriter on a
  LocalPipelineExecutor of ``--workers`` processes (start-up: the same
  pipeline on one document per task: worker processes, imports, model loads);
* ``ray``: read_parquet -> map_batches(StripperBatch) -> write_parquet on a
  local cluster of ``--workers`` CPUs, one actor per CPU of half a CPU each
  (start-up: ``ray.init`` plus a first run over one document per actor; a
  second such run, on the warm cluster, is what each run costs besides its
  documents).

Throughput is over the total and, in brackets, over the time the documents
themselves took (the total less the start-up), which is what a long job
sees. The engines' start-up includes importing stripper in each worker;
``clean_many``'s does not (this script has imported it already).
For ``clean_many`` the line also gives CPU seconds and documents per CPU
second: the figure per core, which other programs on a busy machine disturb
least (the engines' workers are not this process's children, so their CPU
time is not counted here). ``docs out`` counts what was written (datatrove
drops documents left empty). The pages are built from the labelled lines of
``training_data/`` (body and debris mixed), so text and HTML runs see the
same words. Needs ``pip install "stripper[all]"``.
"""

from __future__ import annotations

import argparse
import gzip
import html
import json
import random
import shutil
import tempfile
import time
from pathlib import Path

from stripper import Stripper
from stripper.training.fit import DEFAULT_DATA
from stripper.training.labels import iter_labelled


def generate(count: int, lines: int, seed: int = 15) -> list[dict]:
    """Documents of about ``lines`` lines: {"id", "text", "html"}."""
    rng = random.Random(seed)
    documents = [list(doc.lines) for doc in iter_labelled([DEFAULT_DATA])]
    pool = [line for doc in documents for line in doc if line.strip()]
    rows = []
    for i in range(count):
        page = list(rng.choice(documents))
        while len(page) < lines:
            page += [rng.choice(pool) for _ in range(12)] + [""]
        page = page[:lines]
        body = "".join(f"<p>{html.escape(line)}</p>\n" for line in page if line.strip())
        rows.append({"id": f"doc-{i:06d}", "text": "\n".join(page) + "\n",
                     "html": f"<!DOCTYPE html><html><body>{body}</body></html>"})  # fmt: skip
    return rows


def plain(rows: list[dict], column: str) -> dict:
    started = time.perf_counter()
    stripper = Stripper()
    _ = stripper.model if column == "text" else stripper.html_model
    startup = time.perf_counter() - started
    if column == "text":
        for _ in stripper.clean_many(r["text"] for r in rows):
            pass
    else:
        for row in rows:
            stripper.clean_html_document(row["html"])
    total = time.perf_counter() - started
    return {"engine": "clean_many", "startup": startup, "total": total,
            "running": total - startup, "written": len(rows)}  # fmt: skip


def datatrove(rows: list[dict], column: str, workers: int, folder: Path) -> dict:
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter

    from stripper.integrations.datatrove import StripperStep

    tasks = workers * 2

    def run(name: str, subset: list[dict]) -> float:
        source = folder / name / "in"
        source.mkdir(parents=True)
        for task in range(tasks):
            with gzip.open(source / f"part-{task}.jsonl.gz", "wt", encoding="utf-8") as out:
                for row in subset[task::tasks]:
                    out.write(json.dumps({"id": row["id"], "text": row[column]}) + "\n")
        pipeline = [JsonlReader(str(source)), StripperStep(mode=column),
                    JsonlWriter(str(folder / name / "out"))]  # fmt: skip
        started = time.perf_counter()
        LocalPipelineExecutor(pipeline, tasks=tasks, workers=workers,
                              logging_dir=str(folder / name / "logs")).run()  # fmt: skip
        return time.perf_counter() - started

    startup, total = run("startup", rows[:tasks]), run("full", rows)  # fresh workers each
    written = sum(len(gzip.decompress(path.read_bytes()).splitlines())
                  for path in (folder / "full" / "out").glob("*.jsonl.gz"))  # fmt: skip
    return {"engine": "datatrove", "startup": startup, "total": total,
            "running": total - startup, "written": written}  # fmt: skip


def ray(rows: list[dict], column: str, workers: int, folder: Path) -> dict:
    import os

    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    import pyarrow as pa
    import pyarrow.parquet as pq
    import ray as engine
    from ray.data import ActorPoolStrategy

    from stripper.integrations.ray import StripperBatch

    table = pa.Table.from_pylist(rows)
    for part in range(workers * 4):
        chunk = -(-len(rows) // (workers * 4))
        pq.write_table(table.slice(part * chunk, chunk), folder / f"part-{part}.parquet")

    def run(limit: int | None) -> float:
        started = time.perf_counter()
        dataset = engine.data.read_parquet(str(folder), columns=["id", column])
        if limit is not None:
            dataset = dataset.limit(limit)
        dataset = dataset.repartition(workers * 4).map_batches(
            StripperBatch,
            fn_constructor_kwargs={
                "text_column": column,
                "output_column": "clean",
                "mode": column,
            },  # fmt: skip
            batch_format="pyarrow",
            batch_size=64,
            compute=ActorPoolStrategy(size=workers),
            num_cpus=0.5,  # a whole CPU per actor would leave the read tasks none: a hang
        )
        shutil.rmtree(folder / "out", ignore_errors=True)
        dataset.write_parquet(str(folder / "out"))
        return time.perf_counter() - started

    started = time.perf_counter()
    engine.init(num_cpus=workers, include_dashboard=False, log_to_driver=False)
    engine.data.DataContext.get_current().enable_progress_bars = False
    cluster = time.perf_counter() - started
    try:
        # each run starts its own actors, which load the model; the first one also
        # starts the worker processes (importing stripper) that later runs reuse
        cold, warm, full = run(workers), run(workers), run(None)
        written = engine.data.read_parquet(str(folder / "out")).count()
    finally:
        engine.shutdown()
    return {"engine": "ray", "startup": cluster + cold, "total": cluster + cold - warm + full,
            "running": full - warm, "written": written}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--lines", type=int, default=250)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--html", action="store_true", help="clean pages in the HTML mode")
    parser.add_argument("--engines", default="clean_many,datatrove,ray")
    args = parser.parse_args()
    column = "html" if args.html else "text"
    rows = generate(args.docs, args.lines)
    size = sum(len(r[column].encode()) for r in rows) / len(rows) / 1024
    print(f"{args.docs:,} documents of {args.lines} lines ({size:.1f} KB each), {column} mode, "
          f"{args.workers} workers for the engines")  # fmt: skip
    print(f"{'engine':<11} {'start-up s':>10} {'total s':>8} {'docs/s':>8} {'(less start-up)':>16}"
          f" {'CPU s':>7} {'docs/CPU s':>10} {'docs out':>8}")  # fmt: skip
    for name in args.engines.split(","):
        cpu = time.process_time()
        with tempfile.TemporaryDirectory() as folder:
            if name == "clean_many":
                result = plain(rows, column)
            elif name == "datatrove":
                result = datatrove(rows, column, args.workers, Path(folder))
            else:
                result = ray(rows, column, args.workers, Path(folder))
        rate = args.docs / result["total"]
        running = result["running"]
        steady = f"({args.docs / running:.0f})" if running > 0 else "(-)"  # too few documents
        cpu = time.process_time() - cpu
        per_cpu = (f"{cpu:>7.1f} {args.docs / cpu:>10.0f}" if name == "clean_many"
                   else f"{'-':>7} {'-':>10}")  # fmt: skip
        print(f"{name:<11} {result['startup']:>10.1f} {result['total']:>8.1f} {rate:>8.0f} "
              f"{steady:>16} {per_cpu} {result['written']:>8}", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
