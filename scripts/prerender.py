"""Quarto pre-render step (see `project: pre-render` in _quarto.yml)."""

import sys

from readinglist.book import prerender

problems = prerender()
for problem in problems:
    print(problem, file=sys.stderr)
sys.exit(1 if problems else 0)
