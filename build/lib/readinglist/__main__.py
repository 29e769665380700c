"""Entry point for ``python -m readinglist``."""

import sys

from .cli import main

sys.exit(main())
