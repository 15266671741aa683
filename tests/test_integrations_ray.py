"""StripperBatch called on batches directly, and once on a real local Ray."""

from __future__ import annotations

import pytest

import stripper
from stripper.integrations.ray import StripperBatch

pd = pytest.importorskip("pandas", reason='needs pip install "stripper[ray]"')
pa = pytest.importorskip("pyarrow", reason='needs pip install "stripper[ray]"')
np = pytest.importorskip("numpy")


@pytest.fixture(scope="module")
def clean() -> StripperBatch:
    return StripperBatch("text", "clean")


def test_a_pandas_batch_gets_the_cleaned_column_and_counts(
    clean: StripperBatch, documents: list[dict]
) -> None:
    texts = [documents[0]["text"], None, documents[1]["text"]]
    out = clean(pd.DataFrame({"id": [1, 2, 3], "text": texts}))
    assert list(out.columns) == ["id", "text", "clean", "clean_lines_kept",
                                 "clean_lines_removed", "clean_bytes_removed"]  # fmt: skip
    expected = [c.text for c in stripper.Stripper().clean_many([texts[0], texts[2]])]
    assert out["clean"].tolist() == [expected[0], None, expected[1]]
    assert out["clean_lines_removed"].tolist()[1] == 0 and out["clean_lines_removed"][0] > 0
    assert out["clean_lines_kept"].dtype == np.int64


def test_a_pyarrow_batch_gets_the_columns_replaced_not_doubled(
    clean: StripperBatch, documents: list[dict]
) -> None:
    out = clean(pa.table({"id": [1, 2], "text": [documents[0]["text"], None]}))
    assert out.column("clean").to_pylist()[1] is None
    assert out.schema.field("clean_lines_kept").type == pa.int64()
    assert clean(out).column_names == out.column_names


def test_a_numpy_batch_is_cleaned(clean: StripperBatch, documents: list[dict]) -> None:
    texts = np.array([d["text"] for d in documents[:3]], dtype=object)
    out = clean({"id": np.arange(3), "text": texts})
    assert list(out["clean"]) == [c.text for c in stripper.Stripper().clean_many(list(texts))]
    assert not any("Skip to main content" in t for t in out["clean"])
    assert out["clean_bytes_removed"].dtype == np.int64


def test_html_mode_takes_pages_as_text_or_bytes(documents: list[dict]) -> None:
    page = documents[0]["html"]
    out = StripperBatch("html", "clean", mode="html")(pd.DataFrame({"html": [page, page.encode()]}))
    assert out["clean"][0] == out["clean"][1] == stripper.clean_html(page)


def test_a_batch_of_another_type_is_refused_by_name(clean: StripperBatch) -> None:
    with pytest.raises(TypeError, match="batch_format 'pandas', 'pyarrow' or 'numpy'"):
        clean(["a list"])


@pytest.mark.engine
def test_map_batches_on_a_local_ray_cleans_a_parquet_dataset_as_clean_many_does(
    ray_cluster, tmp_path, documents: list[dict]
) -> None:
    import pyarrow.parquet as pq
    from ray.data import ActorPoolStrategy

    table = pa.Table.from_pylist(documents)
    for part in range(4):  # a dataset of four files, so that both actors get work
        pq.write_table(table.slice(part * 500, 500), tmp_path / f"part-{part}.parquet")
    # small files read as one block, which only one actor would get
    dataset = ray_cluster.data.read_parquet(str(tmp_path)).repartition(8)
    dataset = dataset.map_batches(
        StripperBatch,
        fn_constructor_kwargs={"text_column": "text", "output_column": "clean"},
        batch_format="pyarrow",
        batch_size=64,
        compute=ActorPoolStrategy(size=2),
        num_cpus=0.5,  # 2 actors of a whole CPU each would leave the read tasks none: a hang
    )
    rows = dataset.select_columns(["id", "clean", "clean_lines_removed"]).take_all()
    assert [r["id"] for r in rows] == [d["id"] for d in documents]
    expected = stripper.Stripper().clean_many(d["text"] for d in documents[:100])
    assert [r["clean"] for r in rows[:100]] == [c.text for c in expected]
    assert all(r["clean_lines_removed"] > 0 for r in rows)
