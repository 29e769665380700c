#!/usr/bin/env bash
# Create .venv if needed (outside the project, linked: see scripts/venv.sh), install the development
# requirements, then run every check: ruff, the test suite (data, CLI, arXiv client, book pages,
# charts, browser) and nbval on the notebooks (strict: their stored outputs must match a fresh run).
# Extra arguments go to pytest, e.g. `bash scripts/test.sh -k cards`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh
ensure_venv .venv requirements-dev.txt
# The Nu HTML Checker for the rendered pages (npm; its test skips, saying why, without npm or Java).
if command -v npm >/dev/null 2>&1 && [ ! -f tools/node_modules/vnu-jar/build/dist/vnu.jar ]; then
  npm ci --prefix tools --no-audit --no-fund -q
fi
.venv/bin/ruff check .
.venv/bin/python -m pytest --nbval --nbval-current-env --nbval-sanitize-with notebooks/sanitize.cfg \
  tests notebooks "$@"
