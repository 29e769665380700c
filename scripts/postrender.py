"""Quarto post-render step (see `project: post-render` in _quarto.yml): the search index with one
document per entry (readinglist.search), then the HTML pages rewritten to paint sooner
(readinglist.paint)."""

import sys

from readinglist.paint import postrender
from readinglist.search import main

sys.exit(main([]) or postrender())
