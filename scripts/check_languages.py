"""How the text model does on article pages in languages and scripts beyond en/de/fr/es.

Reads the hand-written, labelled check pages in ``tests/data/languages/<lang>/``
(never trained on) and prints, per language: documents, body recall (share
of body lines kept), debris recall (share of debris lines removed), shingle
F1 of the kept text against the labelled body, and how many articles came
out empty.

    python scripts/check_languages.py
    python scripts/check_languages.py --model my-model.npz
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

from stripper import Stripper
from stripper.text.lines import join_kept
from stripper.training.labels import iter_labelled
from stripper.training.scoring import shingle_scores

CHECKS = Path(__file__).resolve().parents[1] / "tests" / "data" / "languages"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, help="a text model (default: the shipped one)")
    parser.add_argument("--checks", type=Path, default=CHECKS)
    args = parser.parse_args()
    stripper = Stripper(model=args.model)
    rows: dict[str, dict] = defaultdict(lambda: defaultdict(list))
    for language in sorted(p.name for p in args.checks.iterdir() if p.is_dir()):
        for doc in iter_labelled([args.checks / language]):
            kept = [False] * len(doc.lines)
            for verdict in stripper.classify(doc.text):
                kept[verdict.number] |= not verdict.is_debris
            row = rows[language]
            row["body"] += [k for k, label in zip(kept, doc.labels) if label is False]
            row["debris"] += [not k for k, label in zip(kept, doc.labels) if label is True]
            row["outputs"].append(join_kept(doc.lines, kept))
            row["golds"].append(join_kept(doc.lines, [label is False for label in doc.labels]))
            row["empty"].append(
                not any(k for k, label in zip(kept, doc.labels) if label is not None)
            )
    print("| language | documents | body recall | debris recall | shingle F1 | emptied |")
    print("|---|---|---|---|---|---|")
    total = defaultdict(list)
    for language, row in rows.items():
        for key, values in row.items():
            total[key] += values
        print(line(language, row))
    print(line("all", total))
    return 0


def line(name: str, row: dict) -> str:
    f1 = shingle_scores(row["outputs"], row["golds"]).f1
    body, debris = row["body"], row["debris"]
    return (
        f"| {name} | {len(row['outputs'])} | {sum(body) / max(len(body), 1):.3f} "
        f"| {sum(debris) / max(len(debris), 1):.3f} | {f1:.3f} | {sum(row['empty'])} |"
    )


if __name__ == "__main__":
    sys.exit(main())
