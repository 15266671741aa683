"""Adapting to an outlet the model handles badly, from k labelled pages.

For each outlet (by default Slashdot and the Wall Street Journal pages of
Dragnet, which the shipped model never trained on), its pages in the
labelled corpus cache are split: the first half is the pool a user labels
from (the aligner's labels stand in for a careful person), the second half
is held out. For each k, pages are taken from the pool at random (several
draws) or picked by `stripper.training.adapt.pick_pages`, the model is
adapted (`stripper.training.adapt.adapt`), and the held-out pages are
cleaned by it and by the base model: shingle F1 against the gold text, and
the seconds ``adapt`` took. The adapted model scores no other page
differently; that is checked on the outlet's other corpora pages here.

    python scripts/benchmark_adapt.py
    python scripts/benchmark_adapt.py --outlets slashdot.org --ks 2,5 --draws 5
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

import numpy as np

from stripper import Stripper
from stripper.training.adapt import adapt, pick_pages
from stripper.training.measure import DEFAULT_CACHE, read_cache, score

CORPUS = "dragnet"


def outlet_pages(cache: Path, site: str, renderer: str):
    """The outlet's labelled documents and references, in cache order."""
    cached = read_cache(cache, CORPUS, [renderer])
    pairs = [
        (doc, ref)
        for doc, ref in zip(cached.documents[renderer], cached.references)
        if doc.group == site
    ]
    return pairs, cached


def held_out_f1(stripper: Stripper, pairs, site: str | None) -> float:
    outputs = [stripper.clean("\n".join(doc.lines), site) for doc, _ in pairs]
    return score(outputs, [ref for _, ref in pairs]).f1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--outlets", default="slashdot.org,wsj.com")
    parser.add_argument("--ks", default="2,5")
    parser.add_argument("--draws", type=int, default=3, help="random draws per k")
    parser.add_argument("--renderer", default="lxml")
    args = parser.parse_args()
    base = Stripper()
    print("| outlet | k | pages | held out | base F1 | random F1 (draws) | picked F1 | adapt s |")
    print("|---|---|---|---|---|---|---|---|")
    for site in args.outlets.split(","):
        pairs, cached = outlet_pages(args.cache, site, args.renderer)
        pool, held = pairs[: len(pairs) // 2], pairs[len(pairs) // 2 :]
        base_f1 = held_out_f1(base, held, None)
        others = [
            (doc, ref)
            for doc, ref in zip(cached.documents[args.renderer], cached.references)
            if doc.group != site
        ][:200]
        for k in (int(x) for x in args.ks.split(",")):
            randoms, seconds = [], []
            for draw in range(args.draws):
                chosen = random.Random(draw).sample([doc for doc, _ in pool], min(k, len(pool)))
                started = time.perf_counter()
                model, _ = adapt(chosen, hosts=[site])
                seconds.append(time.perf_counter() - started)
                randoms.append(held_out_f1(Stripper(model=model), held, site))
            picked = pick_pages(base.model, [doc for doc, _ in pool], k)
            model, _ = adapt(picked, hosts=[site])
            adapted = Stripper(model=model)
            picked_f1 = held_out_f1(adapted, held, site)
            same = all(
                adapted.clean("\n".join(d.lines), d.group) == base.clean("\n".join(d.lines))
                for d, _ in others
            )
            print(
                f"| {site} | {k} | {len(pool)} | {len(held)} | {base_f1:.3f} | "
                f"{np.mean(randoms):.3f} ({', '.join(f'{f:.2f}' for f in randoms)}) | "
                f"{picked_f1:.3f} | {np.median(seconds):.1f} |"
                + ("" if same else "  OTHER SITES CHANGED")
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
