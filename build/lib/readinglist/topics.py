"""The topics file (``data/topics.csv``): every tag, its chapter and its book part.

One row per tag: ``tag,slug,description,chapter,chapter_title,part``. Several tags may share a
chapter (same ``chapter`` slug, same title and part). Parts and chapters appear in the book in
the order of their first row.
"""

from __future__ import annotations

import csv
import difflib
import io
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from .schema import SLUG, DataError, Problem

UNTAGGED_PAGE = "appendices/data.html"
TOPIC_COLUMNS = ("tag", "slug", "description", "chapter", "chapter_title", "part")


@dataclass(frozen=True)
class Topic:
    """One tag of the reading list."""

    tag: str
    slug: str
    description: str
    chapter: str
    chapter_title: str
    part: str

    @property
    def chapter_path_html(self) -> str:
        return f"chapters/{self.chapter}.html"


@dataclass(frozen=True)
class Chapter:
    """A book chapter: one or several topics under a title."""

    slug: str
    title: str
    part: str
    topics: tuple[Topic, ...]

    @property
    def tags(self) -> tuple[str, ...]:
        return tuple(t.tag for t in self.topics)

    @property
    def path(self) -> str:
        """The chapter's source file, relative to the book root."""
        return f"chapters/{self.slug}.qmd"


@dataclass(frozen=True)
class Topics:
    """The parsed topics file, with lookups by tag and by chapter."""

    topics: tuple[Topic, ...]

    @property
    def tags(self) -> list[str]:
        return [t.tag for t in self.topics]

    def by_tag(self, tag: str) -> Topic:
        for topic in self.topics:
            if topic.tag == tag:
                return topic
        raise KeyError(tag)

    @cached_property
    def _chapters(self) -> dict[str, Chapter]:
        """Chapters by slug, in book order (built once: cards look chapters up for every tag)."""
        order: dict[str, list[Topic]] = {}
        for topic in self.topics:
            order.setdefault(topic.chapter, []).append(topic)
        return {slug: Chapter(slug, ts[0].chapter_title, ts[0].part, tuple(ts)) for slug, ts in order.items()}

    def chapters(self) -> list[Chapter]:
        """Chapters in book order, each with its topics."""
        return list(self._chapters.values())

    def chapter(self, slug: str) -> Chapter:
        if slug in self._chapters:
            return self._chapters[slug]
        raise KeyError(f"no chapter {slug!r} in the topics file; known: {', '.join(self.chapter_slugs())}")

    def chapter_slugs(self) -> list[str]:
        return [c.slug for c in self.chapters()]

    def parts(self) -> dict[str, list[Chapter]]:
        """Book parts in order, each with its chapters."""
        parts: dict[str, list[Chapter]] = {}
        for chapter in self.chapters():
            parts.setdefault(chapter.part, []).append(chapter)
        return parts

    def home(self, tags: list[str]) -> str:
        """The page holding an entry's main card, relative to the book root: the chapter of its
        first tag, or the data appendix for an entry with no tag."""
        for tag in tags:
            return self.by_tag(tag).chapter_path_html
        return UNTAGGED_PAGE

    def suggest(self, tag: str) -> str | None:
        """The known tag nearest to ``tag`` (case-insensitive), if any is close."""
        lowered = {t.lower(): t for t in self.tags}
        if tag.lower() in lowered:
            return lowered[tag.lower()]
        match = difflib.get_close_matches(tag.lower(), list(lowered), n=1, cutoff=0.5)
        return lowered[match[0]] if match else None

    def unknown_tag_message(self, tag: str) -> str:
        """What a user should read for an unknown tag: the nearest known one, or the full list."""
        near = self.suggest(tag)
        if near:
            return f"a tag from the topics file (did you mean {near!r}?)"
        return f"a tag from the topics file: {', '.join(self.tags)}"


def parse_topics(text: str, name: str = "topics.csv") -> Topics:
    """Parse and check the topics file's text; raise :class:`DataError` with every problem."""
    problems: list[Problem] = []
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [c for c in TOPIC_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise DataError(
            [Problem(name, 1, None, None, f"columns {', '.join(TOPIC_COLUMNS)} (missing {', '.join(missing)})")]
        )
    topics: list[Topic] = []
    seen: dict[str, int] = {}
    chapters: dict[str, tuple[str, str]] = {}
    for row in reader:
        line = reader.line_num
        topic = Topic(**{c: (row[c] or "").strip() for c in TOPIC_COLUMNS})
        for col in TOPIC_COLUMNS:
            if not getattr(topic, col):
                problems.append(Problem(name, line, col, "", "a non-empty value"))
        for col in ("slug", "chapter"):
            value = getattr(topic, col)
            if value and not SLUG.fullmatch(value):
                problems.append(Problem(name, line, col, value, "a slug: lowercase letters, digits and '-'"))
        if topic.tag in seen:
            problems.append(Problem(name, line, "tag", topic.tag, f"a unique tag (also on line {seen[topic.tag]})"))
        seen[topic.tag] = line
        first = chapters.setdefault(topic.chapter, (topic.chapter_title, topic.part))
        if first != (topic.chapter_title, topic.part):
            problems.append(
                Problem(
                    name,
                    line,
                    "chapter_title",
                    topic.chapter_title,
                    f"the same title and part as the chapter's first row: {first[0]!r} in {first[1]!r}",
                )
            )
        topics.append(topic)
    if problems:
        raise DataError(problems)
    return Topics(tuple(topics))


def load_topics(path: str | Path) -> Topics:
    """Read the topics file."""
    path = Path(path)
    return parse_topics(path.read_text(encoding="utf-8"), str(path))
