"""stripper: remove boilerplate and spam lines from scraped articles.

>>> import stripper
>>> stripper.clean("Skip to main content\\nThe council approved the new bridge on Tuesday after a long debate.\\n")
'The council approved the new bridge on Tuesday after a long debate.\\n'
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
