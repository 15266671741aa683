"""The package reads in the order data flows: no module imports one further down the path."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "stripper"
#: The data path: input (text, HTML) → features → models → the API → training
#: and the command line → engines. A module may import its own layer and the
#: ones before it.
LAYERS = ("config", "text", "html", "features", "models", "api", "training", "cli", "integrations")
#: Modules outside the path: the public API re-exports, ``python -m`` runs the CLI.
ENTRY_POINTS = {"__init__", "__main__"}


def layer_of(parts: tuple[str, ...]) -> int:
    return LAYERS.index(parts[0].removesuffix(".py"))


def imported(path: Path) -> list[tuple[str, ...]]:
    """The stripper modules ``path`` imports, as package paths (``("models", "line")``)."""
    here = path.relative_to(PACKAGE).parent.parts
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - node.level + 1]
                target = (*base, *(node.module or "").split(".")) if node.module else base
            elif (node.module or "").startswith("stripper."):
                target = tuple(node.module.split(".")[1:])
            else:
                continue
            found.append(target or ("__init__",))  # `from .. import x`: the package itself
        elif isinstance(node, ast.Import):
            found += [
                tuple(a.name.split(".")[1:]) for a in node.names if a.name.startswith("stripper.")
            ]
    return [parts for parts in found if parts and parts[0] not in ENTRY_POINTS]


MODULES = sorted(
    p for p in PACKAGE.rglob("*.py") if p.relative_to(PACKAGE).parts[0].removesuffix(".py")
    not in ENTRY_POINTS
)  # fmt: skip


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_imports_one_further_down_the_data_path(path: Path) -> None:
    own = layer_of(path.relative_to(PACKAGE).parts)
    later = [".".join(parts) for parts in imported(path) if layer_of(parts) > own]
    assert later == [], f"{path.name} ({LAYERS[own]}) imports {later}"


def test_every_module_belongs_to_a_layer() -> None:
    for path in MODULES:
        assert path.relative_to(PACKAGE).parts[0].removesuffix(".py") in LAYERS, path
