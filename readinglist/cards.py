"""The paper card: one entry as Quarto Markdown (documented pandoc/Quarto syntax only).

A card is a div whose id is the entry id, so ``chapters/<chapter>.html#<id>`` lands on it. What a
reader skims stays open; the rest is folded into one native disclosure widget (``<details>``, from
raw HTML blocks shown only in HTML with JavaScript, so the PDF and the EPUB show its content unfolded)::

    ::: {id="2509.17567" .paper-card .has-notes}
    ### [Title](url) {#card-2509-17567 .unnumbered}
    date · kind · tags (links to their chapters) · extra links
    ::: {.curator-notes}                                          (only with notes)
    <details class="paper-more"><summary>Abstract · Also in · Related · Cite as</summary>
      authors, abstract, also in, related, the BibTeX entry
    </details>
    :::
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import urlparse

import pandas as pd

from .schema import NEEDS_TITLE, arxiv_pdf_url
from .text import blocks, code_span, escape, inline, link_target
from .topics import Topics

UNTITLED = "Untitled entry (its title was lost; see the notes)"
MAX_AUTHORS = 8


def root_of(page: str) -> str:
    """The way back from a page to the book root: ``../`` from ``chapters/x.html``, ``""`` from ``index.html``."""
    return "../" * page.count("/")


@dataclass
class CardContext:
    """What a card needs besides its row: the topics, where the page sits, and optional extras
    (``locate(chapter, id)`` is the page showing the entry's card in a chapter; ``parts``, by id,
    the cards' :func:`fixed_parts` when computed beforehand)."""

    topics: Topics
    page: str = ""
    related: Mapping[str, list[str]] = field(default_factory=dict)
    titles: Mapping[str, str] = field(default_factory=dict)
    homes: Mapping[str, str] = field(default_factory=dict)
    bibtex: Any = None
    locate: Callable[[str, str], str] = field(default=lambda chapter, entry_id: f"chapters/{chapter}.html")
    parts: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    @property
    def root(self) -> str:
        return root_of(self.page)

    def citation(self, row: Mapping[str, Any]) -> tuple[str, str] | None:
        """The entry's citation key and BibTeX entry (none without a ``bibtex`` module)."""
        return (self.bibtex.citation_key(row), self.bibtex.entry(row)) if self.bibtex is not None else None

    def href(self, page: str, anchor: str = "") -> str:
        """A link from the current page to ``page`` (relative to the book root)."""
        target = "" if page == self.page else self.root + page
        return f"{target}#{anchor}" if anchor else (target or "#")


def fenced(content: str, lang: str = "") -> str:
    """A fenced code block whose fence is longer than any backtick run in the content."""
    longest = max((len(run) for run in re.findall(r"`{3,}", content)), default=2)
    fence = "`" * (longest + 1)
    return f"{fence}{lang}\n{content}\n{fence}"


def title_of(row: Mapping[str, Any]) -> str:
    """The title to show: the entry's, or a readable label for an entry whose title was lost."""
    return row["title"] or UNTITLED


def heading_id(entry_id: str) -> str:
    """A CSS-safe id for the card's heading (entry ids may hold dots and slashes)."""
    return "card-" + re.sub(r"[^A-Za-z0-9]+", "-", entry_id).strip("-")


@lru_cache(maxsize=4096)
def format_date(date: pd.Timestamp, precision: str) -> str:
    """``21 Sep 2025``, ``Sep 2025``, ``2025`` or ``undated``."""
    if date is None or pd.isna(date):
        return "undated"
    return date.strftime({"day": "%-d %b %Y", "month": "%b %Y", "year": "%Y"}.get(precision, "%b %Y"))


def link_label(url: str) -> str:
    """A short label for an extra link: code, PDF, or the site's name."""
    host = urlparse(url).netloc.removeprefix("www.")
    if host in ("github.com", "gitlab.com", "huggingface.co"):
        return "code" if host != "huggingface.co" else "Hugging Face"
    if url.endswith(".pdf") or "/pdf/" in url:
        return "PDF"
    return host or url


def meta_line(row: Mapping[str, Any], ctx: CardContext) -> str:
    """Date, kind, tags linking to their chapters, and extra links."""
    parts = [
        f"[{escape(format_date(row['date'], row['date_precision']))}]{{.paper-date}}",
        f"[{escape(row['kind'])}]{{.paper-kind}}",
    ]
    topics = [ctx.topics.by_tag(tag) for tag in row["tags"]]
    tags = [f"[{escape(t.tag)}]({ctx.href(t.chapter_path_html)}){{.paper-tag .tag-{t.slug}}}" for t in topics]
    parts.append(" ".join(tags) if tags else "[no topic]{.paper-tag}")
    links = [(link_label(u), u) for u in row["links"]]
    if row["arxiv_id"]:
        links.append(("PDF", arxiv_pdf_url(row["arxiv_id"])))
    if links:
        parts.append(" ".join(f"[{escape(label)}]({link_target(url)}){{.paper-extra-link}}" for label, url in links))
    return " · ".join(parts)


def authors_line(authors: list[str]) -> str:
    shown = ", ".join(authors[:MAX_AUTHORS]) + (" et al." if len(authors) > MAX_AUTHORS else "")
    return f"[{escape(shown)}]{{.paper-authors}}"


def raw_html(html: str) -> str:
    """A pandoc raw HTML block (dropped by formats other than HTML)."""
    return f"```{{=html}}\n{html}\n```"


def html_only(markdown: str) -> str:
    """Markdown shown only in HTML with JavaScript (``html:js``): not in the PDF, nor in the EPUB,
    which takes raw HTML blocks but no scripts and no folding. Quarto unwraps the div in HTML."""
    return f'::: {{.content-visible when-format="html:js"}}\n\n{markdown}\n\n:::'


def fixed_parts(row: Mapping[str, Any], citation: tuple[str, str] | None = None) -> dict[str, str]:
    """The Markdown of a card that is the same on every page showing it: its opening (the div and the
    heading), the review flag and the notes (``body``), and the folded abstract and citation
    (``citation``: the key and the BibTeX entry). The rest links to other pages (:func:`card`)."""
    entry_id = row["id"]
    has_notes = bool(row["notes"].strip())
    classes = ".paper-card" + (" .has-notes" if has_notes else "")
    title = inline(title_of(row)) if row["title"] else escape(UNTITLED)
    heading = f"[{title}]({link_target(row['url'])})" if row["url"] else title
    body: list[str] = []
    if row["review"]:
        flag, _, message = row["review"].partition(": ")
        label = "Needs a title" if flag == NEEDS_TITLE else "To confirm"
        body += [f"[{escape(label)}: {escape(message or flag)}]{{.paper-review}}", ""]
    if has_notes:
        body += ["::: {.curator-notes}", "[Curator's notes]{.notes-label}", "", blocks(row["notes"]), ":::", ""]
    abstract = blocks(row["abstract"]) if row["abstract"].strip() else ""
    folded = [authors_line(row["authors"])] if row["authors"] else []
    if abstract:
        folded.append(f"::: {{.paper-abstract}}\n{abstract}\n:::")
    cite = ""
    if citation is not None:
        block = fenced(citation[1])  # unhighlighted: syntax spans would add ~1 KB per card
        cite = f"::: {{.paper-cite}}\nCite as {code_span(citation[0])}:\n\n{block}\n:::\n"
    return {
        "head": f'::: {{id="{entry_id}" {classes}}}\n\n### {heading} {{#{heading_id(entry_id)} .unnumbered}}\n',
        "body": "\n".join(body),
        "abstract_label": ("Abstract" if abstract else "Authors") if folded else "",
        "abstract": "\n\n".join(folded) + "\n" if folded else "",
        "cite": cite,
    }


def card(row: Mapping[str, Any], ctx: CardContext) -> str:
    """One entry's card as Markdown (its :func:`fixed_parts` from ``ctx.parts`` when there)."""
    parts = ctx.parts.get(row["id"]) or fixed_parts(row, ctx.citation(row))
    out = [parts["head"], meta_line(row, ctx), ""]
    if parts["body"]:
        out.append(parts["body"])
    folded = folded_parts(row, ctx, parts)
    if folded:
        summary = " · ".join(label for label, _ in folded)
        out += [html_only(raw_html(f'<details class="paper-more">\n<summary>{summary}</summary>')), ""]
        out += [part for _, part in folded]
        out += [html_only(raw_html("</details>")), ""]
    out.append(":::")
    return "\n".join(out)


def folded_parts(row: Mapping[str, Any], ctx: CardContext, parts: Mapping[str, str]) -> list[tuple[str, str]]:
    """The folded parts of a card, as (label, Markdown): abstract, also in, related, citation."""
    entry_id = row["id"]
    folded: list[tuple[str, str]] = [(parts["abstract_label"], parts["abstract"])] if parts["abstract"] else []
    chapters = dict.fromkeys(ctx.topics.by_tag(t).chapter for t in row["tags"])
    others = [(ctx.topics.chapter(slug).title, ctx.locate(slug, entry_id)) for slug in chapters]
    others = [(name, page) for name, page in others if page != ctx.page]
    if others:
        links = ", ".join(f"[{escape(name)}]({ctx.href(page, entry_id)})" for name, page in others)
        folded.append(("Also in", f"[Also in: {links}]{{.paper-also-in}}\n"))
    related = [r for r in ctx.related.get(entry_id, []) if r in ctx.homes]
    if related:
        links = "; ".join(f"[{inline(ctx.titles.get(r) or UNTITLED)}]({ctx.href(ctx.homes[r], r)})" for r in related)
        folded.append(("Related", f"[Related: {links}]{{.paper-related}}\n"))
    if parts["cite"]:
        folded.append(("Cite as", parts["cite"]))
    return folded
