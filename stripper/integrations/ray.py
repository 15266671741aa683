"""`StripperBatch`: a callable class for Ray Data's ``Dataset.map_batches``.

    import ray
    from ray.data import ActorPoolStrategy
    from stripper.integrations.ray import StripperBatch

    ds = ray.data.read_parquet("docs/")
    ds = ds.map_batches(
        StripperBatch,
        fn_constructor_kwargs={"text_column": "text", "output_column": "clean"},
        batch_format="pyarrow",          # or "pandas", or "numpy"
        batch_size=64,
        compute=ActorPoolStrategy(size=4),
        num_cpus=1,                      # leave CPUs for the read tasks: docs/pipelines.md
    )
    ds.write_parquet("clean/")

Each Ray actor builds one instance, which loads the model once. A batch gets
``output_column`` (the cleaned text; null where the input is null) and
``<output_column>_lines_kept``, ``_lines_removed`` and ``_bytes_removed``
(int64; 0 where the input is null); columns of those names already there
are replaced. ``mode="text"`` cleans scraped text (batched through
`Stripper.clean_many`); ``mode="html"`` extracts the article text of a
column of pages (str or bytes).

Nothing here imports Ray: the class works on any pandas DataFrame, pyarrow
Table or dict of arrays, so it can be tried and tested without a cluster.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from ..api import Stripper

COUNTS = ("lines_kept", "lines_removed", "bytes_removed")


class StripperBatch:
    """Cleans one column of a batch; built once per Ray actor."""

    def __init__(
        self,
        text_column: str = "text",
        output_column: str = "clean",
        mode: Literal["text", "html"] = "text",
        model: str | None = None,
        html_model: str | None = None,
        threshold: float | None = None,
    ) -> None:
        if mode not in ("text", "html"):
            raise ValueError(f"mode must be 'text' or 'html', not {mode!r}")
        self.text_column, self.output_column, self.mode = text_column, output_column, mode
        self.stripper = Stripper(model=model, html_model=html_model, threshold=threshold)
        _ = self.stripper.model if mode == "text" else self.stripper.html_model  # load it now

    def clean_values(self, values: Sequence[Any]) -> tuple[list[str | None], dict[str, list[int]]]:
        """The cleaned texts of a column's values, and the counts per value."""
        live = [i for i, value in enumerate(values) if not _is_null(value)]
        if self.mode == "text":
            results: Any = self.stripper.clean_many(_as_text(values[i]) for i in live)
        else:
            results = (self.stripper.clean_html_document(_as_page(values[i])) for i in live)
        texts: list[str | None] = [None] * len(values)
        counts = {name: [0] * len(values) for name in COUNTS}
        for i, cleaned in zip(live, results):
            texts[i] = cleaned.text
            for name in COUNTS:
                counts[name][i] = getattr(cleaned, name)
        return texts, counts

    def __call__(self, batch: Any) -> Any:
        """Ray's entry point: the batch with the output columns added."""
        kind = type(batch).__module__.split(".")[0]
        if kind == "pandas":
            return self._pandas(batch)
        if kind == "pyarrow":
            return self._pyarrow(batch)
        if isinstance(batch, dict):
            return self._numpy(batch)
        raise TypeError(
            f"cannot clean a batch of type {type(batch).__name__}: "
            "use batch_format 'pandas', 'pyarrow' or 'numpy'"
        )

    def _names(self) -> list[str]:
        return [self.output_column, *(f"{self.output_column}_{name}" for name in COUNTS)]

    def _pandas(self, frame: Any) -> Any:
        import pandas as pd

        texts, counts = self.clean_values(frame[self.text_column].tolist())
        frame = frame.copy(deep=False)
        frame[self.output_column] = pd.Series(texts, index=frame.index, dtype=object)
        for name in COUNTS:
            column = f"{self.output_column}_{name}"
            frame[column] = pd.Series(counts[name], index=frame.index, dtype="int64")
        return frame

    def _pyarrow(self, table: Any) -> Any:
        import pyarrow as pa

        texts, counts = self.clean_values(table.column(self.text_column).to_pylist())
        columns = [pa.array(texts, pa.string())]
        columns += [pa.array(counts[name], pa.int64()) for name in COUNTS]
        for name, column in zip(self._names(), columns):
            if name in table.column_names:
                table = table.set_column(table.column_names.index(name), name, column)
            else:
                table = table.append_column(name, column)
        return table

    def _numpy(self, batch: dict) -> dict:
        import numpy as np

        values = batch[self.text_column]
        texts, counts = self.clean_values(values.tolist() if hasattr(values, "tolist") else values)
        out = dict(batch)
        out[self.output_column] = np.array(texts, dtype=object)
        for name in COUNTS:
            out[f"{self.output_column}_{name}"] = np.array(counts[name], dtype=np.int64)
        return out


def _is_null(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)  # None or NaN


def _as_text(value: Any) -> str:
    return value if isinstance(value, str) else bytes(value).decode("utf-8", "replace")


def _as_page(value: Any) -> str | bytes:
    return value if isinstance(value, (str, bytes)) else bytes(value)
