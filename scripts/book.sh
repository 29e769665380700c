#!/usr/bin/env bash
# Create .venv-book if needed (outside the project, linked: see scripts/venv.sh), install the runtime
# requirements, and render the book into _book/: the web book and its downloads, the PDF (Typst)
# and the EPUB (_book/ML-Reading-List.pdf, .epub).
# Uses the quarto on PATH; only when there is none, installs the quarto-cli package (whose
# installer downloads Quarto). Extra arguments go to `quarto render`: `--to html` builds only the
# web book for a quick look, `--to typst` or `--to epub` one download, `chapters/rl.qmd` one page.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh
ensure_venv .venv-book requirements.txt
if ! command -v quarto >/dev/null 2>&1; then
  .venv-book/bin/python -m pip install -q --disable-pip-version-check quarto-cli
fi
# Quarto runs the cells with QUARTO_PYTHON and the pre-render script with the python on PATH.
export PATH="$PWD/.venv-book/bin:$PATH"
export QUARTO_PYTHON="$PWD/.venv-book/bin/python"
quarto render "$@"
