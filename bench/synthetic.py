"""Synthetic reading lists of any size, shaped like the shipped one, for benchmarks.

Each synthetic entry copies the structure of a randomly drawn shipped entry (arXiv or not, kind,
tags, which text fields are filled, how many abstract paragraphs, review) and gets new text of a
similar length, built from sentences and title words of the shipped data, so quoting, LaTeX and
punctuation are as in real entries. ``enriched`` is the share of arXiv entries that also carry
what ``enrich`` adds (authors, categories, the exact submission day). Ids are unique
arXiv-style ids matching each entry's month, or unique slugs. The result is valid under
:func:`readinglist.store.save`.

    from bench.synthetic import synthetic_frame, write_synthetic_data
    frame = synthetic_frame(10_000, seed=0)            # the frame store.load would return
    folder = write_synthetic_data(tmp / "data", 10_000)  # papers.csv + topics.csv + introduction.md
"""

from __future__ import annotations

import random
import re
import shutil
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd

from readinglist import store
from readinglist.schema import AUTHOR_SEP, NEEDS_TITLE, join_list, slugify
from readinglist.topics import load_topics

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "data"

FIRST_NAMES = (
    "Alex",
    "Sam",
    "Jordan",
    "Taylor",
    "Morgan",
    "Wei",
    "Jing",
    "Priya",
    "Arjun",
    "Sara",
    "Lucas",
    "Mateo",
    "Chloe",
    "Elena",
    "Kenji",
    "Min-jun",
    "Olga",
    "Tomás",
    "Amara",
    "Yusuf",
    "Ingrid",
    "Nikolai",
)
LAST_NAMES = (
    "Smith",
    "Garcia",
    "Müller",
    "Rossi",
    "Tanaka",
    "Kim",
    "Nguyen",
    "Petrova",
    "Novak",
    "Okafor",
    "Silva",
    "Dubois",
    "Chen",
    "Wang",
    "Sharma",
    "Gupta",
    "Haddad",
    "O'Brien",
    "Johansson",
    "Kowalski",
)
CATEGORIES = ("cs.LG", "cs.CL", "cs.AI", "cs.CV", "cs.DC", "stat.ML", "cs.NE", "cs.PF", "cs.IR", "math.OC")


@dataclass(frozen=True)
class Shipped:
    """What the generator samples from: the shipped rows and their text, cut into pieces."""

    rows: tuple[dict[str, str], ...]
    abstract_sentences: tuple[str, ...]
    note_sentences: tuple[str, ...]
    title_words: tuple[str, ...]
    domains: tuple[str, ...]


@cache
def shipped(data_dir: Path = SHIPPED) -> Shipped:
    """Read the shipped list once."""
    rows = tuple(r.values for r in store.read_records(data_dir / "papers.csv"))

    def sentences(column: str) -> tuple[str, ...]:
        text = " ".join(r[column].replace("\n\n", " ") for r in rows if r[column])
        return tuple(s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z\"'])", text) if s)

    domains = [urlsplit(r["url"]).hostname or "" for r in rows if r["url"] and not r["arxiv_id"]]
    return Shipped(
        rows=rows,
        abstract_sentences=sentences("abstract"),
        note_sentences=sentences("notes"),
        title_words=tuple(w for r in rows for w in r["title"].split()),
        domains=tuple(d for d in domains if d) or ("example.org",),
    )


def _text(rng: random.Random, pool: tuple[str, ...], length: int, paragraphs: int = 1) -> str:
    """About ``length`` characters of sentences from ``pool``, in ``paragraphs`` paragraphs."""
    out = []
    for _ in range(paragraphs):
        target, parts, size = max(40, length // paragraphs), [], 0
        while size < target:
            sentence = rng.choice(pool)
            parts.append(sentence)
            size += len(sentence) + 1
        out.append(" ".join(parts))
    return "\n\n".join(out)


def _title(rng: random.Random, words: tuple[str, ...], length: int) -> str:
    parts: list[str] = []
    while sum(len(w) + 1 for w in parts) < length:
        parts.append(rng.choice(words))
    title = " ".join(parts).strip(" :,-")
    return title[:1].upper() + title[1:]


def _jitter(rng: random.Random, value: int) -> int:
    return max(1, round(value * rng.uniform(0.7, 1.3)))


def _authors(rng: random.Random) -> str:
    count = min(60, max(1, round(rng.lognormvariate(1.8, 0.7))))  # median about six names
    names = [f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}" for _ in range(count)]
    return join_list(list(dict.fromkeys(names)), AUTHOR_SEP)


def _arxiv_number(rng: random.Random, yymm: str, used: dict[str, set[int]]) -> str:
    digits = 5 if yymm >= "1501" else 4
    taken = used.setdefault(yymm, set())
    if len(taken) >= 10**digits - 2:
        raise ValueError(f"more than {10**digits - 2} synthetic papers in month {yymm}")
    while True:
        number = rng.randint(1, 10**digits - 1)
        if number not in taken:
            taken.add(number)
            return f"{yymm}.{number:0{digits}d}"


def synthetic_records(n: int, seed: int = 0, enriched: float = 0.5, data_dir: Path = SHIPPED) -> list[store.Record]:
    """``n`` entries as text records (the file's canonical form)."""
    rng = random.Random(seed)
    src = shipped(data_dir)
    arxiv_months = [r["date"][:7] for r in src.rows if r["arxiv_id"] and len(r["date"]) >= 7]
    used_numbers: dict[str, set[int]] = {}
    slugs: set[str] = set()
    next_suffix: dict[str, int] = {}
    records = []
    for line in range(2, n + 2):
        t = rng.choice(src.rows)
        v = dict.fromkeys(t, "")
        v["kind"], v["tags"], v["review"], v["added"] = t["kind"], t["tags"], t["review"], t["added"]
        if t["title"]:
            v["title"] = _title(rng, src.title_words, _jitter(rng, len(t["title"])))
        if t["abstract"]:
            paragraphs = t["abstract"].count("\n\n") + 1
            v["abstract"] = _text(rng, src.abstract_sentences, _jitter(rng, len(t["abstract"])), paragraphs)
        if t["notes"]:
            paragraphs = t["notes"].count("\n\n") + 1
            v["notes"] = _text(rng, src.note_sentences, _jitter(rng, len(t["notes"])), paragraphs)
        if t["arxiv_id"]:
            month = t["date"][:7] if len(t["date"]) >= 7 else rng.choice(arxiv_months)
            aid = _arxiv_number(rng, month[2:4] + month[5:7], used_numbers)
            v["id"] = v["arxiv_id"] = aid
            v["url"] = f"https://arxiv.org/abs/{aid}"
            v["date"] = month
            if rng.random() < enriched:
                v["date"] = f"{month}-{rng.randint(1, 28):02d}"
                v["authors"] = _authors(rng)
                primary = rng.choice(CATEGORIES)
                others = rng.sample([c for c in CATEGORIES if c != primary], rng.randint(0, 2))
                v["categories"] = join_list([primary, *others], " ")
        else:
            base = slugify(v["title"] or ("untitled " + v["notes"][:40]))
            slug, k = base, next_suffix.get(base, 2)
            while slug in slugs:
                slug, k = f"{base}-{k}", k + 1
            next_suffix[base] = k
            slugs.add(slug)
            v["id"] = slug
            if NEEDS_TITLE not in v["review"] or t["url"]:
                v["url"] = f"https://{rng.choice(src.domains)}/{v['id']}"
            v["date"] = t["date"]
        records.append(store.Record(line, v))
    return records


def synthetic_frame(n: int, seed: int = 0, enriched: float = 0.5, data_dir: Path = SHIPPED) -> pd.DataFrame:
    """An ``n``-entry list in the frame form :func:`readinglist.store.load` returns."""
    return store.to_frame(synthetic_records(n, seed, enriched, data_dir))


def write_synthetic_data(
    folder: str | Path, n: int, seed: int = 0, enriched: float = 0.5, data_dir: Path = SHIPPED
) -> Path:
    """A complete data folder (``papers.csv`` through :func:`store.save`, plus the shipped
    ``topics.csv``, ``introduction.md``, ``datapackage.json`` and ``feed.toml``), usable as
    ``$READINGLIST_DATA``. Returns the folder."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("topics.csv", "introduction.md", "datapackage.json", "feed.toml"):
        if (data_dir / name).exists():
            shutil.copy2(data_dir / name, folder / name)
    topics = load_topics(folder / "topics.csv")
    store.save(synthetic_frame(n, seed, enriched, data_dir), folder / "papers.csv", topics)
    return folder


def tag_mix(frame: pd.DataFrame) -> pd.Series:
    """Share of entries per tag (for comparing a synthetic list with the shipped one)."""
    return frame["tags"].explode().value_counts() / len(frame)


__all__ = ["synthetic_frame", "synthetic_records", "tag_mix", "write_synthetic_data"]
