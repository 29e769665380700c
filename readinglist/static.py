"""Charts as images for the formats without JavaScript (the PDF and the EPUB).

Each chart is drawn offline by vl-convert from the same Vega-Lite spec the HTML page draws, with
the data it loads by URL written in (:func:`readinglist.charts.inline_spec`), as a PNG at print
resolution in the light theme on white, as ``_assets/charts/<figure id>.png``. A chart's Markdown
(:func:`readinglist.charts.figure_markdown`) shows the image in every format but HTML.

Images are drawn on demand, so a render of the web book alone draws none:

* the pre-render writes the plan, ``_assets/charts/charts.json`` (:func:`write_chart_plan`): each
  figure's spec and a hash of what its image depends on;
* the PDF's and the EPUB's filter (``filters/one-document.lua``) runs ``python -m
  readinglist.static ROOT`` (:func:`draw_images`), which draws the images that are missing or were
  drawn from another plan, and removes those of figures no longer in the book.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .files import atomic_write, write_generated

if TYPE_CHECKING:
    from .charts import Figure

FOLDER = "_assets/charts"
#: What the pre-render asks to draw, and what was drawn.
PLAN = "charts.json"
DRAWN = "drawn.json"
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


def drawing() -> dict[str, Any]:
    """What vl-convert is given besides a chart's spec: Vega-Lite's version, the theme, the size."""
    from .charts import THEMES, VL_VERSION

    config = THEMES["light"] | {"background": BACKGROUND}
    return {"vl_version": VL_VERSION, "config": config, "scale": SCALE, "ppi": PPI}


def _png(spec: dict[str, Any], settings: dict[str, Any]) -> bytes:
    import vl_convert

    return vl_convert.vegalite_to_png(spec, **settings)


def chart_png(fig: Figure) -> bytes:
    """The figure drawn offline as a PNG at print resolution, in the light theme."""
    return _png(static_spec(fig), drawing())


def _hash(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def chart_plan(figures: Sequence[Figure]) -> dict[str, Any]:
    """The plan of the figures' images: each figure's static spec and image key (a hash of the spec
    and of :func:`drawing`), and the drawing settings."""
    settings = drawing()
    images = {fig.id: {"spec": static_spec(fig)} for fig in figures}
    for image in images.values():
        image["key"] = _hash([image["spec"], settings])
    return {"drawing": settings, "images": images}


def write_chart_plan(plan: dict[str, Any], root: Path) -> Path:
    """Write ``root / FOLDER / charts.json``, a :func:`chart_plan`. Left alone when unchanged."""
    path = root / FOLDER / PLAN
    write_generated(path, json.dumps(plan, ensure_ascii=False, separators=(",", ":")) + "\n")
    return path


def draw_images(root: Path) -> list[str]:
    """Draw the images the plan asks for that are missing or were drawn from another key, remove
    the images of figures not in the plan, and record what was drawn in ``drawn.json``. Returns the
    ids of the figures drawn."""
    folder = root / FOLDER
    plan = json.loads((folder / PLAN).read_text(encoding="utf-8"))
    try:
        drawn = json.loads((folder / DRAWN).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        drawn = {}
    images = plan["images"]
    todo = [i for i, image in images.items() if drawn.get(i) != image["key"] or not (folder / f"{i}.png").exists()]
    for figure_id in todo:
        atomic_write(folder / f"{figure_id}.png", _png(images[figure_id]["spec"], plan["drawing"]))
    for old in folder.glob("*.png"):
        if old.stem not in images:
            old.unlink()
    wanted = {i: image["key"] for i, image in images.items()}
    if drawn != wanted:
        atomic_write(folder / DRAWN, json.dumps(wanted, indent=1).encode("utf-8"))
    return todo


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m readinglist.static ROOT``: draw the book's stale chart images (see the module)."""
    args = list(sys.argv[1:] if argv is None else argv)
    usage = (
        "usage: python -m readinglist.static BOOK_ROOT\n\n"
        "Draw the chart images of the PDF and the EPUB that are missing or out of date."
    )
    if args in (["-h"], ["--help"]):
        print(usage)
        return 0
    if len(args) != 1 or args[0].startswith("-"):
        print(usage, file=sys.stderr)
        return 2
    start = time.perf_counter()
    try:
        todo = draw_images(Path(args[0]))
    except FileNotFoundError as error:
        print(f"readinglist: no chart plan ({error.filename}); the pre-render writes it", file=sys.stderr)
        return 1
    if todo:
        print(f"readinglist: drew {len(todo)} chart image(s) ({time.perf_counter() - start:.1f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
