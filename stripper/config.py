"""Every setting of stripper in one place: `Config` (cleaning and the line
model) and `HtmlConfig` (the HTML block model).

The command line, the API and training read their defaults here; pass a
modified copy (``dataclasses.replace``) to change one. Why each value is
what it is, and what else was tried, is in ``docs/model.md``.

>>> Config().window, HtmlConfig().trees
(3, 100)
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Config:
    """Settings of cleaning, of the line model's features and of its training."""

    # -- cleaning
    #: Debris probability at or above which a line is removed; None: the model's own.
    threshold: float | None = None
    #: Documents larger than this many bytes are over budget (memory is ~40x the text).
    max_document_bytes: int = 16 * 1024 * 1024
    #: Documents of more lines than this are over budget (memory grows ~1 KB per line).
    max_document_lines: int = 500_000
    #: Seconds of processor time one document may take to clean; None: no limit.
    max_document_seconds: float | None = 60.0
    #: What the command line does with a document over budget: "fail", "keep" or "drop".
    on_error: str = "fail"
    #: Documents featurised together in one vectorised call of `Stripper.clean_many`.
    batch_size: int = 64
    #: Most bytes of input files one command-line job reads and cleans together.
    chunk_bytes: int = 16 * 1024 * 1024
    #: Threads one process uses for model arithmetic (cleaning scales by processes).
    threads: int = 1
    #: Rows the trees score at a time, so long documents stay in the CPU cache.
    predict_rows: int = 4096

    # -- site templates (`stripper.features.templates`), in both modes
    #: Other pages of a site past which the template evidence's page count
    #: stops growing: the share of pages holding a line is sure to a tenth by
    #: then, and larger counts would only tell a corpus's big sites apart.
    template_pages: int = 10

    # -- line features
    #: Words of at most this many tokens also get a feature for the whole line.
    short_line_words: int = 4
    #: Lines of at least this many words count as long (the main text's topic).
    long_line_words: int = 15
    #: Lines on each side whose share of long lines gives `long_neighbourhood`.
    long_neighbourhood: int = 5
    #: Lines on each side searched for a near copy (a caption beside its paragraph).
    near_copy_reach: int = 3
    #: Word-set similarity from which a near copy counts as the line's twin.
    near_copy_similarity: float = 0.5
    #: Most words of a comment-thread heading ("Leave a Reply", "12 Comments").
    thread_heading_words: int = 6
    #: Ideographs and kana per word, where a script writes no spaces.
    ideographs_per_word: float = 2.0
    #: Letters per word in Thai, Lao, Myanmar and Khmer, which write no spaces.
    unspaced_letters_per_word: float = 4.0
    #: A document's most frequent words, whose share in a line marks prose in any language.
    common_words: int = 20

    # -- line and sequence stages
    #: Neighbouring lines on each side whose features the line stage reads.
    window: int = 3
    #: Neighbouring lines on each side whose scores the sequence stage reads.
    context_window: int = 6
    #: Lines on each side of the sequence stage's running means of scores.
    running_means: tuple[int, ...] = (2, 5, 15, 40)
    #: Debris probability under which a line adds to the document's main block.
    main_block_debris: float = 0.5
    #: The same for the stricter main block.
    strict_block_debris: float = 0.35
    #: Debris probability from which a line counts as confident debris.
    confident_debris: float = 0.7
    #: Whether the sequence stage also reads the confident debris lines between
    #: a line and the main block, and the stricter main block.
    structure_features: bool = True
    #: Likely body words a comment-thread opener needs above it to open a
    #: thread under an article (not a "Comments" link in a share bar).
    thread_article_words: float = 50.0

    # -- never emptying an article (`stripper.models.prose`)
    #: Words from which a line ending like a sentence counts as prose.
    prose_line_words: float = 10.0
    #: Sentences ending inside a line that make it prose whatever its last
    #: character (a table cell holding a whole article, its end cut off).
    prose_inner_sentences: int = 2
    #: Words of prose from which a document counts as an article.
    article_words: float = 50.0
    #: Score above the prose lines' median still inside the densest block.
    prose_margin: float = 0.01

    # -- training
    #: Folds of out-of-fold stacking and cross-validation (grouped by outlet).
    folds: int = 5
    #: Seed of every random choice made in training.
    seed: int = 7
    #: Boosting rounds of the line stage.
    line_trees: int = 60
    #: Leaves per tree of the line stage.
    line_leaves: int = 31
    #: Boosting rounds of the sequence stage.
    sequence_trees: int = 40
    #: Leaves per tree of the sequence stage.
    sequence_leaves: int = 15
    #: Learning rate of both tree stages.
    learning_rate: float = 0.1
    #: L2 penalty on the leaf values of both tree stages.
    tree_l2: float = 1.0
    #: L2 penalty of the lexical (logistic) stage.
    lexical_alpha: float = 2e-5
    #: Passes over the data of the lexical stage.
    lexical_passes: int = 15
    #: Threshold the trained model keeps instead of choosing one; None: choose.
    train_threshold: float | None = None
    #: Lowest and highest threshold training considers.
    threshold_range: tuple[float, float] = (0.2, 0.8)
    #: Thresholds tried between them, evenly spaced.
    threshold_steps: int = 61
    #: F1 within which thresholds count as equal; the one nearest 0.5 wins.
    threshold_tolerance: float = 0.001
    #: Each data source weighs (its labelled lines) ** this: 0 every source alike.
    source_balance: float = 0.0
    #: Share of training documents that see their site's other pages; the rest,
    #: and every excerpt, are cleaned alone, as `stripper.clean` cleans them.
    site_evidence_share: float = 0.5
    #: Short excerpts added per training document, so short inputs are seen too.
    crops_per_document: int = 1
    #: Most non-blank lines of such an excerpt.
    crop_lines: int = 8

    # -- adapting to an outlet (`stripper.training.adapt`)
    #: Inverse L2 penalties (scikit-learn's ``C``) the outlet stage tries; the
    #: one its held-out pages score best with is kept (with a page or more to hold out).
    outlet_strengths: tuple[float, ...] = (0.2, 1.0, 5.0)
    #: Whether it tries weighing body and debris lines alike (``balanced``), or not, or both.
    outlet_balanced: tuple[bool, ...] = (False, True)
    #: Labelled pages from which the outlet threshold is chosen on held-out pages.
    outlet_threshold_pages: int = 3


@dataclass(frozen=True)
class HtmlConfig:
    """Settings of the HTML block model, its DOM features and its training."""

    #: Debris probability at or above which a block is removed; None: the model's own.
    threshold: float | None = None
    #: Threads one process uses for model arithmetic.
    threads: int = 1
    #: Rows the trees score at a time.
    predict_rows: int = 4096

    # -- DOM features
    #: Blocks of at least this many words count as paragraph text for containers.
    paragraph_words: int = 8
    #: ... if at most this share of their characters sits in links.
    paragraph_link_share: float = 0.3
    #: Share of the page's paragraph text the main container holds at least.
    main_container_share: float = 0.6
    #: Neighbouring blocks on each side whose first-stage scores stage 2 reads.
    context_window: int = 3
    #: Blocks on each side of stage 2's running means of first-stage scores.
    running_means: tuple[int, ...] = (3, 10)
    #: Blocks whose first-stage probability is within this of 0 or 1 skip stage 2.
    sure: float = 0.05
    #: Whether blocks also read trafilatura's extraction of the page (slower, `html.teacher`).
    teacher: bool = False

    # -- training
    #: Folds of out-of-fold stacking (grouped by site).
    folds: int = 3
    #: Seed of every random choice made in training.
    seed: int = 13
    #: Whether a linear stage over the block's hashed words feeds the trees.
    lexical: bool = True
    #: L2 penalty of that lexical stage.
    lexical_alpha: float = 2e-6
    #: Its passes over the data.
    lexical_passes: int = 8
    #: Boosting rounds of each tree stage.
    trees: int = 100
    #: Leaves per tree.
    leaves: int = 48
    #: Fewest training blocks per leaf.
    min_leaf: int = 40
    #: Learning rate of the tree stages.
    learning_rate: float = 0.15
    #: L2 penalty on leaf values.
    tree_l2: float = 1.0
    #: Share of training pages that see their site's other pages (the rest are cleaned alone).
    site_evidence_share: float = 0.5
    #: Total weight of each page's labelled blocks (shared by their words).
    page_weight: float = 100.0
    #: Most weight factor of a small corpus against the others.
    corpus_weight_cap: float = 3.0
    #: Threshold the trained model keeps instead of choosing one; None: choose.
    train_threshold: float | None = None
    #: Lowest and highest threshold training considers.
    threshold_range: tuple[float, float] = (0.2, 0.8)
    #: Thresholds tried between them, evenly spaced.
    threshold_steps: int = 61
    #: F1 within which thresholds count as equal; the one nearest 0.5 wins.
    threshold_tolerance: float = 0.001
