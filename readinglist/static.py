"""Charts drawn offline: images for the formats without JavaScript (the PDF and the EPUB), and the
web book's first paint.

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

The web book shows each chart first as SVG images drawn offline (:func:`draw_web_images`, run by
the pre-render for the charts that changed), so a page paints its charts without running the Vega
library: ``_assets/charts/<figure id>-<width>-<theme>.svg``, at the :data:`WEB_WIDTHS` (a phone's
text column and a wider one) in the light and the dark theme. The page draws the live chart
(tooltips, clicks, dragging) when the reader points at it (:data:`readinglist.charts.CHART_LOADER`).
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
#: The web book's chart images: drawn this many pixels wide (when the chart is as wide as its
#: container), the first for screens narrower than :data:`PHONE_MEDIA` says, the second for others.
WEB_WIDTHS = (340, 580)
PHONE_MEDIA = "(max-width: 575.98px)"
#: What the web images were drawn from, by figure.
WEB_DRAWN = "web-drawn.json"


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


def web_image_path(figure_id: str, width: int, theme: str) -> str:
    """Where the web image of figure ``figure_id`` drawn ``width`` pixels wide in ``theme`` is,
    relative to the book root."""
    return f"{FOLDER}/{figure_id}-{width}-{theme}.svg"


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


def web_drawing() -> dict[str, Any]:
    """What vl-convert is given besides a web chart's spec: Vega-Lite's version, the themes, the widths."""
    from .charts import THEMES, VL_VERSION

    return {"vl_version": VL_VERSION, "themes": THEMES, "widths": list(WEB_WIDTHS)}


def chart_plan(figures: Sequence[Figure]) -> dict[str, Any]:
    """The plan of the figures' images: for the PDF and the EPUB, each figure's static spec and
    image key (a hash of the spec and of :func:`drawing`), and the drawing settings; under ``web``,
    the same for the web book's images (the spec as the page draws it, :func:`web_drawing`)."""
    from .charts import inline_spec

    settings, web = drawing(), web_drawing()
    images = {fig.id: {"spec": static_spec(fig)} for fig in figures}
    for image in images.values():
        image["key"] = _hash([image["spec"], settings])
    web_images = {fig.id: {"spec": inline_spec(fig)} for fig in figures}
    for image in web_images.values():
        image["key"] = _hash([image["spec"], web])
    return {"drawing": settings, "images": images, "web": {"drawing": web, "images": web_images}}


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


def _at_width(spec: dict[str, Any], width: int) -> dict[str, Any]:
    """``spec`` drawn ``width`` pixels wide in all when it is as wide as its container."""
    if spec.get("width") != "container":
        return spec
    return spec | {"width": width, "autosize": {"type": "fit-x", "contains": "padding"}}


def _theme_colors(themes: dict[str, Any], theme: str) -> dict[str, str]:
    """The colors of the light theme's config and what ``theme``'s config has in their place."""
    pairs: dict[str, str] = {}

    def walk(light: Any, other: Any) -> None:
        if isinstance(light, dict) and isinstance(other, dict):
            for key in light.keys() & other.keys():
                walk(light[key], other[key])
        elif isinstance(light, str) and isinstance(other, str) and light.startswith("#") and light != other:
            pairs[light.lower()] = other

    walk(themes["light"], themes[theme])
    return pairs


# The ids vl-convert numbers across the drawings of a process: clip paths and gradients.
_NUMBERED_ID = re.compile(r"\b(clip|gradient_)(\d+)\b")


def number_ids(svg: str) -> str:
    """``svg`` with its clip-path and gradient ids numbered from 1, so a chart drawn again is the same file."""
    numbers: dict[tuple[str, str], str] = {}

    def renumber(match: re.Match[str]) -> str:
        key = (match.group(1), match.group(2))
        return match.group(1) + numbers.setdefault(key, str(sum(k[0] == key[0] for k in numbers) + 1))

    return _NUMBERED_ID.sub(renumber, svg)


def _recolor(svg: str, colors: dict[str, str]) -> str:
    """``svg`` with each color of ``colors`` (lower-case keys) replaced by its value."""
    if not colors:
        return svg
    pattern = re.compile("|".join(map(re.escape, colors)), re.IGNORECASE)
    return pattern.sub(lambda m: colors[m.group(0).lower()], svg)


def web_svgs(spec: dict[str, Any], settings: dict[str, Any]) -> dict[tuple[int, str], str]:
    """A web chart drawn offline: its SVG by width and theme. Each width is drawn in the light
    theme; the other themes' SVGs are the same with the theme's colors (their configs differ only
    in colors: the tests check that vl-convert draws the same). Ids are numbered from 1 in each SVG
    (:func:`number_ids`), so the same chart gives the same file."""
    import vl_convert

    result: dict[tuple[int, str], str] = {}
    colors = {theme: _theme_colors(settings["themes"], theme) for theme in settings["themes"]}
    for width in settings["widths"]:
        svg = vl_convert.vegalite_to_svg(
            _at_width(spec, width), vl_version=settings["vl_version"], config=settings["themes"]["light"]
        )
        svg = number_ids(svg)
        for theme in settings["themes"]:
            result[width, theme] = _recolor(svg, colors[theme])
    return result


def draw_web_images(plan: dict[str, Any], root: Path, progress: bool = True) -> list[str]:
    """Draw the web images of the figures of ``plan`` (a :func:`chart_plan`) whose key changed or
    whose files are missing, remove those of figures not in the plan, and record what was drawn in
    ``web-drawn.json``. Returns the ids of the figures drawn."""
    folder = root / FOLDER
    web = plan["web"]
    settings, images = web["drawing"], web["images"]
    try:
        drawn = json.loads((folder / WEB_DRAWN).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        drawn = {}
    paths = {
        i: {(w, t): root / web_image_path(i, w, t) for w in settings["widths"] for t in settings["themes"]}
        for i in images
    }
    todo = [
        i
        for i, image in images.items()
        if drawn.get(i) != image["key"] or not all(p.exists() for p in paths[i].values())
    ]
    start = time.perf_counter()
    for n, figure_id in enumerate(todo, 1):
        for (width, theme), svg in web_svgs(images[figure_id]["spec"], settings).items():
            write_generated(paths[figure_id][width, theme], svg)
        if progress and len(todo) > 10 and (n % 10 == 0 or n == len(todo)):
            print(f"readinglist: drew {n}/{len(todo)} charts for the web", file=sys.stderr)
    kept = {p.name for files in paths.values() for p in files.values()}
    for old in folder.glob("*.svg"):
        if old.name not in kept:
            old.unlink()
    wanted = {i: image["key"] for i, image in images.items()}
    write_generated(folder / WEB_DRAWN, json.dumps(wanted, indent=1) + "\n")
    if progress and todo:
        print(
            f"readinglist: drew {len(todo)} chart(s) for the web ({time.perf_counter() - start:.1f} s)", file=sys.stderr
        )
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
