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

from .api import Cleaned, LineVerdict, Stripper, clean, clean_html
from .config import Config, HtmlConfig
from .models.files import ModelError, load_html_model, load_model
from .models.html import HtmlModel
from .models.line import LineModel

__version__ = "1.0.0"

__all__ = [
    "Cleaned",
    "Config",
    "HtmlConfig",
    "HtmlModel",
    "LineModel",
    "LineVerdict",
    "ModelError",
    "Stripper",
    "clean",
    "clean_html",
    "load_html_model",
    "load_model",
]
