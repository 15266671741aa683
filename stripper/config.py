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
    #: Number of folds for out-of-fold stacking and cross-validation.
    folds: int = 5
    #: Seed for every random choice made in training. Fits differ with it by
    #: about ±0.01 of shingle F1 per corpus cell and by a caption or two of
    #: the seed articles: with 7 and with 21 the shipped model's fit leaves
    #: the five seeds clean (a trial fit with 13 kept one caption, at 0.55
    #: against a 0.56 threshold), and 7 scored 0.02 higher on Readability.
    seed: int = 7
    #: Documents larger than this many bytes are refused, not cleaned (a
    #: line classifier needs the whole document in memory).
    max_document_bytes: int = 64 * 1024 * 1024
    #: Number of documents featurised together in one vectorised batch.
    batch_size: int = 64
    #: Most bytes of input files one command-line job reads and cleans together.
    chunk_bytes: int = 16 * 1024 * 1024
    #: Threads one process uses for model arithmetic; cleaning scales with
    #: worker processes instead, and more threads than cores slows the trees.
    threads: int = 1
    #: Boosting rounds and leaves per tree of the line stage; prediction
    #: time grows with rounds x depth, about 45 ns per tree and line, and the
    #: trees now take over two fifths of the cleaning time (the features
    #: somewhat less). Measured 2026-12-01, mean shingle F1 of the 14 corpus
    #: and rendering cells of scripts/benchmark_accuracy.py against 0.882 for
    #: these sizes: line 40 x 31 and sequence 25 x 15 at learning rate 0.15
    #: score the trees in 30% less time for -0.002 and lose 2 body lines of
    #: the seeds; 40 x 15 and 25 x 15 are no faster (-0.002); 30 x 31 and
    #: 20 x 15 at 0.2: -0.006. Not worth it.
    line_trees: int = 60
    line_leaves: int = 31
    #: The same for the sequence stage.
    sequence_trees: int = 40
    sequence_leaves: int = 15
    #: Lines the trees score at a time; a block that fits in the CPU cache
    #: keeps the time per line flat however long the documents are (blocks of
    #: 1,024 to 100,000 rows measured alike on 170-line pages).
    predict_rows: int = 4096
    #: Whether the sequence stage also reads the confident debris lines
    #: between a line and the main block and a stricter main block.
    structure_features: bool = True
    #: Likely body words (words weighted by the line stage's body probability)
    #: a comment-thread opener needs above it to count as opening a thread
    #: under an article, not a "Comments" link in a share bar over one.
    thread_article_words: float = 50.0
    #: F1 within which training's threshold search counts thresholds as
    #: equal, taking the one nearest 0.5: on the shipped model's data the
    #: out-of-fold F1 varies by 0.0005 from 0.46 to 0.62, and the exact peak
    #: moved between 0.49 and 0.66 from one fit to the next (2026-12-01).
    threshold_tolerance: float = 0.001
    #: Learning rate of both tree stages.
    learning_rate: float = 0.1
    #: L2 penalty of the lexical (SGD logistic) stage, and its passes.
    lexical_alpha: float = 2e-5
    lexical_passes: int = 15
    #: How training weighs its data sources (each data path given to
    #: ``train``, e.g. one corpus in one rendering): every source gets a total
    #: weight of (its labelled lines) ** source_balance, spread evenly over
    #: its lines. 1 pools all lines alike (the big corpora dominate, and with
    #: them their labelling convention); 0 weighs every source equally.
    source_balance: float = 0.0
    #: Extra factor on the total weight of the repository's hand-labelled
    #: ``training_data/`` when it is one of several sources, so its seeds and
    #: template families are learnt, not drowned by the corpora (3 left two
    #: to three seed captions inside the article kept).
    hand_labelled_weight: float = 5.0
    #: Short excerpts added per training document (a run of 1 to
    #: ``crop_lines`` of its non-blank lines, labels kept), so that the model
    #: also sees documents of a paragraph or two, as `stripper.clean` gets them.
    crops_per_document: int = 1
    crop_lines: int = 8
