"""The Vega, Vega-Lite and vega-embed bundle the book's charts load, served from the book."""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

from .files import atomic_write


def write_vega_bundle(path: str | Path) -> Path:
    """Write the bundle (defines ``window.vegaEmbed``) unless the file already holds the bundle of
    these versions of vl-convert and Altair (its first line names them). Making it takes seconds, and
    so does importing Altair, which tells the Vega-Lite version: neither happens when it is current."""
    path = Path(path)
    versions = {name: importlib.metadata.version(name) for name in ("vl-convert-python", "altair")}
    stamp = f"// vl-convert {versions['vl-convert-python']}, altair {versions['altair']}\n"
    if path.exists():
        with path.open(encoding="utf-8") as fh:
            if fh.readline() == stamp:
                return path
    import vl_convert

    from .charts import VL_VERSION

    data = (stamp + vl_convert.javascript_bundle(vl_version=VL_VERSION)).encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, data)
    return path
