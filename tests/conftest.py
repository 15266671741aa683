"""Fixtures shared by the test files: ``run`` runs the command line in-process
(defined with its helpers in ``test_cli``); for the record-file and engine
tests, generated documents and one local Ray cluster for the whole session."""

from __future__ import annotations

import html
import os
import random

import pytest
from test_cli import run  # noqa: F401 - a fixture, found by pytest under this name

#: Article paragraphs a page is built from.
PARAGRAPHS = (
    "The council approved the new bridge on Tuesday after a debate that lasted most of the evening.",
    "Construction will start next spring and should last three years, officials said at the meeting.",
    "Residents on both banks have waited decades for a crossing that does not close in a flood.",
    "The old ferry will keep running until the bridge opens, at the same fares as this year.",
    "Engineers surveyed the riverbed in March and found the clay firm enough for the piers.",
    "A cycle lane on each side was added to the plans after a petition signed by two thousand people.",
    "The cost, shared between the region and the town, is put at forty-one million euros.",
    "Shops near the landing stage fear the loss of the ferry's passengers once the bridge is built.",
)
#: Lines of boilerplate around the article.
DEBRIS = ("Skip to main content", "Home", "News", "Sport", "Share on Facebook", "0 comments",
          "Subscribe to our newsletter", "© 2024 Example Media")  # fmt: skip


def make_document(i: int, rng: random.Random) -> dict:
    """One document as a scraper stores it: id, url, the scraped text with
    debris around the article, and the page it came from."""
    body = rng.sample(PARAGRAPHS, rng.randint(3, 6))
    title = f"Bridge vote number {i}"
    text = "\n".join([*DEBRIS[:4], "", title, "", *body, "", *DEBRIS[4:]]) + "\n"
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in body)
    links = "".join(f"<li><a href='/{n}'>{html.escape(d)}</a></li>" for n, d in enumerate(DEBRIS))
    page = (
        f"<!DOCTYPE html><html><head><title>{title}</title></head><body>"
        f"<nav><ul>{links}</ul></nav><article><h1>{title}</h1>{paragraphs}</article>"
        "<footer><p>© 2024 Example Media</p><a href='/privacy'>Privacy</a></footer></body></html>"
    )
    return {"id": f"doc-{i:05d}", "url": f"https://news.example/{i}", "text": text, "html": page}


@pytest.fixture(scope="session")
def documents() -> list[dict]:
    """2,000 generated documents (seeded: the same every run)."""
    rng = random.Random(15)
    return [make_document(i, rng) for i in range(2000)]


@pytest.fixture(scope="session")
def ray_cluster():
    """One local Ray cluster for every test that needs one (starting one takes ~5 s)."""
    ray = pytest.importorskip("ray", reason='Ray tests need pip install "stripper[ray]"')
    pytest.importorskip("ray.data", reason='Ray tests need pip install "stripper[ray]"')
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # no reports sent anywhere
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,  # actors' output stays in Ray's session logs
        configure_logging=False,  # leave pytest's logging alone
    )
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    context.execution_options.preserve_order = True  # Ray Data reorders blocks by default
    try:
        yield ray
    finally:
        ray.shutdown()  # a cluster left running outlives pytest as orphan processes
