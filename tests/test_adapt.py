"""Adapting the shipped model to one outlet from a few labelled pages."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from stripper import Stripper, load_model
from stripper.cli import main
from stripper.models.files import SHIPPED, ModelError, card_path, save_model
from stripper.training.adapt import adapt, pick_pages
from stripper.training.labels import format_labelled, parse_labelled

STORIES = [
    ("Tide tables move to the new harbour office",
     "The harbour office moved its tide tables to the old customs house on Monday, where "
     "fishermen can now pick them up from seven in the morning, the harbour master said."),
    ("Lifeboat crew rescues two kayakers off the point",
     "Two kayakers were brought ashore by the volunteer lifeboat crew on Saturday afternoon "
     "after the wind turned and pushed them past the point, the station said."),
    ("Fish market reopens after the winter repairs",
     "The fish market reopened on Tuesday after six weeks of repairs to its roof and drains, "
     "and the first auction of the season sold out before nine o'clock."),
    ("New ferry timetable starts in May",
     "A new ferry timetable starts in May, with two more crossings every weekday and a late "
     "boat on Fridays, after commuters asked the operator for it for years."),
]  # fmt: skip


def outlet_page(title: str, story: str) -> str:
    """A page of an outlet whose template the shipped model gets wrong on purpose:
    a teaser line that reads like prose, and a story line framed by template lines."""
    return "\n".join(
        [
            "- Quayside Bulletin",
            "- 1234 story",
            f"+ {title}",
            f"+ {story}",
            "- 100 of 524 comments loaded",
            "- The quay is busier than ever this summer, our readers say in their letters to us.",
            "- Reply to This",
            "",
        ]
    )


def label_text(page) -> str:
    return format_labelled(page.lines, page.labels)


def labelled_pages() -> list:
    return [
        parse_labelled(outlet_page(t, s), name=f"quayside/{k}.txt", group="quayside")
        for k, (t, s) in enumerate(STORIES)
    ]


@pytest.fixture(scope="module")
def adapted():
    return adapt(labelled_pages()[:3], hosts=["*.quayside.example"])


def test_an_adapted_model_records_its_base_model_and_its_outlet(adapted, tmp_path):
    model, card = adapted
    path = tmp_path / "quayside.npz"
    save_model(model, path, card)
    loaded = load_model(path)
    assert loaded.outlet == "quayside" and loaded.hosts == ("*.quayside.example",)
    written = json.loads(card_path(path).read_text())
    assert written["base_model"]["sha256"] == loaded.base_sha256
    assert written["data"]["pages"] == 3 and "held_out" in written


def test_a_model_adapted_by_another_version_is_refused_with_what_to_do(adapted, tmp_path):
    model, card = adapted
    path = tmp_path / "quayside.npz"
    save_model(model, path, card)
    arrays = dict(np.load(path))
    meta = json.loads(arrays["meta"].tobytes().decode())
    meta["outlet"]["features"] = "outlet/1"
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    np.savez(path, **arrays)
    with pytest.raises(ModelError, match="adapt it again"):
        load_model(path)


def test_pages_of_other_sites_get_the_base_models_probabilities_unchanged(adapted):
    model, _ = adapted
    base = load_model()
    other = [line[2:] for line in outlet_page(*STORIES[3]).split("\n")]
    for site in (None, "www.elsewhere.example", "quayside.example.org"):
        (mine,) = model.predict_proba([other], sites=[site])
        (theirs,) = base.predict_proba([other])
        np.testing.assert_array_equal(mine, theirs)


def test_the_outlet_stage_scores_the_outlets_own_pages_and_cleaning_uses_it(adapted):
    model, _ = adapted
    other = [line[2:] for line in outlet_page(*STORIES[3]).split("\n")]
    (scored,) = model.predict_proba([other], sites=["www.quayside.example"])
    (plain,) = load_model().predict_proba([other])
    assert not np.array_equal(scored, plain)
    teaser = other.index(
        "The quay is busier than ever this summer, our readers say in their letters to us."
    )
    assert scored[teaser] >= plain[teaser]  # the template's teaser learnt as debris
    cleaned = Stripper(model=model).clean("\n".join(other), "www.quayside.example")
    assert STORIES[3][1] in cleaned


def test_picked_pages_are_distinct_pages_of_the_pool():
    pages = labelled_pages()
    picked = pick_pages(load_model(), pages, 2)
    assert len(picked) == 2 and picked[0] is not picked[1]
    assert all(page in pages for page in picked)


def test_adapt_on_the_command_line_writes_a_model_that_clean_uses(tmp_path: Path, capsys):
    labels = tmp_path / "labels" / "quayside"
    labels.mkdir(parents=True)
    for page in labelled_pages()[:3]:
        (labels / Path(page.name).name).write_text(label_text(page), encoding="utf-8")
    out = tmp_path / "quayside.npz"
    assert main(["adapt", str(labels), "--host", "quayside.example", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "adapted to quayside from 3 pages" in printed
    assert "score them with evaluate --model" in printed  # the held-out check's limit
    assert (
        load_model(out).base_sha256
        == __import__("hashlib").sha256(SHIPPED["text"].read_bytes()).hexdigest()
    )
