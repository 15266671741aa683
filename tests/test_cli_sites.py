"""`clean` and sites: an adapted model's outlet (URL hosts, --outlet) and the
templates a batch teaches (each folder's or host's pages counted first)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_adapt import STORIES, labelled_pages, outlet_page

from stripper import Stripper, cli
from stripper.models.files import save_model
from stripper.training.adapt import adapt

PARAGRAPH = (
    "Council officers said the work would be paid for from the harbour fund and that no "
    "rates would rise to cover it, a point the opposition questioned at length."
)
TEMPLATE = ["Riverside Times", "Home", "News", "You might also like", "Read more from Riverside"]


def riverside_page(story: str) -> str:
    return "\n".join([*TEMPLATE[:3], "", story, "", PARAGRAPH, "", *TEMPLATE[3:], ""])


def plain(page: str) -> str:
    """A label file's page without its markers."""
    return "\n".join(line[2:] for line in page.split("\n"))


@pytest.fixture(scope="module")
def outlet_model(tmp_path_factory) -> Path:
    model, card = adapt(labelled_pages()[:3], hosts=["*.quayside.example"])
    path = tmp_path_factory.mktemp("model") / "quayside.npz"
    save_model(model, path, card)
    return path


def test_jsonl_records_of_the_adapted_outlets_host_get_its_stage_and_others_the_base(
    tmp_path: Path, run, outlet_model: Path
) -> None:
    page = plain(outlet_page(*STORIES[3]))
    records = [
        {"url": "https://www.quayside.example/ferry", "text": page},
        {"url": "https://elsewhere.example/ferry", "text": page},
        {"text": page},
    ]
    source = tmp_path / "pages.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    result = run("clean", source, "--model", outlet_model, "--no-templates")
    assert result.code == 0, result.err
    out = [json.loads(line) for line in (tmp_path / "pages.clean.jsonl").read_text().splitlines()]
    adapted, base = Stripper(model=outlet_model), Stripper()
    assert out[0]["text"] == adapted.clean(page, "www.quayside.example")
    assert out[0]["text"] != base.clean(page)  # the stage changed something here
    assert out[1]["text"] == out[2]["text"] == base.clean(page)


def test_outlet_cleans_every_input_with_the_adapted_stage(
    tmp_path: Path, run, outlet_model: Path
) -> None:
    page = plain(outlet_page(*STORIES[3]))
    (tmp_path / "ferry.txt").write_text(page, encoding="utf-8")
    result = run("clean", tmp_path / "ferry.txt", "--model", outlet_model, "--outlet", "quayside")
    assert result.code == 0, result.err
    cleaned = (tmp_path / "ferry.clean.txt").read_text(encoding="utf-8")
    assert cleaned == Stripper(model=outlet_model).clean(page, "*") != Stripper().clean(page)


@pytest.mark.parametrize(
    ("model", "message"),
    [(None, "the model is not adapted to an outlet"), ("adapted", "adapted to 'quayside'")],
)
def test_outlet_refuses_a_model_not_adapted_to_it(
    tmp_path: Path, capsys, outlet_model: Path, model: str | None, message: str
) -> None:
    (tmp_path / "a.txt").write_text("A line of text.\n", encoding="utf-8")
    extra = ["--model", str(outlet_model)] if model else []
    with pytest.raises(SystemExit) as stop:
        cli.main(["clean", str(tmp_path / "a.txt"), "--outlet", "harbourside", *extra])
    assert stop.value.code == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "a.clean.txt").exists()


def test_a_folders_pages_are_cleaned_with_what_its_other_pages_share(tmp_path: Path, run) -> None:
    site = tmp_path / "riverside"
    site.mkdir()
    pages = {f"{k}.txt": riverside_page(story) for k, (_, story) in enumerate(STORIES)}
    for name, page in pages.items():
        (site / name).write_text(page, encoding="utf-8")
    learnt, alone = tmp_path / "learnt.jsonl", tmp_path / "alone.jsonl"
    assert run("clean", site, "-o", tmp_path / "a", "--report", learnt, "--templates").code == 0
    assert run("clean", site, "-o", tmp_path / "b", "--report", alone).code == 0  # texts: off
    learner = Stripper()
    for page in pages.values():
        learner.learn(page, str(site))
    taught = {Path(e["source"]).name: e for e in map(json.loads, learnt.read_text().splitlines())}
    single = {Path(e["source"]).name: e for e in map(json.loads, alone.read_text().splitlines())}
    for name, page in pages.items():
        expected = learner.clean_document(page, str(site))
        assert [line["p"] for line in taught[name]["lines"]] == pytest.approx(
            [v.probability for v in expected.verdicts], abs=1e-4
        )  # the report gives four digits
        assert [line["p"] for line in single[name]["lines"]] == pytest.approx(
            [v.probability for v in Stripper().classify(page)], abs=1e-4
        )
        assert PARAGRAPH in expected.text  # repeated inside every article: still body
    first = "0.txt"
    rise = [
        t["p"] - a["p"]
        for t, a in zip(taught[first]["lines"], single[first]["lines"])
        if t["text"] in TEMPLATE
    ]
    assert min(rise) >= 0 and max(rise) > 0.01  # template lines weigh more as debris, taught


def test_a_lone_file_in_its_folder_is_cleaned_as_without_templates(tmp_path: Path, run) -> None:
    page = riverside_page(STORIES[0][1])
    (tmp_path / "one.txt").write_text(page, encoding="utf-8")
    assert run("clean", tmp_path).code == 0
    assert (tmp_path / "one.clean.txt").read_text() == Stripper().clean(page)


def test_a_folders_web_pages_are_cleaned_with_what_its_other_pages_share_by_default(
    tmp_path: Path, run
) -> None:
    site = tmp_path / "riverside"
    site.mkdir()
    pages = {}
    for k, (title, story) in enumerate(STORIES):
        pages[f"{k}.html"] = (
            "<html><body><nav><a href='/'>Riverside Times</a> <a href='/news'>News</a></nav>"
            f"<h1>{title}</h1><p>{story}</p><p>{PARAGRAPH}</p>"
            "<div><h3>You might also like</h3><p>Read more from Riverside</p></div>"
            "</body></html>"
        )
        (site / f"{k}.html").write_text(pages[f"{k}.html"], encoding="utf-8")
    learnt, alone = tmp_path / "learnt.jsonl", tmp_path / "alone.jsonl"
    assert run("clean", site, "-o", tmp_path / "a", "--report", learnt).code == 0
    assert run("clean", site, "-o", tmp_path / "b", "--report", alone, "--no-templates").code == 0
    learner = Stripper()
    for page in pages.values():
        learner.learn(page, str(site), html=True)
    taught = {Path(e["source"]).name: e for e in map(json.loads, learnt.read_text().splitlines())}
    single = {Path(e["source"]).name: e for e in map(json.loads, alone.read_text().splitlines())}
    for name, page in pages.items():
        expected = learner.clean_html_document(page, str(site))
        assert [line["p"] for line in taught[name]["lines"]] == pytest.approx(
            [v.probability for v in expected.verdicts], abs=1e-4
        )
        plain_page = Stripper().clean_html_document(page)
        assert [line["p"] for line in single[name]["lines"]] == pytest.approx(
            [v.probability for v in plain_page.verdicts], abs=1e-4
        )
    assert taught != single
