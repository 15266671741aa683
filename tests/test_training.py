"""Training: grouped folds, source balancing and the model card."""

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from stripper import load_model
from stripper.config import Config
from stripper.training import fit as training
from stripper.training.evaluate import evaluate
from stripper.training.labels import parse_labelled

DATA = Path(__file__).resolve().parent.parent / "training_data"
SMALL = replace(
    Config(), folds=2, line_trees=10, sequence_trees=10, line_leaves=7, sequence_leaves=7
)


def write_outlet(root: Path, outlet: str, documents: int) -> None:
    folder = root / outlet
    folder.mkdir(parents=True)
    for k in range(documents):
        text = (
            f"- Home\n- {outlet.title()} News\n\n"
            f"+ The harbour wall in district {k} was repaired after the winter storms, "
            "the port authority said on Monday.\n"
            f"+ Workers replaced {k + 3} stones and expect to finish the job before summer.\n\n"
            "- Share on Facebook\n- \u00a9 2024 All rights reserved.\n"
        )
        (folder / f"story-{k}.txt").write_text(text, encoding="utf-8")


def test_grouped_folds_never_put_one_outlet_on_both_sides(monkeypatch):
    documents = [
        parse_labelled(f"+ Body text of story {g}{k}.\n- Menu\n", name=f"{g}/{k}", group=g)
        for g in ("alpha", "beta", "gamma", "delta") for k in range(3)
    ]  # fmt: skip
    group_of = {id(d.lines): d.group for d in documents}
    folds: list[tuple[set, set]] = []
    real_fit = training.fit_documents

    def recording_fit(train_docs, config, sources=None, factors=None):
        model = real_fit(train_docs, config, sources, factors)
        predict = model.predict_proba

        def recording_predict(lines, evidence=None):
            folds.append(({d.group for d in train_docs}, {group_of[id(x)] for x in lines}))
            return predict(lines, evidence)

        model.predict_proba = recording_predict
        return model

    monkeypatch.setattr(training, "fit_documents", recording_fit)
    probabilities, _ = training.out_of_fold_predictions(documents, SMALL)
    assert len(probabilities) == len(documents)
    assert len(folds) == 2
    for trained_on, predicted in folds:
        assert predicted and not trained_on & predicted


def test_each_source_gets_weight_by_its_size_to_the_balance_power():
    docs = [parse_labelled("+ a b c\n- d\n")] * 4 + [parse_labelled("+ x y z\n")]
    sources = ["big"] * 4 + ["small"]
    equal = training.document_weights(docs, sources, replace(Config(), source_balance=0.0))
    # big: 8 labelled lines, small: 1; equal totals per source
    assert np.isclose(equal[:4].sum() * 2, equal[4] * 1)
    pooled = training.document_weights(docs, sources, replace(Config(), source_balance=1.0))
    assert np.allclose(pooled, 1.0)
    assert training.document_weights(docs, ["one"] * 5, Config()) is None


def test_weights_average_one_per_labelled_line():
    docs = [parse_labelled("+ a\n- b\n- c\n"), parse_labelled("+ x\n")]
    w = training.document_weights(docs, ["s1", "s2"], Config())
    assert np.isclose((w * np.array([3, 1])).sum(), 4)


def test_training_a_small_set_writes_a_model_and_a_card_with_cv_scores(tmp_path):
    data = tmp_path / "data"
    for outlet in ("north", "south", "east"):
        write_outlet(data, outlet, 3)
    out = tmp_path / "model.npz"
    card = training.train([data, DATA / "riverside-gazette"], out, SMALL, log=lambda _: None)
    assert out.exists() and out.with_suffix(".json").exists()
    written = json.loads(out.with_suffix(".json").read_text())
    source = training._shown(data)
    assert written["data"]["sources"][source]["documents"] == 9
    assert written["data"]["sources"][source]["outlets"] == 3
    scores = card["cross_validation"]["scores"]
    assert set(scores) == {"all", source, "training_data/riverside-gazette"}
    assert 0 <= scores[source]["shingle_body"]["f1"] <= 1
    assert 0 <= scores["all"]["line_debris"]["f1"] <= 1
    assert written["rebuild"][-1].startswith("python -m stripper train ")
    model = load_model(out)
    assert not hasattr(model, "out_of_fold_")  # diagnostics are not shipped
    assert 0.2 <= model.threshold_ <= 0.8


def test_evaluate_scores_a_saved_model_on_labelled_files(tmp_path):
    data = tmp_path / "data"
    for outlet in ("north", "south"):
        write_outlet(data, outlet, 2)
    out = tmp_path / "model.npz"
    training.train([data], out, SMALL, cross_validate=False, log=lambda _: None)
    evaluation = evaluate([data], out)
    assert evaluation.shingles.count == 4
    assert 0 <= evaluation.lines.f1 <= 1


def test_training_without_documents_is_refused(tmp_path):
    with pytest.raises(ValueError, match="no labelled documents"):
        training.train([tmp_path], tmp_path / "m.joblib", SMALL, log=lambda _: None)


def test_the_rebuild_recipe_builds_the_corpus_cache_before_training(tmp_path):
    rendering = tmp_path / "cache" / "somecorpus" / "lxml"
    rendering.mkdir(parents=True)
    (rendering.parent / "manifest.jsonl").write_text("{}\n")
    out = tmp_path / "m.joblib"
    build, train_line = training.rebuild_commands([DATA, rendering], out, {DATA: 5})
    assert build.startswith("python scripts/build_corpus_cache.py --datasets ../shared/datasets")
    assert "--corpora somecorpus" in build and "--renderers lxml" in build
    assert train_line.startswith("python -m stripper train training_data ")
    assert "somecorpus/lxml --weight training_data=5 --out " in train_line


def test_a_source_given_a_factor_weighs_that_many_times_more():
    docs = [parse_labelled("+ a b c\n- d\n")] * 2
    sources = ["/my/labels", "/elsewhere/corpus"]
    w = training.document_weights(docs, sources, Config(), {"/my/labels": 3.0})
    assert np.isclose(w[0] / w[1], 3.0)


def test_where_labels_sit_on_disk_does_not_change_their_weight():
    docs = [parse_labelled("+ a b c\n- d\n")] * 2
    w = training.document_weights(docs, [str(DATA), "/elsewhere/corpus"], Config())
    assert np.isclose(w[0], w[1])


def test_a_weight_for_a_path_that_is_not_trained_on_is_refused(tmp_path):
    write_outlet(tmp_path / "data", "north", 2)
    write_outlet(tmp_path / "data", "south", 2)
    with pytest.raises(ValueError, match="not a data path"):
        training.train(
            [tmp_path / "data"],
            tmp_path / "m.joblib",
            SMALL,
            {tmp_path / "other": 2.0},
            log=lambda _: None,
        )


def test_a_document_under_two_data_paths_is_read_once_as_part_of_the_deeper(tmp_path):
    for outlet in ("north", "south"):
        write_outlet(tmp_path / "data", outlet, 2)
    documents, sources = training.load_sources([tmp_path / "data", tmp_path / "data" / "north"])
    assert len(documents) == 4
    assert sorted(sources) == sorted(
        [str(tmp_path / "data")] * 2 + [str(tmp_path / "data" / "north")] * 2
    )
    assert {d.group for d, s in zip(documents, sources) if s.endswith("north")} == {"north"}
