"""StripperStep on its own and in a real datatrove LocalPipelineExecutor."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from importlib.util import find_spec
from pathlib import Path

import pytest

needs_datatrove = pytest.mark.skipif(
    find_spec("datatrove") is None, reason='needs pip install "stripper[datatrove]"'
)


def test_without_datatrove_the_import_names_the_extra() -> None:
    # a process of its own: this one may have datatrove's modules imported already
    hide = "import sys; sys.modules['datatrove'] = None; import stripper.integrations.datatrove"
    run = subprocess.run([sys.executable, "-c", hide], capture_output=True, text=True)
    assert run.returncode == 1
    assert run.stderr.splitlines()[-1] == (
        "ImportError: stripper.integrations.datatrove needs datatrove: "
        'pip install "stripper[datatrove]"'
    )


def stat(stats: dict, key: str) -> int:
    """A counter of datatrove's Stats.to_dict(): an int while every update was
    1, else {"total": ...}."""
    value = stats.get("stats", stats).get(key, 0)
    return value["total"] if isinstance(value, dict) else value


def sample(documents: list[dict]) -> list:
    from datatrove.data import Document

    text, page, both = documents[:3]
    return [
        Document(text=text["text"], id="text"),
        Document(text=page["html"], id="html-in-text"),
        Document(text=both["text"], id="html-in-metadata", metadata={"html": both["html"]}),
        Document(text="Home\nShare on Facebook\n", id="all-debris"),
    ]


@needs_datatrove
def test_auto_mode_cleans_text_and_pages_and_records_the_counts(documents: list[dict]) -> None:
    from stripper.integrations.datatrove import StripperStep

    step = StripperStep()
    out = {doc.id: doc for doc in step.run(iter(sample(documents)))}
    assert list(out) == ["text", "html-in-text", "html-in-metadata"]  # the empty one dropped
    modes = {doc.id: doc.metadata["stripper_mode"] for doc in out.values()}
    assert modes == {"text": "text", "html-in-text": "html", "html-in-metadata": "html"}
    assert "html" not in out["html-in-metadata"].metadata
    assert out["html-in-text"].metadata["title"].startswith("Bridge vote number")
    for doc in out.values():
        assert "Skip to main content" not in doc.text and "bridge" in doc.text.lower()
        assert (
            doc.metadata["stripper_lines_removed"] > 0 and doc.metadata["stripper_lines_kept"] > 0
        )
    stats = step.stats.to_dict()
    assert stat(stats, "documents") == 4 and stat(stats, "dropped_empty") == 1
    assert stat(stats, "forwarded") == 3 and stat(stats, "html") == 2 and stat(stats, "text") == 2


@needs_datatrove
def test_documents_that_fail_are_dropped_or_kept_and_counted(documents: list[dict]) -> None:
    from datatrove.data import Document

    from stripper.integrations.datatrove import StripperStep

    def broken() -> list:
        return [Document(text="x", id="bad", metadata={"html": 123}), *sample(documents)[:1]]

    dropped = StripperStep(mode="html")
    assert [d.id for d in dropped.run(iter(broken()))] == ["text"]
    kept = StripperStep(mode="html", on_error="keep", drop_empty=False)
    assert [d.id for d in kept.run(iter(broken()))] == ["bad", "text"]
    assert stat(kept.stats.to_dict(), "clean_error") == 1


@needs_datatrove
def test_the_step_pickles_without_its_model_and_loads_it_once_per_process(
    documents: list[dict],
) -> None:
    import dill

    from stripper.integrations import datatrove as integration

    step = integration.StripperStep()
    list(step.run(iter(sample(documents)[:1])))
    blob = dill.dumps(step)
    assert len(blob) < 5000  # settings and stats, no model
    copy = dill.loads(blob)
    loads = stat(copy.stats.to_dict(), "model_loads")
    list(copy.run(iter(sample(documents)[:1])))
    assert stat(copy.stats.to_dict(), "model_loads") == loads  # this process had it already


@needs_datatrove
@pytest.mark.engine
def test_jsonl_reader_stripper_step_jsonl_writer_on_the_local_executor(
    tmp_path: Path, documents: list[dict]
) -> None:
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter

    from stripper.integrations.datatrove import StripperStep

    source, rows = tmp_path / "in", documents[:400]
    source.mkdir()
    for part in range(4):
        with gzip.open(source / f"part-{part}.jsonl.gz", "wt", encoding="utf-8") as f:
            for i, doc in enumerate(rows[part::4]):
                html_in = ("text", "metadata", None)[i % 3]  # a page in text, in metadata, or none
                record = {
                    "id": doc["id"],
                    "text": doc["html"] if html_in == "text" else doc["text"],
                }
                if html_in == "metadata":
                    record["metadata"] = {"html": doc["html"]}
                f.write(json.dumps(record) + "\n")
    LocalPipelineExecutor(
        [JsonlReader(str(source)), StripperStep(), JsonlWriter(str(tmp_path / "out"))],
        tasks=4, workers=2, logging_dir=str(tmp_path / "logs"),
    ).run()  # fmt: skip
    written = [json.loads(line) for path in sorted((tmp_path / "out").glob("*.jsonl.gz"))
               for line in gzip.decompress(path.read_bytes()).decode().splitlines()]  # fmt: skip
    assert sorted(r["id"] for r in written) == sorted(d["id"] for d in rows)
    assert all("Skip to main content" not in r["text"] and r["text"].strip() for r in written)
    modes = [r["metadata"]["stripper_mode"] for r in written]
    assert 0 < modes.count("html") < len(modes)
    assert all("html" not in r["metadata"] for r in written)
    stats = json.loads((tmp_path / "logs" / "stats.json").read_text())
    step = next(s["stats"] for s in stats if "stripper" in s["name"])
    assert stat(step, "documents") == stat(step, "forwarded") == 400
    assert stat(step, "lines_removed") == sum(
        r["metadata"]["stripper_lines_removed"] for r in written
    )
    assert 1 <= stat(step, "model_loads") <= 2  # once per worker process, not per task
