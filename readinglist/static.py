"""Charts as images for the formats without JavaScript (the PDF and the EPUB).

Each chart is drawn offline by vl-convert from the same Vega-Lite spec the HTML page draws, with
the data it loads by URL written in (:func:`readinglist.charts.inline_spec`), as a PNG at print
resolution in the light theme on white. The pre-render writes them to
``_assets/charts/<figure id>.png``; a chart's Markdown (:func:`readinglist.charts.figure_markdown`)
shows the image in every format but HTML.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from .files import atomic_write

if TYPE_CHECKING:
    from .charts import Figure

T = TypeVar("T")
FOLDER = "_assets/charts"
STAMP = "charts.json"
#: A chart is drawn ``WIDTH`` pixels wide (the HTML text column's width) at 300 pixels per inch,
#: ``PPI / 72 * SCALE`` = 3 times its size in pixels: 560 px become 1680 px, 5.6 inches on paper.
PPI = 300
SCALE = 3 * 72 / PPI
BACKGROUND = "white"


#: What a chart's caption and alt text say of reading it in a browser (click a dot, hover a bar,
#: drag the time axis), which an image on paper cannot do; its time axis shows every month instead.
INTERACTIVE = (
    re.compile(r" \(click a dot to open it\)"),
    re.compile(r" \(hover a bar for the counts\)"),
    re.compile(r" The axis opens on [^;.]*; drag the chart sideways to see [^.]*\."),
)


def paper_text(text: str) -> str:
    """A chart's caption or alt text for its image: without what only the browser's chart can do."""
    for pattern in INTERACTIVE:
        text = pattern.sub("", text)
    return text


def image_path(figure_id: str) -> str:
    """Where the image of figure ``figure_id`` is, relative to the book root."""
    return f"{FOLDER}/{figure_id}.png"


def static_spec(fig: Figure) -> dict[str, Any]:
    """The figure's spec for a fixed page: as wide as the HTML text column instead of its
    container, on a white background, and a time axis over every month (on paper the older
    months cannot be dragged into view)."""
    from .charts import WIDTH, inline_spec

    result = inline_spec(fig)  # the data the HTML chart loads by URL, written in
    if result.get("width") == "container":
        result["width"] = WIDTH
    result["background"] = BACKGROUND
    _whole_time_axis(result)
    return result


def _whole_time_axis(node: Any) -> None:
    """Drop the opening domain of every temporal x scale in ``node`` (in place)."""
    if isinstance(node, list):
        for item in node:
            _whole_time_axis(item)
    elif isinstance(node, dict):
        x = node.get("x")
        if isinstance(x, dict) and x.get("type") == "temporal" and isinstance(x.get("scale"), dict):
            x["scale"].pop("domain", None)
            if not x["scale"]:
                del x["scale"]
        for value in node.values():
            _whole_time_axis(value)


def chart_png(fig: Figure) -> bytes:
    """The figure drawn offline as a PNG at print resolution, in the light theme."""
    import vl_convert

    from .charts import THEMES, VL_VERSION

    config = THEMES["light"] | {"background": BACKGROUND}
    return vl_convert.vegalite_to_png(static_spec(fig), vl_version=VL_VERSION, config=config, scale=SCALE, ppi=PPI)


def in_threads(draw: Callable[[Figure], T], figures: Sequence[Figure]) -> list[T]:
    """``[draw(fig) for fig in figures]`` on one thread per core: vl-convert draws outside the GIL."""
    if len(figures) < 2:
        return [draw(fig) for fig in figures]
    with ThreadPoolExecutor(max_workers=min(len(figures), os.cpu_count() or 1)) as pool:
        return list(pool.map(draw, figures))


def image_key(fig: Figure) -> str:
    """A hash of everything the figure's image depends on: its static spec, theme, size and Vega-Lite."""
    from .charts import THEMES, VL_VERSION

    text = json.dumps([static_spec(fig), THEMES["light"], BACKGROUND, VL_VERSION, PPI, SCALE], sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def write_chart_images(figures: Sequence[Figure], root: Path) -> list[Path]:
    """Write each figure's image under ``root / FOLDER`` unless the stamp file shows it drawn from the
    same :func:`image_key`, and remove the images of figures no longer in the book. Returns the
    images' paths (in the order of ``figures``)."""
    folder = root / FOLDER
    paths = [root / image_path(fig.id) for fig in figures]
    stamp = folder / STAMP
    try:
        drawn = json.loads(stamp.read_text(encoding="utf-8")).get("images", {})
    except (FileNotFoundError, json.JSONDecodeError, AttributeError):
        drawn = {}
    wanted = {fig.id: image_key(fig) for fig in figures}
    folder.mkdir(parents=True, exist_ok=True)
    todo = [(f, p) for f, p in zip(figures, paths, strict=True) if drawn.get(f.id) != wanted[f.id] or not p.exists()]
    for (_fig, path), png in zip(todo, in_threads(chart_png, [fig for fig, _path in todo]), strict=True):
        atomic_write(path, png)
    for old in folder.glob("*.png"):
        if old not in paths:
            old.unlink()
    if drawn != wanted:
        atomic_write(stamp, json.dumps({"images": wanted}, indent=1).encode("utf-8"))
    return paths
