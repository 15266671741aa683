"""What learning a site's template from the batch does: each page alone, and
with the other pages of its site counted first (`Stripper.learn`).

Two measures, both printed as tables:

* **Corpus sites.** The pages of every site with at least ``--min-pages``
  pages in a corpus (the site from the page's URL; pages of no known site
  are left out), cleaned by the shipped models alone and after the site's
  pages were learnt, as ``clean`` does with a folder or a crawl. Text mode
  on the corpus cache's lxml rendering, HTML mode on the pages. Shingle
  precision, recall and F1 per corpus. Dragnet and L3S-GN1 were never
  trained on; the other corpora were (the shipped models saw half their
  pages with their site's evidence), so their rows are marked.
* **Generated outlets.** ``--outlets`` batches of ``--pages`` pages of one
  made-up outlet each: a template (menu, share row, "Popular posts" and
  teasers that change from page to page, comment prompt, footer) around
  articles of body lines from ``training_data/``, with two lines every
  article of the outlet repeats *inside* its text (a standfirst under the
  headline and a legal notice amid the paragraphs), which must survive.
  Body and debris line recall, and the share of those repeated lines kept.

    python scripts/benchmark_templates.py
    python scripts/benchmark_templates.py --corpora dragnet --modes text
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

from stripper import Stripper
from stripper.training.corpora import DEFAULT_DATASETS, MEASURE_ONLY, iter_corpus
from stripper.training.fit import DEFAULT_DATA
from stripper.training.labels import iter_labelled
from stripper.training.measure import DEFAULT_CACHE, page_reference, read_cache, score

CORPORA = "cleaneval-final,cleanportaleval,readability,trafilatura-eval,dragnet,l3s-gn1"
NO_SITE = ("", "unknown")


def site_groups(sites: list[str], min_pages: int) -> list[int]:
    """The indexes of the pages whose site has at least ``min_pages`` pages."""
    count: dict[str, int] = defaultdict(int)
    for site in sites:
        count[site] += 1
    return [i for i, s in enumerate(sites) if s not in NO_SITE and count[s] >= min_pages]


def alone_and_taught(
    documents: list, sites: list[str], html: bool, model: Path | None = None
) -> tuple[list, list]:
    """Each document's text cleaned alone, and with its site's pages learnt first."""
    alone, learner = Stripper(model=model), Stripper(model=model)
    for document, site in zip(documents, sites):
        learner.learn(document, site, html=html)
    if html:
        return (
            [alone.clean_html(page) for page in documents],
            [learner.clean_html_document(page, site).text for page, site in zip(documents, sites)],
        )
    return (
        [alone.clean(text) for text in documents],
        [learner.clean(text, site) for text, site in zip(documents, sites)],
    )


def corpus_rows(args: argparse.Namespace) -> None:
    print("| corpus | mode | sites | pages | alone P / R / F1 | with the site learnt | ΔF1 |")
    print("|---|---|---|---|---|---|---|")
    for corpus in args.corpora.split(","):
        mark = "" if corpus in MEASURE_ONLY else " (trained on)"
        for mode in args.modes.split(","):
            started = time.process_time()
            if mode == "text":
                cached = read_cache(args.cache, corpus, ["lxml"])
                docs = cached.documents["lxml"]
                chosen = site_groups([d.group for d in docs], args.min_pages)
                documents = [docs[i].text for i in chosen]
                sites = [docs[i].group for i in chosen]
                references = [cached.references[i] for i in chosen]
            else:
                pages = list(iter_corpus(args.datasets / corpus))
                chosen = site_groups([p.site for p in pages], args.min_pages)
                documents = [pages[i].html for i in chosen]
                sites = [pages[i].site for i in chosen]
                references = [page_reference(pages[i]) for i in chosen]
            if not chosen:
                continue
            alone, taught = alone_and_taught(documents, sites, mode == "html", args.model)
            a, t = score(alone, references), score(taught, references)
            print(
                f"| {corpus}{mark} | {mode} | {len(set(sites))} | {len(chosen)} "
                f"| {a.precision:.3f} / {a.recall:.3f} / {a.f1:.3f} "
                f"| {t.precision:.3f} / {t.recall:.3f} / {t.f1:.3f} | {t.f1 - a.f1:+.3f} |",
                flush=True,
            )
            print(f"<!-- {corpus} {mode}: {time.process_time() - started:.0f} CPU s -->",
                  file=sys.stderr)  # fmt: skip


# -- generated outlets --------------------------------------------------------------

MENU = ["Home", "News", "Local", "Sport", "Culture", "Opinion", "Subscribe"]
SHARE = ["Share this article", "Facebook", "X", "Email"]
PROMPTS = ["Leave a comment", "Your email address will not be published.", "Post comment"]
FOOTER = ["About us", "Contact", "Privacy policy", "© 2026 {name}. All rights reserved."]


def outlet_pages(rng: random.Random, name: str, bodies: list[list[str]], pages: int):
    """``pages`` pages of one generated outlet: (lines, labels, repeated-article-line flags)."""
    standfirst = (
        f"This story is part of {name}'s series on the towns of the valley "
        "and the people who keep them going."
    )
    notice = (
        "Under the county's reporting rules, the names of children involved in "
        "court cases are not published."
    )
    headlines = [rng.choice(body)[:60].rstrip() for body in bodies]
    out = []
    for body in rng.sample(bodies, pages):  # a new article on each page
        lines = [(line, True, False) for line in MENU] + [("", None, False)]
        lines += [(body[0], False, False), (standfirst, False, True)]
        middle = 1 + len(body[1:]) // 2
        lines += [(line, False, False) for line in body[1:middle]]
        lines += [(notice, False, True)]
        lines += [(line, False, False) for line in body[middle:]]
        lines += [("", None, False)]
        lines += [(line, True, False) for line in SHARE]
        lines += [("Popular posts", True, False)]
        lines += [(h, True, False) for h in rng.sample(headlines, 4)]
        lines += [(line, True, False) for line in PROMPTS]
        lines += [(line.format(name=name), True, False) for line in FOOTER]
        out.append(lines)
    return out


def generated_rows(args: argparse.Namespace) -> None:
    rng = random.Random(args.seed)
    bodies = []
    for doc in iter_labelled([DEFAULT_DATA]):
        body = [line for line, label in zip(doc.lines, doc.labels) if label is False]
        if len(body) >= 4:
            bodies.append(body)
    totals = {"alone": defaultdict(list), "with the site learnt": defaultdict(list)}
    for n in range(args.outlets):
        name = f"The Valley Courier {n}"
        site = f"courier{n}.example"
        batch = outlet_pages(rng, name, rng.sample(bodies, min(len(bodies), 40)), args.pages)
        texts = ["\n".join(line for line, _, _ in page) + "\n" for page in batch]
        alone, learner = Stripper(model=args.model), Stripper(model=args.model)
        for text in texts:
            learner.learn(text, site)
        for setting, stripper in (("alone", alone), ("with the site learnt", learner)):
            for page, text in zip(batch, texts):
                verdicts = stripper.classify(text) if setting == "alone" else (
                    stripper.clean_document(text, site).verdicts)  # fmt: skip
                kept = {v.number: not v.is_debris for v in verdicts}
                row = totals[setting]
                for number, (_, label, repeated) in enumerate(page):
                    if label is None or number not in kept:
                        continue
                    row["debris" if label else "body"].append(kept[number] != label)
                    if repeated:
                        row["repeated"].append(kept[number])
    print()
    print(f"{args.outlets} generated outlets of {args.pages} pages each:")
    print("| setting | body lines kept | debris lines removed | repeated article lines kept |")
    print("|---|---|---|---|")
    for setting, row in totals.items():
        share = {k: sum(v) / max(len(v), 1) for k, v in row.items()}
        body, debris, repeated = share["body"], share["debris"], share["repeated"]
        print(f"| {setting} | {body:.3f} | {debris:.3f} | {repeated:.3f} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", type=Path, default=DEFAULT_DATASETS)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--corpora", default=CORPORA)
    parser.add_argument("--modes", default="text,html", help="of text, html")
    parser.add_argument("--min-pages", type=int, default=3, help="pages a site needs")
    parser.add_argument("--outlets", type=int, default=10, help="generated outlets")
    parser.add_argument("--pages", type=int, default=20, help="pages per generated outlet")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--model", type=Path, help="a text model (default: the shipped one)")
    args = parser.parse_args()
    corpus_rows(args)
    generated_rows(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
