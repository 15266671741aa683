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
"""

from .cleaner import Cleaned, LineVerdict, Stripper, clean, clean_html
from .config import Config
from .model import LineModel, load_model

__version__ = "1.0.0"

__all__ = [
    "Cleaned",
    "Config",
    "LineModel",
    "LineVerdict",
    "Stripper",
    "clean",
    "clean_html",
    "load_model",
]
