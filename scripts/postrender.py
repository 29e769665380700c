"""Quarto post-render step (see `project: post-render` in _quarto.yml): the search index with one
document per entry (readinglist.search)."""

import sys

from readinglist.search import main

sys.exit(main([]))
