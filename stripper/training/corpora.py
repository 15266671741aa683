"""Reading the public web-extraction corpora and labelling their lines.

Each corpus pairs real pages with a gold article (see
``shared/datasets/README.md``). To learn from them and to measure on them,
stripper needs *lines*: a page is rendered to naive text (`RENDERERS`) and
each line is labelled body or debris by aligning it to the gold text
(`align_lines`), or, for trafilatura-eval, by the snippets the corpus lists
(`label_by_snippets`).

This module is for training and measuring (``python -m stripper train --html``,
``scripts/build_corpus_cache.py``, ``scripts/benchmark_accuracy.py``); the
cleaning path never imports it.
"""

from __future__ import annotations

import gzip
import html as html_entities
import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from urllib.parse import urlsplit

from lxml import etree

from ..config import Config
from ..features.dom import thread_lines
from ..features.line import featurize
from ..html.blocks import html_to_text, page_blocks, render_tree
from ..html.decode import close_titles, decode_html, parse_html
from ..text.lines import is_blank

#: Where the corpora are read from by default: ``../shared/datasets``,
#: beside the repository the scripts are run from.
DEFAULT_DATASETS = Path("..", "shared", "datasets")
#: Corpora whose licence allows training the shipped models.
LICENSED = (
    "cleaneval-dev",
    "cleaneval-final",
    "cleanportaleval",
    "readability",
    "trafilatura-eval",
)
#: Corpora for measuring only (their licences do not allow training).
MEASURE_ONLY = ("dragnet", "l3s-gn1")


@dataclass(frozen=True)
class Page:
    """One corpus page: its HTML and what the corpus says its article is."""

    corpus: str
    page_id: str
    site: str  #: registered-domain-like host; groups pages for cross-validation
    url: str
    html: str
    gold: str | None  #: plain article text, one block per line (None: snippets only)
    keep_snippets: tuple[str, ...] = field(default=())
    drop_snippets: tuple[str, ...] = field(default=())


# ---------------------------------------------------------------- sites and URLs

#: Second-level labels under which a country domain registers names (``co.uk``).
_SECOND_LEVELS = frozenset(
    {
        "ac",
        "co",
        "com",
        "edu",
        "gob",
        "gov",
        "go",
        "ne",
        "net",
        "nic",
        "or",
        "org",
    }
)
_PAGE_URL = re.compile(
    r"""<(?:link[^>]+rel=["']?canonical["']?[^>]*|meta[^>]+og:url["']?[^>]*|base[^>]*)"""
    r"""\s(?:href|content)=["']?(https?://[^"'\s>]+)""",
    re.IGNORECASE,
)


def site_of(url: str) -> str:
    """The registered-domain-like part of a URL's host, or ``""``.

    >>> site_of("http://news.bbc.co.uk/2/hi/world.stm"), site_of("https://www.cbsnews.com/x")
    ('bbc.co.uk', 'cbsnews.com')
    """
    host = (urlsplit(url.strip()).hostname or "").rstrip(".")
    labels = host.split(".")
    if len(labels) < 2 or host.replace(".", "").isdigit():
        return host
    keep = 3 if len(labels) > 2 and labels[-2] in _SECOND_LEVELS and len(labels[-1]) == 2 else 2
    return ".".join(labels[-keep:])


def url_in_html(page: str) -> str:
    """The page's own URL from ``<link rel=canonical>``, ``og:url`` or ``<base>``."""
    match = _PAGE_URL.search(page[:200_000])
    return match.group(1) if match else ""


def safe_name(name: str) -> str:
    """A file-system-safe version of a site or page name (for cache paths).

    >>> safe_name("bbc.co.uk"), safe_name("a/b c")
    ('bbc.co.uk', 'a_b_c')
    """
    cleaned = "".join(c if c.isalnum() or c in "-_.@" else "_" for c in name).strip(".")
    return cleaned or "unknown"


# ---------------------------------------------------------------- reading files


def read_text_file(path: Path) -> str:
    """Read a text or ``.gz`` file, decoding it as `decode_html` does."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as file:
        return decode_html(file.read())


def plain_gold(text: str, entities: bool = False) -> str:
    """Normalise a gold text: whitespace collapsed, blank lines cut, one block per line.

    ``entities=True`` also decodes HTML entities (``&#8217;``), which the
    hand-written plain-text golds of CleanEval and dragnet contain.
    """
    text = html_entities.unescape(text) if entities else text
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "\n".join(line for line in lines if line) + "\n"


_CLEANEVAL_MARKER = re.compile(r"<(?:p|h|l)>", re.IGNORECASE)
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_CLEANEVAL_URL_LINE = re.compile(r"\A\s*URL:[ \t]*(\S*)[^\n]*", re.IGNORECASE)
_CLEANEVAL_WRAPPER = re.compile(r"^\s*<text\s[^>]*>|</text>\s*$", re.IGNORECASE)
_CLEANEVAL_URL = re.compile(r"""^\s*<text\s+id=["']?([^"'\s>]+)""", re.IGNORECASE)


def strip_cleaneval_markers(gold: str) -> tuple[str, str]:
    """Split a CleanEval gold file into (URL, text with one block per line).

    The ``URL:`` first line is removed; each ``<p>``, ``<h>`` or ``<l>``
    marker starts a block, and a block's wrapped lines are joined. HTML
    comments (``<!-- this page contains no article -->``) are notes, not text.

    >>> strip_cleaneval_markers("URL: http://a.org/\\n<h> Title\\n<p> One\\n two\\n")
    ('http://a.org/', 'Title\\nOne two\\n')
    """
    gold = _HTML_COMMENT.sub(" ", gold.lstrip("\ufeff"))
    match = _CLEANEVAL_URL_LINE.match(gold)
    url = match.group(1) if match else ""
    gold = gold[match.end() :] if match else gold
    blocks = (" ".join(block.split()) for block in _CLEANEVAL_MARKER.split(gold))
    return url, "".join(f"{block}\n" for block in blocks if block)


def read_cleaneval(root: Path) -> Iterator[Page]:
    """CleanEval-format corpora: ``html/<id>.html.gz`` and marked ``gold/<id>.txt``."""
    for path in sorted((root / "html").glob("*.html.gz")):
        page_id = path.name.removesuffix(".html.gz")
        page = read_text_file(path)
        url, gold = strip_cleaneval_markers(read_text_file(root / "gold" / f"{page_id}.txt"))
        wrapper = _CLEANEVAL_URL.match(page)
        url = url or (wrapper.group(1) if wrapper else "")
        html = _CLEANEVAL_WRAPPER.sub("", page)
        gold = plain_gold(gold, entities=True)
        yield Page(root.name, page_id, site_of(url) or "unknown", url, html, gold)


_DRAGNET_COMMENTS = re.compile(r"^[!@#$%^&*() \t]{6,}COMMENTS\s*$", re.MULTILINE)


def cut_dragnet_comments(gold: str) -> str:
    """The article part of a dragnet gold text (reader comments cut off).

    >>> cut_dragnet_comments("Story.\\n!@#$%^&*()  COMMENTS\\nNice post!")
    'Story.\\n'
    """
    match = _DRAGNET_COMMENTS.search(gold)
    return gold[: match.start()] if match else gold


def _page_with_inferred_url(corpus: str, page_id: str, page: str, gold: str) -> Page:
    url = url_in_html(page)
    return Page(corpus, page_id, site_of(url) or "unknown", url, page, gold)


def read_dragnet(root: Path) -> Iterator[Page]:
    """Dragnet: ``html/<id>.html.gz`` and plain ``gold/<id>.txt`` with a comment cut."""
    for path in sorted((root / "html").glob("*.html.gz")):
        page_id = path.name.removesuffix(".html.gz")
        gold = cut_dragnet_comments(read_text_file(root / "gold" / f"{page_id}.txt"))
        gold = plain_gold(gold, entities=True)
        yield _page_with_inferred_url(root.name, page_id, read_text_file(path), gold)


_L3S_CLASS = re.compile(r"\bx-nc-sel(\d)\b")
#: L3S-GN1 annotation classes that make up the article: headline and full text.
L3S_BODY_CLASSES = frozenset({1, 2})


def l3s_gold_text(annotated: str) -> str:
    """The article of an L3S-GN1 annotated page: text in classes 1 and 2, in order.

    Every text node takes the class of its nearest ``x-nc-selN`` span; text
    of other classes (or outside any span) is dropped, and what remains is
    rendered block by block like a page.

    >>> l3s_gold_text('<h1><span class="x-nc-sel1">Title</span></h1>'
    ...               '<div><span class="x-nc-sel0">Menu</span></div>')
    'Title\\n'
    """
    root = parse_html(annotated)
    if root is None:
        return ""
    body_of: dict[etree._Element, bool] = {}
    for element in root.iter():
        parent = element.getparent()
        inherited = body_of.get(parent, False) if parent is not None else False
        match = _L3S_CLASS.search(element.get("class") or "") if element.tag == "span" else None
        body_of[element] = int(match.group(1)) in L3S_BODY_CLASSES if match else inherited
    for element, is_body in body_of.items():
        if not is_body:
            element.text = None
        parent = element.getparent()
        if parent is not None and not body_of[parent]:
            element.tail = None
    return render_tree(root)


def read_l3s(root: Path) -> Iterator[Page]:
    """L3S-GN1: ``html/<id>.html.gz`` and ``gold/<id>.annotated.html.gz``."""
    for path in sorted((root / "html").glob("*.html.gz")):
        page_id = path.name.removesuffix(".html.gz")
        annotated = read_text_file(root / "gold" / f"{page_id}.annotated.html.gz")
        gold = plain_gold(l3s_gold_text(annotated))
        yield _page_with_inferred_url(root.name, page_id, read_text_file(path), gold)


_CASE_NUMBER = re.compile(r"-\d+$")


def read_readability(root: Path) -> Iterator[Page]:
    """Readability test cases: ``<case>/source.html.gz`` and ``expected.html``.

    The site is the metadata URL's host when there is one, else the case
    name without a trailing number (``ars-1`` and ``ars-2`` share a group).
    """
    for case in sorted(p for p in root.iterdir() if (p / "source.html.gz").exists()):
        metadata_path = case / "expected-metadata.json"
        metadata = json.loads(metadata_path.read_text("utf-8")) if metadata_path.exists() else {}
        url = metadata.get("url") or ""
        site = site_of(url) or _CASE_NUMBER.sub("", case.name)
        gold = plain_gold(html_to_text(read_text_file(case / "expected.html")))
        yield Page(root.name, case.name, site, url, read_text_file(case / "source.html.gz"), gold)


def read_trafilatura_eval(root: Path) -> Iterator[Page]:
    """trafilatura-eval: ``evaldata.json`` snippets and ``html/<file>.gz`` pages."""
    evaluation = json.loads((root / "evaldata.json").read_text("utf-8"))
    for url, case in sorted(evaluation.items(), key=lambda item: item[1]["file"]):
        page_id = case["file"].removesuffix(".html")
        html = read_text_file(root / "html" / f"{case['file']}.gz")
        yield Page(
            root.name,
            page_id,
            site_of(url) or "unknown",
            url,
            html,
            None,
            tuple(case.get("with", ())),
            tuple(case.get("without", ())),
        )


def read_written_pages(root: Path) -> Iterator[Page]:
    """Pages written for this project (``training_data/html``, ``tests/data/pages``):
    ``<kind>/<name>.html`` with its gold main content in ``<name>.gold`` and
    its facts (url, kind, title, ...) in ``<name>.json``; the corpus is the kind."""
    for path in sorted(root.glob("*/*.html")):
        facts = json.loads(path.with_suffix(".json").read_text("utf-8"))
        gold = plain_gold(path.with_suffix(".gold").read_text("utf-8"))
        url = facts.get("url") or ""
        kind = path.parent.name
        yield Page(kind, path.stem, site_of(url) or path.stem, url, path.read_text("utf-8"), gold)


#: Corpus readers by folder-name prefix.
READERS: dict[str, Callable[[Path], Iterator[Page]]] = {
    "cleaneval": read_cleaneval,
    "cleanportaleval": read_cleaneval,
    "dragnet": read_dragnet,
    "l3s": read_l3s,
    "readability": read_readability,
    "trafilatura": read_trafilatura_eval,
}


def iter_corpus(path: Path | str) -> Iterator[Page]:
    """Yield the pages of the corpus in folder ``path``, read by its folder name."""
    path = Path(path)
    for prefix, reader in READERS.items():
        if path.name.startswith(prefix):
            return reader(path)
    raise ValueError(f"unknown corpus folder {path.name!r}; known: {', '.join(READERS)}")


# ---------------------------------------------------------------- renderers


def inscriptis_text(html: str | bytes) -> str:
    """Render with inscriptis (a text-mode-browser layout), trailing padding trimmed.

    Unclosed titles are closed first (`close_titles`), as for the lxml
    renderer: otherwise libxml2 hides the whole page inside the title.
    """
    import inscriptis

    text = decode_html(html) if isinstance(html, bytes) else html
    if not text.strip():
        return ""
    try:
        rendered = inscriptis.get_text(close_titles(text))
    except (ValueError, RecursionError):  # pathological markup: fall back to lxml
        return html_to_text(text)
    lines = [line.rstrip() for line in rendered.splitlines()]
    out = [line for i, line in enumerate(lines) if line or (i and lines[i - 1])]
    return "\n".join(out).strip("\n") + "\n" if any(out) else ""


#: Page renderers: stripper's own naive renderer and an independent library.
RENDERERS: dict[str, Callable[[str | bytes], str]] = {
    "lxml": html_to_text,
    "inscriptis": inscriptis_text,
}


# ---------------------------------------------------------------- labelling lines

_WORD = re.compile(r"\w+")
#: A line is body when at least this share of its tokens align to gold ...
BODY_SHARE = 0.5
#: ... and debris when at most this share do; in between it stays unlabelled.
DEBRIS_SHARE = 0.2
#: Matching runs shorter than this many tokens are ignored (chance matches).
MIN_RUN = 3


def tokens(text: str) -> list[str]:
    """Lower-cased ``\\w+`` tokens, the unit of alignment and of the shingle score."""
    return _WORD.findall(text.lower())


def aligned_mask(page_tokens: Sequence[str], gold_tokens: Sequence[str]) -> list[bool]:
    """Which page tokens a monotonic alignment maps onto the gold text.

    The alignment is order-aware: gold is treated as a subsequence of the
    page, so a gold sentence repeated far out of order (a headline in a
    sidebar) is not matched twice. Runs shorter than `MIN_RUN` tokens are
    dropped unless they cover the whole gold text.
    """
    mask = [False] * len(page_tokens)
    matcher = SequenceMatcher(None, page_tokens, gold_tokens, autojunk=False)
    min_run = min(MIN_RUN, len(gold_tokens))
    for start, _, size in matcher.get_matching_blocks():
        if size >= min_run:
            mask[start : start + size] = [True] * size
    return mask


def label_from_share(aligned: int, total: int) -> bool | None:
    """Debris (True), body (False) or None from a line's aligned token count."""
    if total == 0:
        return None
    share = aligned / total
    if share >= BODY_SHARE:
        return False
    if share <= DEBRIS_SHARE:
        return True
    return None


def split_glued(words: Sequence[str], vocabulary: set[str] | frozenset[str]) -> list[str]:
    """Split tokens unknown to ``vocabulary`` that are two known tokens glued together.

    Gold texts often lose the space at a line wrap ("educationinstitutions");
    splitting lets such words align.

    >>> split_glued(["higher", "educationinstitutions"], {"education", "institutions"})
    ['higher', 'education', 'institutions']
    """
    out: list[str] = []
    for word in words:
        if word not in vocabulary and len(word) > 3:
            cut = next(
                (
                    i
                    for i in range(1, len(word))
                    if word[:i] in vocabulary and word[i:] in vocabulary
                ),
                0,
            )
            if cut:
                out += (word[:cut], word[cut:])
                continue
        out.append(word)
    return out


def align_lines(lines: Sequence[str], gold: str) -> list[bool | None]:
    """Label each line True (debris), False (body) or None (undecided or blank).

    A line is body when most of its tokens are aligned to the gold text by
    `aligned_mask`, debris when nearly none are. Lines without a word token
    (blank lines, lone punctuation) get None. Words glued on either side are
    split first (`split_glued`).
    """
    line_tokens = [tokens(line) if not is_blank(line) else [] for line in lines]
    gold_tokens = tokens(gold)
    page_vocabulary = {token for toks in line_tokens for token in toks}
    gold_vocabulary = set(gold_tokens)
    gold_tokens = split_glued(gold_tokens, page_vocabulary)
    line_tokens = [split_glued(toks, gold_vocabulary) for toks in line_tokens]
    mask = aligned_mask([token for toks in line_tokens for token in toks], gold_tokens)
    labels: list[bool | None] = []
    offset = 0
    for toks in line_tokens:
        count = len(toks)
        labels.append(label_from_share(sum(mask[offset : offset + count]), count))
        offset += count
    return labels


def normalise_space(text: str) -> str:
    """Collapse all whitespace runs to one space, as the snippet check does."""
    return " ".join(text.split())


def label_by_snippets(
    lines: Sequence[str], keep: Sequence[str], drop: Sequence[str]
) -> list[bool | None]:
    """Label lines by trafilatura-eval snippets: keep → body, drop → debris, else None.

    A line containing both kinds of snippet stays unlabelled.

    >>> label_by_snippets(["Impressum", "Die  GEMA dreht", "x"], ["GEMA dreht"], ["Impressum"])
    [True, False, None]
    """
    keep = [normalise_space(s) for s in keep if s.strip()]
    drop = [normalise_space(s) for s in drop if s.strip()]
    labels: list[bool | None] = []
    for line in lines:
        text = normalise_space(line)
        kept = any(s in text for s in keep)
        dropped = any(s in text for s in drop)
        labels.append(None if kept == dropped else dropped)
    return labels


def snippet_accuracy(output: str, keep: Sequence[str], drop: Sequence[str]) -> tuple[int, int]:
    """(correct, total) snippet decisions of an output, scored as trafilatura-eval does.

    A keep snippet is correct when it is a substring of the whitespace-
    normalised output, a drop snippet when it is not.
    """
    text = normalise_space(output)
    correct = sum(normalise_space(s) in text for s in keep)
    correct += sum(normalise_space(s) not in text for s in drop)
    return correct, len(keep) + len(drop)


#: Corpora whose gold keeps reader comments as article text, by convention.
COMMENT_KEEPERS = ("cleaneval",)


def label_page(page: Page, text: str) -> list[bool | None]:
    """Label the lines of ``text`` (a rendering of ``page``) by its gold or snippets.

    Reader comments are debris for stripper, as in the HTML mode, so where a
    corpus's gold keeps them by convention (`COMMENT_KEEPERS`), the lines the
    DOM places only in a comment thread after the main text
    (`stripper.features.dom.thread_lines`), and every line from a thread opener that
    has most of the body above it ("12 Comments", "Leave a Reply"), are
    labelled debris instead. Lines the snippets say nothing of stay
    unlabelled, comments too: the DOM's threads labelled debris won 0.015 on
    Dragnet but cost 0.02 on trafilatura-eval, whose first-person blog posts
    the text model then took for comments; every line after an opener
    labelled debris cost 0.008 on Dragnet.
    """
    lines = text.split("\n")
    if page.gold is None:
        return label_by_snippets(lines, page.keep_snippets, page.drop_snippets)
    labels = align_lines(lines, page.gold)
    if not page.corpus.startswith(COMMENT_KEEPERS):
        return labels
    thread = thread_lines(page_blocks(page.html))
    labels = [True if " ".join(t.split()) in thread else v for t, v in zip(lines, labels)]
    return _debris_after_thread_opener(lines, labels)


def _debris_after_thread_opener(
    lines: Sequence[str], labels: Sequence[bool | None]
) -> list[bool | None]:
    """Label debris every body line from the first comment-thread opener
    ("12 Comments", "Leave a Reply") that has most of the body above it."""
    features = featurize([list(lines)], frozenset(), Config())
    openers = set(features.line_numbers[0][features.opener].tolist())
    words = [len(_WORD.findall(t)) if label is False else 0 for t, label in zip(lines, labels)]
    seen, body = 0, sum(words)
    for i, w in enumerate(words):
        if i in openers and seen * 2 >= body > 0:
            return [*labels[:i], *(True if v is False else v for v in labels[i:])]
        seen += w
    return list(labels)
