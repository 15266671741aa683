"""stripper: remove boilerplate and spam lines from scraped articles.

>>> import stripper
>>> page = (
...     "Skip to main content\\nHome\\nNews\\n\\n"
...     "The council approved the new bridge on Tuesday after a long debate.\\n\\n"
...     "Construction will start next spring and last three years, officials said.\\n\\n"
...     "Share on Facebook\\n0 comments\\n"
... )
>>> print(stripper.clean(page))
The council approved the new bridge on Tuesday after a long debate.
<BLANKLINE>
Construction will start next spring and last three years, officials said.
<BLANKLINE>

Names are imported when first used, so ``import stripper`` costs nothing:
cleaning needs numpy and lxml, training also scikit-learn.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

__version__ = "1.1.0"

#: Each public name, and the module that defines it.
_HOMES = {
    "Article": "api",
    "Cleaned": "api",
    "LineVerdict": "api",
    "Stripper": "api",
    "clean": "api",
    "clean_html": "api",
    "extract_html": "api",
    "Config": "config",
    "HtmlConfig": "config",
    "ModelError": "models.files",
    "load_model": "models.files",
    "load_html_model": "models.files",
    "LineScorer": "models.scorers",
    "HtmlScorer": "models.scorers",
    "LineModel": "models.line",
    "HtmlModel": "models.html",
}
__all__ = [
    "Article", "Cleaned", "Config", "HtmlConfig", "HtmlModel", "HtmlScorer", "LineModel",
    "LineScorer", "LineVerdict", "ModelError", "Stripper", "clean", "clean_html",
    "extract_html", "load_html_model", "load_model",
]  # fmt: skip


def __getattr__(name: str):
    if name not in _HOMES:
        raise AttributeError(f"module 'stripper' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_HOMES[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOMES})


if TYPE_CHECKING:  # for type checkers and editors; never run
    from .api import Article, Cleaned, LineVerdict, Stripper, clean, clean_html, extract_html
    from .config import Config, HtmlConfig
    from .models.files import ModelError, load_html_model, load_model
    from .models.html import HtmlModel
    from .models.line import LineModel
    from .models.scorers import HtmlScorer, LineScorer
