"""All tunable settings of stripper in one place.

Every default lives here so that the command line, the API and training
agree on them; pass a modified copy (``dataclasses.replace``) to change one.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Config:
    """Settings shared by cleaning, featurising and training.

    >>> Config().window
    3
    """

    #: Probability of debris at or above which a line is removed; None means
    #: the threshold chosen when the model was trained.
    threshold: float | None = None
    #: How many neighbouring lines on each side feed a line's features.
    window: int = 3
    #: How many neighbouring lines on each side the second (sequence) pass reads.
    context_window: int = 6
    #: Size of the word vocabulary kept by the lexical model.
    vocabulary_size: int = 50_000
    #: Minimum number of training lines a word must occur in to be kept.
    min_word_count: int = 2
    #: Number of folds for out-of-fold stacking and cross-validation.
    folds: int = 5
    #: Seed for every random choice made in training.
    seed: int = 13
    #: Documents larger than this many bytes are refused, not cleaned (a
    #: line classifier needs the whole document in memory).
    max_document_bytes: int = 64 * 1024 * 1024
    #: Number of documents featurised together in one vectorised batch.
    batch_size: int = 64
    #: Threads one process uses for model arithmetic; cleaning scales with
    #: worker processes instead, and more threads than cores slows the trees.
    threads: int = 1
