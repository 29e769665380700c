"""Quarto pre-render step (see `project: pre-render` in _quarto.yml)."""

import sys

from readinglist.render import prerender

sys.exit(prerender())
