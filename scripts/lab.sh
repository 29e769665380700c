#!/usr/bin/env bash
# Create .venv if needed (like scripts/test.sh), then open JupyterLab on notebooks/.
# Extra arguments go to `jupyter lab`, e.g. `bash scripts/lab.sh --no-browser --port 8899`.
# The `python3` kernel is the one in .venv: its kernel folder is put first on JUPYTER_PATH, ahead
# of any user-wide `python3` kernel. READINGLIST_DATA, if set, reaches the kernel.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh
ensure_venv .venv requirements-dev.txt
.venv/bin/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (ipykernel)" >/dev/null
export JUPYTER_PATH="$PWD/.venv/share/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"
exec .venv/bin/jupyter lab --ServerApp.root_dir="$PWD/notebooks" "$@"
