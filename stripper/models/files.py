"""Model files and their cards: one writer, one loader, one error.

A model is saved as ``NAME.joblib`` with a JSON card ``NAME.json`` beside
it: what it was trained on, its scores, the library versions and the
command that rebuilds it. The shipped models are ``stripper/data/model.*``
(text) and ``stripper/data/html_model.*`` (HTML).
"""

from __future__ import annotations

import functools
import json
import platform
import warnings
from dataclasses import asdict
from pathlib import Path
from typing import TypeVar

import joblib
import numpy as np
import sklearn
from sklearn.exceptions import InconsistentVersionWarning

from .html import FEATURE_NAMES as HTML_FEATURES
from .html import HtmlModel
from .line import FEATURE_NAMES as LINE_FEATURES
from .line import LineModel

DATA = Path(__file__).resolve().parent.parent / "data"
#: The shipped models, by kind.
SHIPPED = {"text": DATA / "model.joblib", "html": DATA / "html_model.joblib"}

Model = TypeVar("Model", LineModel, HtmlModel)
_KINDS: dict[type, tuple[str, tuple[str, ...]]] = {
    LineModel: ("text", LINE_FEATURES),
    HtmlModel: ("html", HTML_FEATURES),
}


class ModelError(Exception):
    """A model file cannot be used; the message says why and what to do."""


def library_versions() -> dict[str, str]:
    """Versions that must match for a saved model to load."""
    return {
        "python": platform.python_version(),
        "scikit-learn": sklearn.__version__,
        "numpy": np.__version__,
    }


def card_path(model_path: Path | str) -> Path:
    """The JSON model card that sits beside a model file."""
    return Path(model_path).with_suffix(".json")


def read_card(path: Path | str) -> dict:
    """The card beside a model file, or {} if there is none."""
    card = card_path(path)
    return json.loads(card.read_text(encoding="utf-8")) if card.exists() else {}


def write_card(path: Path | str, card: dict) -> None:
    """Write a model's card beside it."""
    text = json.dumps(card, indent=2, ensure_ascii=False) + "\n"
    card_path(path).write_text(text, encoding="utf-8")


def save_model(model: LineModel | HtmlModel, path: Path | str, card: dict) -> None:
    """Write ``model`` and its card (``card`` plus versions and settings)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, path, compress=3)
    kind, _ = _KINDS[type(model)]
    settings = asdict(model.settings)
    write_card(path, {**card, "kind": kind, "versions": library_versions(), "config": settings})


def load_model(path: Path | str | None = None) -> LineModel:
    """Load a text (line) model saved by `save_model` (default: the shipped one)."""
    return _load(Path(path) if path else SHIPPED["text"], LineModel)


def load_html_model(path: Path | str | None = None) -> HtmlModel:
    """Load an HTML model saved by `save_model` (default: the shipped one)."""
    return _load(Path(path) if path else SHIPPED["html"], HtmlModel)


def _load(path: Path, cls: type[Model]) -> Model:
    """The model in ``path``, read once per process while the file is unchanged."""
    try:
        info = path.stat()
    except OSError:
        raise ModelError(f"no model at {path}; train one with `python -m stripper train`") from None
    return _read(path.resolve(), info.st_size, info.st_mtime_ns, cls)


@functools.lru_cache(maxsize=8)
def _read(path: Path, size: int, mtime: int, cls: type[Model]) -> Model:
    kind, features = _KINDS[cls]
    trained_with = read_card(path).get("versions", {}).get("scikit-learn")
    if trained_with and trained_with != sklearn.__version__:
        raise ModelError(_version_message(path, trained_with))
    with warnings.catch_warnings():
        warnings.simplefilter("error", InconsistentVersionWarning)
        try:
            model = joblib.load(path)
        except InconsistentVersionWarning as warning:
            raise ModelError(_version_message(path, warning.original_sklearn_version)) from None
    if not isinstance(model, cls):
        raise ModelError(f"{path} does not hold a stripper {kind} model ({cls.__name__})")
    if tuple(getattr(model, "feature_names_", ())) != features:
        raise ModelError(
            f"{path} was trained on another set of features (an older stripper); "
            "rebuild it with the command in its model card"
        )
    return model


def _version_message(path: Path, trained_with: str) -> str:
    return (
        f"{path} was trained with scikit-learn {trained_with}, but {sklearn.__version__} is "
        "installed; rebuild it with the command in its model card or install the matching "
        "scikit-learn"
    )
