"""evaluate: scores over all, per outlet and per document, with the lines it got wrong."""

from __future__ import annotations

import json
from pathlib import Path

from stripper import cli
from stripper.training.evaluate import evaluate

ARTICLE = [
    "The harbour festival will return next month for the first time since 2020, organisers "
    "confirmed on Thursday, with a lantern parade and three nights of music on the old quay.",
    "The festival began in 1987 as a small fundraiser for the lifeboat station and had grown "
    "to draw more than 40,000 visitors before rising insurance costs kept it off the calendar.",
    "Volunteers will staff the gates, and the council has agreed to close the quay road to "
    "traffic on each of the three evenings from six o'clock until midnight.",
]
DEBRIS = ["Skip to main content", "Home", "News", "Sport", "Share this article", "0 comments"]


def write(folder: Path, name: str, mislabel: str | None = None) -> Path:
    """A labelled page: debris, the article, debris; ``mislabel`` labelled body."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = [f"- {d}" if d != mislabel else f"+ {d}" for d in DEBRIS[:4]]
    lines += [f"+ {p}" for p in ARTICLE] + [f"- {d}" for d in DEBRIS[4:]]
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_mislabelled_line_is_named_among_its_documents_worst_lines(tmp_path: Path) -> None:
    write(tmp_path / "north", "clean.txt")
    write(tmp_path / "south", "odd.txt", mislabel="Skip to main content")
    evaluation = evaluate([tmp_path])
    by_name = {doc.name: doc for doc in evaluation.documents}
    worst = by_name["south/odd.txt"].worst
    assert worst and worst[0].text == "Skip to main content" and worst[0].label == "body"
    assert worst[0].number == 1 and worst[0].probability >= 0.5
    assert set(evaluation.outlets) == {"north", "south"}
    assert evaluation.outlets["south"][0].precision < 1  # a "body" line found as debris
    assert by_name["south/odd.txt"].shingles.recall < by_name["north/clean.txt"].shingles.recall


def test_the_report_holds_every_outlet_and_document(tmp_path: Path, capsys) -> None:
    write(tmp_path / "data" / "north", "a.txt")
    write(tmp_path / "data" / "south", "b.txt", mislabel="Home")
    report = tmp_path / "report.json"
    assert cli.main(["evaluate", str(tmp_path / "data"), "--report", str(report)]) == 0
    printed = capsys.readouterr().out
    assert "the worst outlets" in printed and "south/b.txt" in printed
    data = json.loads(report.read_text(encoding="utf-8"))
    assert set(data["outlets"]) == {"north", "south"}
    assert [d["name"] for d in data["documents"]] == ["north/a.txt", "south/b.txt"]
    assert data["documents"][1]["worst_lines"][0]["text"] == "Home"
