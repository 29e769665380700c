"""Quarto post-render step (see `project: post-render` in _quarto.yml): the search index with one
document per entry (readinglist.search), the HTML pages rewritten to paint sooner
(readinglist.paint), the icon font cut down to the icons the book uses (readinglist.icons) and
Bootstrap's style sheets to the rules its pages can use (readinglist.styles)."""

import os
import sys
from pathlib import Path

from readinglist import icons, styles
from readinglist.paint import postrender
from readinglist.search import main

project = Path(os.environ.get("QUARTO_PROJECT_DIR", "."))
site = project / os.environ.get("QUARTO_PROJECT_OUTPUT_DIR", "_book")
sys.exit(main([]) or postrender() or icons.main(project, site) or styles.main(project, site))
