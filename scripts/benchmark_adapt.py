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
differently; that is checked on the corpus's other pages here.

The last rows do the same for every other outlet of Dragnet with at least
``--others`` pages (random draws only), and give the mean: the design of the
outlet stage is chosen on those, not on the two outlets above.

    python scripts/benchmark_adapt.py
    python scripts/benchmark_adapt.py --outlets slashdot.org --ks 2,5 --draws 5 --others 0
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

from stripper import Stripper
from stripper.training.adapt import adapt, pick_pages
from stripper.training.measure import DEFAULT_CACHE, read_cache, score

CORPUS = "dragnet"


def outlet_pages(cached, site: str, renderer: str):
    """The outlet's labelled documents and references, in cache order."""
    return [
        (doc, ref)
        for doc, ref in zip(cached.documents[renderer], cached.references)
        if doc.group == site
    ]


def held_out_f1(stripper: Stripper, pairs, site: str | None) -> float:
    outputs = [stripper.clean("\n".join(doc.lines), site) for doc, _ in pairs]
    return score(outputs, [ref for _, ref in pairs]).f1


def random_draws(pool, held, site: str, k: int, draws: int) -> tuple[list[float], list[float]]:
    """Held-out F1 and adapt seconds of models adapted from ``draws`` random
    draws of ``k`` pages of the pool."""
    scores, seconds = [], []
    for draw in range(draws):
        chosen = random.Random(draw).sample([doc for doc, _ in pool], min(k, len(pool)))
        started = time.perf_counter()
        model, _ = adapt(chosen, hosts=[site])
        seconds.append(time.perf_counter() - started)
        scores.append(held_out_f1(Stripper(model=model), held, site))
    return scores, seconds


def halves(pairs):
    """The pool a user labels from, and the pages held out."""
    return pairs[: len(pairs) // 2], pairs[len(pairs) // 2 :]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--outlets", default="slashdot.org,wsj.com")
    parser.add_argument("--ks", default="2,5")
    parser.add_argument("--draws", type=int, default=10, help="random draws per k")
    parser.add_argument("--renderer", default="lxml")
    parser.add_argument(
        "--others",
        type=int,
        default=8,
        help="also adapt to every other outlet with at least this many pages (0: none)",
    )
    args = parser.parse_args()
    base = Stripper()
    cached = read_cache(args.cache, CORPUS, [args.renderer])
    ks = [int(x) for x in args.ks.split(",")]
    targets = args.outlets.split(",")
    print("| outlet | k | pages | held out | base F1 | random F1 (draws) | picked F1 | adapt s |")
    print("|---|---|---|---|---|---|---|---|")
    for site in targets:
        pairs = outlet_pages(cached, site, args.renderer)
        pool, held = halves(pairs)
        base_f1 = held_out_f1(base, held, None)
        others = [
            (doc, ref)
            for doc, ref in zip(cached.documents[args.renderer], cached.references)
            if doc.group != site
        ][:200]
        for k in ks:
            randoms, seconds = random_draws(pool, held, site, k, args.draws)
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
    if args.others:
        other_outlets(cached, args, set(targets), base, ks)
    return 0


def other_outlets(cached, args, targets: set[str], base: Stripper, ks: list[int]) -> None:
    """Per other outlet of the corpus, base and adapted held-out F1 (k pages at
    random, mean of the draws, and k pages picked); then the mean."""
    sizes = Counter(doc.group for doc in cached.documents[args.renderer])
    sites = sorted(s for s, n in sizes.items() if n >= args.others and s not in targets)
    sites = [s for s in sites if s != "unknown"]  # pages whose outlet the corpus does not say
    print(f"\nother outlets of {CORPUS} with >= {args.others} pages\n")
    columns = [f"{how} k={k}" for k in ks for how in ("random", "picked")]
    print("| outlet | pages | base F1 | " + " | ".join(columns) + " |")
    print("|---|---|---|" + "---|" * len(columns))
    rows = []
    for site in sites:
        pool, held = halves(outlet_pages(cached, site, args.renderer))
        row = [held_out_f1(base, held, None)]
        for k in ks:
            row.append(np.mean(random_draws(pool, held, site, k, args.draws)[0]))
            model, _ = adapt(pick_pages(base.model, [doc for doc, _ in pool], k), hosts=[site])
            row.append(held_out_f1(Stripper(model=model), held, site))
        rows.append(row)
        print(f"| {site} | {sizes[site]} | " + " | ".join(f"{x:.3f}" for x in row) + " |")
    mean = np.mean(rows, axis=0)
    print(f"| **mean of {len(sites)}** | | " + " | ".join(f"{x:.3f}" for x in mean) + " |")


if __name__ == "__main__":
    sys.exit(main())
