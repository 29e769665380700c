#!/usr/bin/env bash
# Re-execute notebooks in place, so their stored outputs match the data again (nbval compares them).
#
#   bash scripts/notebooks.sh                          # every notebook in notebooks/
#   bash scripts/notebooks.sh notebooks/topic.ipynb    # only these
#
# The kernel is the project's Python (.venv/bin/python, or $READINGLIST_PYTHON), whatever Jupyter
# kernels are installed elsewhere; it runs in each notebook's folder and inherits the environment,
# so READINGLIST_DATA (another data folder) is honoured. Creates .venv like scripts/test.sh when it
# is missing. Cell timings are not recorded, so re-running on unchanged data changes nothing.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
python="${READINGLIST_PYTHON:-$root/.venv/bin/python}"
if [ ! -x "$python" ]; then
  (cd "$root" && source scripts/venv.sh && ensure_venv .venv requirements-dev.txt)
fi
[ "$#" -gt 0 ] || set -- "$root"/notebooks/*.ipynb
exec "$python" - "$@" <<'PY'
import sys
from pathlib import Path

import ipykernel.kernelspec
import nbformat
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient


class ThisPython(KernelSpecManager):
    """Every kernel name resolves to an ipykernel running on this interpreter."""

    def get_kernel_spec(self, kernel_name):
        return self.kernel_spec_class(
            resource_dir=ipykernel.kernelspec.RESOURCES, **ipykernel.kernelspec.get_kernel_dict()
        )


for name in sys.argv[1:]:
    path = Path(name).resolve()
    nb = nbformat.read(path, as_version=4)
    km = AsyncKernelManager(kernel_name="python3", kernel_spec_manager=ThisPython())
    client = NotebookClient(
        nb, km=km, timeout=600, record_timing=False, resources={"metadata": {"path": str(path.parent)}}
    )
    client.execute()
    nbformat.write(nb, path)
    print(f"executed {name}")
PY
