"""Pandoc (the engine inside Quarto) and an HTML reader for checking the Markdown the book emits."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pypandoc

#: Quarto's conditional content (``content-visible when-format="html:js"``) for pandoc outside Quarto.
CONTENT_VISIBLE = Path(__file__).with_name("content_visible.lua")


def to_html(markdown: str) -> str:
    """Markdown to an HTML fragment, as Quarto's pandoc would read it (math as MathML; the content
    shown only in HTML with JavaScript unwrapped, the content for other formats dropped)."""
    args = ["--mathml", "--wrap=none", f"--lua-filter={CONTENT_VISIBLE}"]
    return pypandoc.convert_text(markdown, "html", format="markdown", extra_args=args)


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""
    children: list[Element] = field(default_factory=list)

    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()

    def iter(self):
        yield self
        for child in self.children:
            yield from child.iter()

    def find_all(self, tag: str | None = None, cls: str | None = None) -> list[Element]:
        return [e for e in self.iter() if (tag is None or e.tag == tag) and (cls is None or cls in e.classes())]

    def all_text(self, skip=("annotation",)) -> str:
        return self.text + "".join(c.all_text(skip) for c in self.children if c.tag not in skip)


VOID = {"br", "hr", "img", "input", "meta", "link", "col", "wbr", "source"}


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        el = Element(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(el)
        if tag not in VOID:
            self.stack.append(el)

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        target = self.stack[-1]
        if target.children:
            target.children.append(Element("#text", {}, data))
        else:
            target.text += data


def parse(html: str) -> Element:
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return builder.root
