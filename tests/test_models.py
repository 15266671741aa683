"""The two models: shapes, blank lines, thresholds, fitting and their files."""

import copy
import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from stripper import HtmlModel, LineModel, ModelError, load_html_model, load_model
from stripper.config import Config, HtmlConfig
from stripper.features.context import after_opener, best_segments
from stripper.features.line import SHAPE_NAMES, LineFeatures, featurize
from stripper.features.words import stoplist
from stripper.html.blocks import page_blocks
from stripper.models.files import card_path, save_model
from stripper.models.stages import best_threshold, word_ambiguous
from stripper.training.labels import iter_labelled

DATA = Path(__file__).resolve().parent.parent / "training_data"
OUTLETS = ("riverside-gazette", "techblog-hub", "tagesblatt-nord", "le-courrier-alpin")
SMALL = replace(
    Config(), folds=2, line_trees=10, sequence_trees=10, line_leaves=7, sequence_leaves=7
)


@pytest.fixture(scope="module")
def documents():
    return list(iter_labelled([DATA / outlet for outlet in OUTLETS]))


@pytest.fixture(scope="module")
def fitted(documents) -> LineModel:
    return LineModel(SMALL).fit(
        [doc.lines for doc in documents],
        [doc.labels for doc in documents],
        groups=[doc.group for doc in documents],
    )


def test_predictions_have_one_value_per_line_and_nan_for_blank_lines(fitted):
    docs = [["Home", "", "The council voted on Tuesday to build the bridge.", ""], ["   "]]
    probabilities = fitted.predict_proba(docs)
    assert [len(p) for p in probabilities] == [4, 1]
    assert np.isnan(probabilities[0][[1, 3]]).all()
    assert np.isnan(probabilities[1]).all()
    assert ((probabilities[0][[0, 2]] >= 0) & (probabilities[0][[0, 2]] <= 1)).all()


def test_scoring_lines_in_small_blocks_changes_no_probability(fitted, documents):
    docs = [doc.lines for doc in documents[:6]]
    blocked = copy.deepcopy(fitted)
    blocked.config = replace(fitted.settings, predict_rows=7)
    for whole, in_blocks in zip(fitted.predict_proba(docs), blocked.predict_proba(docs)):
        np.testing.assert_array_equal(whole, in_blocks)


def test_predict_marks_blank_lines_as_kept(fitted):
    verdict = fitted.predict([["", "Share on Facebook", ""]], threshold=0.0)[0]
    assert verdict.tolist() == [False, True, False]


def test_an_empty_batch_predicts_nothing(fitted):
    assert fitted.predict_proba([]) == []
    assert fitted.predict_proba([[]])[0].shape == (0,)


def test_fitting_records_out_of_fold_scores_and_a_threshold_in_range(fitted, documents):
    assert len(fitted.out_of_fold_) == len(documents)
    assert 0.2 <= fitted.threshold_ <= 0.8
    labelled = sum(label is not None for doc in documents for label in doc.labels)
    assert fitted.n_lines_ == labelled


def test_the_model_learns_the_training_outlets_debris(fitted, documents):
    probabilities = fitted.predict_proba([doc.lines for doc in documents])
    right = total = 0
    for doc, p in zip(documents, probabilities):
        for label, q in zip(doc.labels, p):
            if label is not None:
                right += (q >= fitted.threshold_) == label
                total += 1
    assert right / total > 0.85


def test_one_outlet_is_refused_because_folds_need_two(documents):
    doc = documents[0]
    with pytest.raises(ValueError, match="two outlets"):
        LineModel(SMALL).fit([doc.lines], [doc.labels], groups=["only"])


CANDIDATES = np.linspace(0.2, 0.8, 61)


def test_best_threshold_prefers_even_odds_among_equally_good_thresholds():
    probability = np.array([0.1, 0.15, 0.9, 0.95])
    debris = np.array([False, False, True, True])
    cut = best_threshold(probability, debris, np.ones(4), CANDIDATES, 0.001)
    assert cut == pytest.approx(0.5)


def test_best_threshold_follows_a_clear_peak_away_from_one_half():
    probability = np.array([0.1, 0.3, 0.35, 0.4])
    debris = np.array([False, False, True, True])
    assert 0.3 < best_threshold(probability, debris, np.ones(4), CANDIDATES, 0.001) <= 0.35


def test_a_fixed_training_threshold_is_kept_even_when_it_is_zero(documents):
    config = replace(SMALL, train_threshold=0.0)
    model = LineModel(config).fit(
        [doc.lines for doc in documents],
        [doc.labels for doc in documents],
        groups=[doc.group for doc in documents],
    )
    assert model.threshold_ == 0.0


def test_save_and_load_round_trip_predicts_the_same(fitted, tmp_path):
    path = tmp_path / "model.npz"
    save_model(fitted, path, {"note": "test"})
    card = json.loads(card_path(path).read_text())
    assert card["note"] == "test" and "scikit-learn" in card["versions"]
    loaded = load_model(path)
    doc = [["Skip to content", "The council voted on Tuesday to build the bridge."]]
    np.testing.assert_allclose(loaded.predict_proba(doc)[0], fitted.predict_proba(doc)[0])
    assert loaded.threshold_ == fitted.threshold_


def test_a_model_made_with_another_scikit_learn_still_loads_and_scores_the_same(fitted, tmp_path):
    path = tmp_path / "model.npz"
    save_model(fitted, path, {})
    card = json.loads(card_path(path).read_text())
    card["versions"]["scikit-learn"] = "0.0.1"  # the card records it; nothing checks it
    card_path(path).write_text(json.dumps(card))
    doc = [["Skip to content", "The council voted on Tuesday to build the bridge."]]
    np.testing.assert_array_equal(
        load_model(path).predict_proba(doc)[0], fitted.predict_proba(doc)[0]
    )


def test_the_fitted_trees_score_exactly_as_scikit_learn_does():
    from sklearn.ensemble import HistGradientBoostingClassifier

    from stripper.models.predictors import Forest

    rng = np.random.default_rng(5)
    X = rng.normal(size=(3000, 12))
    X[rng.random(X.shape) < 0.1] = np.nan  # missing values go left at some nodes, right at others
    y = (np.nan_to_num(X[:, 0]) + X[:, 1] ** 2 > 0.5) ^ (rng.random(3000) < 0.1)
    trees = HistGradientBoostingClassifier(max_iter=30, max_leaf_nodes=15, random_state=0)
    trees.fit(X, y)
    test = rng.normal(size=(500, 12))
    test[rng.random(test.shape) < 0.2] = np.nan
    forest = Forest.from_arrays(Forest.of(trees).arrays())
    np.testing.assert_allclose(
        forest.probability(test), trees.predict_proba(test)[:, 1], atol=1e-12
    )
    assert np.array_equal(forest.decision(test[:1]), trees._raw_predict(test[:1]).ravel())


def test_a_pickled_model_is_refused_without_being_unpickled(tmp_path):
    import pickle

    class Boom:
        def __reduce__(self):
            return (exec, ("open(__import__('os').environ['PWNED_FILE'], 'w').write('ran')",))

    path = tmp_path / "outlet.npz"
    path.write_bytes(pickle.dumps(Boom()))
    marker = tmp_path / "pwned"
    import os

    os.environ["PWNED_FILE"] = str(marker)
    with pytest.raises(ModelError, match="pickle"):
        load_model(path)
    assert not marker.exists()


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda data: data[: len(data) // 2], "broken or truncated"),
        (lambda data: b"not a model at all", "not a stripper model"),
    ],
)
def test_a_truncated_or_foreign_model_file_is_refused_in_one_line(
    fitted, tmp_path, damage, message
):
    path = tmp_path / "model.npz"
    save_model(fitted, path, {})
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(ModelError, match=message) as error:
        load_model(path)
    assert "\n" not in str(error.value)


def test_a_model_whose_arrays_do_not_form_trees_is_refused(fitted, tmp_path):
    path = tmp_path / "model.npz"
    save_model(fitted, path, {})
    with np.load(path) as arrays:
        parts = dict(arrays)
    parts["line.left"] = parts["line.left"] + 10_000  # children beyond the nodes
    np.savez(path, **parts)
    with pytest.raises(ModelError, match="out of range"):
        load_model(path)


def test_a_changed_shipped_model_is_refused_by_its_pin(tmp_path, monkeypatch):
    from stripper.models import files

    shipped = tmp_path / "data"
    shipped.mkdir()
    model = shipped / "model.npz"
    model.write_bytes(files.SHIPPED["text"].read_bytes())
    monkeypatch.setattr(files, "DATA", shipped)
    monkeypatch.setattr(files, "SHIPPED", {"text": model, "html": shipped / "html_model.npz"})
    monkeypatch.setattr(files, "PINS", shipped / "SHA256SUMS")
    files.pin_shipped()
    assert load_model(model).threshold_ > 0
    model.write_bytes(model.read_bytes()[:-1] + b"!")
    with pytest.raises(ModelError, match="SHA-256"):
        load_model(model)


def test_a_model_built_on_other_line_features_is_refused_clearly(fitted, tmp_path):
    path = tmp_path / "model.npz"
    older = copy.deepcopy(fitted)
    older.feature_names_ = fitted.feature_names_[:-1]  # as if saved before the last feature
    save_model(older, path, {})
    with pytest.raises(ModelError, match="another set of features"):
        load_model(path)


def test_a_missing_model_file_names_the_train_command(tmp_path):
    with pytest.raises(ModelError, match="stripper train"):
        load_model(tmp_path / "none.joblib")


def test_best_segments_are_each_documents_maximum_sum_runs():
    rng = np.random.default_rng(3)
    sizes = [0, 1, 7, 0, 40, 2, 130]
    starts = np.concatenate([[0], np.cumsum(sizes)])
    doc_of = np.repeat(np.arange(len(sizes)), sizes)
    gain = rng.normal(size=len(doc_of))
    start, end = best_segments(gain, doc_of, starts)
    for d, (lo, hi) in enumerate(zip(starts[:-1], starts[1:])):
        if lo == hi:
            continue
        runs = [(gain[a : b + 1].sum(), -b, -a) for a in range(lo, hi) for b in range(a, hi)]
        _, last, first = max(runs)  # ties: the earliest end, then the earliest start
        assert (start[lo:hi] == -first).all() and (end[lo:hi] == -last).all(), d


def test_body_above_a_thread_opener_is_counted_within_its_own_document():
    sizes = [3, 0, 4]  # the second document is empty
    starts = np.concatenate([[0], np.cumsum(sizes)])
    doc_of = np.repeat(np.arange(len(sizes)), sizes)
    shape = np.zeros((7, len(SHAPE_NAMES)), dtype=np.float32)
    shape[:, SHAPE_NAMES.index("log_words")] = np.log1p([10, 1, 5, 0, 20, 2, 6])
    opener = np.array([False, True, False, True, False, True, False])
    features = LineFeatures(None, shape, doc_of, starts, [], opener)
    body = np.array([0.0, 1.0, 0.0, 0.0, 0.5, 1.0, 0.0])  # line stage: debris probability
    mass, share = after_opener(features, body, article_words=0).T
    # first document: 10 body words above its opener; third: none above the
    # first opener, then 10 (half of 20) above the second
    np.testing.assert_allclose(np.expm1(mass), [0, 10, 10, 0, 0, 10, 10], rtol=1e-5)
    np.testing.assert_allclose(share, [0, 10 / 15, 10 / 15, 0, 0, 10 / 16, 10 / 16], rtol=1e-5)
    # an opener with less body than an article above it opens no thread
    mass, _ = after_opener(features, body, article_words=10.5).T
    assert not mass.any()


def test_lines_whose_words_carry_both_labels_in_an_outlet_are_ambiguous_to_the_word_stage():
    caption = 'Officials said the talks were "constructive" and would go on.'
    paragraph = "Officials said the talks were \u201cconstructive\u201d and would go on."
    docs = [[caption, paragraph, "Share this"], ["Share this", caption], [caption]]
    labels = [[True, False, True], [True, True], [False]]
    features = featurize(docs, stoplist())
    target = np.array([label for doc in labels for label in doc])
    labelled = np.ones(len(target), dtype=bool)
    outlet = np.array([0, 0, 1])[features.doc_of]
    ambiguous = word_ambiguous(features.lexical, outlet, target, labelled)
    # the caption and its paragraph share every word in outlet "a"; "Share this"
    # is always debris; outlet "b" has the sentence once, as body
    assert ambiguous.tolist() == [True, True, False, False, True, False]


# -- the HTML model ----------------------------------------------------------
MENU = "<nav><ul><li><a href='/'>Home</a></li><li><a href='/news'>News</a></li></ul></nav>"
FOOTER = "<footer><p>&copy; 2024 The {site} Post. All rights reserved.</p></footer>"


def page(site: str, k: int) -> tuple[str, list[str]]:
    """A small page of one site, and the texts of its body paragraphs."""
    body = [
        f"The {site} council met on day {k} and agreed to repair the harbour wall "
        "before the winter storms arrive, officials said on Monday evening.",
        f"Work on section {k} will take six weeks and cost less than expected, "
        "according to the engineers who surveyed the damage last month.",
    ]
    html = MENU + "".join(f"<p>{p}</p>" for p in body) + FOOTER.format(site=site)
    return html, body


@pytest.fixture(scope="module")
def html_fitted() -> tuple[HtmlModel, list]:
    pages, labels, groups = [], [], []
    for site in ("north", "south", "east", "west"):
        for k in range(4):
            html, body = page(site, k)
            blocks = page_blocks(html)
            pages.append(blocks)
            labels.append([line not in body for line in blocks.lines if line])
            groups.append(site)
    small = HtmlConfig(folds=2, trees=10, leaves=7, min_leaf=2)
    return HtmlModel(small).fit(pages, labels, groups), pages


def test_the_html_model_learns_menus_and_footers_from_a_few_pages(html_fitted):
    model, _ = html_fitted
    html, body = page("central", 9)
    blocks = page_blocks(html)
    (debris,) = model.predict([blocks])
    texts = [line for line in blocks.lines if line]
    assert [t for t, d in zip(texts, debris) if not d] == body
    assert 0.2 <= model.threshold_ <= 0.8


def test_an_html_model_round_trips_through_its_file(html_fitted, tmp_path):
    model, pages = html_fitted
    save_model(model, tmp_path / "html.npz", {"note": "test"})
    loaded = load_html_model(tmp_path / "html.npz")
    for a, b in zip(loaded.predict_proba(pages), model.predict_proba(pages)):
        np.testing.assert_array_equal(a, b)
    assert json.loads(card_path(tmp_path / "html.npz").read_text())["kind"] == "html"


def test_a_text_model_file_is_not_taken_for_an_html_model(fitted, tmp_path):
    save_model(fitted, tmp_path / "model.npz", {})
    with pytest.raises(ModelError, match="html model"):
        load_html_model(tmp_path / "model.npz")
