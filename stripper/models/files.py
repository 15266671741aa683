"""Model files: plain arrays and JSON, loaded without running any code.

A model file (``NAME.npz``) is a zip of numpy arrays — each stage's
(`stripper.models.predictors`), the stopwords — and one JSON text, its
``meta``: the file format, the kind of model (text or HTML), the features
it was built on, its settings and threshold. It is read with
``allow_pickle=False``, so a file shared between people can hold data
only, never code; a file that is not a stripper model, or is truncated or
tampered with, is refused with a `ModelError` that says what is wrong in
one line. The shipped models are pinned by their SHA-256 (``SHA256SUMS``
beside them). A JSON card (``NAME.json``) beside a model tells what it was
trained on, how well it scores and how to rebuild it.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import platform
import zipfile
from dataclasses import asdict, fields
from pathlib import Path

import numpy as np

from ..config import Config, HtmlConfig
from .outlet import FEATURES as OUTLET_FEATURES
from .outlet import OutletScorer
from .predictors import Forest, Linear
from .scorers import HTML_FEATURES, LINE_FEATURES, HtmlScorer, LineScorer

DATA = Path(__file__).resolve().parent.parent / "data"
#: The shipped models, by kind.
SHIPPED = {"text": DATA / "model.npz", "html": DATA / "html_model.npz"}
#: The SHA-256 of each shipped model file, by name.
PINS = DATA / "SHA256SUMS"
#: The version of the file layout; a file of another is refused.
FORMAT = "stripper-model/2"

Scorer = LineScorer | HtmlScorer
#: Per kind: the scorer class, its settings class, its features and its stages.
_KINDS = {
    "text": (LineScorer, Config, LINE_FEATURES, ("lexical", "line", "sequence")),
    "html": (HtmlScorer, HtmlConfig, HTML_FEATURES, ("lexical", "block", "context")),
}


class ModelError(Exception):
    """A model file cannot be used; the message says why and what to do."""


def library_versions() -> dict[str, str]:
    """The versions a model was trained with, for its card."""
    import sklearn

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


def kind_of(model: Scorer) -> str:
    """ "text" or "html"."""
    return "html" if isinstance(model, HtmlScorer) else "text"


def save_model(model: Scorer, path: Path | str, card: dict) -> None:
    """Write a fitted model (its arrays and meta) and its card."""
    path = Path(path)
    if path.suffix != ".npz":
        raise ValueError(f"a model file is named *.npz, not {path.name}")
    kind = kind_of(model)
    meta = {
        "format": FORMAT,
        "kind": kind,
        "feature_names": list(model.feature_names_),
        "config": asdict(model.settings),
        "threshold": model.threshold_,
    }
    stages = _KINDS[kind][3]
    arrays = {}
    if isinstance(model, OutletScorer):
        meta["outlet"] = {"name": model.outlet, "hosts": list(model.hosts)}
        meta["outlet"]["base_sha256"] = model.base_sha256
        meta["outlet"]["features"] = OUTLET_FEATURES
        stages = (*stages, "outlet")
        arrays["templates"] = model.templates_
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    arrays["stopwords"] = np.array(sorted(model.stopwords_), dtype=str)
    for stage in stages:
        predictor = getattr(model, f"{stage}_")
        if predictor is not None:
            arrays.update({f"{stage}.{k}": v for k, v in predictor.arrays().items()})
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, **arrays)
    write_card(
        path, {**card, "kind": kind, "versions": library_versions(), "config": meta["config"]}
    )


def load_model(path: Path | str | None = None) -> LineScorer:
    """The text (line) model in ``path`` (default: the shipped one)."""
    return _load(Path(path) if path else SHIPPED["text"], "text")


def load_html_model(path: Path | str | None = None) -> HtmlScorer:
    """The HTML model in ``path`` (default: the shipped one)."""
    return _load(Path(path) if path else SHIPPED["html"], "html")


def _load(path: Path, kind: str):
    """The model in ``path``, read once per process while the file is unchanged."""
    try:
        info = path.stat()
    except OSError:
        raise ModelError(f"no model at {path}; train one with `python -m stripper train`") from None
    return _read(path.resolve(), info.st_size, info.st_mtime_ns, kind)


@functools.lru_cache(maxsize=8)
def _read(path: Path, size: int, mtime: int, kind: str) -> Scorer:
    data = path.read_bytes()
    _check_pin(path, data)
    if not data.startswith(b"PK"):
        raise ModelError(_not_a_model(path, data))
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
            return _build(arrays, kind, path)
    except ModelError:
        raise
    except (ValueError, KeyError, OSError, EOFError, zipfile.BadZipFile, json.JSONDecodeError) as e:
        raise ModelError(
            f"{path} is not a usable stripper model (broken or truncated: {e})"
        ) from None


def _build(arrays, kind: str, path: Path) -> Scorer:
    """A scorer from a model file's arrays, every part checked."""
    meta = json.loads(arrays["meta"].tobytes().decode("utf-8"))
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ModelError(
            f"{path} is not a stripper model of this version (format {meta.get('format')!r})"
        )
    if meta.get("kind") != kind:
        raise ModelError(f"{path} is a {meta.get('kind')} model, not a {kind} model")
    cls, settings, features, stages = _KINDS[kind]
    outlet = meta.get("outlet")
    if outlet is not None:
        cls, stages = OutletScorer, (*stages, "outlet")
        if outlet.get("features") != OUTLET_FEATURES:
            raise ModelError(
                f"{path} was adapted by another stripper version (its outlet stage reads "
                "other features); adapt it again from its labelled pages"
            )
    if tuple(meta.get("feature_names", ())) != features:
        raise ModelError(
            f"{path} was trained on another set of features (another stripper version); "
            "rebuild it with the command in its model card"
        )
    model = cls(_settings(settings, meta.get("config", {}), path))
    model.feature_names_ = features
    model.threshold_ = float(meta["threshold"])
    model.stopwords_ = frozenset(arrays["stopwords"].tolist())
    for stage in stages:
        part = {k.split(".", 1)[1]: arrays[k] for k in arrays.files if k.startswith(f"{stage}.")}
        predictor = None
        if part:
            predictor = (Linear if stage in ("lexical", "outlet") else Forest).from_arrays(part)
        elif stage not in ("lexical", "outlet") or (stage == "lexical" and kind == "text"):
            raise ModelError(f"{path} lacks its {stage} stage (broken or truncated)")
        setattr(model, f"{stage}_", predictor)
    if outlet is not None:
        model.outlet, model.hosts = str(outlet["name"]), tuple(outlet["hosts"])
        model.base_sha256 = str(outlet["base_sha256"])
        model.templates_ = np.asarray(arrays["templates"], dtype=np.uint64)
    return model


def _settings(cls: type, values: dict, path: Path):
    """The settings a model was trained with; unknown ones mean a newer stripper."""
    known = {f.name: f for f in fields(cls)}
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise ModelError(f"{path} was made by a newer stripper (unknown settings {unknown})")
    typed = {k: tuple(v) if isinstance(v, list) else v for k, v in values.items()}
    return cls(**typed)


def _check_pin(path: Path, data: bytes) -> None:
    """A shipped model must be the very file its pin names."""
    if path.parent != DATA.resolve() or not PINS.exists():
        return
    pins = dict(line.split()[::-1] for line in PINS.read_text().splitlines() if line.strip())
    expected = pins.get(path.name)
    if expected is not None and hashlib.sha256(data).hexdigest() != expected:
        raise ModelError(
            f"{path} is not the model this stripper shipped with (its SHA-256 differs: "
            "truncated or changed); reinstall stripper"
        )


def pin_shipped() -> None:
    """Write the SHA-256 of every shipped model file (after retraining one)."""
    lines = [
        f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.name}"
        for path in sorted(SHIPPED.values())
        if path.exists()
    ]
    PINS.write_text("\n".join(lines) + "\n")


def _not_a_model(path: Path, data: bytes) -> str:
    """Why a file that is no zip of arrays is refused."""
    if data[:1] == b"\x80" or path.suffix in (".joblib", ".pkl", ".pickle"):
        return (
            f"{path} is a pickled model (stripper 1.0), which can run code when loaded and is "
            "refused; stripper 1.0 models were built on other features, so retrain with the "
            "command in its card (python -m stripper train ... --out NAME.npz)"
        )
    return f"{path} is not a stripper model file (a .npz of arrays)"
