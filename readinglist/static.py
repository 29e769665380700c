"""Charts as images for the formats without JavaScript (the PDF and the EPUB).

Each chart is drawn offline by vl-convert from the same Vega-Lite spec the HTML page draws, with
the data it loads by URL written in (:func:`readinglist.charts.inline_spec`), as a PNG at print
resolution in the light theme on white. The pre-render writes them to
``_assets/charts/<figure id>.png``; a chart's Markdown (:func:`readinglist.charts.figure_markdown`)
shows the image in every format but HTML.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .files import atomic_write

if TYPE_CHECKING:
    from .charts import Figure

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


def write_chart_images(figures: Sequence[Figure], root: Path, key: str) -> list[Path]:
    """Write every figure's image under ``root / FOLDER`` and remove the images of figures no
    longer in the book. ``key`` names what the charts depend on: when the stamp file holds it and
    every image exists, nothing is drawn again. Returns the images' paths."""
    folder = root / FOLDER
    paths = [root / image_path(fig.id) for fig in figures]
    stamp = folder / STAMP
    ids = [fig.id for fig in figures]
    wanted = {"key": key, "figures": ids}
    if stamp.exists() and json.loads(stamp.read_text(encoding="utf-8")) == wanted and all(p.exists() for p in paths):
        return paths
    folder.mkdir(parents=True, exist_ok=True)
    for fig, path in zip(figures, paths, strict=True):
        atomic_write(path, chart_png(fig))
    for old in folder.glob("*.png"):
        if old not in paths:
            old.unlink()
    atomic_write(stamp, json.dumps(wanted, indent=1).encode("utf-8"))
    return paths
