"""A second opinion on a page: what trafilatura keeps of it.

With `HtmlConfig.teacher`, every block also knows whether trafilatura's
extraction of the page (``include_comments=False``) holds its text: an
independent vote the model learns when to follow and when to overrule. It
costs trafilatura's time on every page; measured under leave-one-corpus-out
it gained too little for that, so no shipped model uses it
(`docs/history.md`).
"""

from __future__ import annotations

from .page import normalise


def teacher_text(html: str) -> str:
    """trafilatura's main text of a page, one normalised line per block ("" if none)."""
    import trafilatura  # a dependency of stripper; imported only in this mode

    try:
        text = trafilatura.extract(html, include_comments=False, include_tables=True) or ""
    except Exception:  # noqa: BLE001 - a second opinion must never fail the page
        return ""
    return "\n".join(line for line in map(normalise, text.splitlines()) if line)
