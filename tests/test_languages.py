"""Articles in 18 languages and scripts beyond en/de/fr/es come out with their body.

The pages in ``tests/data/languages`` were written for this check and are
never trained on (``scripts/check_languages.py`` prints the per-language
table of body and debris recall).
"""

from pathlib import Path

import pytest

from stripper import Stripper
from stripper.training.labels import iter_labelled

CHECKS = Path(__file__).resolve().parent / "data" / "languages"
DOCUMENTS = list(iter_labelled([CHECKS]))


@pytest.fixture(scope="module")
def stripper() -> Stripper:
    return Stripper()


def test_the_check_covers_at_least_twelve_languages_beyond_the_trained_four():
    languages = {path.name for path in CHECKS.iterdir() if path.is_dir()}
    assert len(languages - {"en", "de", "fr", "es"}) >= 12
    assert {"pt", "it", "nl", "pl", "ru", "tr", "ar", "hi", "zh", "ja", "ko"} <= languages


@pytest.mark.parametrize("doc", DOCUMENTS, ids=lambda d: d.name)
def test_no_article_comes_out_empty_in_any_language(stripper, doc):
    body = [line for line, label in zip(doc.lines, doc.labels) if label is False]
    out = stripper.clean(doc.text)
    kept = [line for line in body if line in out]
    assert kept, f"every body line of {doc.name} was removed"
