"""Reading the values of nearby lines, within each document of a batch.

A batch lays the lines of many documents end to end: ``doc_of`` gives each
line's document and ``starts`` each document's first line (and, last, the
end). Both helpers here stop at document edges, so no line ever reads
another document's lines.
"""

from __future__ import annotations

import functools

import numpy as np


def neighbours(
    values: np.ndarray, doc_of: np.ndarray, starts: np.ndarray, window: int, missing: float
) -> np.ndarray:
    """The ``values`` (per line: a value or a row) of the lines -``window`` to
    ``window`` away (0 left out) in the same document, side by side, as
    float32; ``missing`` beyond the document's edges.

    >>> neighbours(np.array([1.0, 2.0, 3.0]), np.zeros(3, int), np.array([0, 3]), 1, -1.0)
    array([[-1.,  2.],
           [ 1.,  3.],
           [ 2., -1.]], dtype=float32)
    """
    values = values.astype(np.float32).reshape(len(values), -1)
    n, k = values.shape
    # Each document laid out between ``window`` rows of ``missing`` on either
    # side, so a line's neighbours are the rows around it, edges included.
    place = np.arange(n) + window * (2 * np.asarray(doc_of) + 1)
    padded = np.empty((n + 2 * window * (len(starts) - 1), k), dtype=np.float32)
    padded.fill(missing)  # (np.full is a Python-level wrapper of these two calls)
    padded[place] = values
    offsets = _offsets(window)
    return padded[place[:, None] + offsets].reshape(n, len(offsets) * k)


@functools.cache
def _offsets(window: int) -> np.ndarray:
    """-``window`` to ``window`` without 0, made once (read only)."""
    offsets = np.array([offset for offset in range(-window, window + 1) if offset])
    offsets.flags.writeable = False
    return offsets


def windowed_mean(
    values: np.ndarray, doc_of: np.ndarray, starts: np.ndarray, k: int | tuple[int, ...]
) -> np.ndarray:
    """Mean of ``values`` over the lines within ``k`` of each line, in its
    document; for a tuple of ``k``, one column per ``k`` (one pass for all).

    >>> values, doc_of = np.array([0.0, 1, 1, 0]), np.array([0, 0, 1, 1])
    >>> windowed_mean(values, doc_of, np.array([0, 2, 4]), 1)
    array([0.5, 0.5, 0.5, 0.5])
    """
    idx = np.arange(len(values))
    # one row per k; one k stays one-dimensional (numpy's calls on 2-D arrays
    # cost more), and is told apart without np.ndim (a Python-level call)
    one = isinstance(k, int)
    reach = k if one else np.array(k)[:, None]
    lo = np.maximum(idx - reach, starts[doc_of])
    hi = np.minimum(idx + reach + 1, starts[doc_of + 1])
    cum = np.concatenate([[0.0], values.cumsum()])
    means = (cum[hi] - cum[lo]) / (hi - lo)
    return means if one else means.T
